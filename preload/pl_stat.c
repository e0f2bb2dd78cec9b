/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_stat.c - calls that look at a path: the stat family, access, readlink, statfs, xattrs. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "preload/pl_shim.h"

/* Under the P1 tracer, r (a stat call's result) with st's owners shown as the tracer shows them. */
static long pl_stat_owner(long call, void *st, long r)
{
	if (r != 0 || !pl.traced)
		return r;
#ifdef __GLIBC__ /* statx is wrapped for glibc only */
	if (call == SYS_statx) {
		pl_owner(&((struct statx *)st)->stx_uid, &((struct statx *)st)->stx_gid);
		return r;
	}
#endif
	(void)call;
	pl_owner(&((struct stat *)st)->st_uid, &((struct stat *)st)->st_gid);
	return r;
}

/*
 * Fast path of the stat family: an absolute path under the root entry reached without a
 * symlink is looked at through its O_PATH descriptor (one walk instead of two). call is
 * SYS_newfstatat or SYS_statx (mask, stx); -EAGAIN when it does not apply.
 */
static long pl_stat_fast(long call, const char *path, int flags, void *st, unsigned int mask)
{
	const struct pm_table *t = pl_table();
	char host[PATH_MAX];
	long fd, r;

	if (!t || !path || path[0] != '/' || (flags & AT_EMPTY_PATH))
		return -EAGAIN;
	fd = pl_fast_fd(t, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, host);
	if (fd < 0)
		return fd;
	if (call == SYS_statx)
		r = pl_stat_owner(SYS_statx, st, pl_sys(SYS_statx, fd, (long)"", flags | AT_EMPTY_PATH,
							 mask, (long)st));
	else
		r = pl_stat_owner(SYS_newfstatat, st, pl_sys(SYS_newfstatat, fd, (long)"", (long)st,
							     flags | AT_EMPTY_PATH, 0));
	pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return r;
}

/* 64-bit ABIs: the kernel's struct stat (newfstatat) is the C library's. */
static int pl_fstatat(int dirfd, const char *path, void *st, int flags)
{
	if (pl_proc_traced(path))
		return (int)pl_ret(pl_sys_traced(SYS_newfstatat, dirfd, (long)path, (long)st, flags, 0));
	long r = pl_stat_fast(SYS_newfstatat, path, flags, st, 0);

	if (r != -EAGAIN)
		return (int)pl_ret(r);
	PL_AT(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_stat_owner(SYS_newfstatat, st,
					 pl_sys(SYS_newfstatat, fd, (long)p, (long)st, flags, 0)));
}

/*
 * fstat: no path, but under the P1 tracer a trapped one would cost a stop (for the owners): the
 * shim asks the kernel itself and shows the owners as the tracer would.
 */
static int pl_fstat(int fd, void *st)
{
	if (fd < 0) /* not AT_FDCWD's directory: the kernel's answer to fstat */
		return (int)pl_ret(-EBADF);
	return (int)pl_ret(pl_stat_owner(SYS_newfstatat, st, pl_sys(SYS_newfstatat, fd, (long)"",
								     (long)st, AT_EMPTY_PATH, 0)));
}

PL_EXPORT int fstat(int fd, struct stat *st)
{
	return pl_fstat(fd, st);
}

PL_EXPORT int stat(const char *path, struct stat *st)
{
	return pl_fstatat(AT_FDCWD, path, st, 0);
}

PL_EXPORT int lstat(const char *path, struct stat *st)
{
	return pl_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return pl_fstatat(dirfd, path, st, flags);
}

#ifdef __GLIBC__
PL_EXPORT int fstat64(int fd, struct stat64 *st)
{
	return pl_fstat(fd, st);
}

PL_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return pl_fstatat(AT_FDCWD, path, st, 0);
}

PL_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return pl_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return pl_fstatat(dirfd, path, st, flags);
}

/* Before glibc 2.33 programs call these (ver is _STAT_VER: one layout on x86_64). */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstat64(int ver, int fd, struct stat64 *st);

PL_EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	(void)ver;
	return pl_fstat(fd, st);
}

PL_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	(void)ver;
	return pl_fstat(fd, st);
}

int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);

PL_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return pl_fstatat(AT_FDCWD, path, st, 0);
}

