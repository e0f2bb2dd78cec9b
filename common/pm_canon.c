/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_canon.c - canonicalise a guest path inside the guest view, iteratively, like the kernel. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "common/pm.h"

/*
 * The walk keeps two strings. guest (the caller's buffer) is the resolved part: canonical, every
 * component an existing directory, so ".." is a plain pop (physical semantics: ".." applies to
 * where a symlink led, not to its name). rest is what is left to resolve, right-aligned in a
 * PATH_MAX array: rest + pos up to the NUL at the end. A symlink's target is read straight into
 * the free space before pos and becomes the new head of rest; no recursion, one PATH_MAX array.
 */
struct pm_walk {
	const struct pm_table *t;
	const struct pm_fs *fs;
	const char *root; /* where "/" and ".." stop: canonical, rlen long ("/": 1) */
	size_t rlen;
	unsigned int flags; /* enum pm_canon_flag */
	char *guest;
	size_t glen;
	char *host;
	size_t pos;
	unsigned int links;
	char rest[PATH_MAX];
};

/* Restart the walk at the root: an absolute path or symlink target (-EXDEV under PM_BENEATH). */
static int pm_walk_root(struct pm_walk *w)
{
	if (w->flags & PM_BENEATH)
		return -EXDEV;
	memcpy(w->guest, w->root, w->rlen);
	w->glen = w->rlen;
	w->guest[w->glen] = '\0';
	return 0;
}

static int pm_walk_start(struct pm_walk *w, const char *root, const char *cwd, const char *path)
{
	size_t len = strnlen(path, PATH_MAX);

	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT; /* as the kernel, for "" without AT_EMPTY_PATH */
	w->pos = PATH_MAX - 1 - len;
	memcpy(w->rest + w->pos, path, len + 1);
	if (!root || root[0] != '/')
		return -EINVAL;
	w->root = root;
	w->rlen = strnlen(root, PATH_MAX);
	if (w->rlen == PATH_MAX)
		return -ENAMETOOLONG;
	while (w->rlen > 1 && root[w->rlen - 1] == '/')
		w->rlen--;
	if (path[0] == '/')
		return pm_walk_root(w);
	if (!cwd || cwd[0] != '/')
		return -EINVAL;
	w->glen = strnlen(cwd, PATH_MAX);
	if (w->glen == PATH_MAX)
		return -ENAMETOOLONG;
	while (w->glen > 1 && cwd[w->glen - 1] == '/')
		w->glen--;
	memcpy(w->guest, cwd, w->glen);
	w->guest[w->glen] = '\0';
	return 0;
}

/* Next component of rest into *comp and *clen, consumed; 0 when rest is empty, else 1. */
static int pm_walk_next(struct pm_walk *w, const char **comp, size_t *clen)
{
	const char *s;

	w->pos += strspn(w->rest + w->pos, "/");
	s = w->rest + w->pos;
	if (*s == '\0')
		return 0;
	*clen = strcspn(s, "/");
	*comp = s;
	w->pos += *clen;
	return 1;
}

/*
 * "..": drop the last component of guest. At the walk's root it stays there (clamped, as the
 * kernel at a process root or under RESOLVE_IN_ROOT), or fails with -EXDEV under PM_BENEATH.
 */
static int pm_walk_pop(struct pm_walk *w)
{
	char *slash;

	if (w->glen == w->rlen && memcmp(w->guest, w->root, w->rlen) == 0)
		return w->flags & PM_BENEATH ? -EXDEV : 0;
	slash = memrchr(w->guest, '/', w->glen);
	w->glen = slash && slash != w->guest ? (size_t)(slash - w->guest) : 1;
	w->guest[w->glen] = '\0';
	return 0;
}

