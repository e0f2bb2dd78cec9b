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
	char *guest;
	size_t glen;
	char *host;
	size_t pos;
	unsigned int links;
	char rest[PATH_MAX];
};

static int pm_walk_start(struct pm_walk *w, const char *cwd, const char *path)
{
	size_t len = strnlen(path, PATH_MAX);

	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT; /* as the kernel, for "" without AT_EMPTY_PATH */
	w->pos = PATH_MAX - 1 - len;
	memcpy(w->rest + w->pos, path, len + 1);
	if (path[0] == '/')
		cwd = "/";
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

/* Drop the last component of guest; "/" stays "/" (".." clamped at the guest root). */
static void pm_walk_pop(struct pm_walk *w)
{
	char *slash = memrchr(w->guest, '/', w->glen);

	w->glen = slash && slash != w->guest ? (size_t)(slash - w->guest) : 1;
	w->guest[w->glen] = '\0';
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
	w->glen = w->rest[w->pos] == '/' ? 1 : glen_parent;
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

static int pm_walk(struct pm_walk *w, unsigned int flags)
{
	const char *comp;
	size_t clen, parent;
	int r, last, trailing;

	while (pm_walk_next(w, &comp, &clen)) {
		const char *tail = w->rest + w->pos;

		if (pm_is_dot(comp, clen))
			continue;
		if (pm_is_dotdot(comp, clen)) {
			pm_walk_pop(w);
			continue;
		}
		last = tail[strspn(tail, "/")] == '\0';
		trailing = last && *tail == '/';
		parent = w->glen;
		r = pm_walk_push(w, comp, clen);
		if (r == 0)
			r = pm_walk_step(w, parent, last, !last || trailing || (flags & PM_FOLLOW));
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
	struct pm_fs raw = {.ops = pm_fs_raw_ops(), .ctx = NULL};
	struct pm_walk w; /* not zero-initialised: rest is PATH_MAX bytes, hot path */
	int r;

	w.t = t;
	w.fs = fs ? fs : &raw;
	w.guest = guest;
	w.host = host;
	w.links = 0;

	r = pm_walk_start(&w, cwd, path);
	if (r == 0)
		r = pm_walk(&w, flags);
	if (r == 0)
		r = pm_map_guest(t, guest, host, NULL);
	return r;
}
