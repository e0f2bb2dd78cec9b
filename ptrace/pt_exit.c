/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_exit.c - the syscall-exit side of the tracer: fix results, restore rewritten arguments. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/ptrace.h>

#include "common/pm.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_fsgroup.h"
#include "ptrace/pt_ident.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_proc.h"
#include "ptrace/pt_sysno.h"

/* Read the host path the kernel wrote at addr (len bytes) and map it into guest[PATH_MAX]. */
static int pt_exit_guest(struct pt_loop *l, struct pt_tracee *t, unsigned long addr, size_t len,
			 char *guest)
{
	char host[PATH_MAX];
	int n;

	if (len == 0 || len >= sizeof(host))
		return -ENAMETOOLONG;
	n = pt_mem_read(t->pid, addr, host, len, l->memflags);
	if (n < 0)
		return n;
	host[len] = '\0';
	return pm_map_host(pt_loop_table(l, t), host, guest, NULL);
}

/* getcwd: the kernel wrote the host cwd; write the guest one (the length with NUL). */
static long pt_exit_getcwd(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	unsigned long buf = pt_reg_arg(&t->regs, 0), size = pt_reg_arg(&t->regs, 1);
	char guest[PATH_MAX];
	size_t len;

	if (ret <= 0 || pt_exit_guest(l, t, buf, (size_t)ret - 1, guest) != 0)
		return ret; /* a failure, or a cwd outside the guest view: left as the kernel said */
	len = strlen(guest) + 1;
	if (len > size)
		return -ERANGE;
	if (pt_mem_write(t->pid, buf, guest, len, l->memflags) != 0)
		return -EFAULT;
	if (pt_tracee_set_cwd(t, guest) != 0)
		return -ENOMEM;
	return (long)len;
}

/* readlink(at) of a /proc magic link: the kernel's host path, shown as the guest's. */
static long pt_exit_readlink(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	const struct pt_sysent *s = &pt_sysent_table[t->sysidx];
	unsigned int a = (unsigned int)s->path[0];
	unsigned long buf = pt_reg_arg(&t->regs, a + 1), size = pt_reg_arg(&t->regs, a + 2);
	char guest[PATH_MAX];
	size_t len;

	if (ret <= 0 || !t->pending || strncmp(t->pending, "/proc/", 6) != 0)
		return ret; /* an ordinary symlink holds guest text already */
	if (pt_proc_link(t->pending) == PT_PROC_ROOT)
		strcpy(guest, "/"); /* the tracee's root is the guest's, whatever the host's is */
	else if (pt_proc_readlink(l, t, t->pending, buf, size, &ret) ||
		 pt_exit_guest(l, t, buf, (size_t)ret, guest) != 0)
		return ret; /* pt_proc.c's answer (an exe link, a cut target), or left alone */
	len = strlen(guest);
	if (len > size)
		len = size; /* readlink truncates silently */
	if (pt_mem_write(t->pid, buf, guest, len, l->memflags) != 0)
		return -EFAULT;
	return (long)len;
}

/* The fixed-up result of t's syscall, whose kernel result is ret. */
static long pt_exit_result(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	if (t->fail)
		return -t->fail;
	switch (pt_sysent_table[t->sysidx].family) {
	case PT_FAM_getcwd:
		return pt_exit_getcwd(l, t, ret);
	case PT_FAM_readlink:
		return pt_exit_readlink(l, t, ret);
	case PT_FAM_chdir:
		if (ret == 0 && pt_tracee_set_cwd(t, t->pending) != 0)
			return -ENOMEM;
		if (ret == 0)
			pt_fsgroup_share(l, t);
		return ret;
	case PT_FAM_chroot:
		ret = pt_chroot_exit(l, t, ret);
		if (ret == 0)
			pt_fsgroup_share(l, t);
		return ret;
	case PT_FAM_sockname:
		return pt_sockname_exit(l, t, ret);
	case PT_FAM_fchdir:
		if (ret == 0) {
			pt_tracee_set_cwd(t, NULL); /* read back from /proc/PID/cwd when needed */
			pt_fsgroup_share(l, t);
		}
		return ret;
	case PT_FAM_stat:
	case PT_FAM_chown:
	case PT_FAM_getid:
	case PT_FAM_getresid:
	case PT_FAM_setid:
	case PT_FAM_uname:
		return pt_ident_exit(l, t, ret);
	default:
		return ret;
	}
}

int pt_exit(struct pt_loop *l, struct pt_tracee *t)
{
	struct user_regs_struct r;
	long ret;
	unsigned int i;
	int err = 0;

	if (ptrace(PTRACE_GETREGS, t->pid, 0, &r) != 0)
		err = -ESRCH;
	if (!err && !t->execed) {
		ret = pt_exit_result(l, t, pt_reg_ret(&r));
		pt_reg_set_ret(&r, ret);
		for (i = 0; t->restore && i < 6; i++)
			pt_reg_set_arg(&r, i, pt_reg_arg(&t->regs, i));
		if (t->restore) /* a handler may have changed the call (fake chown): restarts redo it */
			pt_reg_set_sysno(&r, pt_reg_sysno(&t->regs));
		if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
			err = -ESRCH;
	}
	t->sysidx = -1;
	t->fail = t->execed = t->restore = 0;
	t->pending = NULL;
	talloc_free_children(t->event);
	return err;
}
