/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_fast.c - translation fast path: a root-entry path the kernel resolves with no symlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/pl_shim.h"

/*
 * pm_canon walks a guest path one component at a time (an lstat per component, each walking the
 * whole host prefix again). When the guest path lies under the root entry (no bind on the way),
 * has no "." or ".." component and the kernel meets no symlink resolving <root>/<path>, the
 * kernel's own resolution is the guest's: one openat2(RESOLVE_NO_SYMLINKS) proves it. Anything
 * else (a symlink, "..", a bind, an error other than a missing last component, no openat2)
 * falls back to pm_canon, which gives the exact answer.
 *
 * lgetxattr and llistxattr (pl_fast_xattr) open the parent directory that way and ask
 * getxattrat/listxattrat (Linux 6.13) for the last component from it: one long walk, not two
 * (the check, then the call on the joined host path). docs/design/preload.md, "Per-call cost".
 */

#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif
#define PL_RESOLVE_NO_SYMLINKS 0x04 /* RESOLVE_NO_SYMLINKS of linux/openat2.h */
#ifndef SYS_getxattrat
#define SYS_getxattrat 464 /* Linux 6.13; the same number on every architecture */
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat 465
#endif

struct pl_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

/* 1: openat2 works and the root entry's host directory is reached without a symlink; -1: no. */
static int pl_fast_ok;

/* openat2(host, O_PATH | extra, RESOLVE_NO_SYMLINKS): the descriptor or -errno. */
static int pl_fast_open(const char *host, long extra)
{
	struct pl_open_how how = { (uint64_t)(O_PATH | O_CLOEXEC | extra), 0,
				   PL_RESOLVE_NO_SYMLINKS };

	return (int)pl_sys(SYS_openat2, AT_FDCWD, (long)host, (long)&how, sizeof(how), 0);
}

/* pl_fast_open, the descriptor closed: 0 or -errno. */
static int pl_fast_check(const char *host, long extra)
{
	int fd = pl_fast_open(host, extra);

	if (fd < 0)
		return fd;
	pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return 0;
}

/* Whether the fast path may be used at all (decided once per process). */
static int pl_fast_enabled(const struct pm_entry *root)
{
	int ok = __atomic_load_n(&pl_fast_ok, __ATOMIC_RELAXED);

	if (!ok) {
		ok = root->hlen > 0 && pl_fast_check(root->host, O_DIRECTORY) == 0 ? 1 : -1;
		__atomic_store_n(&pl_fast_ok, ok, __ATOMIC_RELAXED);
	}
	return ok > 0;
}

/*
 * <root host><path> into host with single slashes; the length of the parent's part (the host
 * path up to the last component) into *parent. 0 when path has a "." or ".." component, a
 * trailing '/' or is too long.
 */
static int pl_fast_join(const struct pm_entry *root, const char *path, char host[PATH_MAX],
			size_t *parent)
{
	size_t at = root->hlen, len;

	memcpy(host, root->host, at);
	*parent = at;
	for (const char *p = path; *p; p += len) {
		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			return 0; /* a trailing '/': the slow path checks the directory */
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (at + 1 + len >= PATH_MAX)
			return 0;
		*parent = at;
		host[at++] = '/';
		memcpy(host + at, p, len);
		at += len;
	}
	if (at == root->hlen)
		return 0; /* "/" itself: rare, the slow path */
	host[at] = '\0';
	return 1;
}

/* Whether path is a fast-path one (see pl_fast_join); then host and *parent are filled. */
static int pl_fast_path(const struct pm_table *t, const char *path, char host[PATH_MAX],
			size_t *parent)
{
	int i = pm_entry_of(t, path);

	return i >= 0 && (t->ent[i].flags & PM_ROOT) && !(t->ent[i].flags & PM_RDONLY) &&
	       pl_fast_enabled(&t->ent[i]) && pl_fast_join(&t->ent[i], path, host, parent);
}

