/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_openat2.c - openat2(2) under the tracer: struct open_how's RESOLVE_* flags in the guest view.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/ptrace.h>

#include "common/pm.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_enter.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_rdonly.h"

#define PT_HOW_SCOPED (RESOLVE_BENEATH | RESOLVE_IN_ROOT)
#define PT_HOW_PAGE 4096 /* the kernel refuses a larger struct (E2BIG) */

/* Read open_how of size bytes at addr: 0, or the kernel's own -EINVAL/-E2BIG/-EFAULT. */
static int pt_how_read(struct pt_loop *l, struct pt_tracee *t, unsigned long addr, size_t size,
		       struct open_how *how)
{
	unsigned char tail[256];
	size_t off, n, i;
	int r;

	if (size < sizeof(*how))
		return -EINVAL;
	if (size > PT_HOW_PAGE)
		return -E2BIG;
	r = pt_mem_read(t->pid, addr, how, sizeof(*how), l->memflags);
	for (off = sizeof(*how); r == 0 && off < size; off += n) {
		n = size - off < sizeof(tail) ? size - off : sizeof(tail);
		r = pt_mem_read(t->pid, addr + off, tail, n, l->memflags);
		for (i = 0; r == 0 && i < n; i++)
			if (tail[i])
				r = -E2BIG; /* a newer struct with fields this kernel lacks */
	}
	if (r == 0 && (how->resolve & PT_HOW_SCOPED) == PT_HOW_SCOPED)
		r = -EINVAL;
	return r;
}

/* pm_canon flags of how: following as open(2) does, PM_BENEATH, PM_NO_SYMLINKS. */
static unsigned int pt_how_canon(const struct open_how *how)
{
	unsigned int f = 0;

	if (!(how->flags & O_NOFOLLOW) && (how->flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
		f |= PM_FOLLOW;
	if (how->resolve & RESOLVE_BENEATH)
		f |= PM_BENEATH;
	if (how->resolve & RESOLVE_NO_SYMLINKS)
		f |= PM_NO_SYMLINKS;
	return f;
}

/*
 * RESOLVE_NO_XDEV in the guest view: -EXDEV when the result guest lies on another entry of
 * table (a volume, a system mount) than where the walk started, else 0.
 */
static int pt_how_xdev(const struct pm_table *table, const struct open_how *how, const char *path,
		       const char *dir, const char *guest)
{
	const char *start = path[0] == '/' && !(how->resolve & PT_HOW_SCOPED) ? "/" : dir;

	return pm_entry_of(table, guest) == pm_entry_of(table, start) ? 0 : -EXDEV;
}

/*
 * The path (in out[PATH_MAX]) and resolve flags the kernel gets for the host path host. A scoped
 * or RESOLVE_NO_XDEV call whose result lies below its dirfd's host directory keeps dirfd and
 * flags, the path relative to it: the kernel checks the scope again (the walk holds no symlink
 * but a final unfollowed one). Elsewhere the kernel cannot scope a host path: BENEATH and IN_ROOT
 * are cleared (checked in the guest view); RESOLVE_NO_XDEV climbs from the dirfd with "..", so
 * the kernel still sees mount crossings; else the path is absolute and NO_SYMLINKS cleared too
 * (checked in the guest view; the host prefix of a volume may hold symlinks).
 */
static int pt_how_host(struct pt_tracee *t, int dirfd, const char *host, struct open_how *how,
		       char *out)
{
	char hdir[PATH_MAX];
	int r;

	if (how->resolve & (PT_HOW_SCOPED | RESOLVE_NO_XDEV)) {
		r = pt_dirfd_host(t, dirfd, hdir);
		if (r < 0)
			return r;
		r = pt_relpath(hdir, host, out, PATH_MAX);
		if (r >= 0 && !(strncmp(out, "..", 2) == 0 && (out[2] == '/' || !out[2])))
			return 0;
		how->resolve &= ~(__u64)PT_HOW_SCOPED;
		if (r >= 0 && (how->resolve & RESOLVE_NO_XDEV))
			return 0;
	}
	how->resolve &= ~(__u64)RESOLVE_NO_SYMLINKS;
	memcpy(out, host, strlen(host) + 1);
	return 0;
}

/*
 * openat2(dirfd, path, how, size): canonicalise path in the guest view with how's flags (the
 * dirfd's guest directory is the root of RESOLVE_IN_ROOT and the bound of RESOLVE_BENEATH),
 * then point path (and how, when its flags change) at copies below the stack.
 */
int pt_openat2(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	char path[PATH_MAX], dir[PATH_MAX], guest[PATH_MAX], host[PATH_MAX], out[PATH_MAX];
	struct user_regs_struct r = t->regs;
	unsigned long top = pt_mem_stack_top(pt_reg_sp(&r));
	struct open_how how, kern;
	struct pt_fs_ctx c;
	struct pm_fs fs;
	int n, dirfd = (int)pt_reg_arg(&r, 0);

	n = pt_how_read(l, t, pt_reg_arg(&r, 2), pt_reg_arg(&r, 3), &how);
	if (n < 0)
		return n;
	n = pt_slot_read(l, t, s, 0, path);
	if (n <= 0)
		return n; /* NULL or unmapped: the kernel says EFAULT */
	if (path[0] != '/' || (how.resolve & PT_HOW_SCOPED))
		n = pt_slot_base(l, t, s, 0, dir);
	else
		strcpy(dir, "/");
	if (n < 0)
		return n;
	pt_fs_init(l, t, &c, &fs);
	if (how.resolve & PT_HOW_SCOPED)
		c.magic = EXDEV; /* as the kernel: magic links are not safe in scoped lookups */
	else if (how.resolve & RESOLVE_NO_MAGICLINKS)
		c.magic = ELOOP;
	n = pm_canon_at(c.table, &fs, how.resolve & PT_HOW_SCOPED ? dir : "/", dir, path,
			pt_how_canon(&how), guest, host);
	if (n == 0 && (how.resolve & RESOLVE_NO_XDEV))
		n = pt_how_xdev(c.table, &how, path, dir, guest);
	if (n == 0 && pm_ro_any(c.table))
		n = pt_rdonly_open(c.table, &fs, (unsigned long)how.flags, guest, host);
	if (n < 0)
		return n;
	kern = how;
	n = pt_how_host(t, dirfd, host, &kern, out);
	if (n < 0)
		return n;
	if (kern.resolve != how.resolve) {
		if (pt_mem_push(t->pid, &top, &kern, sizeof(kern), l->memflags) != 0)
			return -EFAULT;
		pt_reg_set_arg(&r, 2, top);
		pt_reg_set_arg(&r, 3, sizeof(kern));
	}
	if (pt_mem_push_string(t->pid, &top, out, l->memflags) != 0)
		return -EFAULT;
	pt_reg_set_arg(&r, 1, top);
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	t->restore = 1;
	return 0;
}
