/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_ident.c - fake identity and --kernel in the tracer: set*id, get*id, chown, stat, uname. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "ptrace/pt_ident.h"
#include "ptrace/pt_mem.h"

/*
 * The guest's identity lives in the tracer only (struct pt_cred per tracee): set*id calls are
 * answered from it and never reach the kernel, so the real credentials never change. What
 * files show: an owner equal to the real uid (gid) is shown as the run's guest uid (gid), so
 * the image, unpacked by the real user, looks owned by root under fake root; other owners
 * (host root, other users) are shown as they are.
 */

unsigned int pt_ident_mode(const struct run_spec *s, uid_t real_uid, gid_t real_gid)
{
	unsigned int m = 0;

	if (s->uid != real_uid || s->gid != real_gid)
		m |= PT_MODE_FAKEROOT;
	if (s->kernel)
		m |= PT_MODE_KERNEL;
	return m;
}

/* The tracee that created pid, from /proc/PID/status (thread: its group leader), or NULL. */
static struct pt_tracee *pt_ident_creator(struct pt_loop *l, pid_t pid)
{
	char path[64], line[128];
	int tgid = 0, ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f) && !(tgid && ppid)) {
		if (!strncmp(line, "Tgid:", 5))
			tgid = (int)strtol(line + 5, NULL, 10);
		else if (!strncmp(line, "PPid:", 5))
			ppid = (int)strtol(line + 5, NULL, 10);
	}
	fclose(f);
	if (tgid > 0 && tgid != pid)
		return pt_tracee_find(l->tracees, tgid);
	return ppid > 0 ? pt_tracee_find(l->tracees, ppid) : NULL;
}

int pt_ident_inherit(struct pt_loop *l, struct pt_tracee *c, const struct pt_tracee *parent)
{
	const struct run_spec *s = l->spec;

	if (!(l->sysmode & PT_MODE_FAKEROOT))
		return 0;
	if (!parent)
		parent = pt_ident_creator(l, c->pid);
	if (parent && parent != c)
		return pt_cred_copy(c, &c->cred, &parent->cred);
	return pt_cred_init(c, &c->cred, s->uid, s->gid, s->groups, s->ngroups);
}

/* Answer the syscall with v without running it: skipped now; P2 sets v again at its exit. */
static int pt_ident_answer(struct pt_loop *l, struct pt_tracee *t, long v)
{
	struct user_regs_struct r = t->regs;

	pt_reg_set_sysno(&r, -1);
	pt_reg_set_ret(&r, v);
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return PT_ENTER_ERROR;
	if (l->mode == PT_RUN_P1)
		return PT_ENTER_CONT;
	t->ident_ret = v;
	return PT_ENTER_EXIT;
}

static unsigned int arg_id(const struct pt_tracee *t, unsigned int i)
{
	return (unsigned int)pt_reg_arg(&t->regs, i);
}

/* getresuid/getresgid: the three ids written where the guest asked, as the kernel's put_user. */
static long pt_ident_getres(struct pt_loop *l, struct pt_tracee *t, const struct pt_ids *x)
{
	const unsigned int v[3] = {x->r, x->e, x->s};

	for (unsigned int i = 0; i < 3; i++)
		if (pt_mem_write(t->pid, pt_reg_arg(&t->regs, i), &v[i], sizeof(v[i]), l->memflags))
			return -EFAULT;
	return 0;
}

/* getgroups(size, list): the count when size is 0, else the list; EINVAL when it does not fit. */
static long pt_ident_getgroups(struct pt_loop *l, struct pt_tracee *t)
{
	int size = (int)pt_reg_arg(&t->regs, 0);
	const struct pt_cred *c = &t->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return (long)c->ngroups;
	if ((size_t)size < c->ngroups)
		return -EINVAL;
	if (c->ngroups && pt_mem_write(t->pid, pt_reg_arg(&t->regs, 1), c->groups,
				       c->ngroups * sizeof(gid_t), l->memflags))
		return -EFAULT;
	return (long)c->ngroups;
}

