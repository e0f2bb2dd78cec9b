/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_walk.c - ftw and nftw: the walk runs on the host tree, the callback sees guest paths. */
#include <fcntl.h>
#include <ftw.h>
#include <string.h>

#include "preload/pl_shim.h"

/*
 * The C library walks with its internal calls, which the shim does not see: the walk gets the
 * host path and each path handed to the callback is mapped back. The callback and the prefix
 * lengths are per thread (a callback may itself walk: the outer state is restored after).
 */
typedef int (*pl_nftw_fn)(const char *, const struct stat *, int, struct FTW *);
typedef int (*pl_ftw_fn)(const char *, const struct stat *, int);

struct pl_walk {
	pl_nftw_fn fn;
	pl_ftw_fn ofn;
	const char *hroot; /* host path given to the walk */
	const char *groot; /* the guest's path for it */
	size_t hlen;
};
static __thread __attribute__((tls_model("initial-exec"))) struct pl_walk *pl_cur;

/* The guest path of the walk's path (host root + rest) in buf; path when it does not apply. */
static const char *pl_walk_path(const struct pl_walk *w, const char *path, char *buf)
{
	size_t glen = strlen(w->groot), rest;

	if (strncmp(path, w->hroot, w->hlen) != 0)
		return path;
	rest = strlen(path + w->hlen);
	if (glen + rest >= PATH_MAX)
		return path;
	memcpy(buf, w->groot, glen);
	memcpy(buf + glen, path + w->hlen, rest + 1);
	return buf;
}

static int pl_nftw_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char buf[PATH_MAX];

	return pl_cur->fn(pl_walk_path(pl_cur, path, buf), st, type, f);
}

static int pl_ftw_cb(const char *path, const struct stat *st, int type)
{
	char buf[PATH_MAX];

	return pl_cur->ofn(pl_walk_path(pl_cur, path, buf), st, type);
}

PL_EXPORT int nftw(const char *dir, pl_nftw_fn fn, int fds, int flags)
{
	PL_TRACED(int (*)(const char *, pl_nftw_fn, int, int), nftw, dir, fn, fds, flags);
	PL_REAL(int (*)(const char *, pl_nftw_fn, int, int), nftw);
	struct pl_walk w = { .fn = fn, .groot = dir }, *outer = pl_cur;
	int r;
	PL_AT(AT_FDCWD, dir, PL_FOLLOW, fd, p);

	if (p == dir)
		return real_nftw(dir, fn, fds, flags);
	w.hroot = PL_ABS(fd, p);
	w.hlen = strlen(w.hroot);
	pl_cur = &w;
	r = real_nftw(w.hroot, pl_nftw_cb, fds, flags);
	pl_cur = outer;
	return r;
}

PL_EXPORT int ftw(const char *dir, pl_ftw_fn fn, int fds)
{
	PL_TRACED(int (*)(const char *, pl_ftw_fn, int), ftw, dir, fn, fds);
	PL_REAL(int (*)(const char *, pl_ftw_fn, int), ftw);
	struct pl_walk w = { .ofn = fn, .groot = dir }, *outer = pl_cur;
	int r;
	PL_AT(AT_FDCWD, dir, PL_FOLLOW, fd, p);

	if (p == dir)
		return real_ftw(dir, fn, fds);
	w.hroot = PL_ABS(fd, p);
	w.hlen = strlen(w.hroot);
	pl_cur = &w;
	r = real_ftw(w.hroot, pl_ftw_cb, fds);
	pl_cur = outer;
	return r;
}
