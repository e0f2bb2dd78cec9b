/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_probe.h - what this kernel's ptrace and seccomp can do, found by trying, never by uname. */
#ifndef UDC_PT_PROBE_H
#define UDC_PT_PROBE_H

#include <sys/syscall.h>
#include <sys/types.h>

#include "common/error.h"

/* Order of the two stops of a trapped syscall when the tracer resumes with PTRACE_SYSCALL. */
enum pt_probe_order {
	PT_ORDER_UNKNOWN,	/* no seccomp stop seen (P2 only) */
	PT_ORDER_SECCOMP_FIRST, /* before Linux 4.8: seccomp stop, then syscall-entry stop */
	PT_ORDER_ENTRY_FIRST,	/* 4.8 on (and backports): entry stop, then seccomp stop */
};

struct pt_probe {
	int ptrace_ok;		   /* PTRACE_SEIZE of our own child works */
	int seccomp_ok;		   /* a RET_TRACE filter loads and its stop arrives: P1 works */
	enum pt_probe_order order; /* see above; meaningful when seccomp_ok */
	int syscall_info_ok;	   /* PTRACE_GET_SYSCALL_INFO answers at a seccomp stop (5.3+) */
	int vm_ok;		   /* process_vm_readv reads a tracee (else PEEKDATA) */
	int seccomp_errno;	   /* why the filter did not load (0 when it did) */
	int child_gone;		   /* the probed child ended (reaped already) */
};

/* The probe call: getppid with this first argument, trapped by the probe filter only. */
#define PT_PROBE_NR __NR_getppid
#define PT_PROBE_MAGIC 0x75646370u

/*
 * Fork a small child, trace it and fill out. Returns 0 (P2 possible at least) or -errno with
 * e naming the reason in one line, e.g. ptrace forbidden (Yama, container) -> use the F mode.
 * Every child is killed and reaped before it returns.
 */
int pt_probe_run(struct pt_probe *out, struct udc_error *e);

/*
 * The same probe on a process of the caller's: the guest's first process probes before it
 * does anything else, so a run needs no child of its own for it.
 * In the child: with filter, load the probe filter (it traps only the probe call and stays
 * loaded: 9 instructions); make the probe call. Returns what the tracer answered: 1 when it
 * can read the child's memory without a stop (process_vm_readv), else 0; or -errno: the
 * filter did not load, or -ENOSYS: no tracer answered. On -errno the child must _exit(errno)
 * at once: the tracer takes that status for the reason (seccomp_errno).
 */
long pt_probe_child(int filter);
/* Seize pid and stop it once (opts: PTRACE_O_*); 0 or -errno with e (forbidden: F mode). */
int pt_probe_seize(pid_t pid, long opts, struct udc_error *e);
/*
 * In the tracer, pid seized and stopped (pt_probe_seize): let it go (a byte on go), follow it
 * through its probe call and fill out. 0 with pid stopped at the probe call's exit stop (the
 * caller resumes it) or, filtered, gone (out->child_gone: reaped, seccomp_errno says why);
 * or -errno with e.
 */
int pt_probe_attached(struct pt_probe *out, pid_t pid, int go, int filter, struct udc_error *e);

#endif
