/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_mem.h - read and write a tracee's memory; place strings below its stack pointer. */
#ifndef UDC_PT_MEM_H
#define UDC_PT_MEM_H

#include <stddef.h>
#include <sys/types.h>

#include "ptrace/arch/x86_64.h"

/*
 * process_vm_readv/writev first (one syscall per chunk); PTRACE_PEEKDATA/POKEDATA (one per
 * word, tracee must be ptrace-stopped) when they fail with ENOSYS or EPERM, or always with
 * PT_MEM_PEEKPOKE (the tracer sets it when pt_probe found process_vm_readv unusable).
 * All return 0 or -errno (-EFAULT: some byte is not mapped as needed, -ESRCH: no such tracee).
 * PEEK/POKE force access as a debugger does: they also reach PROT_NONE and read-only pages,
 * where process_vm_* (like the kernel reading a syscall argument) give -EFAULT.
 */
enum pt_mem_flag {
	PT_MEM_PEEKPOKE = 1u << 0,
};

/* Copy len bytes at tracee address addr into buf; all or nothing. */
int pt_mem_read(pid_t pid, unsigned long addr, void *buf, size_t len, unsigned int flags);
/* Copy len bytes of buf to tracee address addr. */
int pt_mem_write(pid_t pid, unsigned long addr, const void *buf, size_t len, unsigned int flags);
/* Read the NUL-terminated string at addr into buf[size]; its length, -ENAMETOOLONG or -EFAULT. */
int pt_mem_read_string(pid_t pid, unsigned long addr, char *buf, size_t size, unsigned int flags);
/* Write str and its NUL below *top, 16-byte aligned; *top becomes its address. No registers. */
int pt_mem_push_string(pid_t pid, unsigned long *top, const char *str, unsigned int flags);
/* Write len bytes of buf below *top the same way; *top becomes their address. */
int pt_mem_push(pid_t pid, unsigned long *top, const void *buf, size_t len, unsigned int flags);

/* The first *top for pt_mem_push_string: below the ABI red zone under the stack pointer sp. */
static inline unsigned long pt_mem_stack_top(unsigned long sp)
{
	return sp - PT_ARCH_RED_ZONE;
}

#endif
