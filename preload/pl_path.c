/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_path.c - guest paths to host paths for the shim's wrappers, through the shared path map. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/* Whether host is a /proc magic link the kernel follows by itself (fd/N, exe, cwd, root). */
static int pl_proc_magic(const char *host)
{
	const char *last;

	if (strncmp(host, "/proc/", 6) != 0)
		return 0;
	last = strrchr(host, '/');
	if (!strcmp(last, "/exe") || !strcmp(last, "/cwd") || !strcmp(last, "/root"))
		return 1;
	return last - host >= 3 && !strncmp(last - 3, "/fd/", 4);
}

/* The raw calls of pm_fs.c's ops made through pl_sys (with the cookie under the P1 tracer). */
static struct pm_fs_sys pl_fs_sys = { pl_sys };

/* fs op: as the raw one, but a /proc magic link is what it points to, not a symlink. */
static int pl_fs_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	(void)ctx;
	return pm_fs_raw_ops()->kind(&pl_fs_sys, host, follow || pl_proc_magic(host), type);
}

static int pl_fs_readlink(void *ctx, const char *host, char *buf, size_t size)
{
	(void)ctx;
	return pm_fs_raw_ops()->readlink(&pl_fs_sys, host, buf, size);
}

static const struct pm_fs_ops pl_fs_ops = { .kind = pl_fs_kind, .readlink = pl_fs_readlink };
const struct pm_fs pl_fs = { &pl_fs_ops, NULL };

int pl_dir_guest(int dirfd, char guest[PATH_MAX])
{
	char host[PATH_MAX], link[32] = "/proc/self/fd/";
	long r;

	if (dirfd == AT_FDCWD) {
		r = pl_sys(SYS_getcwd, (long)host, sizeof(host), 0, 0, 0);
	} else {
		int i = 14, d = dirfd, n = 1;

		if (dirfd < 0)
			return -EBADF;
		while (d /= 10)
			n++;
		for (d = dirfd, i += n - 1; n--; d /= 10)
			link[i--] = (char)('0' + d % 10);
		r = pl_sys(SYS_readlinkat, AT_FDCWD, (long)link, (long)host, sizeof(host) - 1, 0);
		if (r >= 0)
			host[r] = '\0';
	}
	if (r < 0)
		return (int)r;
	if (host[0] != '/')
		return -ENOTDIR; /* a pipe or socket: the kernel will say */
	return pm_map_host(pl.t, host, guest, NULL);
}

int pl_canon(const char *path, unsigned int flags, struct pl_buf *b)
{
	int r = 0;

	if (path[0] != '/')
		r = pl_dir_guest(AT_FDCWD, b->cwd);
	else if ((flags & PL_FOLLOW) && pl_self_exe(path))
		path = pl_self_exe(path);
	if (r)
		return r;
	return pm_canon(pl.t, &pl_fs, path[0] == '/' ? "/" : b->cwd, path,
			(flags & PL_FOLLOW) ? PM_FOLLOW : 0, b->guest, b->host);
}

/* Whether path has a ".." component. */
static int pl_has_dotdot(const char *path)
{
	for (const char *p = strstr(path, ".."); p; p = strstr(p + 2, ".."))
		if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	return 0;
}

/* Absolute path under an IDENTITY entry (/proc, /dev, /sys): the kernel may resolve it. */
static int pl_identity(const struct pm_table *t, const char *path)
{
	int i = pm_entry_of(t, path);

	return i >= 0 && (t->ent[i].flags & PM_IDENTITY) && t->ent[i].glen > 0 &&
	       !strstr(path, "//") && !pl_has_dotdot(path);
}

/*
 * "/proc/<self|thread-self|PID>/root/REST" is REST in the guest's root (the tracer's answer
 * for a guest without a chroot), not the host's root the kernel would walk: REST (from its
 * '/'), else NULL. The link itself, without a REST, is left to the caller.
 */
static const char *pl_proc_root(const char *path)
{
	const char *p = path + 6;

	if (strncmp(path, "/proc/", 6) != 0)
		return NULL;
	if (!strncmp(p, "self/", 5))
		p += 4;
	else if (!strncmp(p, "thread-self/", 12))
		p += 11;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (strncmp(p, "/root/", 6) != 0)
		return NULL;
	return p + 5;
}

/* A relative single name the kernel resolves like pm_canon would: no '/', not "..". */
static int pl_plain_name(int dirfd, const char *path, unsigned int flags)
{
	struct stat st;

	if (strchr(path, '/') || !strcmp(path, ".."))
		return 0;
	if (!(flags & PL_FOLLOW) || !strcmp(path, "."))
		return 1;
	/* followed: fine unless it is a symlink (whose target may be absolute) */
	return pl_sys(SYS_newfstatat, dirfd, (long)path, (long)&st, AT_SYMLINK_NOFOLLOW, 0) < 0 ||
	       !S_ISLNK(st.st_mode);
}

int pl_at(int dirfd, const char *path, unsigned int flags, struct pl_buf *b, int *fd,
	  const char **p)
{
	const struct pm_table *t = pl_table();
	int r;

	*fd = dirfd;
	*p = path;
	if (!t || !path || !path[0])
		return 0; /* nothing to map, or the kernel's EFAULT/ENOENT/AT_EMPTY_PATH */
	if (path[0] == '/') {
		if ((flags & PL_FOLLOW) && pl_self_exe(path)) /* the program, not its loader */
			path = pl_self_exe(path);
		if (pl_proc_root(path))
			*p = path = pl_proc_root(path);
		if (pl_identity(t, path))
			return 0;
		if (pl_fast_abs(t, path, flags, b->host)) {
			*fd = AT_FDCWD;
			*p = b->host;
			return 0;
		}
		r = pm_canon(t, &pl_fs, "/", path, (flags & PL_FOLLOW) ? PM_FOLLOW : 0, b->guest,
			     b->host);
	} else {
		if (pl_plain_name(dirfd, path, flags))
			return 0;
		r = pl_dir_guest(dirfd, b->cwd);
		if (r == -ENOENT || r == -ENOTDIR)
			return 0; /* outside the guest's view: nothing better than the kernel's */
		if (r == 0)
			r = pm_canon(t, &pl_fs, b->cwd, path, (flags & PL_FOLLOW) ? PM_FOLLOW : 0,
				     b->guest, b->host);
	}
	if (r)
		return r;
	*fd = AT_FDCWD;
	*p = b->host;
	return 0;
}

const char *pl_path(const char *path, unsigned int flags, struct pl_buf *b)
{
	const char *p;
	int fd, r = pl_at(AT_FDCWD, path, flags, b, &fd, &p);

	if (r) {
		errno = -r;
		return NULL;
	}
	return p;
}
