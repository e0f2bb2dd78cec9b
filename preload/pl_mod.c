/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_mod.c - calls that change the tree or a file's metadata: mkdir, unlink, rename, chmod... */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "preload/pl_shim.h"

/* A one-path *at system call: translate (following or not), check a ro entry, and call. */
#define PL_AT1(nr, dirfd, path, follow, a, b, c, ro)                                               \
	PL_AT(dirfd, path, follow, fd, p);                                                         \
	PL_RO(ro, follow, dirfd, path, fd, p);                                                     \
	return (int)pl_ret(pl_sys(nr, fd, (long)p, a, b, c))

PL_EXPORT int mkdir(const char *path, mode_t mode)
{
	PL_AT1(SYS_mkdirat, AT_FDCWD, path, 0, mode, 0, 0, PL_RO_NEW);
}

PL_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	PL_AT1(SYS_mkdirat, dirfd, path, 0, mode, 0, 0, PL_RO_NEW);
}

PL_EXPORT int mknod(const char *path, mode_t mode, dev_t dev)
{
	PL_AT1(SYS_mknodat, AT_FDCWD, path, 0, mode, (long)dev, 0, PL_RO_NEW);
}

PL_EXPORT int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	PL_AT1(SYS_mknodat, dirfd, path, 0, mode, (long)dev, 0, PL_RO_NEW);
}

PL_EXPORT int mkfifo(const char *path, mode_t mode)
{
	PL_AT1(SYS_mknodat, AT_FDCWD, path, 0, mode | S_IFIFO, 0, 0, PL_RO_NEW);
}

PL_EXPORT int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	PL_AT1(SYS_mknodat, dirfd, path, 0, mode | S_IFIFO, 0, 0, PL_RO_NEW);
}

PL_EXPORT int rmdir(const char *path)
{
	PL_AT1(SYS_unlinkat, AT_FDCWD, path, 0, AT_REMOVEDIR, 0, 0, PL_RO_DEL);
}

PL_EXPORT int unlink(const char *path)
{
	PL_AT1(SYS_unlinkat, AT_FDCWD, path, 0, 0, 0, 0, PL_RO_DEL);
}

PL_EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	PL_AT1(SYS_unlinkat, dirfd, path, 0, flags, 0, 0, PL_RO_DEL);
}

PL_EXPORT int remove(const char *path)
{
	PL_AT(AT_FDCWD, path, 0, fd, p);
	PL_RO(PL_RO_DEL, 0, AT_FDCWD, path, fd, p);
	long r = pl_sys(SYS_unlinkat, fd, (long)p, 0, 0, 0);

	if (r == -EISDIR)
		r = pl_sys(SYS_unlinkat, fd, (long)p, AT_REMOVEDIR, 0, 0);
	return (int)pl_ret(r);
}

/* Two-path calls: neither name's last component is followed (link: unless AT_SYMLINK_FOLLOW). */
static int pl_two(long nr, int ofd, const char *old, int nfd, const char *new, unsigned int oflw,
		  long flags)
{
	PL_AT(ofd, old, oflw, fd1, p1);
	PL_AT(nfd, new, 0, fd2, p2);
	int e = pl_ro_two(nr == SYS_linkat, ofd, old, &b_p1, p1, nfd, new, &b_p2, fd2, p2);

	if (e)
		return (int)pl_ret(e);
	return (int)pl_ret(pl_sys(nr, fd1, (long)p1, fd2, (long)p2, flags));
}

PL_EXPORT int rename(const char *old, const char *new)
{
	return pl_two(SYS_renameat2, AT_FDCWD, old, AT_FDCWD, new, 0, 0);
}

PL_EXPORT int renameat(int ofd, const char *old, int nfd, const char *new)
{
	return pl_two(SYS_renameat2, ofd, old, nfd, new, 0, 0);
}

int renameat2(int ofd, const char *old, int nfd, const char *new, unsigned int flags);
PL_EXPORT int renameat2(int ofd, const char *old, int nfd, const char *new, unsigned int flags)
{
	return pl_two(SYS_renameat2, ofd, old, nfd, new, 0, flags);
}

PL_EXPORT int link(const char *old, const char *new)
{
	return pl_two(SYS_linkat, AT_FDCWD, old, AT_FDCWD, new, 0, 0);
}

PL_EXPORT int linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	return pl_two(SYS_linkat, ofd, old, nfd, new, (flags & AT_SYMLINK_FOLLOW) ? PL_FOLLOW : 0,
		      flags);
}

/* symlink: the target is stored verbatim (a guest path); only the link's name is mapped. */
PL_EXPORT int symlink(const char *target, const char *path)
{
	PL_AT(AT_FDCWD, path, 0, fd, p);
	PL_RO(PL_RO_NEW, 0, AT_FDCWD, path, fd, p);
	return (int)pl_ret(pl_sys(SYS_symlinkat, (long)target, fd, (long)p, 0, 0));
}

PL_EXPORT int symlinkat(const char *target, int dirfd, const char *path)
{
	PL_AT(dirfd, path, 0, fd, p);
	PL_RO(PL_RO_NEW, 0, dirfd, path, fd, p);
	return (int)pl_ret(pl_sys(SYS_symlinkat, (long)target, fd, (long)p, 0, 0));
}

