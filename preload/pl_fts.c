/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_fts.c - glibc's fts: the walk runs on the host tree, the program sees guest paths. */
#include <limits.h>
#ifdef __GLIBC__ /* musl has no fts */
#include <fcntl.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

/*
 * glibc's fts opens and stats through internal calls the shim does not see, so fts_open gets
 * the host path of each root. Every path of one walk lives in one buffer (sp->fts_path) that
 * fts_path of all entries points to and that starts with the root's host path. Between calls
 * the buffer starts with the guest path instead (rewritten in place: it is never longer, else
 * fts_open fails with ENAMETOOLONG), and fts_pathlen of the current entry, its ancestors and
 * the last fts_children list are shortened to match; each wrapper puts the host form back
 * before calling the C library. fts_accpath is either fts_name or the buffer, so it follows.
 * Roots not yet read (fts_children before the first fts_read) hold their whole path in
 * fts_name: rewritten the same way.
 */
struct pl_root {
	FTSENT *ent; /* the library's entry for this root */
	char *host, *guest;
	size_t hlen, glen;
	size_t hs, gs; /* lengths before the paths below it (one trailing '/' off, as fts does) */
	int err;       /* the guest path does not translate: the root is FTS_NS with it */
};

struct pl_fts {
	struct pl_fts *next;
	FTS *sp;
	int (*compar)(const FTSENT **, const FTSENT **);
	size_t n;
	struct pl_root r[]; /* strings follow */
};

static struct pl_fts *pl_fts_list;
static int pl_fts_lock;
/* The walk a comparison runs in (the library calls it inside fts_open/read/children). */
static __thread __attribute__((tls_model("initial-exec"))) struct pl_fts *pl_fts_cur;

static void pl_lock(void)
{
	while (__atomic_exchange_n(&pl_fts_lock, 1, __ATOMIC_ACQUIRE))
		;
}

static void pl_unlock(void)
{
	__atomic_store_n(&pl_fts_lock, 0, __ATOMIC_RELEASE);
}

/* The state of sp, NULL when it is not a translated walk; unlink it when take. */
static struct pl_fts *pl_fts_find(const FTS *sp, int take)
{
	struct pl_fts **pp, *s;

	pl_lock();
	for (pp = &pl_fts_list; *pp && (*pp)->sp != sp; pp = &(*pp)->next)
		;
	s = *pp;
	if (s && take)
		*pp = s->next;
	pl_unlock();
	return s;
}

/* The root p is under (its level-0 ancestor), or NULL. */
static const struct pl_root *pl_fts_root(const struct pl_fts *s, const FTSENT *p)
{
	size_t i;

	while (p && p->fts_level > FTS_ROOTLEVEL)
		p = p->fts_parent;
	if (!p || p->fts_level != FTS_ROOTLEVEL)
		return NULL;
	for (i = 0; i < s->n; i++)
		if (s->r[i].ent == p)
			return &s->r[i];
	return NULL;
}

/*
 * Rewrite the walk's path str to guest form (guest) or back; 1 when done, 0 when str is not
 * under r in the other form. The host buffer held the longer host form, so both fit.
 */
static int pl_swap(char *str, const struct pl_root *r, int guest)
{
	const char *from = guest ? r->host : r->guest, *to = guest ? r->guest : r->host;
	size_t fs = guest ? r->hs : r->gs, ts = guest ? r->gs : r->hs;

	if (!strcmp(str, from)) {
		strcpy(str, to);
		return 1;
	}
	if (strncmp(str, from, fs) != 0 || str[fs] != '/')
		return 0;
	memmove(str + ts, str + fs, strlen(str + fs) + 1);
	memcpy(str, to, ts);
	return 1;
}

/* Shorten (guest) or lengthen back fts_pathlen of p, an entry under r. */
static void pl_fts_len(const struct pl_root *r, FTSENT *p, int guest)
{
	size_t d = p->fts_level == FTS_ROOTLEVEL ? r->hlen - r->glen : r->hs - r->gs;

	p->fts_pathlen = (unsigned short)(guest ? p->fts_pathlen - d : p->fts_pathlen + d);
}

/* A root not yet read: its whole path is in fts_name (guest form when guest). */
static void pl_fts_name(const struct pl_root *r, FTSENT *p, int guest)
{
	if (p != r->ent || strcmp(p->fts_name, guest ? r->host : r->guest) != 0)
		return;
	strcpy(p->fts_name, guest ? r->guest : r->host);
	p->fts_namelen = (unsigned short)(guest ? r->glen : r->hlen);
}