static int pm_walk_push(struct pm_walk *w, const char *comp, size_t clen)
{
	size_t sep = w->glen > 1;

	if (clen > NAME_MAX || w->glen + sep + clen + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	if (sep)
		w->guest[w->glen] = '/';
	memcpy(w->guest + w->glen + sep, comp, clen);
	w->glen += sep + clen;
	w->guest[w->glen] = '\0';
	return 0;
}

/*
 * guest ends in a symlink (w->host is its host path) whose parent guest path is glen_parent
 * long: splice the target in front of rest; an absolute target restarts at the guest root, a
 * relative one at the link's directory.
 */
static int pm_walk_link(struct pm_walk *w, size_t glen_parent)
{
	int len;

	if (++w->links > PM_MAX_SYMLINKS)
		return -ELOOP;
	if (w->pos < 2)
		return -ENAMETOOLONG;
	len = w->fs->ops->readlink(w->fs->ctx, w->host, w->rest, w->pos);
	if (len < 0)
		return len;
	if (len == 0)
		return -ENOENT; /* the kernel's answer for an empty symlink */
	memmove(w->rest + w->pos - (size_t)len, w->rest, (size_t)len);
	w->pos -= (size_t)len;
	if (w->rest[w->pos] == '/')
		return pm_walk_root(w);
	w->glen = glen_parent;
	w->guest[w->glen] = '\0';
	return 0;
}

/*
 * Resolve one normal component, already pushed onto guest. last: nothing but slashes follows;
 * must_follow: a symlink here is followed (not last, trailing slash, or PM_FOLLOW). Returns 0
 * when done with it, 1 when it was a symlink spliced into rest, or -errno.
 */
static int pm_walk_step(struct pm_walk *w, size_t glen_parent, int last, int must_follow)
{
	const char *tail = w->rest + w->pos;
	int want_dir = !last || *tail == '/';
	unsigned int eflags, type;
	int r;

	r = pm_map_guest(w->t, w->guest, w->host, &eflags);
	if (r)
		return r;
	/* A mount point is the entry's host directory itself, even if that is a host symlink. */
	r = w->fs->ops->kind(w->fs->ctx, w->host, !!(eflags & PM_MOUNTPOINT), &type);
	if (r == -ENOENT && last)
		return 0; /* a missing last component: the caller may be creating it */
	if (r)
		return r;
	if (S_ISLNK(type) && must_follow) {
		if (w->flags & PM_NO_SYMLINKS)
			return -ELOOP;
		r = pm_walk_link(w, glen_parent);
		return r ? r : 1;
	}
	if (want_dir && !S_ISDIR(type))
		return -ENOTDIR;
	return 0;
}

static int pm_is_dot(const char *s, size_t len)
{
	return len == 1 && s[0] == '.';
}

static int pm_is_dotdot(const char *s, size_t len)
{
	return len == 2 && s[0] == '.' && s[1] == '.';
}

static int pm_walk(struct pm_walk *w)
{
	const char *comp;
	size_t clen, parent;
	int r, last, trailing;

	while (pm_walk_next(w, &comp, &clen)) {
		const char *tail = w->rest + w->pos;

		if (pm_is_dot(comp, clen))
			continue;
		if (pm_is_dotdot(comp, clen)) {
			r = pm_walk_pop(w);
			if (r < 0)
				return r;
			continue;
		}
		last = tail[strspn(tail, "/")] == '\0';
		trailing = last && *tail == '/';
		parent = w->glen;
		r = pm_walk_push(w, comp, clen);
		if (r == 0)
			r = pm_walk_step(w, parent, last, !last || trailing || (w->flags & PM_FOLLOW));
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Canonicalise path in the guest view of t: relative to cwd (an absolute canonical guest path,
 * ignored and may be NULL for an absolute path), symlinks read on the host side through t and
 * fs (NULL: pm_fs_raw_ops()), absolute targets re-rooted at the guest "/", ".." applied to the
 * directory a preceding symlink led to and clamped at "/", at most PM_MAX_SYMLINKS links. The last
 * component is followed only with PM_FOLLOW or a trailing '/' (which also requires a directory)
 * and may be missing. Fills guest (canonical guest path) and host (its host path), the caller's
 * PATH_MAX buffers. Returns 0 or -errno: -ENOENT (missing intermediate component, empty path or
 * symlink), -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EINVAL (bad cwd), or an error of fs.
 */
int pm_canon(const struct pm_table *t, const struct pm_fs *fs, const char *cwd, const char *path,
	     unsigned int flags, char guest[PATH_MAX], char host[PATH_MAX])
{
	return pm_canon_at(t, fs, "/", cwd, path, flags, guest, host);
}

/*
 * pm_canon with a root of the walk other than the guest "/": root (a canonical guest directory,
 * not the guest buffer) is where an absolute path or symlink target starts and where ".." stops,
 * as openat2's RESOLVE_IN_ROOT with root as the dirfd; cwd should be root or beneath it (a cwd
 * outside root walks ".." up to the guest "/", as the kernel outside a chroot). Flags also:
 * PM_BENEATH (RESOLVE_BENEATH: an absolute path or symlink target, or ".." at root, fails with
 * -EXDEV) and PM_NO_SYMLINKS (a symlink that would be followed fails with -ELOOP). Same results
 * as pm_canon, plus -EXDEV and -EINVAL for a relative root.
 */
int pm_canon_at(const struct pm_table *t, const struct pm_fs *fs, const char *root,
		const char *cwd, const char *path, unsigned int flags, char guest[PATH_MAX],
		char host[PATH_MAX])
{
	struct pm_fs raw = {.ops = pm_fs_raw_ops(), .ctx = NULL};
	struct pm_walk w; /* not zero-initialised: rest is PATH_MAX bytes, hot path */
	int r;

	w.t = t;
	w.fs = fs ? fs : &raw;
	w.guest = guest;
	w.host = host;
	w.links = 0;
	w.flags = flags;

	r = pm_walk_start(&w, root, cwd, path);
	if (r == 0)
		r = pm_walk(&w);
	if (r == 0)
		r = pm_map_guest(t, guest, host, NULL);
	return r;
}
