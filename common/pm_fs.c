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

/* fs op: the S_IFMT bits of host into *type; lstat semantics unless follow. 0 or -errno. */
static int pm_fs_raw_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	int saved = errno, at = follow ? 0 : AT_SYMLINK_NOFOLLOW;
	long r;
#ifdef SYS_newfstatat
	/* 64-bit ABIs: the kernel's struct stat is glibc's and musl's struct stat. */
	struct stat st;

	r = syscall(SYS_newfstatat, AT_FDCWD, host, &st, at);
#else
	struct stat64 st;

	r = syscall(SYS_fstatat64, AT_FDCWD, host, &st, at);
#endif
	(void)ctx;
	if (r < 0)
		return pm_fs_ret(r, saved);
	*type = (unsigned int)(st.st_mode & S_IFMT);
	return 0;
}

/*
 * fs op: the target of the symlink host into buf (size bytes, NUL-terminated); its length, or
 * -errno: -ENAMETOOLONG when target plus NUL do not fit (readlinkat would silently truncate).
 */
static int pm_fs_raw_readlink(void *ctx, const char *host, char *buf, size_t size)
{
	int saved = errno;
	long r;

	(void)ctx;
	if (size < 2)
		return -ENAMETOOLONG;
	r = syscall(SYS_readlinkat, AT_FDCWD, host, buf, size);
	if (r < 0)
		return pm_fs_ret(r, saved);
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
 * preload shim and tests; ctx is unused. Returns a pointer to a constant table (never NULL).
 */
const struct pm_fs_ops *pm_fs_raw_ops(void)
{
	return &pm_fs_raw;
}