/* setgroups(size, list): the list read from the guest, checked as the kernel does. */
static long pt_ident_setgroups(struct pt_loop *l, struct pt_tracee *t)
{
	size_t n = (unsigned int)pt_reg_arg(&t->regs, 0);
	gid_t *g = NULL;
	int r = pt_cred_may_setgroups(&t->cred, n);

	if (r < 0)
		return r;
	if (n) {
		g = talloc_array(t->event, gid_t, n);
		if (!g)
			return -ENOMEM;
		if (pt_mem_read(t->pid, pt_reg_arg(&t->regs, 1), g, n * sizeof(*g), l->memflags))
			return -EFAULT;
	}
	return pt_cred_setgroups(t, &t->cred, g, n);
}

/* The result of get*id, getresid, set*id and the groups calls (table index idx). */
static long pt_ident_call(struct pt_loop *l, struct pt_tracee *t, int idx)
{
	struct pt_cred *c = &t->cred;
	const enum pt_cred_kind U = PT_CRED_UID, G = PT_CRED_GID;

	switch (idx) {
	case PT_SYS_getuid:
		return c->uid.r;
	case PT_SYS_geteuid:
		return c->uid.e;
	case PT_SYS_getgid:
		return c->gid.r;
	case PT_SYS_getegid:
		return c->gid.e;
	case PT_SYS_getresuid:
		return pt_ident_getres(l, t, &c->uid);
	case PT_SYS_getresgid:
		return pt_ident_getres(l, t, &c->gid);
	case PT_SYS_getgroups:
		return pt_ident_getgroups(l, t);
	case PT_SYS_setuid:
		return pt_cred_set(c, U, arg_id(t, 0));
	case PT_SYS_setgid:
		return pt_cred_set(c, G, arg_id(t, 0));
	case PT_SYS_setreuid:
		return pt_cred_setre(c, U, arg_id(t, 0), arg_id(t, 1));
	case PT_SYS_setregid:
		return pt_cred_setre(c, G, arg_id(t, 0), arg_id(t, 1));
	case PT_SYS_setresuid:
		return pt_cred_setres(c, U, arg_id(t, 0), arg_id(t, 1), arg_id(t, 2));
	case PT_SYS_setresgid:
		return pt_cred_setres(c, G, arg_id(t, 0), arg_id(t, 1), arg_id(t, 2));
	case PT_SYS_setfsuid:
		return pt_cred_setfs(c, U, arg_id(t, 0));
	case PT_SYS_setfsgid:
		return pt_cred_setfs(c, G, arg_id(t, 0));
	case PT_SYS_setgroups:
		return pt_ident_setgroups(l, t);
	default:
		return -ENOSYS;
	}
}

int pt_ident_enter(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	long v = -ENOSYS; /* never reached without fake identity: the table traps them only then */

	if (l->sysmode & PT_MODE_FAKEROOT)
		v = pt_ident_call(l, t, (int)(s - pt_sysent_table));
	return pt_ident_answer(l, t, v);
}

