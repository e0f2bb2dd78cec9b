/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_enter.c - the syscall-entry side of the tracer: translate the table's path arguments. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_ident.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_sysno.h"

/* host with a leading /proc/self or /proc/thread-self made the tracee's, in buf[PATH_MAX]. */
const char *pt_fs_self(pid_t pid, const char *host, char *buf)
{
	const char *rest = NULL;
	int n;

	if (strncmp(host, "/proc/self", 10) == 0 && (host[10] == '/' || !host[10]))
		rest = host + 10;
	else if (strncmp(host, "/proc/thread-self", 17) == 0 && (host[17] == '/' || !host[17]))
		rest = host + 17;
	if (!rest)
		return host;
	if (rest == host + 10)
		n = snprintf(buf, PATH_MAX, "/proc/%d%s", (int)pid, rest);
	else
		n = snprintf(buf, PATH_MAX, "/proc/%d/task/%d%s", (int)pid, (int)pid, rest);
	return n > 0 && n < PATH_MAX ? buf : host;
}

/* The pm_fs context: the tracee (whose /proc/self it is) and the table. */
struct pt_fs_ctx {
	pid_t pid;
	const struct pm_table *table;
};

/* pm_fs kind() seen from the tracee: /proc/self is the tracee, not the tracer. */
static int pt_fs_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	const struct pt_fs_ctx *c = ctx;
	char buf[PATH_MAX];

	return pm_fs_raw_ops()->kind(NULL, pt_fs_self(c->pid, host, buf), follow, type);
}

/* readlink(), and a /proc magic link's host target (exe, cwd, fd/N) shown as its guest path. */
static int pt_fs_readlink(void *ctx, const char *host, char *out, size_t size)
{
	const struct pt_fs_ctx *c = ctx;
	char buf[PATH_MAX], guest[PATH_MAX];
	int n = pm_fs_raw_ops()->readlink(NULL, pt_fs_self(c->pid, host, buf), out, size);
	size_t len;

	if (n <= 0 || strncmp(host, "/proc/", 6) != 0 || out[0] != '/' ||
	    pm_map_host(c->table, out, guest, NULL) != 0)
		return n;
	len = strlen(guest);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, guest, len + 1);
	return (int)len;
}

static const struct pm_fs_ops pt_fs_ops = {
    .kind = pt_fs_kind,
    .readlink = pt_fs_readlink,
};

/* Make the syscall fail with err: skip it now (P1) or at its exit stop (P2). */
static int pt_enter_fail(struct pt_loop *l, struct pt_tracee *t, int err)
{
	struct user_regs_struct r = t->regs;

	pt_reg_set_sysno(&r, -1);
	pt_reg_set_ret(&r, -err);
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return PT_ENTER_ERROR;
	if (l->mode == PT_RUN_P1)
		return PT_ENTER_CONT;
	t->fail = err;
	return PT_ENTER_EXIT;
}

