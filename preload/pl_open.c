/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_open.c - the open family, stdio and directory streams, dlopen, mkstemp: paths mapped. */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/* Whether an open with flags follows a final symlink. */
static unsigned int pl_open_follow(int flags)
{
	if ((flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL)))
		return 0;
	return PL_FOLLOW;
}

/* openat(2) on the translated path; mode only with O_CREAT or O_TMPFILE. */
static int pl_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (pl_proc_traced(path))
		return (int)pl_ret(pl_sys_traced(SYS_openat, dirfd, (long)path, flags, mode, 0));
	PL_AT(dirfd, path, pl_open_follow(flags), fd, p);
	PL_RO(PL_RO_OPEN, flags, dirfd, path, fd, p);
	return (int)pl_ret(pl_sys(SYS_openat, fd, (long)p, flags, mode, 0));
}

/* The mode argument of an open call, present with O_CREAT or O_TMPFILE. */
#define PL_MODE(flags, last)                                                                       \
	mode_t mode = 0;                                                                           \
	if (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE) {                    \
		va_list ap;                                                                        \
		va_start(ap, last);                                                                \
		mode = (mode_t)va_arg(ap, int);                                                    \
		va_end(ap);                                                                        \
	}

PL_EXPORT int open(const char *path, int flags, ...)
{
	PL_MODE(flags, flags);
	return pl_openat(AT_FDCWD, path, flags, mode);
}

PL_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	PL_MODE(flags, flags);
	return pl_openat(dirfd, path, flags, mode);
}

PL_EXPORT int creat(const char *path, mode_t mode)
{
	return pl_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

#ifdef __GLIBC__
PL_EXPORT int open64(const char *path, int flags, ...)
{
	PL_MODE(flags, flags);
	return pl_openat(AT_FDCWD, path, flags, mode);
}

PL_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	PL_MODE(flags, flags);
	return pl_openat(dirfd, path, flags, mode);
}

PL_EXPORT int creat64(const char *path, mode_t mode)
{
	return pl_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* The _FORTIFY_SOURCE entries: no mode argument (a create without one aborts in glibc). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

PL_EXPORT int __open_2(const char *path, int flags)
{
	return pl_openat(AT_FDCWD, path, flags, 0);
}

PL_EXPORT int __open64_2(const char *path, int flags)
{
	return pl_openat(AT_FDCWD, path, flags, 0);
}

PL_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return pl_openat(dirfd, path, flags, 0);
}

PL_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return pl_openat(dirfd, path, flags, 0);
}

PL_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	PL_TRACED(FILE * (*)(const char *, const char *), fopen64, path, mode);
	PL_REAL(FILE * (*)(const char *, const char *), fopen64);
	PL_AT_PTR(AT_FDCWD, path, strchr(mode, 'x') ? 0 : PL_FOLLOW, fd, p);
	PL_RO_PTR(PL_RO_OPEN, pl_ro_fmode(mode), AT_FDCWD, path, fd, p);
	return real_fopen64(PL_ABS(fd, p), mode);
}

PL_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
	PL_TRACED(FILE * (*)(const char *, const char *, FILE *), freopen64, path, mode, f);
	PL_REAL(FILE * (*)(const char *, const char *, FILE *), freopen64);
	if (!path)
		return real_freopen64(path, mode, f);
	PL_AT_PTR(AT_FDCWD, path, PL_FOLLOW, fd, p);
	PL_RO_PTR(PL_RO_OPEN, pl_ro_fmode(mode), AT_FDCWD, path, fd, p);
	return real_freopen64(PL_ABS(fd, p), mode, f);
}
#endif

PL_EXPORT FILE *fopen(const char *path, const char *mode)
{
	PL_TRACED(FILE * (*)(const char *, const char *), fopen, path, mode);
	PL_REAL(FILE * (*)(const char *, const char *), fopen);
	PL_AT_PTR(AT_FDCWD, path, strchr(mode, 'x') ? 0 : PL_FOLLOW, fd, p);
	PL_RO_PTR(PL_RO_OPEN, pl_ro_fmode(mode), AT_FDCWD, path, fd, p);
	return real_fopen(PL_ABS(fd, p), mode);
}

PL_EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
	PL_TRACED(FILE * (*)(const char *, const char *, FILE *), freopen, path, mode, f);
	PL_REAL(FILE * (*)(const char *, const char *, FILE *), freopen);
	if (!path) /* a mode change of the same file */
		return real_freopen(path, mode, f);
	PL_AT_PTR(AT_FDCWD, path, PL_FOLLOW, fd, p);
	PL_RO_PTR(PL_RO_OPEN, pl_ro_fmode(mode), AT_FDCWD, path, fd, p);
	return real_freopen(PL_ABS(fd, p), mode, f);
}

/* opendir: the directory opened as open(2) would (translated), then fdopendir. */
PL_EXPORT DIR *opendir(const char *path)
{
	int fd = pl_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC, 0);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		pl_sys(SYS_close, fd, 0, 0, 0, 0);
		errno = e;
	}
	return d;
}

