/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fl_ldpath.c - the F launcher's default library path: order, empty dirs, the -h flag. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakeld/fl_engine.h"
#include "tests/unit/tap.h"

static char root[PATH_MAX]; /* the container root (a realpath'd temp dir) */

/* Create under root: "d:NAME" dir, "f:NAME[=TEXT]" file, "l:NAME>TARGET" symlink. */
static int mk(const char *spec)
{
	char p[PATH_MAX], name[PATH_MAX];
	const char *sep = strpbrk(spec + 2, spec[0] == 'l' ? ">" : "=");
	size_t n = sep ? (size_t)(sep - spec - 2) : strlen(spec + 2);
	int fd;

	memcpy(name, spec + 2, n);
	name[n] = '\0';
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", root, name) >= sizeof(p))
		return -1;
	if (spec[0] == 'd')
		return mkdir(p, 0755);
	if (spec[0] == 'l')
		return sep ? symlink(sep + 1, p) : -1;
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (sep && write(fd, sep + 1, strlen(sep + 1)) != (ssize_t)strlen(sep + 1)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)type, (void)f;
	return remove(p);
}

/* The "?SEC.NSEC<host>" entry root/dir would get (its mtime now). */
static char *cond(TALLOC_CTX *ctx, const char *dir)
{
	char *p = talloc_asprintf(ctx, "%s/%s", root, dir);
	struct stat st;

	if (!p || stat(p, &st) != 0)
		return talloc_strdup(ctx, "(missing)");
	return talloc_asprintf(ctx, "?%lld.%ld%s", (long long)st.st_mtim.tv_sec,
			       (long)st.st_mtim.tv_nsec, p);
}

static const char *const tree[] = {
	"d:etc",
	"d:etc/ld.so.conf.d",
	"f:etc/ld.so.conf=# comment\ninclude /etc/ld.so.conf.d/*.conf\n/opt/tls-only  # kept\n",
	"f:etc/ld.so.conf.d/a.conf=/usr/local/lib\n/opt/empty\n/missing\n",
	"f:etc/ld.so.conf.d/b.conf=/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n",
	"d:usr",
	"d:usr/local",
	"d:usr/local/lib",
	"d:usr/local/lib/python3.11",
	"f:usr/local/lib/python3.11/x.py",
	"d:usr/lib",
	"f:usr/lib/os-release",
	"d:usr/lib/x86_64-linux-gnu",
	"f:usr/lib/x86_64-linux-gnu/libc.so.6",
	"d:usr/lib64",
	"l:usr/lib64/ld-linux-x86-64.so.2>/usr/lib/x86_64-linux-gnu/ld.so",
	"l:lib>usr/lib",
	"l:lib64>usr/lib64",
	"d:opt",
	"d:opt/empty",
	"d:opt/tls-only",
	"d:opt/tls-only/tls",
	"d:musl",
	"f:musl/libc.musl.so",
	"d:musl-empty",
};

static void test_glibc(struct run_spec *s, TALLOC_CTX *ctx)
{
	char *want, *got;

	got = fl_ldpath(ctx, s, 0);
#if defined(__x86_64__)
	want = talloc_asprintf(ctx, "-h:%s:%s:%s/usr/lib/x86_64-linux-gnu:%s/opt/tls-only:"
			       "%s/usr/lib64:%s/usr/lib", cond(ctx, "usr/local/lib"),
			       cond(ctx, "opt/empty"), root, root, root, root);
	is_str(got, want, "glibc: conf order, empty dirs conditional, -h (no glibc-hwcaps)");
#else
	ok(got && !strncmp(got, "-h:", 3), "glibc: -h first (no glibc-hwcaps): %s", got);
#endif
	ok(mk("d:usr/lib/glibc-hwcaps") == 0, "glibc-hwcaps added under /usr/lib");
	got = fl_ldpath(ctx, s, 0);
	ok(got && got[0] == '?', "a glibc-hwcaps subdirectory anywhere: no -h flag (%.20s...)",
	   got ? got : "(null)");
	ok(mk("f:usr/local/lib/libfoo.so.1") == 0, "a library added to /usr/local/lib");
	got = fl_ldpath(ctx, s, 0);
	want = talloc_asprintf(ctx, "%s/usr/local/lib:", root);
	ok(got && !strncmp(got, want, strlen(want)), "/usr/local/lib now plain, first: %s", got);
}

static void test_musl(struct run_spec *s, TALLOC_CTX *ctx)
{
	char *want, *got;

	got = fl_ldpath(ctx, s, 1);
	want = talloc_asprintf(ctx, "%s/usr/lib", root); /* /lib is /usr/lib; /usr/local/lib has */
	ok(got && strstr(got, want) && got[0] != '-', "musl defaults: %s", got); /* libfoo now */
	ok(mk("f:etc/ld-musl-x86_64.path=/musl-empty\n/musl:/opt/tls-only\n") == 0,
	   "ld-musl path file");
	got = fl_ldpath(ctx, s, 1);
#if defined(__x86_64__)
	want = talloc_asprintf(ctx, "%s:%s/musl:%s", cond(ctx, "musl-empty"), root,
			       cond(ctx, "opt/tls-only"));
	is_str(got, want, "musl: the path file's order; subdirectories alone do not count");
#else
	(void)want;
	ok(got != NULL, "musl: %s", got);
#endif
}

int main(void)
{
	static char arena[4 * PATH_MAX];
	char tmpl[] = "/tmp/test_fl_ldpath.XXXXXX";
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct pm_table t;
	struct run_spec s = { 0 };
	int bad = 0;

	if (!ok(mkdtemp(tmpl) && realpath(tmpl, root), "temp dir"))
		return done();
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++)
		bad |= mk(tree[i]) != 0;
	pm_table_init(&t, arena, sizeof(arena));
	bad |= pm_table_add(&t, "/", root, PM_ROOT) != 0;
	s.root = root;
	s.table = &t;
	if (ok(!bad, "tree and table built")) {
		test_glibc(&s, ctx);
		test_musl(&s, ctx);
	}
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	talloc_free(ctx);
	return done();
}
