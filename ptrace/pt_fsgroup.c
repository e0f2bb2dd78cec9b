/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_fsgroup.c - CLONE_FS: a chdir, fchdir or chroot reaches every tracee sharing the fs struct. */
#include <linux/sched.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include "ptrace/pt_calls.h"
#include "ptrace/pt_fsgroup.h"
#include "ptrace/pt_mem.h"

/*
 * The kernel keeps cwd and root in a struct fs_struct that clone(CLONE_FS) shares (every
 * pthread); the tracer caches both per tracee (t->cwd, t->table). Tracees sharing one fs struct
 * carry the same fsid (0: alone, numbered lazily from l->fs_next, never reused, so a recycled
 * pid cannot join an old group), and a change in one is copied to the others.
 */

/* The clone flags of the fork/clone t is in (stopped at its event); 0 when unknown. */
static uint64_t pt_fsgroup_flags(struct pt_loop *l, struct pt_tracee *t)
{
	struct user_regs_struct r;
	uint64_t flags = 0;

	if (ptrace(PTRACE_GETREGS, t->pid, 0, &r) != 0)
		return 0;
	switch (pt_reg_sysno(&r)) {
	case __NR_clone:
		return pt_reg_arg(&r, 0);
	case __NR_clone3: /* struct clone_args: flags is its first u64 */
		if (pt_mem_read(t->pid, pt_reg_arg(&r, 0), &flags, sizeof(flags), l->memflags) != 0)
			return 0;
		return flags;
	default:
		return 0; /* fork, vfork: a copy of the fs struct */
	}
}

void pt_fsgroup_child(struct pt_loop *l, struct pt_tracee *child, struct pt_tracee *parent)
{
	if (!(pt_fsgroup_flags(l, parent) & CLONE_FS)) {
		child->fsid = 0;
		return;
	}
	if (!parent->fsid)
		parent->fsid = ++l->fs_next;
	child->fsid = parent->fsid;
}

void pt_fsgroup_share(struct pt_loop *l, struct pt_tracee *t)
{
	struct pt_tracee *o;

	if (!t->fsid)
		return;
	for (o = l->tracees->by_pid; o; o = o->hh.next) {
		if (o == t || o->fsid != t->fsid)
			continue;
		pt_tracee_set_cwd(o, t->cwd); /* out of memory: NULL, read back from /proc */
		pt_chroot_inherit(o, t);
	}
}
