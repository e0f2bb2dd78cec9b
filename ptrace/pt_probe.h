/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_probe.h - what this kernel's ptrace and seccomp can do, found by trying, never by uname. */
#ifndef UDC_PT_PROBE_H
#define UDC_PT_PROBE_H

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
};

/*
 * Fork a small child, trace it and fill out. Returns 0 (P2 possible at least) or -errno with
 * e naming the reason in one line, e.g. ptrace forbidden (Yama, container) -> use the F mode.
 * Every child is killed and reaped before it returns.
 */
int pt_probe_run(struct pt_probe *out, struct udc_error *e);

#endif
