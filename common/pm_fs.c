/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_fs.c - the filesystem calls pm_canon makes, as raw system calls a preload shim cannot wrap. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/pm.h"

/*
 * syscall(2) is not a function any shim wraps, so calling it from inside a wrapper cannot
 * recurse. It sets errno on failure; we hand back -errno and restore the caller's errno, which
 * the shim must keep intact on success.
 */
static int pm_fs_ret(long r, int saved_errno)
{
	int e;

	if (r >= 0)
		return (int)r;
	e = errno;
	errno = saved_errno;
	return -e;
}

/* One raw call: through ctx's function (a struct pm_fs_sys) when given, else syscall(2). */
static long pm_fs_call(const void *ctx, long nr, long a, long b, long c, long d)
{
	int saved = errno;

	if (ctx)
		return ((const struct pm_fs_sys *)ctx)->call(nr, a, b, c, d, 0);
	return pm_fs_ret(syscall(nr, a, b, c, d), saved);
}

/* fs op: the S_IFMT bits of host into *type; lstat semantics unless follow. 0 or -errno. */
static int pm_fs_raw_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	int at = follow ? 0 : AT_SYMLINK_NOFOLLOW;
	long r;
#ifdef SYS_newfstatat
	/* 64-bit ABIs: the kernel's struct stat is glibc's and musl's struct stat. */
	struct stat st;

	r = pm_fs_call(ctx, SYS_newfstatat, AT_FDCWD, (long)host, (long)&st, at);
#else
	struct stat64 st;

	r = pm_fs_call(ctx, SYS_fstatat64, AT_FDCWD, (long)host, (long)&st, at);
#endif
	if (r < 0)
		return (int)r;
	*type = (unsigned int)(st.st_mode & S_IFMT);
	return 0;
}

/*
 * fs op: the target of the symlink host into buf (size bytes, NUL-terminated); its length, or
 * -errno: -ENAMETOOLONG when target plus NUL do not fit (readlinkat would silently truncate).
 */
static int pm_fs_raw_readlink(void *ctx, const char *host, char *buf, size_t size)
{
	long r;

	if (size < 2)
		return -ENAMETOOLONG;
	r = pm_fs_call(ctx, SYS_readlinkat, AT_FDCWD, (long)host, (long)buf, (long)size);
	if (r < 0)
		return (int)r;
	if ((size_t)r >= size)
		return -ENAMETOOLONG;
	buf[r] = '\0';
	return (int)r;
}

static const struct pm_fs_ops pm_fs_raw = {
    .kind = pm_fs_raw_kind,
    .readlink = pm_fs_raw_readlink,
};

/*
 * The fs ops made of raw system calls on host paths relative to the process's cwd, for the
 * preload shim and tests; ctx: NULL (syscall(2)) or a struct pm_fs_sys to make them through. Returns a pointer to a constant table (never NULL).
 */
const struct pm_fs_ops *pm_fs_raw_ops(void)
{
	return &pm_fs_raw;
}
