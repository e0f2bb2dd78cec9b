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
 * Each table entry stands for a mount: a read-only one refuses, with EROFS, what the kernel's
 * mnt_want_write() refuses, in the kernel's order of checks (a missing file is ENOENT first, an
 * existing one EEXIST first for the calls that create, rename across mounts EXDEV first).
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

int pt_rdonly_any(const struct pm_table *tb)
{
	unsigned int i;

	for (i = 0; i < tb->n; i++)
		if (tb->ent[i].flags & PM_RDONLY)
			return 1;
	return 0;
}

static int pt_ro_is(const struct pm_table *tb, int ent)
{
	return ent >= 0 && (tb->ent[ent].flags & PM_RDONLY);
}

/* The entry of the directory holding the canonical guest path (of "/" itself: "/"'s). */
static int pt_ro_parent(const struct pm_table *tb, const char *guest)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", guest);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	slash[slash == dir] = '\0';
	return pm_entry_of(tb, dir);
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
	long type;

	if (!pt_ro_is(tb, pm_entry_of(tb, guest)))
		return 0;
	type = pt_ro_type(fs, host);
	if ((fl & O_TMPFILE) == O_TMPFILE)
		return type == S_IFDIR ? -EROFS : 0;
	if (type == -ENOENT)
		return (fl & O_CREAT) ? -EROFS : 0;
	/* directories: EISDIR; symlinks (O_NOFOLLOW): ELOOP; devices, fifos, sockets: writable */
	if (type != S_IFREG || (fl & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	return (fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC) ? -EROFS : 0;
}

int pt_rdonly_new(const struct pm_table *tb, const struct pm_fs *fs, const char *guest,
		  const char *host)
{
	if (!pt_ro_is(tb, pt_ro_parent(tb, guest)))
		return 0;
	return pt_ro_type(fs, host) == -ENOENT ? -EROFS : 0;
}

/* Removing or renaming guest: its parent's mount decides; a ro mount point itself is busy. */
static int pt_ro_del(const struct pm_table *tb, const char *guest, int parent)
{
	unsigned int fl = 0;
	char host[PATH_MAX];

	if (pm_map_guest(tb, guest, host, &fl) == 0 && (fl & PM_MOUNTPOINT) && (fl & PM_RDONLY))
		return -EBUSY;
	return pt_ro_is(tb, parent) ? -EROFS : 0;
}

void pt_rdonly_slot(const struct pm_table *tb, const struct pm_fs *fs, int idx, unsigned int slot,
		    unsigned long flags, const char *guest, const char *host, struct pt_ro *ro)
{
	long type;

	ro->err[slot] = 0;
	ro->ent[slot] = -1;
	switch (pt_ro_kind(idx, slot)) {
	case PT_RO_OPEN:
		if (idx == PT_SYS_creat)
			flags = O_CREAT | O_WRONLY | O_TRUNC;
		ro->err[slot] = pt_rdonly_open(tb, fs, flags, guest, host);
		break;
	case PT_RO_NEW:
		ro->ent[slot] = pt_ro_parent(tb, guest);
		ro->err[slot] = pt_rdonly_new(tb, fs, guest, host);
		break;
	case PT_RO_DEL:
		ro->ent[slot] = pt_ro_parent(tb, guest);
		ro->err[slot] = pt_ro_del(tb, guest, ro->ent[slot]);
		break;
	case PT_RO_ATTR:
		ro->ent[slot] = pm_entry_of(tb, guest);
		type = pt_ro_type(fs, host);
		if (type >= 0 && pt_ro_is(tb, ro->ent[slot]) &&
		    !(idx == PT_SYS_truncate && type == S_IFDIR))
			ro->err[slot] = -EROFS;
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
	int xdev = ro->ent[0] >= 0 && ro->ent[1] >= 0 && ro->ent[0] != ro->ent[1] &&
		   (pt_ro_is(tb, ro->ent[0]) || pt_ro_is(tb, ro->ent[1]));

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
	if (!pt_rdonly_any(tb) || pt_dirfd_host(t, fd, host) != 0 || host[0] != '/' ||
	    pm_map_host(tb, host, guest, &fl) != 0)
		return 0;
	return (fl & PM_RDONLY) ? -EROFS : 0;
}