/* Put the walk's visible state in guest form (guest) or back in host form. */
static void pl_fts_form(const struct pl_fts *s, int guest)
{
	FTS *sp = s->sp;
	const struct pl_root *r = pl_fts_root(s, sp->fts_cur);
	FTSENT *p;

	if (r && pl_swap(sp->fts_path, r, guest))
		for (p = sp->fts_cur; p && p->fts_level >= FTS_ROOTLEVEL; p = p->fts_parent)
			pl_fts_len(r, p, guest);
	/* before the first read, fts_children gives the roots, linked after a dummy entry */
	p = sp->fts_cur && sp->fts_cur->fts_info == FTS_INIT ? sp->fts_cur->fts_link : sp->fts_child;
	for (; p; p = p->fts_link) {
		r = pl_fts_root(s, p);
		if (!r)
			continue;
		pl_fts_name(r, p, guest);
		if (p->fts_level > FTS_ROOTLEVEL)
			pl_fts_len(r, p, guest);
	}
}

/* The comparison sees a root still named by its host path under its guest path. */
static int pl_fts_cmp(const FTSENT **a, const FTSENT **b)
{
	const struct pl_fts *s = pl_fts_cur;
	union {
		FTSENT e;
		char buf[sizeof(FTSENT) + PATH_MAX];
	} ca, cb;
	const FTSENT *pa = *a, *pb = *b;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (pa == *a && pa->fts_level == FTS_ROOTLEVEL && !strcmp(pa->fts_name, s->r[i].host)) {
			memcpy(&ca.e, pa, sizeof(FTSENT));
			memcpy(ca.e.fts_name, s->r[i].guest, s->r[i].glen + 1);
			ca.e.fts_namelen = (unsigned short)s->r[i].glen;
			pa = &ca.e;
		}
		if (pb == *b && pb->fts_level == FTS_ROOTLEVEL && !strcmp(pb->fts_name, s->r[i].host)) {
			memcpy(&cb.e, pb, sizeof(FTSENT));
			memcpy(cb.e.fts_name, s->r[i].guest, s->r[i].glen + 1);
			cb.e.fts_namelen = (unsigned short)s->r[i].glen;
			pb = &cb.e;
		}
	}
	return s->compar(&pa, &pb);
}

