/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_abi.c - P2: tell a syscall of another ABI (int 0x80, x32) from a native one at its entry. */
#include "ptrace/pt_abi.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>

#include "ptrace/pt_sysno.h"

/*
 * Under P1 the filter sends every foreign call to the tracer with a mark; under P2 the tracer
 * sees only orig_rax, which for `int 0x80` is an i386 number (5 is open there, fstat here):
 * looked up in the x86_64 table it would run untranslated. PTRACE_GET_SYSCALL_INFO (5.3+) names
 * the ABI; older kernels get the two instruction bytes before the return address.
 */

#define PT_GET_SYSCALL_INFO 0x420e
#define PT_X32_BIT 0x40000000UL

/* The audit arch of the syscall t stopped at (entry), or 0 when the kernel cannot say. */
static uint32_t pt_abi_info(pid_t pid)
{
	unsigned char info[88];
	uint32_t arch;
	long n = ptrace((enum __ptrace_request)PT_GET_SYSCALL_INFO, pid, (void *)sizeof(info), info);

	if (n < 8)
		return 0;
	memcpy(&arch, info + 4, sizeof(arch)); /* __u8 op, pad[3], __u32 arch */
	return arch;
}

/* Whether the instruction before rip is int 0x80 (cd 80) or sysenter (0f 34). */
static int pt_abi_insn_foreign(pid_t pid, unsigned long rip)
{
	long w;

	errno = 0;
	w = ptrace(PTRACE_PEEKTEXT, pid, (void *)(rip - 2), 0);
	if (errno != 0)
		return 0;
	return (w & 0xffff) == 0x80cd || (w & 0xffff) == 0x340f;
}

int pt_abi_foreign(pid_t pid, const struct user_regs_struct *r, int have_info)
{
	uint32_t arch;

	if ((unsigned long)pt_reg_sysno(r) & PT_X32_BIT)
		return 1;
	if (have_info && (arch = pt_abi_info(pid)) != 0)
		return arch != AUDIT_ARCH_X86_64;
	return pt_abi_insn_foreign(pid, pt_reg_ip(r));
}
