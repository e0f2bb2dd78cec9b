/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_enter.c - the syscall-entry side of the tracer: translate the table's path arguments. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_enter.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_ident.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_proc.h"
#include "ptrace/pt_rdonly.h"
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

/* pm_fs kind() seen from the tracee: /proc/self is the tracee, not the tracer. */
static int pt_fs_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	const struct pt_fs_ctx *c = ctx;
	char buf[PATH_MAX];

	return pm_fs_raw_ops()->kind(NULL, pt_fs_self(c->pid, host, buf), follow, type);
}

/*
 * readlink(), and a /proc magic link's host target (exe, cwd, fd/N) shown as its guest path;
 * the root link is the guest "/". c->magic refuses magic links (scoped openat2).
 */
static int pt_fs_readlink(void *ctx, const char *host, char *out, size_t size)
{
	const struct pt_fs_ctx *c = ctx;
	char buf[PATH_MAX], guest[PATH_MAX];
	/* an exe link: the guest program, not the loader that runs it */
	const char *exe = pt_proc_exe_of(c->tracees, c->pid, host), *res;
	int kind = pt_proc_link(host), n;
	size_t len;

	if (kind && c->magic)
		return -c->magic;
	if (kind == PT_PROC_ROOT)
		return size < 2 ? -ENAMETOOLONG : (int)(memcpy(out, "/", 2), 1);
	n = pm_fs_raw_ops()->readlink(NULL, pt_fs_self(c->pid, host, buf), out, size);
	if (n <= 0 || strncmp(host, "/proc/", 6) != 0 || out[0] != '/' ||
	    (!exe && pm_map_host(c->table, out, guest, NULL) != 0))
		return n;
	res = exe ? exe : guest;
	len = strlen(res);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, res, len + 1);
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

void pt_fs_init(struct pt_loop *l, struct pt_tracee *t, struct pt_fs_ctx *c, struct pm_fs *fs)
{
	c->pid = t->pid;
	c->table = pt_loop_table(l, t);
	c->magic = 0;
	c->tracees = l->tracees;
	fs->ops = &pt_fs_ops;
	fs->ctx = c;
}

int pt_dirfd_host(struct pt_tracee *t, int fd, char *host)
{
	char link[64];
	ssize_t n;

	if (fd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)t->pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->pid, fd);
	n = readlink(link, host, PATH_MAX - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	host[n] = '\0';
	return 0;
}

int pt_dir_guest(struct pt_loop *l, struct pt_tracee *t, int fd, char *dir)
{
	char host[PATH_MAX];
	const char *cwd;
	int n;

	if (fd != AT_FDCWD) {
		n = pt_dirfd_host(t, fd, host);
		return n < 0 ? n : pm_map_host(pt_loop_table(l, t), host, dir, NULL);
	}
	cwd = pt_loop_cwd(l, t);
	if (!cwd)
		return -ENOENT;
	snprintf(dir, PATH_MAX, "%s", cwd);
	return 0;
}

int pt_slot_base(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
			unsigned int slot, char *dir)
{
	int fd = AT_FDCWD;

	if (s->dirfd[slot] >= 0)
		fd = (int)pt_reg_arg(&t->regs, (unsigned int)s->dirfd[slot]);
	return pt_dir_guest(l, t, fd, dir);
}

/* Whether the tracee's path in slot is worth translating: read into path[PATH_MAX]. */
int pt_slot_read(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
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
 * ro (NULL: no read-only entry) gets the slot's read-only verdict (pt_rdonly.c).
 */
static int pt_slot(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
		   unsigned int slot, struct user_regs_struct *r, unsigned long *top,
		   struct pt_ro *ro)
{
	char path[PATH_MAX], dir[PATH_MAX], guest[PATH_MAX], host[PATH_MAX];
	struct pt_fs_ctx c;
	struct pm_fs fs;
	unsigned long flags = 0;
	int n;

	pt_fs_init(l, t, &c, &fs);
	n = pt_slot_read(l, t, s, slot, path);
	if (n <= 0)
		return n;
	if (path[0] == '/')
		strcpy(dir, "/");
	else if ((n = pt_slot_base(l, t, s, slot, dir)) < 0)
		return n;
	if (s->flags_arg >= 0)
		flags = pt_reg_arg(&t->regs, (unsigned int)s->flags_arg);
	n = pm_canon(c.table, &fs, dir, path,
		     pt_sysent_follow(s, slot, flags) ? PM_FOLLOW : 0, guest, host);
	if (n < 0)
		return n;
	if (ro)
		pt_rdonly_slot(c.table, &fs, t->sysidx, slot, flags, guest, host, ro);
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
	struct pt_ro ro = {{0, 0}, {-1, -1}};
	int changed = 0, rdonly = pm_ro_any(pt_loop_table(l, t)), n;
	unsigned int slot;

	for (slot = 0; slot < 2; slot++) {
		if (s->path[slot] < 0)
			continue;
		n = pt_slot(l, t, s, slot, &r, &top, rdonly ? &ro : NULL);
		if (n < 0)
			return n;
		changed |= n;
	}
	n = rdonly ? pt_rdonly_pair(pt_loop_table(l, t), t->sysidx, &ro) : 0;
	if (n == 0 && rdonly)
		n = pt_rdonly_fd(l, t, s);
	if (n < 0)
		return n;
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
	struct pt_fs_ctx c;
	struct pm_fs fs;
	struct pt_exec_req q = {.table = pt_loop_table(l, t),
				.fs = &fs,
				.path = path,
				.dir = dir,
				.cwd = cwd,
				.arg = (unsigned int)s->path[0]};
	struct user_regs_struct r = t->regs;
	unsigned long top = pt_mem_stack_top(pt_reg_sp(&r)), flags = 0;
	const char *wd;
	int n;

	pt_fs_init(l, t, &c, &fs);
	n = pt_slot_read(l, t, s, 0, path);
	if (n == 0)
		n = pt_fexec_path(l, t, s, path); /* fexecve: the file behind the fd, by guest path */
	if (n <= 0)
		return n; /* NULL, unmapped, or an fd the guest view cannot name: the kernel's */
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
	case PT_FAM_fdattr: /* fchmod, fsetxattr, ...: a read-only volume's EROFS only */
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
	case PT_FAM_openat2:
		r = pt_openat2(l, t, s);
		break;
	case PT_FAM_sockaddr:
		r = pt_sockaddr(l, t);
		break;
	case PT_FAM_sockname:
		r = pt_sockname_enter(l, t);
		need_exit = 1;
		break;
	case PT_FAM_chroot:
		r = pt_chroot(l, t, s);
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
