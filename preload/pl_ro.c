/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_ro.c - `:ro` volumes under F: a write through a PM_RDONLY entry fails as on a ro mount. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/*
 * Each table entry stands for a mount; a read-only one refuses what the kernel's
 * mnt_want_write() refuses, in the kernel's order of checks (as ptrace/pt_rdonly.c does for
 * P): a missing file is ENOENT first, an existing one EEXIST first for the calls that create,
 * rename or link across entries EXDEV first. A table without a read-only entry costs one test.
 */

static int pl_ro_any(void)
{
	static int any = -1;
	const struct pm_table *t = pl_table();

	if (any < 0) {
		any = 0;
		for (unsigned int i = 0; t && i < t->n; i++)
			any |= (t->ent[i].flags & PM_RDONLY) != 0;
	}
	return any;
}

static int pl_ro_is(int ent)
{
	return ent >= 0 && (pl.t->ent[ent].flags & PM_RDONLY);
}

/* The entry of the directory holding the canonical guest path ("/" itself: "/"'s). */
static int pl_ro_parent(const char *guest)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(guest, '/');
	size_t n;

	if (!slash)
		return -1;
	n = slash == guest ? 1 : (size_t)(slash - guest);
	memcpy(dir, guest, n);
	dir[n] = '\0';
	return pm_entry_of(pl.t, dir);
}

/* The guest path pl_at saw: b->guest when it canonicalised, else path (with its directory). */
static int pl_ro_guest(int dirfd, const char *path, const struct pl_buf *b, const char *p,
		       char guest[PATH_MAX])
{
	size_t n;
	int r;

	if (p == b->host) {
		memcpy(guest, b->guest, strlen(b->guest) + 1);
		return 0;
	}
	if (path[0] == '/') {
		if (strlen(path) >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(guest, path, strlen(path) + 1);
		return 0;
	}
	r = pl_dir_guest(dirfd, guest); /* a single name (pl_at's fast path) */
	if (r || !strcmp(path, "."))
		return r;
	n = strlen(guest);
	if (n + strlen(path) + 2 > PATH_MAX)
		return -ENAMETOOLONG;
	if (n > 1)
		guest[n++] = '/';
	memcpy(guest + n, path, strlen(path) + 1);
	return 0;
}

/* The S_IFMT bits of what the real call gets, or -errno. */
static long pl_ro_type(int fd, const char *p, unsigned int follow)
{
	struct stat st;
	long r = pl_sys(SYS_newfstatat, fd, (long)p, (long)&st, follow ? 0 : AT_SYMLINK_NOFOLLOW,
			0);

	return r < 0 ? r : (long)(st.st_mode & S_IFMT);
}

static int pl_ro_open(int fl, const char *guest, int fd, const char *p)
{
	long type;

	if (!pl_ro_is(pm_entry_of(pl.t, guest)))
		return 0;
	type = pl_ro_type(fd, p, !(fl & O_NOFOLLOW));
	if ((fl & O_TMPFILE) == O_TMPFILE)
		return type == S_IFDIR ? -EROFS : 0;
	if (type == -ENOENT)
		return (fl & O_CREAT) ? -EROFS : 0;
	/* directories: EISDIR; symlinks (O_NOFOLLOW): ELOOP; devices, fifos, sockets: writable */
	if (type != S_IFREG || (fl & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	return (fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC) ? -EROFS : 0;
}

/* Removing or renaming guest: its parent's entry decides; a ro mount point itself is busy. */
static int pl_ro_del(const char *guest)
{
	char host[PATH_MAX];
	unsigned int fl = 0;

	if (pm_map_guest(pl.t, guest, host, &fl) == 0 && (fl & PM_MOUNTPOINT) && (fl & PM_RDONLY))
		return -EBUSY;
	return pl_ro_is(pl_ro_parent(guest)) ? -EROFS : 0;
}

int pl_ro(enum pl_ro_kind k, int flags, int dirfd, const char *path, const struct pl_buf *b,
	  int fd, const char *p)
{
	char guest[PATH_MAX];
	long type;

	if (k == PL_RO_NONE || !pl_ro_any() || !path || !path[0] ||
	    pl_ro_guest(dirfd, path, b, p, guest) != 0)
		return 0;
	switch (k) {
	case PL_RO_OPEN:
		return pl_ro_open(flags, guest, fd, p);
	case PL_RO_NEW:
		if (!pl_ro_is(pl_ro_parent(guest)))
			return 0;
		return pl_ro_type(fd, p, 0) == -ENOENT ? -EROFS : 0;
	case PL_RO_DEL:
		return pl_ro_del(guest);
	case PL_RO_ATTR:
	case PL_RO_TRUNC:
		if (!pl_ro_is(pm_entry_of(pl.t, guest)))
			return 0;
		type = pl_ro_type(fd, p, (unsigned int)flags);
		return type >= 0 && !(k == PL_RO_TRUNC && type == S_IFDIR) ? -EROFS : 0;
	default:
		return 0;
	}
}

int pl_ro_two(int is_link, int ofd, const char *old, const struct pl_buf *b1, const char *p1,
	      int nfd, const char *new, const struct pl_buf *b2, int fd2,
	      const char *p2)
{
	char g1[PATH_MAX], g2[PATH_MAX];
	int e1, e2, err0, err1, xdev;

	if (!pl_ro_any() || !old || !old[0] || !new || !new[0] ||
	    pl_ro_guest(ofd, old, b1, p1, g1) || pl_ro_guest(nfd, new, b2, p2, g2))
		return 0;
	e1 = is_link ? pm_entry_of(pl.t, g1) : pl_ro_parent(g1);
	e2 = pl_ro_parent(g2);
	xdev = e1 >= 0 && e2 >= 0 && e1 != e2 && (pl_ro_is(e1) || pl_ro_is(e2));
	if (is_link) { /* the new name is made first, then the mounts are compared */
		err1 = pl_ro_is(e2) && pl_ro_type(fd2, p2, 0) == -ENOENT ? -EROFS : 0;
		return err1 ? err1 : xdev ? -EXDEV : 0;
	}
	if (xdev)
		return -EXDEV;
	err0 = pl_ro_del(g1);
	err1 = pl_ro_del(g2);
	return err0 ? err0 : err1;
}

int pl_ro_fd(int fd)
{
	char guest[PATH_MAX];

	if (!pl_ro_any() || fd < 0 || pl_dir_guest(fd, guest) != 0)
		return 0;
	return pl_ro_is(pm_entry_of(pl.t, guest)) ? -EROFS : 0;
}

int pl_ro_fmode(const char *mode)
{
	int fl = strchr(mode, '+') ? O_RDWR : O_RDONLY;

	if (mode[0] == 'w')
		fl = (fl == O_RDWR ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
	else if (mode[0] == 'a')
		fl = (fl == O_RDWR ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
	if (strchr(mode, 'x'))
		fl |= O_EXCL;
	return fl;
}
