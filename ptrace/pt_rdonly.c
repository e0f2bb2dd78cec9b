/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_rdonly.c - `:ro` volumes: a write through a PM_RDONLY entry fails as on a read-only mount. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ptrace/pt_enter.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_rdonly.h"

/*
 * Each table entry stands for a mount; the rules of a read-only one are common/pm_rdonly.c's
 * (shared with the F engine). Here: which syscall does what to which path slot, and the file
 * type as the tracer sees it.
 */

/* What a path slot's operation does to the filesystem. */
enum pt_ro_kind {
	PT_RO_NONE, /* reads only */
	PT_RO_OPEN, /* open flags decide */
	PT_RO_NEW,  /* makes a name in its parent (EEXIST comes before EROFS) */
	PT_RO_DEL,  /* removes or renames a name of its parent (EROFS even when missing) */
	PT_RO_ATTR, /* changes the file itself (a missing file is ENOENT first) */
	PT_RO_SRC,  /* link's old name: only its mount matters (EXDEV) */
};

static int pt_ro_kind(int idx, unsigned int slot)
{
	switch (idx) {
	case PT_SYS_open:
	case PT_SYS_openat:
	case PT_SYS_creat:
		return PT_RO_OPEN;
	case PT_SYS_mkdir:
	case PT_SYS_mkdirat:
	case PT_SYS_mknod:
	case PT_SYS_mknodat:
	case PT_SYS_symlink:
	case PT_SYS_symlinkat:
		return PT_RO_NEW;
	case PT_SYS_link:
	case PT_SYS_linkat:
		return slot ? PT_RO_NEW : PT_RO_SRC;
	case PT_SYS_rmdir:
	case PT_SYS_unlink:
	case PT_SYS_unlinkat:
	case PT_SYS_rename:
	case PT_SYS_renameat:
	case PT_SYS_renameat2:
		return PT_RO_DEL;
	case PT_SYS_chmod:
	case PT_SYS_fchmodat:
	case PT_SYS_fchmodat2:
	case PT_SYS_chown:
	case PT_SYS_lchown:
	case PT_SYS_fchownat:
	case PT_SYS_utime:
	case PT_SYS_utimes:
	case PT_SYS_utimensat:
	case PT_SYS_futimesat:
	case PT_SYS_truncate:
	case PT_SYS_setxattr:
	case PT_SYS_lsetxattr:
	case PT_SYS_removexattr:
	case PT_SYS_lremovexattr:
		return PT_RO_ATTR;
	default:
		return PT_RO_NONE;
	}
}

/* The S_IFMT bits of host (not followed: pm_canon followed already), or -errno. */
static long pt_ro_type(const struct pm_fs *fs, const char *host)
{
	unsigned int type;
	int n = fs->ops->kind(fs->ctx, host, 0, &type);

	return n < 0 ? n : (long)(type & S_IFMT);
}

int pt_rdonly_open(const struct pm_table *tb, const struct pm_fs *fs, unsigned long fl,
		   const char *guest, const char *host)
{
	if (!pm_ro_entry(tb, pm_entry_of(tb, guest)))
		return 0; /* no stat of the file for a writable entry */
	return pm_ro_open(tb, guest, fl, pt_ro_type(fs, host));
}

int pt_rdonly_new(const struct pm_table *tb, const struct pm_fs *fs, const char *guest,
		  const char *host)
{
	if (!pm_ro_entry(tb, pm_ro_parent(tb, guest)))
		return 0;
	return pm_ro_new(tb, guest, pt_ro_type(fs, host));
}

void pt_rdonly_slot(const struct pm_table *tb, const struct pm_fs *fs, int idx, unsigned int slot,
		    unsigned long flags, const char *guest, const char *host, struct pt_ro *ro)
{
	ro->err[slot] = 0;
	ro->ent[slot] = -1;
	switch (pt_ro_kind(idx, slot)) {
	case PT_RO_OPEN:
		if (idx == PT_SYS_creat)
			flags = O_CREAT | O_WRONLY | O_TRUNC;
		ro->err[slot] = pt_rdonly_open(tb, fs, flags, guest, host);
		break;
	case PT_RO_NEW:
		ro->ent[slot] = pm_ro_parent(tb, guest);
		ro->err[slot] = pt_rdonly_new(tb, fs, guest, host);
		break;
	case PT_RO_DEL:
		ro->ent[slot] = pm_ro_parent(tb, guest);
		ro->err[slot] = pm_ro_del(tb, guest);
		break;
	case PT_RO_ATTR:
		ro->ent[slot] = pm_entry_of(tb, guest);
		if (pm_ro_entry(tb, ro->ent[slot]))
			ro->err[slot] = pm_ro_attr(tb, guest, pt_ro_type(fs, host),
						   idx == PT_SYS_truncate);
		break;
	case PT_RO_SRC:
		ro->ent[slot] = pm_entry_of(tb, guest);
		break;
	default:
		break;
	}
}

int pt_rdonly_pair(const struct pm_table *tb, int idx, const struct pt_ro *ro)
{
	int xdev = pm_ro_xdev(tb, ro->ent[0], ro->ent[1]);

	switch (idx) {
	case PT_SYS_rename:
	case PT_SYS_renameat:
	case PT_SYS_renameat2:
		if (xdev)
			return -EXDEV; /* the kernel compares the mounts first */
		break;
	case PT_SYS_link:
	case PT_SYS_linkat:
		if (ro->err[1])
			return ro->err[1]; /* the new name is made first */
		if (xdev)
			return -EXDEV;
		break;
	default:
		break;
	}
	return ro->err[0] ? ro->err[0] : ro->err[1];
}

/* Whether path slot 0 of s is "" with AT_EMPTY_PATH in its flags: the dirfd is the file. */
static int pt_ro_empty(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	unsigned long addr = pt_reg_arg(&t->regs, (unsigned int)s->path[0]);
	char c = 1;

	if (s->flags_arg < 0 || !(pt_reg_arg(&t->regs, (unsigned int)s->flags_arg) & AT_EMPTY_PATH))
		return 0;
	return addr && pt_mem_read(t->pid, addr, &c, 1, l->memflags) == 0 && c == '\0';
}

int pt_rdonly_fd(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	const struct pm_table *tb = pt_loop_table(l, t);
	char host[PATH_MAX], guest[PATH_MAX];
	int fd = (int)pt_reg_arg(&t->regs, 0);
	unsigned int fl = 0;

	switch ((int)(s - pt_sysent_table)) {
	case PT_SYS_fchmod:
	case PT_SYS_fchown:
	case PT_SYS_fsetxattr:
	case PT_SYS_fremovexattr:
		if (fd < 0)
			return 0; /* EBADF */
		break;
	case PT_SYS_utimensat:
	case PT_SYS_futimesat:
		if (pt_reg_arg(&t->regs, 1) == 0) { /* NULL path: the fd itself (futimens) */
			if (fd < 0)
				return 0;
			break;
		}
		/* fall through */
	case PT_SYS_fchownat:
	case PT_SYS_fchmodat2:
		if (!pt_ro_empty(l, t, s))
			return 0;
		break;
	default:
		return 0;
	}
	if (!pm_ro_any(tb) || pt_dirfd_host(t, fd, host) != 0 || host[0] != '/' ||
	    pm_map_host(tb, host, guest, &fl) != 0)
		return 0;
	return (fl & PM_RDONLY) ? -EROFS : 0;
}
