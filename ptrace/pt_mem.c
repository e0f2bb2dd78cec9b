/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_mem.c - tracee memory access: process_vm_readv/writev with a PEEKDATA/POKEDATA fallback. */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "ptrace/pt_mem.h"

/* String reads stop at this boundary: it divides every page size, so no read crosses a page. */
#define CHUNK 4096UL
#define WORD sizeof(long)

/* The errno the caller sees for a failed access: bad addresses are -EFAULT whatever the path. */
static int access_err(int err)
{
	return err == EIO ? -EFAULT : -err;
}

/* Whether a process_vm_* failure means "use PEEK/POKE instead". */
static int vm_unusable(int err)
{
	return err == ENOSYS || err == EPERM;
}

/* One tracee word at aligned address a. */
static int peek(pid_t pid, unsigned long a, long *w)
{
	errno = 0;
	*w = ptrace(PTRACE_PEEKDATA, pid, (void *)a, 0);
	return *w == -1 && errno ? access_err(errno) : 0;
}

static int peek_read(pid_t pid, unsigned long addr, char *buf, size_t len)
{
	while (len > 0) {
		unsigned long a = addr & ~(WORD - 1), off = addr - a;
		size_t n = WORD - off < len ? WORD - off : len;
		long w;
		int r = peek(pid, a, &w);

		if (r)
			return r;
		memcpy(buf, (char *)&w + off, n);
		buf += n, addr += n, len -= n;
	}
	return 0;
}

/* Write by words; partial words at either end are read, patched and written back. */
static int poke_write(pid_t pid, unsigned long addr, const char *buf, size_t len)
{
	while (len > 0) {
		unsigned long a = addr & ~(WORD - 1), off = addr - a;
		size_t n = WORD - off < len ? WORD - off : len;
		long w = 0;
		int r = n < WORD ? peek(pid, a, &w) : 0;

		if (r)
			return r;
		memcpy((char *)&w + off, buf, n);
		if (ptrace(PTRACE_POKEDATA, pid, (void *)a, (void *)w) != 0)
			return access_err(errno);
		buf += n, addr += n, len -= n;
	}
	return 0;
}

/* Read or write through process_vm_*; 1 when the caller should fall back to PEEK/POKE. */
static int vm_rw(pid_t pid, unsigned long addr, char *buf, size_t len, int write)
{
	while (len > 0) {
		struct iovec local = {buf, len}, remote = {(void *)addr, len};
		ssize_t n = write ? process_vm_writev(pid, &local, 1, &remote, 1, 0)
				  : process_vm_readv(pid, &local, 1, &remote, 1, 0);

		if (n < 0 && vm_unusable(errno))
			return 1;
		if (n < 0)
			return access_err(errno);
		if (n == 0)
			return -EFAULT;
		buf += n, addr += (size_t)n, len -= (size_t)n;
	}
	return 0;
}

/* Copy len bytes from the tracee (see pt_mem.h); 0 or -errno, buf undefined on failure. */
int pt_mem_read(pid_t pid, unsigned long addr, void *buf, size_t len, unsigned int flags)
{
	int r = flags & PT_MEM_PEEKPOKE ? 1 : vm_rw(pid, addr, buf, len, 0);

	return r == 1 ? peek_read(pid, addr, buf, len) : r;
}

/* Copy len bytes into the tracee; 0 or -errno (a failure may leave a prefix written). */
int pt_mem_write(pid_t pid, unsigned long addr, const void *buf, size_t len, unsigned int flags)
{
	int r = flags & PT_MEM_PEEKPOKE ? 1 : vm_rw(pid, addr, (char *)buf, len, 1);

	return r == 1 ? poke_write(pid, addr, buf, len) : r;
}

/*
 * Read a string chunk by chunk, never past the page that holds its NUL, so a string that ends
 * just before an unmapped page reads fine. Returns its length (without NUL, stored in buf),
 * -ENAMETOOLONG when it and its NUL do not fit in size, -EFAULT on an unmapped byte.
 */
int pt_mem_read_string(pid_t pid, unsigned long addr, char *buf, size_t size, unsigned int flags)
{
	size_t got = 0;

	while (got < size) {
		size_t n = CHUNK - (addr + got) % CHUNK;
		const char *nul;
		int r;

		if (n > size - got)
			n = size - got;
		r = pt_mem_read(pid, addr + got, buf + got, n, flags);
		if (r)
			return r;
		nul = memchr(buf + got, '\0', n);
		if (nul)
			return (int)(nul - buf);
		got += n;
	}
	return -ENAMETOOLONG;
}

/*
 * Place str (with NUL) in the tracee just below *top, at a 16-byte aligned address, and lower
 * *top to it; start with pt_mem_stack_top(sp) so the red zone stays untouched, and push
 * further strings with the same top. The caller points an argument register at *top.
 * Returns 0, -EFAULT (e.g. below the stack's mapping) or -errno; *top unchanged on failure.
 */
int pt_mem_push_string(pid_t pid, unsigned long *top, const char *str, unsigned int flags)
{
	size_t len = strlen(str) + 1;
	unsigned long a;
	int r;

	if (*top < len + PT_ARCH_STACK_ALIGN)
		return -EFAULT;
	a = (*top - len) & ~(unsigned long)(PT_ARCH_STACK_ALIGN - 1);
	r = pt_mem_write(pid, a, str, len, flags);
	if (r)
		return r;
	*top = a;
	return 0;
}

/* As pt_mem_push_string for len bytes of buf (a struct the kernel will read). */
int pt_mem_push(pid_t pid, unsigned long *top, const void *buf, size_t len, unsigned int flags)
{
	unsigned long a;
	int r;

	if (*top < len + PT_ARCH_STACK_ALIGN)
		return -EFAULT;
	a = (*top - len) & ~(unsigned long)(PT_ARCH_STACK_ALIGN - 1);
	r = pt_mem_write(pid, a, buf, len, flags);
	if (r)
		return r;
	*top = a;
	return 0;
}
