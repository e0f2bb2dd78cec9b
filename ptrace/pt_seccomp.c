/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_seccomp.c - build and install the P1 seccomp-BPF filter from the syscall table. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ptrace/pt_notif.h"
#include "ptrace/pt_seccomp.h"
#include "ptrace/pt_sysno.h"

/*
 * Shape: check the ABI, then a binary search tree on the syscall number whose leaves are short
 * JEQ chains. Every instruction is hand-built with the kernel's macros: libseccomp would add a
 * dependency and a second, implicit copy of the table, and hides the RET_DATA layout we use.
 */
#define LEAF_MAX 4

struct emit {
	struct sock_filter *buf;
	size_t cap;
	size_t n;
	unsigned char idx[PT_SYS_COUNT]; /* active entries, sorted by number */
	unsigned int mode;
	uint64_t cookie; /* 0: none; else args[5] == cookie lets a shim's call through */
	unsigned int notif; /* enum pt_notif_call bits: the calls answered by user notification */
};

static int put(struct emit *e, struct sock_filter insn)
{
	if (e->n >= e->cap)
		return -ENOSPC;
	e->buf[e->n++] = insn;
	return 0;
}

static int put_stmt(struct emit *e, unsigned short code, unsigned int k)
{
	return put(e, (struct sock_filter)BPF_STMT(code, k));
}

static int put_jump(struct emit *e, unsigned short code, unsigned int k, unsigned char jt,
		    unsigned char jf)
{
	return put(e, (struct sock_filter)BPF_JUMP(code, k, jt, jf));
}

/* What the filter answers for table entry i. */
static unsigned int verdict(const struct emit *e, unsigned int i)
{
	const struct pt_sysent *s = &pt_sysent_table[i];
	int err = pt_sysent_deny_errno(s);

	if (err)
		return SECCOMP_RET_ERRNO | (unsigned int)err;
	return SECCOMP_RET_TRACE | i | (pt_sysent_exit(s, e->mode) ? PT_SECCOMP_DATA_EXIT : 0);
}

/* Collect the active entries of mode, sorted by number (insertion sort: ~100 entries, once). */
static unsigned int collect(struct emit *e)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < PT_SYS_COUNT; i++) {
		unsigned int j = n;

		if (!pt_sysent_active(&pt_sysent_table[i], e->mode))
			continue;
		while (j > 0 && pt_sysent_table[e->idx[j - 1]].nr > pt_sysent_table[i].nr) {
			e->idx[j] = e->idx[j - 1];
			j--;
		}
		e->idx[j] = (unsigned char)i;
		n++;
	}
	return n;
}

/*
 * The cookie test of a bypassable entry (5 instructions before its RET verdict): a call whose
 * sixth argument is the run's cookie was made, already translated, by the preload shim.
 */
static int emit_cookie(struct emit *e)
{
	return put_stmt(e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5])) ||
	       put_jump(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)e->cookie, 0, 3) ||
	       put_stmt(e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5]) + 4) ||
	       put_jump(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(e->cookie >> 32), 0, 1) ||
	       put_stmt(e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

/*
 * The user-notification test of entry t (pt_notif.c serves what it lets through), into
 * body[]: openat(AT_FDCWD, path, O_RDONLY with no flag outside PT_NOTIF_OPEN_FLAGS) and
 * newfstatat(fd >= 0, path, buf, AT_EMPTY_PATH), the dynamic loader's own calls, and every
 * access(). Any other form falls through to the trap. Returns the instruction count.
 */
static unsigned int notif_test(const struct emit *e, unsigned int t, struct sock_filter *body)
{
	const unsigned int a0 = offsetof(struct seccomp_data, args[0]);
	const unsigned int notify = SECCOMP_RET_USER_NOTIF;

	if (t == PT_SYS_openat && (e->notif & PT_NOTIF_OPENAT)) {
		body[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a0);
		body[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						       (uint32_t)AT_FDCWD, 0, 3);
		body[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a0 + 16);
		body[3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
						       ~(unsigned int)PT_NOTIF_OPEN_FLAGS, 1, 0);
		body[4] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, notify);
		return 5;
	}
	if (t == PT_SYS_newfstatat && (e->notif & PT_NOTIF_FSTATAT)) {
		body[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a0 + 24);
		body[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AT_EMPTY_PATH, 0, 3);
		body[2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, a0);
		body[3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000u, 1, 0);
		body[4] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, notify);
		return 5;
	}
	if (t == PT_SYS_access && (e->notif & PT_NOTIF_ACCESS)) {
		body[0] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, notify);
		return 1;
	}
	return 0;
}

