/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_seccomp.h - the P1 seccomp-BPF filter, generated from ptrace/syscalls.def. */
#ifndef UDC_PT_SECCOMP_H
#define UDC_PT_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/*
 * SECCOMP_RET_DATA of a trap (PTRACE_GETEVENTMSG at a PTRACE_EVENT_SECCOMP stop): the table
 * index of the syscall, the "exit stop needed" bit, or FOREIGN for a syscall of another ABI
 * (i386 via int 0x80, x32), which the tracer must handle or fail with ENOSYS: none bypasses.
 */
#define PT_SECCOMP_DATA_INDEX 0x03ffu
#define PT_SECCOMP_DATA_EXIT 0x4000u
#define PT_SECCOMP_DATA_PROBE 0x2000u /* the probe filter's (pt_probe.c): nothing to do */
#define PT_SECCOMP_DATA_FOREIGN 0x8000u

/* Room for any filter the table can produce (about 2.5 instructions per syscall, 7.5 with a
 * cookie test, 5 more on a notified call). */
#define PT_SECCOMP_MAX_INSNS 1024

/*
 * Build the filter for mode (enum pt_mode bits) into buf[cap]; *len instructions; 0/-ENOSPC.
 * cookie (0: none): a bypassable call (pt_sysent_bypass) whose sixth argument is the cookie is
 * allowed: the preload shim inside a P1 guest made it with a path it translated itself.
 * notif (enum pt_notif_call bits, 0: none): those calls, in the forms pt_notif.c serves, answer
 * SECCOMP_RET_USER_NOTIF instead of trapping.
 */
int pt_seccomp_filter(unsigned int mode, uint64_t cookie, unsigned int notif,
		      struct sock_filter *buf, size_t cap, size_t *len);
/*
 * In the child before exec: set no_new_privs and install the filter; 0 or -errno. With notif,
 * *listener is the notification fd, or -1 when the kernel refused one (then no notif calls).
 */
int pt_seccomp_install(unsigned int mode, uint64_t cookie, unsigned int notif, int *listener);

#endif