PL_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return pl_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	(void)ver;
	return pl_fstatat(dirfd, path, st, flags);
}

PL_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return pl_fstatat(AT_FDCWD, path, st, 0);
}

PL_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return pl_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

PL_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	(void)ver;
	return pl_fstatat(dirfd, path, st, flags);
}
#endif

#ifdef __GLIBC__
PL_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	if (pl_proc_traced(path))
		return (int)pl_ret(pl_sys_traced(SYS_statx, dirfd, (long)path, flags, mask, (long)stx));
	long r = pl_stat_fast(SYS_statx, path, flags, stx, mask);

	if (r != -EAGAIN)
		return (int)pl_ret(r);
	PL_AT(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_stat_owner(SYS_statx, stx,
					 pl_sys(SYS_statx, fd, (long)p, flags, mask, (long)stx)));
}
#endif

/* faccessat with flags: faccessat2, or the C library's emulation on kernels without it. */
static int pl_faccessat(int dirfd, const char *path, int mode, int flags)
{
	PL_REAL(int (*)(int, const char *, int, int), faccessat);
	long r;

	if (pl_proc_traced(path) && !flags)
		return (int)pl_ret(pl_sys_traced(SYS_faccessat, dirfd, (long)path, mode, 0, 0));
	if (pl_proc_traced(path)) /* the library (faccessat2 or its emulation), to the tracer */
		return real_faccessat(dirfd, path, mode, flags);
	PL_AT(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PL_FOLLOW, fd, p);
	if (!flags)
		return (int)pl_ret(pl_sys(SYS_faccessat, fd, (long)p, mode, 0, 0));
	r = pl_sys(SYS_faccessat2, fd, (long)p, mode, flags, 0); /* Linux 5.8 on */
	if (r != -ENOSYS)
		return (int)pl_ret(r);
	/* the library's emulation: of the host path, or under the P1 tracer of the guest's */
	return pl_traced() ? real_faccessat(dirfd, path, mode, flags)
			   : real_faccessat(fd, p, mode, flags);
}

PL_EXPORT int access(const char *path, int mode)
{
	return pl_faccessat(AT_FDCWD, path, mode, 0);
}

PL_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	return pl_faccessat(dirfd, path, mode, flags);
}

PL_EXPORT int euidaccess(const char *path, int mode)
{
	return pl_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

PL_EXPORT int eaccess(const char *path, int mode)
{
	return pl_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

/*
 * readlink: symlink targets are shown as stored. Links in /proc (fd/N, cwd, exe, root) hold
 * host paths: those the guest can reach are shown as guest paths.
 */
static ssize_t pl_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	char host[PATH_MAX], guest[PATH_MAX];
	size_t n;
	long r;

	if (pl_proc_traced(path))
		return pl_ret(pl_sys_traced(SYS_readlinkat, dirfd, (long)path, (long)buf,
					    (long)size, 0));
	PL_AT(dirfd, path, 0, fd, p);

	if (p[0] == '/' && pl_self_exe(p)) { /* the program (the kernel says: its loader) */
		n = strlen(pl_self_exe(p));
		memcpy(buf, pl_self_exe(p), n < size ? n : size);
		return (ssize_t)(n < size ? n : size);
	}
	if (p[0] != '/' || strncmp(p, "/proc/", 6) != 0 || !pl.t)
		return pl_ret(pl_sys(SYS_readlinkat, fd, (long)p, (long)buf, (long)size, 0));
	r = pl_sys(SYS_readlinkat, fd, (long)p, (long)host, sizeof(host) - 1, 0);
	if (r < 0)
		return pl_ret(r);
	host[r] = '\0';
	if (host[0] == '/' && pm_map_host(pl.t, host, guest, NULL) == 0)
		memcpy(host, guest, strlen(guest) + 1);
	n = strlen(host);
	if (n > size)
		n = size;
	memcpy(buf, host, n);
	return (ssize_t)n;
}

PL_EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	return pl_readlinkat(AT_FDCWD, path, buf, size);
}

PL_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	return pl_readlinkat(dirfd, path, buf, size);
}

PL_EXPORT int statfs(const char *path, struct statfs *buf)
{
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_sys(SYS_statfs, (long)PL_ABS(fd, p), (long)buf, 0, 0, 0));
}

