/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pm_canon.c - pm_canon on a real tree of symlinks, a fake fs, and against openat2(2). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/pm.h"
#include "tests/unit/tap.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static char top[PATH_MAX];  /* the temp dir holding everything, realpath'd */
static char root[PATH_MAX]; /* top/root: the container root */
static char vol[PATH_MAX];  /* top/vol: a volume at guest /vol */

/* out = a + b (PATH_MAX bytes); -1 if that would not fit. */
static int cat2(char *out, const char *a, const char *b)
{
	return (size_t)snprintf(out, PATH_MAX, "%s%s", a, b) >= PATH_MAX ? -1 : 0;
}

/* Create what spec says under base: "d:NAME" dir, "f:NAME" file, "l:NAME>TARGET" symlink. */
static int make_node(const char *base, const char *spec)
{
	char p[PATH_MAX], name[PATH_MAX];
	const char *gt = strchr(spec, '>');
	size_t nlen = gt ? (size_t)(gt - spec - 2) : strlen(spec + 2);
	int fd;

	name[0] = '/';
	memcpy(name + 1, spec + 2, nlen);
	name[nlen + 1] = '\0';
	if (cat2(p, base, name))
		return -1;
	if (spec[0] == 'd')
		return mkdir(p, 0755);
	if (spec[0] == 'l')
		return gt ? symlink(gt + 1, p) : -1;
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	return fd < 0 ? -1 : close(fd);
}

static const char *const root_nodes[] = {
    "d:d",
    "d:d/e",
    "f:d/f",
    "f:f",
    "d:vol",
    "f:vol/onlyroot",
    "l:abs>/d",
    "l:rel>d/e",
    "l:up>../../../d",
    "l:dotdot>d/e/..",
    "l:loop1>loop2",
    "l:loop2>loop1",
    "l:self>self",
    "l:dang>/nonexist",
    "l:dang2>nodir/x",
    "l:tofile>d/f",
    "l:d/back>..",
    "l:d/e/up2>../../f",
    "l:tovol>/vol/sub",
    "l:tofile2>tofile",
    "l:chainX>chain0",
};

static const char *const vol_nodes[] = {
    "d:sub", "f:sub/g", "l:rel>../d", "l:abs>/d/e", "l:inner>sub", "l:esc>../../../../f",
};

/* chain0 -> chain1 -> ... -> chain39 -> d: exactly PM_MAX_SYMLINKS links. */
static int make_chain(void)
{
	char spec[64];
	int i;

	for (i = 0; i < PM_MAX_SYMLINKS; i++) {
		if (i + 1 < PM_MAX_SYMLINKS)
			snprintf(spec, sizeof(spec), "l:chain%d>chain%d", i, i + 1);
		else
			snprintf(spec, sizeof(spec), "l:chain%d>d", i);
		if (make_node(root, spec))
			return -1;
	}
	return 0;
}