/* A leaf: JEQ nr, [cookie test], [notify test], RET verdict for each entry of idx[lo, hi). */
static int emit_leaf(struct emit *e, unsigned int lo, unsigned int hi)
{
	for (unsigned int i = lo; i < hi; i++) {
		unsigned int t = e->idx[i];
		int bypass = e->cookie && pt_sysent_bypass(&pt_sysent_table[t]);
		struct sock_filter body[8];
		unsigned int nb = notif_test(e, t, body);

		if (put_jump(e, BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)pt_sysent_table[t].nr, 0,
			     (unsigned char)((bypass ? 6 : 1) + nb)) ||
		    (bypass && emit_cookie(e)))
			return -ENOSPC;
		for (unsigned int k = 0; k < nb; k++)
			if (put(e, body[k]))
				return -ENOSPC;
		if (put_stmt(e, BPF_RET | BPF_K, verdict(e, t)))
			return -ENOSPC;
	}
	return put_stmt(e, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

/* The subtree for idx[lo, hi): "nr >= idx[mid]" jumps (via JA, no 255 limit) to the right. */
static int emit_tree(struct emit *e, unsigned int lo, unsigned int hi)
{
	unsigned int mid = lo + (hi - lo) / 2;
	size_t ja;
	int r;

	if (hi - lo <= LEAF_MAX)
		return emit_leaf(e, lo, hi);
	if (put_jump(e, BPF_JMP | BPF_JGE | BPF_K, (unsigned int)pt_sysent_table[e->idx[mid]].nr, 0,
		     1) ||
	    put_stmt(e, BPF_JMP | BPF_JA, 0))
		return -ENOSPC;
	ja = e->n - 1;
	r = emit_tree(e, lo, mid);
	if (r)
		return r;
	e->buf[ja].k = (unsigned int)(e->n - ja - 1);
	return emit_tree(e, mid, hi);
}

/* Syscalls of another ABI go to the tracer as FOREIGN: an x32 or i386 call must not bypass. */
static int emit_abi_check(struct emit *e)
{
	if (put_stmt(e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)) ||
	    put_jump(e, BPF_JMP | BPF_JEQ | BPF_K, PT_ARCH_AUDIT, 1, 0) ||
	    put_stmt(e, BPF_RET | BPF_K, SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN) ||
	    put_stmt(e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)) ||
	    put_jump(e, BPF_JMP | BPF_JGE | BPF_K, PT_ARCH_X32_BIT, 0, 1) ||
	    put_stmt(e, BPF_RET | BPF_K, SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN))
		return -ENOSPC;
	return 0;
}

/*
 * Build the filter of mode into the caller's buf (cap instructions). Traps answer
 * SECCOMP_RET_TRACE with the data above, deny families SECCOMP_RET_ERRNO, the rest ALLOW;
 * with a cookie, bypassable entries whose sixth argument is the cookie ALLOW too; the calls
 * of notif answer SECCOMP_RET_USER_NOTIF in the forms notif_test() names.
 * Returns 0 with *len set, or -ENOSPC. No allocation.
 */
int pt_seccomp_filter(unsigned int mode, uint64_t cookie, unsigned int notif,
		      struct sock_filter *buf, size_t cap, size_t *len)
{
	struct emit e = {.buf = buf,
			 .cap = cap < BPF_MAXINSNS ? cap : BPF_MAXINSNS,
			 .mode = mode,
			 .cookie = cookie,
			 .notif = notif};
	unsigned int n = collect(&e);
	int r = emit_abi_check(&e);

	if (!r)
		r = emit_tree(&e, 0, n);
	if (r)
		return r;
	*len = e.n;
	return 0;
}

/* Load prog: seccomp(2) (3.17+), else prctl (3.5+). */
static int load(struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) == 0)
		return 0;
	return -errno;
}

/* Build the filter and load it; with notif, as a new listener whose fd goes to *listener. */
static int build_load(unsigned int mode, uint64_t cookie, unsigned int notif, int *listener)
{
	struct sock_filter buf[PT_SECCOMP_MAX_INSNS];
	struct sock_fprog prog;
	size_t len = 0;
	long fd;
	int r = pt_seccomp_filter(mode, cookie, notif, buf, PT_SECCOMP_MAX_INSNS, &len);

	if (r)
		return r;
	prog.len = (unsigned short)len;
	prog.filter = buf;
	if (!notif)
		return load(&prog);
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return -errno;
	*listener = (int)fd;
	return 0;
}

/*
 * Install the filter of mode in the calling process (the guest's first process, before exec).
 * Sets no_new_privs, which an unprivileged filter requires. Until a tracer attaches, a trap
 * fails with ENOSYS: never an untranslated path. With notif, the filter gets a listener
 * (*listener, close-on-exec); where that is refused (an outer listener: EBUSY, an old kernel)
 * the filter is installed without notifications and *listener is -1. Returns 0 or -errno
 * (-EINVAL/-ENOSYS: no seccomp filtering here, run P2).
 */
int pt_seccomp_install(unsigned int mode, uint64_t cookie, unsigned int notif, int *listener)
{
	*listener = -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (notif && build_load(mode, cookie, notif, listener) == 0)
		return 0;
	return build_load(mode, cookie, 0, listener);
}