/* The guest directory of dirfd fd in t, in guest[PATH_MAX]; 0 or -errno. */
static int pt_dirfd_guest(struct pt_loop *l, struct pt_tracee *t, int fd, char *guest)
{
	char link[64], host[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->pid, fd);
	n = readlink(link, host, sizeof(host) - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	host[n] = '\0';
	return pm_map_host(l->spec->table, host, guest, NULL);
}

/* The guest directory a relative path of slot is resolved from, in dir[PATH_MAX]; 0/-errno. */
static int pt_slot_base(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
			unsigned int slot, char *dir)
{
	const char *cwd;

	if (s->dirfd[slot] >= 0) {
		int fd = (int)pt_reg_arg(&t->regs, (unsigned int)s->dirfd[slot]);

		if (fd != AT_FDCWD)
			return pt_dirfd_guest(l, t, fd, dir);
	}
	cwd = pt_loop_cwd(l, t);
	if (!cwd)
		return -ENOENT;
	snprintf(dir, PATH_MAX, "%s", cwd);
	return 0;
}

/* Whether the tracee's path in slot is worth translating: read into path[PATH_MAX]. */
static int pt_slot_read(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
			unsigned int slot, char *path)
{
	unsigned long addr = pt_reg_arg(&t->regs, (unsigned int)s->path[slot]);
	int n;

	if (!addr)
		return 0; /* NULL: the kernel answers EFAULT (or uses the dirfd) */
	n = pt_mem_read_string(t->pid, addr, path, PATH_MAX, l->memflags);
	if (n == -EFAULT)
		return 0; /* the kernel answers EFAULT itself */
	return n;
}

/*
 * Translate path slot of s: canonicalise in the guest view, push the host path below the stack
 * and point the argument at it. 1 when rewritten, 0 when left alone, -errno to fail the call.
 */
static int pt_slot(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
		   unsigned int slot, struct user_regs_struct *r, unsigned long *top)
{
	char path[PATH_MAX], dir[PATH_MAX], guest[PATH_MAX], host[PATH_MAX];
	struct pt_fs_ctx c = {.pid = t->pid, .table = l->spec->table};
	struct pm_fs fs = {.ops = &pt_fs_ops, .ctx = &c};
	unsigned long flags = 0;
	int n;

	n = pt_slot_read(l, t, s, slot, path);
	if (n <= 0)
		return n;
	if (path[0] == '/')
		strcpy(dir, "/");
	else if ((n = pt_slot_base(l, t, s, slot, dir)) < 0)
		return n;
	if (s->flags_arg >= 0)
		flags = pt_reg_arg(&t->regs, (unsigned int)s->flags_arg);
	n = pm_canon(l->spec->table, &fs, dir, path,
		     pt_sysent_follow(s, slot, flags) ? PM_FOLLOW : 0, guest, host);
	if (n < 0)
		return n;
	if (slot == 0 && (s->family == PT_FAM_chdir || s->family == PT_FAM_readlink)) {
		t->pending = talloc_strdup(t->event, guest);
		if (!t->pending)
			return -ENOMEM;
	}
	n = pt_mem_push_string(t->pid, top, host, l->memflags);
	if (n < 0)
		return n;
	pt_reg_set_arg(r, (unsigned int)s->path[slot], *top);
	return 1;
}

/* Translate every path slot of s; 0, or -errno to fail the syscall. */
static int pt_paths(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	struct user_regs_struct r = t->regs;
	unsigned long top = pt_mem_stack_top(pt_reg_sp(&r));
	int changed = 0, n;
	unsigned int slot;

	for (slot = 0; slot < 2; slot++) {
		if (s->path[slot] < 0)
			continue;
		n = pt_slot(l, t, s, slot, &r, &top);
		if (n < 0)
			return n;
		changed |= n;
	}
	if (!changed)
		return 0;
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	t->restore = 1;
	return 0;
}

/* execve/execveat: the program, its guest ELF loader or #! interpreter (pt_exec.c). */
static int pt_exec_call(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	char path[PATH_MAX], dir[PATH_MAX], cwd[PATH_MAX];
	struct pt_fs_ctx c = {.pid = t->pid, .table = l->spec->table};
	struct pm_fs fs = {.ops = &pt_fs_ops, .ctx = &c};
	struct pt_exec_req q = {
	    .fs = &fs, .path = path, .dir = dir, .cwd = cwd, .arg = (unsigned int)s->path[0]};
	struct user_regs_struct r = t->regs;
	unsigned long top = pt_mem_stack_top(pt_reg_sp(&r)), flags = 0;
	const char *wd;
	int n;

	n = pt_slot_read(l, t, s, 0, path);
	if (n <= 0)
		return n; /* NULL, unmapped or empty (AT_EMPTY_PATH): the kernel's business */
	n = pt_slot_base(l, t, s, 0, dir);
	wd = pt_loop_cwd(l, t);
	if (n < 0 || !wd)
		return n < 0 ? n : -ENOENT;
	snprintf(cwd, sizeof(cwd), "%s", wd);
	if (s->flags_arg >= 0)
		flags = pt_reg_arg(&t->regs, (unsigned int)s->flags_arg);
	q.canon = pt_sysent_follow(s, 0, flags) ? PM_FOLLOW : 0;
	n = pt_exec(l, t, &q, &r, &top);
	if (n <= 0)
		return n;
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	t->restore = 1;
	return 0;
}

/* bind/connect: an AF_UNIX path address is not translated yet, so it fails with ENOSYS. */
static int pt_sockaddr(struct pt_loop *l, struct pt_tracee *t)
{
	unsigned long addr = pt_reg_arg(&t->regs, 1);
	unsigned long len = pt_reg_arg(&t->regs, 2);
	char head[3] = {0};
	sa_family_t fam;

	if (!addr || len < sizeof(sa_family_t) + 1 ||
	    pt_mem_read(t->pid, addr, head, sizeof(head), l->memflags) != 0)
		return 0;
	memcpy(&fam, head, sizeof(fam));
	if (fam != AF_UNIX || head[sizeof(fam)] == '\0')
		return 0; /* not a path address (inet, abstract or unnamed AF_UNIX) */
	return -ENOSYS;
}

int pt_enter(struct pt_loop *l, struct pt_tracee *t, int idx, int need_exit)
{
	const struct pt_sysent *s = &pt_sysent_table[idx];
	int r = 0;

	t->sysidx = idx;
	switch (s->family) {
	case PT_FAM_deny_enosys:
	case PT_FAM_deny_eperm:
		return pt_enter_fail(l, t, pt_sysent_deny_errno(s));
	case PT_FAM_path:
	case PT_FAM_open:
	case PT_FAM_stat:
	case PT_FAM_readlink:
	case PT_FAM_chdir:
		r = pt_paths(l, t, s);
		break;
	case PT_FAM_exec:
		r = pt_exec_call(l, t, s);
		break;
	case PT_FAM_chown:
		r = pt_paths(l, t, s);
		if (r == 0)
			r = pt_ident_chown(l, t, s);
		break;
	case PT_FAM_getid:
	case PT_FAM_getresid:
	case PT_FAM_setid:
		return pt_ident_enter(l, t, s);
	case PT_FAM_getcwd:
	case PT_FAM_fchdir:
	case PT_FAM_uname: /* uname: the release is replaced at the exit */
		need_exit = 1;
		break;
	case PT_FAM_sockaddr:
		r = pt_sockaddr(l, t);
		break;
	default:
		r = -ENOSYS; /* not translated yet: never let it reach the host */
		break;
	}
	if (r == -ESRCH)
		return PT_ENTER_ERROR;
	if (r < 0)
		return pt_enter_fail(l, t, -r);
	return need_exit || t->restore ? PT_ENTER_EXIT : PT_ENTER_CONT;
}
