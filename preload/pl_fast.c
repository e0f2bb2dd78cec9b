/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_fast.c - translation fast path: a root-entry path the kernel resolves with no symlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/*
 * pm_canon walks a guest path one component at a time (an lstat per component, each walking the
 * whole host prefix again). When the guest path lies under the root entry (no bind on the way),
 * has no "." or ".." component and the kernel meets no symlink resolving <root>/<path>, the
 * kernel's own resolution is the guest's: one openat2(RESOLVE_NO_SYMLINKS) proves it. Anything
 * else (a symlink, "..", a bind, an error other than a missing last component, no openat2)
 * falls back to pm_canon, which gives the exact answer.
 */

#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif
#define PL_RESOLVE_NO_SYMLINKS 0x04 /* RESOLVE_NO_SYMLINKS of linux/openat2.h */

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

int pl_fast_fd(const struct pm_table *t, const char *path, unsigned int flags,
	       char host[PATH_MAX])
{
	int i = pm_entry_of(t, path), fd;
	size_t parent;

	if (i < 0 || !(t->ent[i].flags & PM_ROOT) || (t->ent[i].flags & PM_RDONLY) ||
	    !pl_fast_enabled(&t->ent[i]) || !pl_fast_join(&t->ent[i], path, host, &parent))
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