typedef int (*pl_filter_fn)(const struct dirent *);
typedef int (*pl_compar_fn)(const struct dirent **, const struct dirent **);

PL_EXPORT int scandir(const char *path, struct dirent ***list, pl_filter_fn filter,
		      pl_compar_fn compar)
{
	PL_TRACED(int (*)(const char *, struct dirent ***, pl_filter_fn, pl_compar_fn), scandir,
		  path, list, filter, compar);
	PL_REAL(int (*)(const char *, struct dirent ***, pl_filter_fn, pl_compar_fn), scandir);
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return real_scandir(PL_ABS(fd, p), list, filter, compar);
}

#ifdef __GLIBC__
typedef int (*pl_filter64_fn)(const struct dirent64 *);
typedef int (*pl_compar64_fn)(const struct dirent64 **, const struct dirent64 **);

PL_EXPORT int scandir64(const char *path, struct dirent64 ***list, pl_filter64_fn filter,
			pl_compar64_fn compar)
{
	PL_TRACED(int (*)(const char *, struct dirent64 ***, pl_filter64_fn, pl_compar64_fn),
		  scandir64, path, list, filter, compar);
	PL_REAL(int (*)(const char *, struct dirent64 ***, pl_filter64_fn, pl_compar64_fn),
		scandir64);
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return real_scandir64(PL_ABS(fd, p), list, filter, compar);
}
#endif

/* dlopen: a name with a '/' is a path; a bare name is the loader's search (--library-path). */
PL_EXPORT void *dlopen(const char *path, int mode)
{
	PL_TRACED(void *(*)(const char *, int), dlopen, path, mode);
	PL_REAL(void *(*)(const char *, int), dlopen);
	if (!path || !strchr(path, '/'))
		return real_dlopen(path, mode);
	PL_AT_PTR(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return real_dlopen(PL_ABS(fd, p), mode);
}

/*
 * mkstemp and friends: the template's last component is made on the host; the characters the
 * call replaced (the name's tail) are copied back into the guest's template.
 */
static int pl_template(char *tmpl, struct pl_buf *b, const char **p)
{
	int fd, r = pl_at(AT_FDCWD, tmpl, 0, b, &fd, p);

	if (r == 0)
		r = pl_ro(PL_RO_NEW, 0, AT_FDCWD, tmpl, b, fd, *p);
	if (r)
		return r;
	if (*p != b->host) {
		size_t n = strlen(tmpl);

		if (n >= sizeof(b->host))
			return -ENAMETOOLONG;
		memcpy(b->host, tmpl, n + 1);
		*p = b->host;
	}
	return 0;
}

/* Copy the last component of host back over that of tmpl (same length: same name). */
static void pl_template_back(char *tmpl, const char *host)
{
	const char *hs = strrchr(host, '/');
	char *gs = strrchr(tmpl, '/');

	hs = hs ? hs + 1 : host;
	gs = gs ? gs + 1 : tmpl;
	if (strlen(hs) == strlen(gs))
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): the name, in place */
		memcpy(gs, hs, strlen(hs));
}

#define PL_MKTEMP(type, name, ...)                                                                 \
	PL_TRACED(type, name, tmpl, ##__VA_ARGS__);                                                \
	struct pl_buf b;                                                                           \
	const char *p;                                                                             \
	int r = pl_template(tmpl, &b, &p), fd;                                                     \
	PL_REAL(type, name);                                                                       \
	if (r)                                                                                     \
		return (int)pl_ret(r);                                                             \
	fd = real_##name(b.host, ##__VA_ARGS__);                                                   \
	if (fd >= 0)                                                                               \
		pl_template_back(tmpl, b.host);                                                    \
	return fd

PL_EXPORT int mkstemp(char *tmpl)
{
	PL_MKTEMP(int (*)(char *), mkstemp);
}

PL_EXPORT int mkostemp(char *tmpl, int flags)
{
	PL_MKTEMP(int (*)(char *, int), mkostemp, flags);
}

PL_EXPORT int mkstemps(char *tmpl, int suffixlen)
{
	PL_MKTEMP(int (*)(char *, int), mkstemps, suffixlen);
}

PL_EXPORT int mkostemps(char *tmpl, int suffixlen, int flags)
{
	PL_MKTEMP(int (*)(char *, int, int), mkostemps, suffixlen, flags);
}

#ifdef __GLIBC__
PL_EXPORT int mkstemp64(char *tmpl)
{
	PL_MKTEMP(int (*)(char *), mkstemp64);
}
#endif

PL_EXPORT char *mkdtemp(char *tmpl)
{
	PL_TRACED(char *(*)(char *), mkdtemp, tmpl);
	struct pl_buf b;
	const char *p;
	int r = pl_template(tmpl, &b, &p);
	PL_REAL(char *(*)(char *), mkdtemp);

	if (r) {
		errno = -r;
		return NULL;
	}
	if (!real_mkdtemp(b.host))
		return NULL;
	pl_template_back(tmpl, b.host);
	return tmpl;
}