int pt_ident_chown(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	struct user_regs_struct r;
	unsigned long top, buf, path = 0;
	long nr = __NR_newfstatat, dirfd = AT_FDCWD, flags = 0;

	if (!(l->sysmode & PT_MODE_FAKEROOT))
		return 0;
	if (ptrace(PTRACE_GETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	top = pt_mem_stack_top(pt_reg_sp(&r));
	if (s->path[0] >= 0) {
		path = pt_reg_arg(&r, (unsigned int)s->path[0]);
		if (t->restore && path < top)
			top = path; /* the translated path was pushed there */
	}
	buf = (top - sizeof(struct stat)) & ~(unsigned long)(PT_ARCH_STACK_ALIGN - 1);
	switch ((int)(s - pt_sysent_table)) {
	case PT_SYS_lchown:
		flags = AT_SYMLINK_NOFOLLOW;
		break;
	case PT_SYS_fchownat: /* the same flags as newfstatat: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH */
		dirfd = (long)pt_reg_arg(&r, 0);
		flags = (long)pt_reg_arg(&r, 4);
		break;
	case PT_SYS_fchown:
		nr = __NR_fstat;
		dirfd = (long)pt_reg_arg(&r, 0);
		break;
	default:
		break;
	}
	pt_reg_set_sysno(&r, nr);
	if (nr == __NR_fstat) {
		pt_reg_set_arg(&r, 1, buf);
	} else {
		pt_reg_set_arg(&r, 0, (unsigned long)dirfd);
		pt_reg_set_arg(&r, 1, path);
		pt_reg_set_arg(&r, 2, buf);
		pt_reg_set_arg(&r, 3, (unsigned long)flags);
	}
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	t->ident_buf = buf;
	t->restore = 1; /* the arguments and the number go back at the exit stop */
	return 0;
}

/* An owner as the guest sees it: the real user's files are the guest user's. */
static unsigned int shown(unsigned int id, unsigned int real, unsigned int guest)
{
	return id == real ? guest : id;
}

/* The uid and gid at addr (two adjacent 32-bit fields) rewritten as the guest sees them. */
static long pt_ident_owner(struct pt_loop *l, struct pt_tracee *t, unsigned long addr, long ret)
{
	uint32_t o[2], n[2];

	if (ret != 0 || pt_mem_read(t->pid, addr, o, sizeof(o), l->memflags) != 0)
		return ret;
	n[0] = shown(o[0], l->real_uid, l->spec->uid);
	n[1] = shown(o[1], l->real_gid, l->spec->gid);
	if ((n[0] != o[0] || n[1] != o[1]) && pt_mem_write(t->pid, addr, n, sizeof(n), l->memflags))
		return -EFAULT;
	return ret;
}

void pt_ident_shown_stat(const struct pt_loop *l, struct stat *st)
{
	st->st_uid = shown(st->st_uid, l->real_uid, l->spec->uid);
	st->st_gid = shown(st->st_gid, l->real_gid, l->spec->gid);
}

_Static_assert(offsetof(struct stat, st_gid) == offsetof(struct stat, st_uid) + 4, "st_uid/gid");
_Static_assert(offsetof(struct statx, stx_gid) == offsetof(struct statx, stx_uid) + 4, "stx_uid");

/* The stat family's exit: owners shown as the guest sees them. */
static long pt_ident_stat(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	unsigned long at = pt_reg_arg(&t->regs, 1) + offsetof(struct stat, st_uid);

	if (t->sysidx == PT_SYS_newfstatat)
		at = pt_reg_arg(&t->regs, 2) + offsetof(struct stat, st_uid);
	else if (t->sysidx == PT_SYS_statx)
		at = pt_reg_arg(&t->regs, 4) + offsetof(struct statx, stx_uid);
	return pt_ident_owner(l, t, at, ret); /* stat, lstat, fstat: the buffer is argument 1 */
}

/* The chown family's exit: the stat it became succeeded; may the fake user chown? */
static long pt_ident_chown_exit(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	unsigned int a = t->sysidx == PT_SYS_fchownat ? 2 : 1;
	uint32_t o[2];

	if (ret != 0)
		return ret;
	if (pt_mem_read(t->pid, t->ident_buf + offsetof(struct stat, st_uid), o, sizeof(o),
			l->memflags) != 0)
		return -EFAULT;
	return pt_cred_may_chown(&t->cred, shown(o[0], l->real_uid, l->spec->uid),
				 shown(o[1], l->real_gid, l->spec->gid), arg_id(t, a),
				 arg_id(t, a + 1));
}

/* uname under --kernel: the release replaced in the guest's struct utsname. */
static long pt_ident_uname(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	char rel[sizeof(((struct utsname *)0)->release)] = {0};
	unsigned long addr = pt_reg_arg(&t->regs, 0) + offsetof(struct utsname, release);

	if (ret != 0 || !l->spec->kernel)
		return ret;
	snprintf(rel, sizeof(rel), "%s", l->spec->kernel);
	if (pt_mem_write(t->pid, addr, rel, sizeof(rel), l->memflags) != 0)
		return -EFAULT;
	return ret;
}

long pt_ident_exit(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	const struct pt_sysent *s = &pt_sysent_table[t->sysidx];

	if (s->family == PT_FAM_uname)
		return pt_ident_uname(l, t, ret);
	if (!(l->sysmode & PT_MODE_FAKEROOT))
		return ret;
	switch (s->family) {
	case PT_FAM_stat:
		return pt_ident_stat(l, t, ret);
	case PT_FAM_chown:
		return pt_ident_chown_exit(l, t, ret);
	case PT_FAM_getid:
	case PT_FAM_getresid:
	case PT_FAM_setid:
		return t->ident_ret; /* P2: decided at the entry, the skipped call's result */
	default:
		return ret;
	}
}