/* The host path of one root into host: the root itself is followed when fts would follow it. */
static int pl_fts_host(const char *path, int options, char host[PATH_MAX])
{
	struct pl_buf b;
	const char *p;
	struct stat st;

	p = pl_path(path, 0, &b);
	if (p && (options & (FTS_COMFOLLOW | FTS_LOGICAL)) &&
	    pl_sys(SYS_newfstatat, AT_FDCWD, (long)p, (long)&st, AT_SYMLINK_NOFOLLOW, 0) == 0 &&
	    S_ISLNK(st.st_mode))
		p = pl_path(path, PL_FOLLOW, &b);
	if (!p)
		return -errno;
	if (strlen(p) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(host, p);
	return 0;
}

/* The state for argv: each root's host and guest path; NULL with errno. */
static struct pl_fts *pl_fts_new(char *const *argv, int options)
{
	char host[PATH_MAX];
	size_t n, i, size = 0;
	struct pl_fts *s;
	char *str;
	int r;

	for (n = 0; argv[n]; n++)
		size += strlen(argv[n]) + 1 + PATH_MAX;
	s = calloc(1, sizeof(*s) + n * sizeof(s->r[0]) + size);
	if (!s)
		return NULL;
	s->n = n;
	str = (char *)&s->r[n];
	for (i = 0; i < n; i++) {
		r = pl_fts_host(argv[i], options, host);
		if (r && r != -ENAMETOOLONG) {
			/* the library stats the guest path on the host: its answer is replaced */
			s->r[i].err = -r;
			strcpy(host, argv[i]);
			r = 0;
		}
		s->r[i].glen = strlen(argv[i]);
		s->r[i].hlen = strlen(host);
		s->r[i].gs = s->r[i].glen - (s->r[i].glen && argv[i][s->r[i].glen - 1] == '/');
		s->r[i].hs = s->r[i].hlen - (s->r[i].hlen && host[s->r[i].hlen - 1] == '/');
		if (!r && (s->r[i].glen > s->r[i].hlen || s->r[i].gs > s->r[i].hs))
			r = -ENAMETOOLONG;
		if (r) {
			free(s);
			errno = -r;
			return NULL;
		}
		s->r[i].guest = memcpy(str, argv[i], s->r[i].glen + 1);
		str += s->r[i].glen + 1;
		s->r[i].host = memcpy(str, host, s->r[i].hlen + 1);
		str += s->r[i].hlen + 1;
	}
	return s;
}

/* Tie the roots the library made (linked after its dummy current entry) to the state. */
static void pl_fts_bind(struct pl_fts *s)
{
	FTSENT *p;
	size_t i;

	for (p = s->sp->fts_cur ? s->sp->fts_cur->fts_link : NULL; p; p = p->fts_link)
		for (i = 0; i < s->n; i++)
			if (!s->r[i].ent && !strcmp(p->fts_name, s->r[i].host)) {
				s->r[i].ent = p;
				if (s->r[i].err) {
					p->fts_info = FTS_NS;
					p->fts_errno = s->r[i].err;
					if (p->fts_statp)
						memset(p->fts_statp, 0, sizeof(*p->fts_statp));
				}
				break;
			}
}

PL_EXPORT FTS *fts_open(char *const *argv, int options,
			int (*compar)(const FTSENT **, const FTSENT **))
{
	PL_TRACED(FTS * (*)(char *const *, int, int (*)(const FTSENT **, const FTSENT **)),
		  fts_open, argv, options, compar);
	PL_REAL(FTS * (*)(char *const *, int, int (*)(const FTSENT **, const FTSENT **)), fts_open);
	struct pl_fts *s, *outer = pl_fts_cur;
	char **hv;
	size_t i;

	if (!pl_table() || !argv)
		return real_fts_open(argv, options, compar);
	s = pl_fts_new(argv, options);
	if (!s)
		return NULL;
	s->compar = compar;
	hv = calloc(s->n + 1, sizeof(*hv));
	if (!hv) {
		free(s);
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		hv[i] = s->r[i].host;
	pl_fts_cur = s;
	s->sp = real_fts_open(hv, options, compar ? pl_fts_cmp : NULL);
	pl_fts_cur = outer;
	free(hv);
	if (!s->sp) {
		free(s);
		return NULL;
	}
	pl_fts_bind(s);
	pl_lock();
	s->next = pl_fts_list;
	pl_fts_list = s;
	pl_unlock();
	return s->sp;
}

PL_EXPORT FTSENT *fts_read(FTS *sp)
{
	PL_TRACED(FTSENT * (*)(FTS *), fts_read, sp);
	PL_REAL(FTSENT * (*)(FTS *), fts_read);
	struct pl_fts *s = pl_fts_find(sp, 0), *outer = pl_fts_cur;
	FTSENT *p;
	int e;

	if (!s)
		return real_fts_read(sp);
	pl_fts_form(s, 0);
	pl_fts_cur = s;
	p = real_fts_read(sp);
	e = errno;
	pl_fts_cur = outer;
	pl_fts_form(s, 1);
	errno = e;
	return p;
}

PL_EXPORT FTSENT *fts_children(FTS *sp, int options)
{
	PL_TRACED(FTSENT * (*)(FTS *, int), fts_children, sp, options);
	PL_REAL(FTSENT * (*)(FTS *, int), fts_children);
	struct pl_fts *s = pl_fts_find(sp, 0), *outer = pl_fts_cur;
	FTSENT *p;
	int e;

	if (!s)
		return real_fts_children(sp, options);
	pl_fts_form(s, 0);
	pl_fts_cur = s;
	p = real_fts_children(sp, options);
	e = errno;
	pl_fts_cur = outer;
	pl_fts_form(s, 1);
	errno = e;
	return p;
}

PL_EXPORT int fts_close(FTS *sp)
{
	PL_TRACED(int (*)(FTS *), fts_close, sp);
	PL_REAL(int (*)(FTS *), fts_close);
	struct pl_fts *s = pl_fts_find(sp, 1);

	free(s);
	return real_fts_close(sp);
}

/* The 64-bit names (glibc 2.23+, _FILE_OFFSET_BITS=64): the same layout on 64-bit ABIs. */
#if __SIZEOF_POINTER__ == 8
extern __typeof__(fts_open) pl_fts64_open __asm__("fts64_open")
	__attribute__((alias("fts_open"), visibility("default")));
extern __typeof__(fts_read) pl_fts64_read __asm__("fts64_read")
	__attribute__((alias("fts_read"), visibility("default")));
extern __typeof__(fts_children) pl_fts64_children __asm__("fts64_children")
	__attribute__((alias("fts_children"), visibility("default")));
extern __typeof__(fts_close) pl_fts64_close __asm__("fts64_close")
	__attribute__((alias("fts_close"), visibility("default")));
#endif
#endif /* __GLIBC__ */
