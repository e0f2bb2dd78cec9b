/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64.h - what the P engine needs to know about x86_64: syscall numbers, registers, red zone. */
#ifndef UDC_PT_ARCH_X86_64_H
#define UDC_PT_ARCH_X86_64_H

#include <asm/unistd_64.h>
#include <linux/audit.h>
#include <sys/user.h>

/*
 * Numbers newer than the oldest headers we build with (Debian 12 ships Linux 6.1 headers).
 * The kernel numbers never change once assigned; a kernel that lacks one answers ENOSYS.
 */
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_faccessat2
#define __NR_faccessat2 439
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif

/* The audit architecture seccomp reports for native syscalls (x32 shares it, see below). */
#define PT_ARCH_AUDIT AUDIT_ARCH_X86_64
/* x32 syscalls carry this bit in the number, under the same audit architecture. */
#define PT_ARCH_X32_BIT 0x40000000u
/* Table size for number -> entry lookups: above the highest number we trap. */
#define PT_ARCH_NR_MAX 512
/* Bytes below the stack pointer that leaf functions may use without moving it (SysV ABI). */
#define PT_ARCH_RED_ZONE 128
/* Stack alignment the ABI requires; strings we place are aligned to it. */
#define PT_ARCH_STACK_ALIGN 16

/* The syscall number seen at a syscall stop (orig_rax keeps it; rax holds -ENOSYS/result). */
static inline long pt_reg_sysno(const struct user_regs_struct *r)
{
	return (long)r->orig_rax;
}

static inline void pt_reg_set_sysno(struct user_regs_struct *r, long nr)
{
	r->orig_rax = (unsigned long long)nr;
}

/* Argument i (0..5) of the syscall: rdi, rsi, rdx, r10, r8, r9. */
static inline unsigned long pt_reg_arg(const struct user_regs_struct *r, unsigned int i)
{
	switch (i) {
	case 0:
		return r->rdi;
	case 1:
		return r->rsi;
	case 2:
		return r->rdx;
	case 3:
		return r->r10;
	case 4:
		return r->r8;
	default:
		return r->r9;
	}
}

static inline void pt_reg_set_arg(struct user_regs_struct *r, unsigned int i, unsigned long v)
{
	switch (i) {
	case 0:
		r->rdi = v;
		break;
	case 1:
		r->rsi = v;
		break;
	case 2:
		r->rdx = v;
		break;
	case 3:
		r->r10 = v;
		break;
	case 4:
		r->r8 = v;
		break;
	default:
		r->r9 = v;
		break;
	}
}

/* Return value at a syscall-exit stop (-errno on failure). */
static inline long pt_reg_ret(const struct user_regs_struct *r)
{
	return (long)r->rax;
}

static inline void pt_reg_set_ret(struct user_regs_struct *r, long v)
{
	r->rax = (unsigned long long)v;
}

static inline unsigned long pt_reg_sp(const struct user_regs_struct *r)
{
	return r->rsp;
}

static inline unsigned long pt_reg_ip(const struct user_regs_struct *r)
{
	return r->rip;
}

#endif
