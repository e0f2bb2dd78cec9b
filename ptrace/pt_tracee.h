/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_tracee.h - the tracer's table of tracees (uthash, O(1) by pid) and their per-tracee state. */
#ifndef UDC_PT_TRACEE_H
#define UDC_PT_TRACEE_H

#include <sys/types.h>
#include <sys/user.h>
#include <talloc.h>
#include <uthash.h>

struct pt_proc_exec;
struct pm_table;
#include "ptrace/pt_cred.h"

/* Where a tracee is in a trapped syscall. */
enum pt_tracee_state {
	PT_TS_OUTSIDE,	  /* running user code, or stopped outside a syscall */
	PT_TS_ENTERED,	  /* P2: the entry stop was seen, the exit stop comes next */
	PT_TS_WAIT_ENTRY, /* P1, seccomp stop first (old kernels): an entry stop comes first */
	PT_TS_WAIT_EXIT,  /* the exit stop of a handled syscall comes next */
};

/*
 * One traced thread. The struct itself is the `life` context (freed with the tracee); `event`
 * holds what one syscall needs between its entry and exit stops and is emptied after it.
 */
struct pt_tracee {
	pid_t pid;
	int fresh;	   /* created by the parent's fork event: its first stop is the attach */
	int state;	   /* enum pt_tracee_state */
	int sysidx;	   /* table index of the syscall being handled, -1: none */
	int fail;	   /* P2: errno the handled syscall fails with at its exit, 0: none */
	int execed;	   /* an exec succeeded inside the current syscall: registers are new */
	int restore;	   /* argument registers were rewritten: restore them at the exit stop */
	char *cwd;	   /* guest cwd (child of the tracee), NULL: read /proc/PID/cwd */
	unsigned long fsid; /* fs struct shared with (CLONE_FS, pt_fsgroup.c), 0: alone */
	char *pending;	   /* guest path of a chdir in flight (child of event) */
	char *exe;	   /* guest path of the program it runs (child), NULL: unknown (pt_proc.c) */
	struct pt_proc_exec *exec_next; /* an exec in flight (child of event, pt_proc.c) */
	const struct pm_table *table; /* after chroot: the tracee's view (pt_chroot.c), else NULL */
	unsigned long aux; /* a handler's value from entry to exit (sockname: the buffer size) */
	TALLOC_CTX *event; /* emptied at the end of every syscall */
	struct user_regs_struct regs; /* registers at the syscall entry, as the guest set them */
	struct pt_cred cred;	      /* fake identity (ptrace/pt_ident.c), groups children of t */
	long ident_ret;		      /* P2: the result pt_ident decided at the entry stop */
	unsigned long ident_buf;      /* fake chown: the stat buffer placed below the stack */
	UT_hash_handle hh;
};

/* A talloc object (talloc_zero(ctx, struct pt_tracees)); the tracees are its children. */
struct pt_tracees {
	struct pt_tracee *by_pid; /* uthash head */
};

/* The tracee pid, or NULL. */
struct pt_tracee *pt_tracee_find(struct pt_tracees *ts, pid_t pid);
/* A new tracee pid with guest cwd (may be NULL), added to ts; NULL when out of memory. */
struct pt_tracee *pt_tracee_new(struct pt_tracees *ts, pid_t pid, const char *cwd);
/* Set the guest cwd of t (NULL: unknown); 0 or -ENOMEM. */
int pt_tracee_set_cwd(struct pt_tracee *t, const char *cwd);
/* Remove t from ts and free it with everything it owns. */
void pt_tracee_del(struct pt_tracees *ts, struct pt_tracee *t);
/* SIGKILL every tracee of ts (they are reaped by the loop as usual). */
void pt_tracee_kill_all(struct pt_tracees *ts);
/* How many tracees ts holds. */
unsigned int pt_tracee_count(const struct pt_tracees *ts);

#endif