PL_EXPORT int statvfs(const char *path, struct statvfs *buf)
{
	PL_TRACED(int (*)(const char *, struct statvfs *), statvfs, path, buf);
	PL_REAL(int (*)(const char *, struct statvfs *), statvfs);
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return real_statvfs(PL_ABS(fd, p), buf);
}

#ifdef __GLIBC__
PL_EXPORT int statfs64(const char *path, struct statfs64 *buf)
{
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_sys(SYS_statfs, (long)PL_ABS(fd, p), (long)buf, 0, 0, 0));
}

PL_EXPORT int statvfs64(const char *path, struct statvfs64 *buf)
{
	PL_TRACED(int (*)(const char *, struct statvfs64 *), statvfs64, path, buf);
	PL_REAL(int (*)(const char *, struct statvfs64 *), statvfs64);
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return real_statvfs64(PL_ABS(fd, p), buf);
}
#endif

/* Extended attributes: the l* calls do not follow a final symlink. */
#define PL_XATTR(name, follow, ro, ...)                                                            \
	PL_AT(AT_FDCWD, path, follow, fd, p);                                                      \
	PL_RO(ro, follow, AT_FDCWD, path, fd, p);                                                  \
	return pl_ret(pl_sys(SYS_##name, (long)PL_ABS(fd, p), __VA_ARGS__))

/* lgetxattr and llistxattr first try the fast path (pl_fast.c). */
#define PL_XFAST(name, ...)                                                                        \
	do {                                                                                       \
		long x_ = pl_fast_xattr(SYS_##name, path, __VA_ARGS__);                            \
		if (x_ != -EAGAIN)                                                                 \
			return pl_ret(x_);                                                         \
	} while (0)

PL_EXPORT ssize_t getxattr(const char *path, const char *name, void *v, size_t size)
{
	PL_XATTR(getxattr, PL_FOLLOW, PL_RO_NONE, (long)name, (long)v, (long)size, 0);
}

PL_EXPORT ssize_t lgetxattr(const char *path, const char *name, void *v, size_t size)
{
	PL_XFAST(lgetxattr, name, v, size);
	PL_XATTR(lgetxattr, 0, PL_RO_NONE, (long)name, (long)v, (long)size, 0);
}

PL_EXPORT int setxattr(const char *path, const char *name, const void *v, size_t size, int fl)
{
	PL_XATTR(setxattr, PL_FOLLOW, PL_RO_ATTR, (long)name, (long)v, (long)size, fl);
}

PL_EXPORT int lsetxattr(const char *path, const char *name, const void *v, size_t size, int fl)
{
	PL_XATTR(lsetxattr, 0, PL_RO_ATTR, (long)name, (long)v, (long)size, fl);
}

PL_EXPORT ssize_t listxattr(const char *path, char *list, size_t size)
{
	PL_XATTR(listxattr, PL_FOLLOW, PL_RO_NONE, (long)list, (long)size, 0, 0);
}

PL_EXPORT ssize_t llistxattr(const char *path, char *list, size_t size)
{
	PL_XFAST(llistxattr, NULL, list, size);
	PL_XATTR(llistxattr, 0, PL_RO_NONE, (long)list, (long)size, 0, 0);
}

PL_EXPORT int removexattr(const char *path, const char *name)
{
	PL_XATTR(removexattr, PL_FOLLOW, PL_RO_ATTR, (long)name, 0, 0, 0);
}

PL_EXPORT int lremovexattr(const char *path, const char *name)
{
	PL_XATTR(lremovexattr, 0, PL_RO_ATTR, (long)name, 0, 0, 0);
}

PL_EXPORT int fsetxattr(int fd, const char *name, const void *v, size_t size, int fl)
{
	int e = pl_ro_fd(fd);

	return (int)pl_ret(e ? e : pl_sys(SYS_fsetxattr, fd, (long)name, (long)v, (long)size, fl));
}

PL_EXPORT int fremovexattr(int fd, const char *name)
{
	int e = pl_ro_fd(fd);

	return (int)pl_ret(e ? e : pl_sys(SYS_fremovexattr, fd, (long)name, 0, 0, 0));
}
