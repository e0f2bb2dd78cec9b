/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_ro.c - `:ro` volumes under F: a write through a PM_RDONLY entry fails as on a ro mount. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/*
 * Each table entry stands for a mount; the rules of a read-only one are common/pm_rdonly.c's,
 * shared with the P engine. Here: the guest path and file type as the shim sees them. A table
 * without a read-only entry costs one test.
 */

/*
 * Whether the table has a read-only entry: computed once per process (the table never changes;
 * under the P1 tracer it goes away after a chroot, and the tracer then checks).
 */
static int pl_ro_any(void)
{
	static int any = -1;

	if (!pl_table())
		return 0;
	if (any < 0)
		any = pm_ro_any(pl_table());
	return any;
}

/* Whether an open with flags only reads (no write access, no creation, no truncation). */
static int pl_ro_reads(int flags)
{
	return (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC)) &&
	       (flags & O_TMPFILE) != O_TMPFILE;
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
	if (!pm_ro_entry(pl.t, pm_entry_of(pl.t, guest)))
		return 0; /* no stat of the file for a writable entry */
	return pm_ro_open(pl.t, guest, (unsigned long)fl, pl_ro_type(fd, p, !(fl & O_NOFOLLOW)));
}

int pl_ro(enum pl_ro_kind k, int flags, int dirfd, const char *path, const struct pl_buf *b,
	  int fd, const char *p)
{
	char guest[PATH_MAX];

	if (k == PL_RO_NONE || (k == PL_RO_OPEN && pl_ro_reads(flags)) || !pl_ro_any() || !path ||
	    !path[0] ||
	    pl_ro_guest(dirfd, path, b, p, guest) != 0)
		return 0;
	switch (k) {
	case PL_RO_OPEN:
		return pl_ro_open(flags, guest, fd, p);
	case PL_RO_NEW:
		if (!pm_ro_entry(pl.t, pm_ro_parent(pl.t, guest)))
			return 0;
		return pm_ro_new(pl.t, guest, pl_ro_type(fd, p, 0));
	case PL_RO_DEL:
		return pm_ro_del(pl.t, guest);
	case PL_RO_ATTR:
	case PL_RO_TRUNC:
		if (!pm_ro_entry(pl.t, pm_entry_of(pl.t, guest)))
			return 0;
		return pm_ro_attr(pl.t, guest, pl_ro_type(fd, p, (unsigned int)flags),
				  k == PL_RO_TRUNC);
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
	e1 = is_link ? pm_entry_of(pl.t, g1) : pm_ro_parent(pl.t, g1);
	e2 = pm_ro_parent(pl.t, g2);
	xdev = pm_ro_xdev(pl.t, e1, e2);
	if (is_link) { /* the new name is made first, then the mounts are compared */
		err1 = pm_ro_entry(pl.t, e2) ? pm_ro_new(pl.t, g2, pl_ro_type(fd2, p2, 0)) : 0;
		return err1 ? err1 : xdev ? -EXDEV : 0;
	}
	if (xdev)
		return -EXDEV;
	err0 = pm_ro_del(pl.t, g1);
	err1 = pm_ro_del(pl.t, g2);
	return err0 ? err0 : err1;
}

int pl_ro_fd(int fd)
{
	char guest[PATH_MAX];

	if (!pl_ro_any() || fd < 0 || pl_dir_guest(fd, guest) != 0)
		return 0;
	return pm_ro_entry(pl.t, pm_entry_of(pl.t, guest)) ? -EROFS : 0;
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