PL_EXPORT int chmod(const char *path, mode_t mode)
{
	PL_AT1(SYS_fchmodat, AT_FDCWD, path, PL_FOLLOW, mode, 0, 0, PL_RO_ATTR);
}

PL_EXPORT int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	if (flags) /* AT_SYMLINK_NOFOLLOW: the library's emulation, through the tracer */
		PL_TRACED(int (*)(int, const char *, mode_t, int), fchmodat, dirfd, path, mode, flags);
	PL_REAL(int (*)(int, const char *, mode_t, int), fchmodat);
	if (path && !path[0] && (flags & AT_EMPTY_PATH) && pl_ro_fd(dirfd))
		return (int)pl_ret(-EROFS);
	PL_AT(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, fd, p);
	PL_RO(PL_RO_ATTR, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, dirfd, path, fd, p);
	return real_fchmodat(fd, p, mode, flags); /* AT_SYMLINK_NOFOLLOW needs the library */
}

PL_EXPORT int lchmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int chown(const char *path, uid_t uid, gid_t gid)
{
	if (pl_traced()) /* the tracer fakes ownership */
		return (int)pl_ret(pl_sys_traced(SYS_fchownat, AT_FDCWD, (long)path, uid, gid, 0));
	PL_AT1(SYS_fchownat, AT_FDCWD, path, PL_FOLLOW, uid, gid, 0, PL_RO_ATTR);
}

PL_EXPORT int lchown(const char *path, uid_t uid, gid_t gid)
{
	if (pl_traced())
		return (int)pl_ret(pl_sys_traced(SYS_fchownat, AT_FDCWD, (long)path, uid, gid,
						 AT_SYMLINK_NOFOLLOW));
	PL_AT1(SYS_fchownat, AT_FDCWD, path, 0, uid, gid, AT_SYMLINK_NOFOLLOW, PL_RO_ATTR);
}

PL_EXPORT int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	if (pl_traced())
		return (int)pl_ret(pl_sys_traced(SYS_fchownat, dirfd, (long)path, uid, gid, flags));
	if (path && !path[0] && (flags & AT_EMPTY_PATH) && pl_ro_fd(dirfd))
		return (int)pl_ret(-EROFS);
	PL_AT1(SYS_fchownat, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, uid, gid,
	       flags, PL_RO_ATTR);
}

PL_EXPORT int utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	if (!path && pl_ro_fd(dirfd))
		return (int)pl_ret(-EROFS);
	if (!path) /* futimens */
		return (int)pl_ret(pl_sys(SYS_utimensat, dirfd, 0, (long)ts, flags, 0));
	PL_AT1(SYS_utimensat, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, (long)ts,
	       flags, 0, PL_RO_ATTR);
}

/* The timeval calls: as utimensat with microseconds made nanoseconds (NULL: now). */
static int pl_utimes(int dirfd, const char *path, const struct timeval tv[2], int flags)
{
	struct timespec ts[2];

	if (!tv)
		return utimensat(dirfd, path, NULL, flags);
	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimensat(dirfd, path, ts, flags);
}

PL_EXPORT int utimes(const char *path, const struct timeval tv[2])
{
	return pl_utimes(AT_FDCWD, path, tv, 0);
}

PL_EXPORT int lutimes(const char *path, const struct timeval tv[2])
{
	return pl_utimes(AT_FDCWD, path, tv, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int futimesat(int dirfd, const char *path, const struct timeval tv[2])
{
	return pl_utimes(dirfd, path, tv, 0);
}

PL_EXPORT int utime(const char *path, const struct utimbuf *u)
{
	struct timespec ts[2];

	if (!u)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0].tv_sec = u->actime;
	ts[1].tv_sec = u->modtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, 0);
}

PL_EXPORT int truncate(const char *path, off_t len)
{
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	PL_RO(PL_RO_TRUNC, PL_FOLLOW, AT_FDCWD, path, fd, p);
	return (int)pl_ret(pl_sys(SYS_truncate, (long)PL_ABS(fd, p), len, 0, 0, 0));
}

#ifdef __GLIBC__
PL_EXPORT int truncate64(const char *path, off64_t len)
{
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	PL_RO(PL_RO_TRUNC, PL_FOLLOW, AT_FDCWD, path, fd, p);
	return (int)pl_ret(pl_sys(SYS_truncate, (long)PL_ABS(fd, p), len, 0, 0, 0));
}
#endif

/* The fd calls that change a file: a file of a read-only entry refuses (EROFS). */
PL_EXPORT int fchmod(int fd, mode_t mode)
{
	int e = pl_ro_fd(fd);

	return (int)pl_ret(e ? e : pl_sys(SYS_fchmod, fd, mode, 0, 0, 0));
}

PL_EXPORT int fchown(int fd, uid_t uid, gid_t gid)
{
	if (pl_traced())
		return (int)pl_ret(pl_sys_traced(SYS_fchown, fd, uid, gid, 0, 0));
	int e = pl_ro_fd(fd);

	return (int)pl_ret(e ? e : pl_sys(SYS_fchown, fd, uid, gid, 0, 0));
}

PL_EXPORT int futimens(int fd, const struct timespec ts[2])
{
	int e = pl_ro_fd(fd);

	return (int)pl_ret(e ? e : pl_sys(SYS_utimensat, fd, 0, (long)ts, 0, 0));
}
