/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_abi.h - P2: tell a syscall of another ABI (int 0x80, x32) from a native one at its entry. */
#ifndef UDC_PT_ABI_H
#define UDC_PT_ABI_H

#include <sys/types.h>
#include <sys/user.h>

/*
 * Whether the syscall pid is stopped at the entry of (registers r) is not an x86_64 one: an
 * x32 number, or i386 through int 0x80 / sysenter. have_info: PTRACE_GET_SYSCALL_INFO works
 * (the probe's syscall_info_ok); else the instruction before the return address decides.
 */
int pt_abi_foreign(pid_t pid, const struct user_regs_struct *r, int have_info);

#endif