static int make_tree(void)
{
	char tmpl[PATH_MAX], vlink[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	size_t i;

	if (cat2(tmpl, tmp && *tmp ? tmp : "/tmp", "/test_pm_canon.XXXXXX") || !mkdtemp(tmpl) ||
	    !realpath(tmpl, top))
		return -1;
	if (cat2(root, top, "/root") || cat2(vol, top, "/vol") || cat2(vlink, top, "/vlink"))
		return -1;
	if (mkdir(root, 0755) || mkdir(vol, 0755) || symlink("vol", vlink))
		return -1;
	for (i = 0; i < sizeof(root_nodes) / sizeof(root_nodes[0]); i++)
		if (make_node(root, root_nodes[i]))
			return -1;
	for (i = 0; i < sizeof(vol_nodes) / sizeof(vol_nodes[0]); i++)
		if (make_node(vol, vol_nodes[i]))
			return -1;
	return make_chain();
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(p);
}

static void remove_tree(const char *dir)
{
	if (*dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A row: cwd, path, flags; the expected guest path and host path, or -errno. The host is
 * written "R..." (under the root dir), "V..." (the volume dir), "L..." (top/vlink).
 */
struct row {
	const char *cwd;
	const char *path;
	unsigned int flags;
	int err;
	const char *guest;
	const char *host;
};

#define F PM_FOLLOW
static const struct row rows[] = {
    {"/", "d", F, 0, "/d", "R/d"},
    {"/", "/d/e/../f", F, 0, "/d/f", "R/d/f"},
    {"/", "/d//e/./", 0, 0, "/d/e", "R/d/e"},
    {"/", "/", F, 0, "/", "R"},
    {"/", "/abs", F, 0, "/d", "R/d"},
    {"/", "/abs", 0, 0, "/abs", "R/abs"},
    {"/", "/abs/", 0, 0, "/d", "R/d"},
    {"/", "/abs/e", 0, 0, "/d/e", "R/d/e"},
    {"/", "/rel", F, 0, "/d/e", "R/d/e"},
    {"/", "/up", F, 0, "/d", "R/d"},
    {"/", "/dotdot", F, 0, "/d", "R/d"},
    {"/", "/rel/..", 0, 0, "/d", "R/d"}, /* physical: lexical would say "/" */
    {"/", "/d/back/f", 0, 0, "/f", "R/f"},
    {"/", "/d/e/up2", F, 0, "/f", "R/f"},
    {"/", "/../../d/..", 0, 0, "/", "R"},
    {"/", "/loop1", F, -ELOOP, NULL, NULL},
    {"/", "/loop1", 0, 0, "/loop1", "R/loop1"},
    {"/", "/loop1/x", 0, -ELOOP, NULL, NULL},
    {"/", "/self", F, -ELOOP, NULL, NULL},
    {"/", "/dang", F, 0, "/nonexist", "R/nonexist"},
    {"/", "/dang", 0, 0, "/dang", "R/dang"},
    {"/", "/dang/x", 0, -ENOENT, NULL, NULL},
    {"/", "/dang2", F, -ENOENT, NULL, NULL},
    {"/", "/tofile", F, 0, "/d/f", "R/d/f"},
    {"/", "/tofile2", F, 0, "/d/f", "R/d/f"},
    {"/", "/tofile/", 0, -ENOTDIR, NULL, NULL},
    {"/", "/tofile/", F, -ENOTDIR, NULL, NULL},
    {"/", "/f/", 0, -ENOTDIR, NULL, NULL},
    {"/", "/f/x", 0, -ENOTDIR, NULL, NULL},
    {"/", "/f/.", 0, -ENOTDIR, NULL, NULL},
    {"/", "/f/..", 0, -ENOTDIR, NULL, NULL},
    {"/", "/missing", 0, 0, "/missing", "R/missing"},
    {"/", "/missing/", F, 0, "/missing", "R/missing"},
    {"/", "/missing/x", 0, -ENOENT, NULL, NULL},
    {"/", "/missing/..", 0, -ENOENT, NULL, NULL},
    {"/", "/chain0", F, 0, "/d", "R/d"},
    {"/", "/chain0", 0, 0, "/chain0", "R/chain0"},
    {"/", "/chain0/e", 0, 0, "/d/e", "R/d/e"},
    {"/", "/chainX", F, -ELOOP, NULL, NULL},
    {"/", "", F, -ENOENT, NULL, NULL},
    {"/d", "e", F, 0, "/d/e", "R/d/e"},
    {"/d", ".", F, 0, "/d", "R/d"},
    {"/d", "../f", F, 0, "/f", "R/f"},
    {"/d/e/", "..", F, 0, "/d", "R/d"},
    {"/d", "d/e", F, -ENOENT, NULL, NULL},
    {"/d", "/f", F, 0, "/f", "R/f"},
    {"d", "e", F, -EINVAL, NULL, NULL},
    {NULL, "e", F, -EINVAL, NULL, NULL},
    {NULL, "/f", F, 0, "/f", "R/f"},
    /* the volume at /vol shadows the rootfs's own /vol */
    {"/", "/vol", F, 0, "/vol", "V"},
    {"/", "/vol/sub/g", F, 0, "/vol/sub/g", "V/sub/g"},
    {"/", "/vol/rel", F, 0, "/d", "R/d"},
    {"/", "/vol/abs", F, 0, "/d/e", "R/d/e"},
    {"/", "/vol/inner/g", 0, 0, "/vol/sub/g", "V/sub/g"},
    {"/", "/vol/esc", F, 0, "/f", "R/f"},
    {"/", "/vol/onlyroot", 0, 0, "/vol/onlyroot", "V/onlyroot"},
    {"/", "/vol/onlyroot/x", 0, -ENOENT, NULL, NULL},
    {"/", "/tovol/g", 0, 0, "/vol/sub/g", "V/sub/g"},
    {"/", "/vol/..", 0, 0, "/", "R"},
    {"/", "/vol/sub/../../d", 0, 0, "/d", "R/d"},
    {"/vol/sub", "../rel/e", 0, 0, "/d/e", "R/d/e"},
    /* a volume whose host path is a symlink is entered like a mount point */
    {"/", "/lv/sub/g", 0, 0, "/lv/sub/g", "L/sub/g"},
    {"/", "/lv", 0, 0, "/lv", "L"},
};
#undef F

static void expand_host(const char *spec, char *out)
{
	const char *base = spec[0] == 'R' ? root : spec[0] == 'V' ? vol : top;

	char b[PATH_MAX];

	if (cat2(b, base, spec[0] == 'L' ? "/vlink" : "") || cat2(out, b, spec + 1))
		out[0] = '\0';
}

static void check_row(const struct pm_table *t, const struct row *w)
{
	char guest[PATH_MAX], host[PATH_MAX], want[PATH_MAX];
	int r = pm_canon(t, NULL, w->cwd, w->path, w->flags, guest, host);

	if (!is_int(r, w->err, "canon '%s' in '%s'%s", w->path, w->cwd ? w->cwd : "(null)",
		    w->flags & PM_FOLLOW ? " (follow)" : "") ||
	    r)
		return;
	expand_host(w->host, want);
	is_str(guest, w->guest, "  guest path of '%s'", w->path);
	is_str(host, want, "  host path of '%s'", w->path);
}

/* Names too long: a component over NAME_MAX, a path of PATH_MAX bytes, a long cwd join. */
static void test_too_long(const struct pm_table *t)
{
	static char longp[PATH_MAX + 1], cwd[PATH_MAX];
	char guest[PATH_MAX], host[PATH_MAX];
	int i;

	memset(longp, 'x', NAME_MAX + 1);
	longp[NAME_MAX + 1] = '\0';
	is_int(pm_canon(t, NULL, "/", longp, 0, guest, host), -ENAMETOOLONG,
	       "component > NAME_MAX");
	memset(longp, 'x', NAME_MAX);
	longp[NAME_MAX] = '\0';
	is_int(pm_canon(t, NULL, "/", longp, 0, guest, host), 0, "component == NAME_MAX");
	for (i = 0; i < PATH_MAX; i++)
		longp[i] = i % 2 ? '/' : 'x';
	longp[PATH_MAX] = '\0';
	is_int(pm_canon(t, NULL, "/", longp, 0, guest, host), -ENAMETOOLONG, "path of PATH_MAX");
	for (i = 0; i < PATH_MAX - 1; i++)
		cwd[i] = i % 2 ? 'c' : '/';
	cwd[PATH_MAX - 1] = '\0';
	is_int(pm_canon(t, NULL, cwd, "x", 0, guest, host), -ENAMETOOLONG,
	       "cwd + component over PATH_MAX");
}

/* An in-memory fs: the ops are injectable, and mount points are followed on the host. */
struct fake_node {
	const char *path;
	unsigned int type;
	const char *target;
};

struct fake_fs {
	const struct fake_node *nodes;
	int calls;
};

static const struct fake_node *fake_find(struct fake_fs *fs, const char *path)
{
	const struct fake_node *n;

	fs->calls++;
	for (n = fs->nodes; n->path; n++)
		if (strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

static int fake_kind(void *ctx, const char *host, int follow, unsigned int *type)
{
	const struct fake_node *n = fake_find(ctx, host);

	while (n && follow && n->type == S_IFLNK)
		n = fake_find(ctx, n->target); /* fake links hold host paths */
	if (!n)
		return -ENOENT;
	*type = n->type;
	return 0;
}

static int fake_readlink(void *ctx, const char *host, char *buf, size_t size)
{
	const struct fake_node *n = fake_find(ctx, host);
	size_t len;

	if (!n || n->type != S_IFLNK)
		return n ? -EINVAL : -ENOENT;
	len = strlen(n->target);
	if (len + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, n->target, len + 1);
	return (int)len;
}

static void test_fake_fs(void)
{
	static const struct fake_node nodes[] = {
	    {"/fr/etc", S_IFDIR, NULL},
	    {"/fr/etc/link", S_IFLNK, "/etc/resolv.conf"},
	    {"/etc/resolv.conf", S_IFLNK, "/run/stub"}, /* the host's own symlink */
	    {"/run/stub", S_IFREG, NULL},
	    {"/fr/bin", S_IFDIR, NULL},
	    {"/fr/bin/sh", S_IFLNK, "busybox"},
	    {"/fr/bin/busybox", S_IFREG, NULL},
	    {NULL, 0, NULL},
	};
	static const struct pm_fs_ops ops = {.kind = fake_kind, .readlink = fake_readlink};
	struct fake_fs ffs = {.nodes = nodes, .calls = 0};
	struct pm_fs fs = {.ops = &ops, .ctx = &ffs};
	char arena[256], guest[PATH_MAX], host[PATH_MAX];
	struct pm_table t;

	pm_table_init(&t, arena, sizeof(arena));
	pm_table_add(&t, "/", "/fr", PM_ROOT);
	pm_table_add(&t, "/etc/resolv.conf", "/etc/resolv.conf", PM_IDENTITY);
	is_int(pm_canon(&t, &fs, "/", "/bin/sh", PM_FOLLOW, guest, host), 0, "fake fs: /bin/sh");
	is_str(host, "/fr/bin/busybox", "fake fs: read through the injected ops");
	ok(ffs.calls > 0, "fake fs: ops called (%d)", ffs.calls);
	is_int(pm_canon(&t, &fs, "/", "/etc/link", PM_FOLLOW, guest, host), 0, "fake: /etc/link");
	is_str(guest, "/etc/resolv.conf", "an identity file that is a host symlink stays itself");
	is_str(host, "/etc/resolv.conf", "  and its host path is the bind source");
	is_int(pm_canon(&t, &fs, "/", "/etc/resolv.conf/", 0, guest, host), -ENOTDIR,
	       "identity file with a trailing slash: -ENOTDIR");
}

static int setup_table(struct pm_table *t, char *arena, size_t size)
{
	char lv[PATH_MAX];

	if (cat2(lv, top, "/vlink"))
		return -1;
	pm_table_init(t, arena, size);
	if (pm_table_add(t, "/", root, PM_ROOT) || pm_table_add(t, "/vol", vol, PM_VOLUME))
		return -1;
	return pm_table_add(t, "/lv", lv, PM_VOLUME);
}

/* ---- differential test against the kernel: openat2(RESOLVE_IN_ROOT) ---------------------- */

#define DIFF_SEED 0x5eedULL
#define DIFF_PATHS 4000
#define DIFF_LINKS 6 /* l0..l5 in every directory */

static const char *const diff_dirs[] = {"", "a", "b", "a/a", "a/b", "b/a", "b/b", "a/a/a"};
static const char *const diff_files[] = {"f", "a/f", "b/b/f"};
static const char *const diff_pieces[] = {"a",	     "a",  "b",	 "b",  "f",  ".",   "..", "..",
					  "missing", "l0", "l1", "l2", "l3", "l4",  "l5", "l0",
					  "l1",	     "l2", "l3", "l4", "l5", "loop"};
#define NPIECES (sizeof(diff_pieces) / sizeof(diff_pieces[0]))

/* A 64-bit LCG: deterministic, so a failure reproduces; the high bits are the good ones. */
static unsigned int rnd(unsigned long long *s, unsigned int n)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)((*s >> 33) % n);
}

/*
 * A random path of 1..max pieces from the first npieces of diff_pieces; a leading '/', "//" and
 * a trailing '/' now and then.
 */
static void gen_path(unsigned long long *s, char *out, size_t size, unsigned int max,
		     unsigned int npieces)
{
	unsigned int i, n = 1 + rnd(s, max);
	size_t o = 0;

	out[0] = '\0';
	if (rnd(s, 2))
		o += (size_t)snprintf(out + o, size - o, "/");
	for (i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s%s", i ? "/" : "",
				      rnd(s, 12) ? "" : "/", diff_pieces[rnd(s, npieces)]);
	if (rnd(s, 7) == 0 && o < size)
		snprintf(out + o, size - o, "/");
}

static int make_diff_tree(const char *dir, unsigned long long *s)
{
	char spec[PATH_MAX], target[PATH_MAX / 2];
	size_t i;
	int l;

	if (mkdir(dir, 0755))
		return -1;
	for (i = 1; i < sizeof(diff_dirs) / sizeof(diff_dirs[0]); i++)
		if (make_node(dir, (snprintf(spec, sizeof(spec), "d:%s", diff_dirs[i]), spec)))
			return -1;
	for (i = 0; i < sizeof(diff_files) / sizeof(diff_files[0]); i++)
		if (make_node(dir, (snprintf(spec, sizeof(spec), "f:%s", diff_files[i]), spec)))
			return -1;
	if (make_node(dir, "l:loop>a/../loop/a")) /* a sure ELOOP, reachable as "/loop" */
		return -1;
	for (i = 0; i < sizeof(diff_dirs) / sizeof(diff_dirs[0]); i++)
		for (l = 0; l < DIFF_LINKS; l++) {
			/* fewer links in link targets, or nearly every walk ends in ELOOP */
			gen_path(s, target, sizeof(target), 3, rnd(s, 2) ? 9 : 15);
			snprintf(spec, sizeof(spec), "l:%s%sl%d>%s", diff_dirs[i],
				 *diff_dirs[i] ? "/" : "", l, target);
			if (make_node(dir, spec))
				return -1;
		}
	return 0;
}

/* openat2(rootfd, path, O_PATH, resolve) and /proc/self/fd: 0 and out, or -errno. */
static int kernel_resolve_how(int rootfd, const char *path, int follow, unsigned int resolve,
			      char *out)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
			       .resolve = resolve};
	char proc[64];
	long fd;
	ssize_t n;
	int tries = 0;

	/* scoped lookups through ".." say EAGAIN when any rename or mount ran meanwhile */
	do
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 1000);
	if (fd < 0)
		return -errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%ld", fd);
	n = readlink(proc, out, PATH_MAX - 1);
	close((int)fd);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/* As kernel_resolve_how with RESOLVE_IN_ROOT. */
static int kernel_resolve(int rootfd, const char *path, int follow, char *out)
{
	return kernel_resolve_how(rootfd, path, follow, RESOLVE_IN_ROOT, out);
}

struct diff_stats {
	int agree, missing_last, enoent, enotdir, eloop, exdev, other, mismatches;
};

/*
 * One differential run: pm_canon_at with guest root groot and pm flags, against openat2 from
 * the fd of the host directory (dir + groot) with resolve flags.
 */
struct diff_mode {
	const char *name;
	const char *groot;
	unsigned int pmflags;
	unsigned int resolve;
	int rootfd;
};

static void count(struct diff_stats *st, int err, int missing)
{
	if (err == 0)
		(*(missing ? &st->missing_last : &st->agree))++;
	else if (err == -ENOENT)
		st->enoent++;
	else if (err == -ENOTDIR)
		st->enotdir++;
	else if (err == -ELOOP)
		st->eloop++;
	else if (err == -EXDEV)
		st->exdev++;
	else
		st->other++;
}

/*
 * Compare one path. pm_canon succeeds for a missing last component (the caller may create it)
 * where openat2 says ENOENT: when the host path pm_canon returns does not exist, the kernel
 * must say ENOENT; when it exists, the kernel must open that very object; errors must match.
 */
static void diff_one(const struct pm_table *t, const struct diff_mode *m, const char *dir,
		     const char *path, int follow, struct diff_stats *st)
{
	char guest[PATH_MAX], host[PATH_MAX], kpath[PATH_MAX];
	struct stat sb;
	int p = pm_canon_at(t, NULL, m->groot, m->groot, path,
			    (follow ? PM_FOLLOW : 0) | m->pmflags, guest, host);
	int k = kernel_resolve_how(m->rootfd, path, follow, m->resolve, kpath);
	int missing = p == 0 && lstat(host, &sb) != 0;
	int good;

	if (p)
		good = k == p;
	else if (missing)
		good = k == -ENOENT;
	else
		good = k == 0 && strcmp(host, kpath) == 0 &&
		       strcmp(guest, kpath[strlen(dir)] ? kpath + strlen(dir) : "/") == 0;
	count(st, p, missing);
	if (good || ++st->mismatches > 20)
		return;
	ok(0, "differential %s '%s'%s: pm_canon %d '%s', kernel %d '%s'", m->name, path,
	   follow ? " (follow)" : "", p, p ? "" : host, k, k ? "" : kpath);
}

static void diff_report(const struct diff_mode *md, const struct diff_stats *st, int follow)
{
	const char *m = follow ? "follow" : "nofollow";

	printf("# %s %s: %d agree, %d missing last, ENOENT %d, ENOTDIR %d, ELOOP %d, EXDEV %d, "
	       "other %d\n",
	       md->name, m, st->agree, st->missing_last, st->enoent, st->enotdir, st->eloop,
	       st->exdev, st->other);
	is_int(st->mismatches, 0, "differential %s (%s): pm_canon agrees with openat2 on %d paths",
	       md->name, m, DIFF_PATHS);
	/* the tree's sure ELOOP ("/loop") is out of reach from /a */
	ok(st->agree && st->missing_last && st->enoent && st->enotdir &&
	       (st->eloop || strcmp(md->groot, "/") != 0) &&
	       (!(md->pmflags & PM_BENEATH) || st->exdev),
	   "differential %s (%s): every outcome class was exercised", md->name, m);
}

/* The kernel's link limit is ours: 40 links resolve, the 41st is -ELOOP (the row tree). */
static void test_kernel_link_limit(void)
{
	char out[PATH_MAX];
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	is_int(kernel_resolve(rootfd, "chain0", 1, out), 0, "kernel: 40 links resolve");
	is_int(kernel_resolve(rootfd, "chainX", 1, out), -ELOOP, "kernel: 41 links are ELOOP");
	close(rootfd);
}

/* DIFF_PATHS random paths through one mode, both following and not. */
static void diff_run(const struct pm_table *t, const struct diff_mode *m, const char *dir)
{
	unsigned long long seed = DIFF_SEED + 1;
	char path[PATH_MAX / 2];
	struct diff_stats st[2];
	int i, follow;

	memset(st, 0, sizeof(st));
	for (i = 0; i < DIFF_PATHS; i++) {
		gen_path(&seed, path, sizeof(path), 6, NPIECES);
		for (follow = 0; follow < 2; follow++)
			diff_one(t, m, dir, path, follow, &st[follow]);
	}
	diff_report(m, &st[1], 1);
	diff_report(m, &st[0], 0);
}

/* pm_canon_at against RESOLVE_IN_ROOT and RESOLVE_BENEATH from a subdirectory of the tree. */
static void test_pm_canon_at_diff(const struct pm_table *t, const char *dir)
{
	char sub[PATH_MAX];
	struct diff_mode in_root = {"in-root /a", "/a", 0, RESOLVE_IN_ROOT, -1};
	struct diff_mode beneath = {"beneath /a", "/a", PM_BENEATH, RESOLVE_BENEATH, -1};
	struct diff_mode beneath_top = {"beneath /", "/", PM_BENEATH, RESOLVE_BENEATH, -1};
	struct diff_mode nolinks = {"no-symlinks /a", "/a", PM_NO_SYMLINKS,
				    RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS, -1};

	if (cat2(sub, dir, "/a"))
		return;
	in_root.rootfd = beneath.rootfd = nolinks.rootfd = open(sub, O_PATH | O_DIRECTORY);
	beneath_top.rootfd = open(dir, O_PATH | O_DIRECTORY);
	diff_run(t, &in_root, dir);
	diff_run(t, &beneath, dir);
	diff_run(t, &beneath_top, dir);
	diff_run(t, &nolinks, dir);
	close(in_root.rootfd);
	close(beneath_top.rootfd);
}

static void test_pm_canon_diff(const char *tmp)
{
	unsigned long long seed = DIFF_SEED;
	char dir[PATH_MAX], path[PATH_MAX / 2], arena[PATH_MAX + 8];
	struct diff_mode plain = {"in-root /", "/", 0, RESOLVE_IN_ROOT, -1};
	struct diff_stats st[2];
	struct pm_table t;
	int rootfd, i, follow;

	if (!ok(cat2(dir, tmp, "/diff") == 0 && make_diff_tree(dir, &seed) == 0,
		"differential tree built"))
		return;
	rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (kernel_resolve(rootfd, "a", 1, path) == -ENOSYS) {
		skip("openat2 not supported by this kernel (ENOSYS)");
		close(rootfd);
		return;
	}
	test_kernel_link_limit();
	pm_table_init(&t, arena, sizeof(arena));
	pm_table_add(&t, "/", dir, PM_ROOT);
	plain.rootfd = rootfd;
	memset(st, 0, sizeof(st));
	for (i = 0; i < DIFF_PATHS; i++) {
		gen_path(&seed, path, sizeof(path), 6, NPIECES);
		for (follow = 0; follow < 2; follow++)
			diff_one(&t, &plain, dir, path, follow, &st[follow]);
	}
	close(rootfd);
	diff_report(&plain, &st[1], 1);
	diff_report(&plain, &st[0], 0);
	test_pm_canon_at_diff(&t, dir);
}

int main(void)
{
	static char arena[4 * PATH_MAX];
	struct pm_table t;

	if (!ok(make_tree() == 0, "temp tree built in %s", top)) {
		remove_tree(top);
		return done();
	}
	if (ok(setup_table(&t, arena, sizeof(arena)) == 0, "table built")) {
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			check_row(&t, &rows[i]);
		test_too_long(&t);
	}
	test_fake_fs();
	test_pm_canon_diff(top);
	remove_tree(top);
	return done();
}
