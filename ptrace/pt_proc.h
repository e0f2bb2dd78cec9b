/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_proc.h - a tracee's program as the guest sees it: the /proc exe link and AT_EXECFN. */
#ifndef UDC_PT_PROC_H
#define UDC_PT_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "ptrace/pt_loop.h"
#include "ptrace/pt_tracee.h"

/* What an exec in flight runs; a child of t->event, so it goes when the syscall ends. */
struct pt_proc_exec {
	struct pt_tracee *owner;
	char *exe;    /* canonical guest path of the program the kernel will run (the exe link) */
	char *execfn; /* the name the kernel records as AT_EXECFN, in the guest view */
};

/*
 * At the entry of an exec in t: the kernel will run guest program exe (the final one, after #!
 * interpreters; not the ELF loader), named path by the call. 0 or -ENOMEM.
 */
int pt_proc_exec_plan(struct pt_tracee *t, const char *exe, const char *path);

/*
 * PTRACE_EVENT_EXEC of t: the planned exec succeeded. When a thread other than the leader
 * exec'd, its tracee takes over the leader's pid (the leader's is freed). The exe becomes the
 * planned one (unknown without a plan) and AT_EXECFN in the new stack is made the guest name
 * when it fits in place. Returns the tracee now known by t's pid (t or the former thread).
 */
struct pt_tracee *pt_proc_exec_done(struct pt_loop *l, struct pt_tracee *t);

/* A fork or clone: child c runs what parent t runs (kept when c exec'd already). */
int pt_proc_child(struct pt_tracee *c, const struct pt_tracee *t);

/*
 * The guest program path of the exe link path (/proc/self/exe, /proc/thread-self/exe,
 * /proc/N/exe, /proc/N/task/M/exe) as seen by tracee self; NULL when path is no such link or
 * names no tracee whose program is known.
 */
const char *pt_proc_exe_of(struct pt_tracees *ts, pid_t self, const char *path);

/*
 * readlink(at) by t of guest path, a /proc magic link the kernel answered with *ret > 0 bytes
 * of its host target in the buffer buf of size bytes. An exe link: write the guest program
 * path. Another link the kernel cut to size: map its whole target, write the guest path. Both
 * truncated to size as readlink does; 1 with the result in *ret. 0: neither, nothing done.
 */
int pt_proc_readlink(struct pt_loop *l, struct pt_tracee *t, const char *path, unsigned long buf,
		     unsigned long size, long *ret);

#endif
