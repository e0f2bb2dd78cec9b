/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nons.c - a test sandbox: run a command where no namespace can be made, like a hardened
 * cluster node (and, with --no-ptrace, where ptrace is forbidden too; with --no-vm, where
 * process_vm_readv/writev are; with --no-pidfd, where pidfd_getfd is).
 *
 *   nons [--no-ptrace] [--no-vm] [--no-pidfd] CMD [ARG...]
 *
 * Sets no_new_privs, installs a seccomp filter and execs CMD (looked up in PATH). The filter,
 * inherited by every descendant:
 *   unshare, setns                        -> EPERM
 *   clone with any CLONE_NEW* flag        -> EPERM (other clones, fork and threads work)
 *   clone3                                -> ENOSYS: its flags sit in memory a filter cannot
 *                                            read, and ENOSYS makes glibc fall back to clone
 *   ptrace (with --no-ptrace)             -> EPERM
 *   process_vm_readv/writev (--no-vm)     -> EPERM (the tracer must fall back to PEEKDATA)
 *   pidfd_getfd (--no-pidfd)              -> EPERM (no seccomp notification listener for P1)
 *   calls of another ABI (i386, x32)      -> ENOSYS, so none of the above leaks through them
 * Exit status: CMD's, or 125 (usage, filter refused), 126 (CMD not executable), 127 (not found).
 * Standalone on purpose (libc only): the suites use it to prove udockerc needs no namespace.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define FOREIGN_NR_BIT 0x40000000u /* __X32_SYSCALL_BIT: x32 calls share the audit arch */
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "nons: add this architecture's AUDIT_ARCH"
#endif

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* The namespace flags clone(2) accepts (CLONE_NEWTIME overlaps its exit signal byte). */
#define CLONE_NEW_ANY (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

#define RET_ERRNO(err) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))
/* "if nr == NR: return VERDICT", two instructions. */
#define DENY(nr, err) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), RET_ERRNO(err)

#define PROG_MAX 32

struct prog {
	struct sock_filter insn[PROG_MAX];
	unsigned short n;
};

static void put(struct prog *p, const struct sock_filter *insns, size_t count)
{
	memcpy(&p->insn[p->n], insns, count * sizeof(*insns));
	p->n = (unsigned short)(p->n + count);
}

/* Build the filter described at the top into p. */
static void build(struct prog *p, int no_ptrace, int no_vm, int no_pidfd)
{
	static const struct sock_filter head[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		RET_ERRNO(ENOSYS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef FOREIGN_NR_BIT
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, FOREIGN_NR_BIT, 0, 1),
		RET_ERRNO(ENOSYS),
#endif
		DENY(__NR_unshare, EPERM),
		DENY(__NR_setns, EPERM),
		DENY(__NR_clone3, ENOSYS),
	};
	static const struct sock_filter ptrace_rule[] = { DENY(__NR_ptrace, EPERM) };
	static const struct sock_filter vm_rule[] = { DENY(__NR_process_vm_readv, EPERM),
						      DENY(__NR_process_vm_writev, EPERM) };
	static const struct sock_filter pidfd_rule[] = { DENY(__NR_pidfd_getfd, EPERM) };
	static const struct sock_filter tail[] = {
		/* clone: EPERM when the flags (argument 0) ask for a namespace */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEW_ANY, 0, 1),
		RET_ERRNO(EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	p->n = 0;
	put(p, head, sizeof(head) / sizeof(head[0]));
	if (no_ptrace)
		put(p, ptrace_rule, sizeof(ptrace_rule) / sizeof(ptrace_rule[0]));
	if (no_vm)
		put(p, vm_rule, sizeof(vm_rule) / sizeof(vm_rule[0]));
	if (no_pidfd)
		put(p, pidfd_rule, sizeof(pidfd_rule) / sizeof(pidfd_rule[0]));
	put(p, tail, sizeof(tail) / sizeof(tail[0]));
}

/* no_new_privs, then the filter. 0, or -errno. */
static int install(int no_ptrace, int no_vm, int no_pidfd)
{
	struct prog p;
	struct sock_fprog fp;

	build(&p, no_ptrace, no_vm, no_pidfd);
	fp.len = p.n;
	fp.filter = p.insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) != 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	int no_ptrace = 0, no_vm = 0, no_pidfd = 0, i = 1, r;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2]; i++) {
		if (!strcmp(argv[i], "--no-ptrace"))
			no_ptrace = 1;
		else if (!strcmp(argv[i], "--no-vm"))
			no_vm = 1;
		else if (!strcmp(argv[i], "--no-pidfd"))
			no_pidfd = 1;
		else
			break;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: nons [--no-ptrace] [--no-vm] [--no-pidfd] CMD [ARG...]\n");
		return 125;
	}
	r = install(no_ptrace, no_vm, no_pidfd);
	if (r < 0) {
		fprintf(stderr, "nons: cannot install the seccomp filter: %s\n", strerror(-r));
		return 125;
	}
	execvp(argv[i], argv + i);
	r = errno;
	fprintf(stderr, "nons: %s: %s\n", argv[i], strerror(r));
	return r == ENOENT ? 127 : 126;
}