int pl_fast_fd(const struct pm_table *t, const char *path, unsigned int flags,
	       char host[PATH_MAX])
{
	size_t parent;
	int fd;

	if (!pl_fast_path(t, path, host, &parent))
		return -EAGAIN;
	fd = pl_fast_open(host, (flags & PL_FOLLOW) ? 0 : O_NOFOLLOW);
	if (fd == -ENOENT) { /* a missing last component: fine when its directory is reached */
		host[parent] = '\0';
		if (pl_fast_check(host, O_DIRECTORY) != 0)
			fd = -EAGAIN;
		host[parent] = '/';
	} else if (fd < 0) {
		fd = -EAGAIN; /* a symlink met (ELOOP) or another error: pm_canon says */
	}
	return fd;
}

int pl_fast_abs(const struct pm_table *t, const char *path, unsigned int flags,
		char host[PATH_MAX])
{
	int fd = pl_fast_fd(t, path, flags, host);

	if (fd >= 0)
		pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return fd >= 0 || fd == -ENOENT;
}

/* struct xattr_args of linux/xattr.h (getxattrat). */
struct pl_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/*
 * getxattrat has six arguments and pl_sys passes five: this one call goes to syscall(2)
 * itself, with pl_sys's convention (the result or -errno, errno untouched).
 */
static long pl_sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	int saved = errno;
	long r = syscall(nr, a, b, c, d, e, f);

	if (r < 0) {
		r = -errno;
		errno = saved;
	}
	return r;
}

/* 1: getxattrat/listxattrat work; -1: no (an older kernel, or a filter refuses them). */
static int pl_xat_ok;

static int pl_xat_enabled(void)
{
	int ok = __atomic_load_n(&pl_xat_ok, __ATOMIC_RELAXED);
	struct pl_xattr_args a = { 0, 0, 0 };
	long r;

	if (!ok) { /* a harmless question; ENOSYS, or EPERM from a seccomp filter: not there */
		r = pl_sys6(SYS_getxattrat, AT_FDCWD, (long)"/", 0, (long)"user.udockerc", (long)&a,
			    sizeof(a));
		ok = (r == -ENOSYS || r == -EPERM || r == -EINVAL || r == -EBADF) ? -1 : 1;
		__atomic_store_n(&pl_xat_ok, ok, __ATOMIC_RELAXED);
	}
	return ok > 0;
}

/*
 * The parent directory of path (guest, absolute, under the root entry) opened O_PATH without
 * meeting a symlink: its descriptor, *last pointing at the last component (in host), or
 * -EAGAIN when the fast path does not apply or the walk failed (pm_canon says).
 */
static int pl_fast_parent(const struct pm_table *t, const char *path, char host[PATH_MAX],
			  const char **last)
{
	size_t parent;
	int fd;

	if (!pl_fast_path(t, path, host, &parent))
		return -EAGAIN;
	host[parent] = '\0';
	fd = pl_fast_open(host, O_DIRECTORY);
	host[parent] = '/';
	*last = host + parent + 1;
	return fd < 0 ? -EAGAIN : fd;
}

long pl_fast_xattr(long nr, const char *path, const char *name, void *v, size_t size)
{
	const struct pm_table *t = pl_table();
	int fd;
	char host[PATH_MAX];
	const char *last;
	long r;

	/*
	 * Only the calls that do not follow the last component: a followed one must first be
	 * shown to be no symlink (one more fstatat), which costs more than the walk it saves.
	 */
	if ((nr != SYS_lgetxattr && nr != SYS_llistxattr) || !t || !path || path[0] != '/' ||
	    !pl_xat_enabled())
		return -EAGAIN;
	fd = pl_fast_parent(t, path, host, &last);
	if (fd < 0)
		return fd;
	if (nr == SYS_lgetxattr) {
		struct pl_xattr_args a = { (uint64_t)(uintptr_t)v, (uint32_t)size, 0 };

		r = size > UINT32_MAX ? -EAGAIN
				      : pl_sys6(SYS_getxattrat, fd, (long)last, AT_SYMLINK_NOFOLLOW,
						(long)name, (long)&a, sizeof(a));
	} else {
		r = pl_sys(SYS_listxattrat, fd, (long)last, AT_SYMLINK_NOFOLLOW, (long)v,
			   (long)size);
	}
	pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return r;
}
