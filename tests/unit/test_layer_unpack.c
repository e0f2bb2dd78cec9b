/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_layer_unpack.c - layer unpacking: compressions, whiteouts, links, modes, containment. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <talloc.h>
#include <unistd.h>

#include "common/fs_tree.h"
#include "common/layer_unpack.h"
#include "tests/unit/tap.h"

static char base[PATH_MAX / 2]; /* the temp dir: root/, sentinel, layer files */
static int base_fd = -1, root_fd = -1;

/* ---- building tarballs with libarchive's writer ------------------------------------------ */

enum { T_PLAIN, T_GZIP, T_ZSTD };
enum { F_USTAR, F_PAX, F_GNU };

struct tb {
	struct archive *a;
	char path[PATH_MAX];
};

static void tb_open(struct tb *t, const char *name, int filter, int format)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", base, name);
	t->a = archive_write_new();
	if (format == F_USTAR)
		archive_write_set_format_ustar(t->a);
	else if (format == F_PAX)
		archive_write_set_format_pax_restricted(t->a);
	else
		archive_write_set_format_gnutar(t->a);
	if (filter == T_GZIP)
		archive_write_add_filter_gzip(t->a);
	else if (filter == T_ZSTD)
		archive_write_add_filter_zstd(t->a);
	if (archive_write_open_filename(t->a, t->path) != ARCHIVE_OK)
		printf("# tb_open %s: %s\n", name, archive_error_string(t->a));
}

static struct archive_entry *tb_entry(const char *path, unsigned type, unsigned mode)
{
	struct archive_entry *en = archive_entry_new();

	archive_entry_set_pathname(en, path);
	archive_entry_set_filetype(en, type);
	archive_entry_set_perm(en, mode);
	archive_entry_set_mtime(en, 1000000000, 0);
	archive_entry_set_uid(en, 0);
	archive_entry_set_gid(en, 0);
	return en;
}

static void tb_put(struct tb *t, struct archive_entry *en, const char *data)
{
	size_t n = data ? strlen(data) : 0;

	if (archive_write_header(t->a, en) != ARCHIVE_OK)
		printf("# write header %s: %s\n", archive_entry_pathname(en),
		       archive_error_string(t->a));
	if (n && archive_write_data(t->a, data, n) != (la_ssize_t)n)
		printf("# write data: %s\n", archive_error_string(t->a));
	archive_entry_free(en);
}

static void tb_file(struct tb *t, const char *path, unsigned mode, const char *data)
{
	struct archive_entry *en = tb_entry(path, AE_IFREG, mode);

	archive_entry_set_size(en, strlen(data));
	tb_put(t, en, data);
}

static void tb_file_owned(struct tb *t, const char *path, unsigned mode, const char *data,
			  unsigned uid)
{
	struct archive_entry *en = tb_entry(path, AE_IFREG, mode);

	archive_entry_set_size(en, strlen(data));
	archive_entry_set_uid(en, uid);
	archive_entry_set_gid(en, uid);
	tb_put(t, en, data);
}

static void tb_dir(struct tb *t, const char *path, unsigned mode)
{
	struct archive_entry *en = tb_entry(path, AE_IFDIR, mode);

	archive_entry_set_mtime(en, 1234567890, 0);
	tb_put(t, en, NULL);
}

static void tb_symlink(struct tb *t, const char *path, const char *target)
{
	struct archive_entry *en = tb_entry(path, AE_IFLNK, 0777);

	archive_entry_set_symlink(en, target);
	tb_put(t, en, NULL);
}

static void tb_hardlink(struct tb *t, const char *path, const char *target)
{
	struct archive_entry *en = tb_entry(path, AE_IFREG, 0644);

	archive_entry_set_hardlink(en, target);
	archive_entry_set_size(en, 0);
	tb_put(t, en, NULL);
}

static void tb_node(struct tb *t, const char *path, unsigned type, unsigned maj, unsigned min)
{
	struct archive_entry *en = tb_entry(path, type, 0644);

	archive_entry_set_rdevmajor(en, maj);
	archive_entry_set_rdevminor(en, min);
	tb_put(t, en, NULL);
}

/* Finish the tarball (once) and return its path. */
static const char *tb_close(struct tb *t)
{
	if (t->a) {
		archive_write_close(t->a);
		archive_write_free(t->a);
		t->a = NULL;
	}
	return t->path;
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* Empty the root: each test starts from nothing. */
static void fresh_root(void)
{
	struct udc_error e;

	if (root_fd >= 0)
		close(root_fd);
	fs_rmtree_flags_at(base_fd, "root", FS_RMTREE_MISSING_OK, &e);
	mkdirat(base_fd, "root", 0755);
	root_fd = openat(base_fd, "root", O_RDONLY | O_DIRECTORY);
}

/* Unpack the given layer files (NULL-terminated) into a fresh root, then finish. */
static int unpack(unsigned flags, struct udc_error *e, const char *const *layers)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct layer_unpacker *u;
	int r = 0;

	fresh_root();
	udc_error_clear(e);
	u = layer_unpacker_new(ctx, root_fd, flags, e);
	if (!u)
		r = -e->code;
	for (int i = 0; u && layers[i] && r == 0; i++) {
		const char *label = strrchr(layers[i], '/') + 1;

		r = layer_unpacker_add(u, layers[i], label, e);
	}
	if (u && r == 0)
		r = layer_unpacker_finish(u, e);
	talloc_free(ctx);
	if (r < 0)
		printf("# unpack: %s\n", e->msg);
	return r;
}

#define UNPACK(flags, e, ...) unpack(flags, e, (const char *const[]){ __VA_ARGS__, NULL })

static char *slurp(int dirfd, const char *path)
{
	static char buf[4096];
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int exists(const char *path)
{
	struct stat st;

	return fstatat(root_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static unsigned mode_of(const char *path)
{
	struct stat st;

	return fstatat(root_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode : 0;
}

static char *link_of(const char *path)
{
	static char buf[PATH_MAX];
	ssize_t n = readlinkat(root_fd, path, buf, sizeof(buf) - 1);

	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_compressions(void)
{
	struct udc_error e;
	struct tb t1, t2, t3;

	tb_open(&t1, "plain.tar", T_PLAIN, F_USTAR);
	tb_dir(&t1, "./", 0755);
	tb_file(&t1, "./etc/one", 0644, "plain\n");
	tb_open(&t2, "gz.tar.gz", T_GZIP, F_PAX);
	tb_file(&t2, "etc/two", 0644, "gzip\n");
	tb_open(&t3, "zst.tar.zst", T_ZSTD, F_GNU);
	tb_file(&t3, "etc/three", 0644, "zstd\n");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2), tb_close(&t3)), 0,
	       "plain, gzip and zstd layers unpack");
	is_str(slurp(root_fd, "etc/one"), "plain\n", "ustar uncompressed content");
	is_str(slurp(root_fd, "etc/two"), "gzip\n", "pax gzip content");
	is_str(slurp(root_fd, "etc/three"), "zstd\n", "gnu zstd content");
	is_int(mode_of("etc") & 07777, 0755, "implicit parent directory is 0755");
}

static void test_add_fd(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct layer_unpacker *u;
	struct udc_error e;
	struct tb t;
	int fd;

	tb_open(&t, "fd.tar.gz", T_GZIP, F_PAX);
	tb_file(&t, "viafd", 0600, "fd\n");
	fd = open(tb_close(&t), O_RDONLY);
	fresh_root();
	u = layer_unpacker_new(ctx, root_fd, 0, &e);
	is_int(layer_unpacker_add_fd(u, fd, NULL, &e), 0, "add_fd applies a layer from an fd");
	ok(fcntl(fd, F_GETFD) >= 0, "add_fd leaves the fd open");
	is_int(layer_unpacker_finish(u, &e), 0, "finish");
	is_str(slurp(root_fd, "viafd"), "fd\n", "content from fd");
	close(fd);
	talloc_free(ctx);
}

static void test_whiteouts(void)
{
	struct udc_error e;
	struct tb t1, t2;

	tb_open(&t1, "wh1.tar", T_PLAIN, F_PAX);
	tb_file(&t1, "top.txt", 0644, "top");
	tb_file(&t1, "topdir/x", 0644, "x");
	tb_file(&t1, "a/b/c/deep.txt", 0644, "deep");
	tb_file(&t1, "a/b/c/keep.txt", 0644, "keep");
	tb_open(&t2, "wh2.tar", T_PLAIN, F_PAX);
	tb_file(&t2, ".wh.top.txt", 0644, "");
	tb_file(&t2, "./.wh.topdir", 0644, "");
	tb_file(&t2, "a/b/c/.wh.deep.txt", 0644, "");
	tb_file(&t2, "a/.wh.missing", 0644, "");
	tb_file(&t2, "nodir/.wh.missing", 0644, "");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "whiteout layers unpack");
	ok(!exists("top.txt"), "top-level whiteout removes a file");
	ok(!exists("topdir"), "top-level whiteout removes a directory tree");
	ok(!exists("a/b/c/deep.txt"), "deep whiteout removes the file");
	ok(exists("a/b/c/keep.txt"), "deep whiteout spares its sibling");
	ok(!exists(".wh.top.txt") && !exists("a/b/c/.wh.deep.txt") && !exists("a/.wh.missing"),
	   "whiteout files are never created");
	ok(!exists("nodir"), "whiteout in a missing directory creates nothing");
}

static void test_opaque(void)
{
	struct udc_error e;
	struct tb t1, t2;

	tb_open(&t1, "op1.tar", T_PLAIN, F_PAX);
	tb_file(&t1, "o1/old1", 0644, "old");
	tb_file(&t1, "o1/sub/olds", 0644, "old");
	tb_file(&t1, "o1/sub2/olds", 0644, "old");
	tb_file(&t1, "o2/old2", 0644, "old");
	tb_file(&t1, ".hidden_lower", 0644, "old");
	tb_open(&t2, "op2.tar", T_PLAIN, F_PAX);
	tb_dir(&t2, "o1/", 0755);
	tb_file(&t2, "o1/new_before", 0644, "new");
	tb_file(&t2, "o1/sub/news", 0644, "new");
	tb_file(&t2, "o1/.wh..wh..opq", 0644, "");
	tb_file(&t2, "o1/new_after", 0644, "new");
	tb_file(&t2, "o2/.wh..wh..opq", 0644, "");
	tb_file(&t2, "o2/new", 0644, "new");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "opaque layers unpack");
	ok(!exists("o1/old1") && !exists("o1/sub2"), "opaque marker clears lower entries");
	ok(exists("o1/new_before"), "same-layer entry before the marker survives");
	ok(exists("o1/new_after"), "same-layer entry after the marker survives");
	ok(exists("o1/sub/news") && !exists("o1/sub/olds"),
	   "a subdirectory this layer wrote into keeps only this layer's entries");
	ok(!exists("o2/old2") && exists("o2/new"), "marker first among its siblings");
	ok(!exists("o1/.wh..wh..opq") && !exists("o2/.wh..wh..opq"), "marker is not created");
	ok(exists(".hidden_lower"), "other directories untouched");

	tb_open(&t2, "op3.tar", T_PLAIN, F_PAX);
	tb_file(&t2, "newtop", 0644, "new");
	tb_file(&t2, ".wh..wh..opq", 0644, "");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "top-level opaque unpacks");
	ok(!exists("o1") && !exists(".hidden_lower") && exists("newtop"),
	   "top-level opaque marker clears the lower root");
}

static void test_links(void)
{
	struct udc_error e;
	struct stat a, b;
	struct tb t;

	tb_open(&t, "links.tar", T_PLAIN, F_GNU);
	tb_file(&t, "h/file", 0644, "data");
	tb_hardlink(&t, "h/link", "h/file");
	tb_hardlink(&t, "h/link2", "/h/file");
	tb_symlink(&t, "l/abs", "/etc/passwd");
	tb_symlink(&t, "l/rel", "../h/file");
	tb_symlink(&t, "l/dangling", "/nowhere/at/all");
	is_int(UNPACK(0, &e, tb_close(&t)), 0, "links layer unpacks");
	fstatat(root_fd, "h/file", &a, 0);
	fstatat(root_fd, "h/link", &b, 0);
	ok(a.st_ino == b.st_ino && a.st_nlink == 3, "hard link shares the inode");
	fstatat(root_fd, "h/link2", &b, 0);
	ok(a.st_ino == b.st_ino, "absolute hard link target resolved inside the root");
	is_str(link_of("l/abs"), "/etc/passwd", "absolute symlink stored verbatim");
	is_str(link_of("l/rel"), "../h/file", "relative symlink stored verbatim");
	is_str(link_of("l/dangling"), "/nowhere/at/all", "dangling symlink stored verbatim");
	ok(!exists("nowhere"), "symlink target never created");
}

static void test_replace(void)
{
	struct udc_error e;
	struct tb t1, t2;

	tb_open(&t1, "rep1.tar", T_PLAIN, F_PAX);
	tb_file(&t1, "f2d", 0644, "file");
	tb_dir(&t1, "d2f/", 0755);
	tb_file(&t1, "d2f/inner/x", 0644, "x");
	tb_file(&t1, "rofile", 0444, "old");
	tb_symlink(&t1, "s2d", "/etc");
	tb_open(&t2, "rep2.tar", T_PLAIN, F_PAX);
	tb_dir(&t2, "f2d/", 0755);
	tb_file(&t2, "f2d/y", 0644, "y");
	tb_file(&t2, "d2f", 0644, "nowfile");
	tb_file(&t2, "rofile", 0444, "new");
	tb_dir(&t2, "s2d", 0700);
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "replacement layers unpack");
	ok(S_ISDIR(mode_of("f2d")) && exists("f2d/y"), "file replaced by a directory");
	is_str(slurp(root_fd, "d2f"), "nowfile", "directory tree replaced by a file");
	is_str(slurp(root_fd, "rofile"), "new", "read-only file replaced by a later layer");
	is_int(mode_of("rofile") & 07777, 0444, "replaced file keeps its mode");
	ok(S_ISDIR(mode_of("s2d")), "symlink replaced by a directory, not followed");
}

static void test_modes(void)
{
	struct udc_error e;
	struct tb t1, t2;
	struct stat st;

	tb_open(&t1, "mode1.tar", T_PLAIN, F_PAX);
	tb_dir(&t1, "ro/", 0555);
	tb_file(&t1, "ro/a", 0644, "a");
	tb_dir(&t1, "none/", 0000);
	tb_file(&t1, "none/a", 0600, "a");
	tb_dir(&t1, "none/sub/", 0000);
	tb_file(&t1, "none/sub/a", 0600, "a");
	tb_file(&t1, "exe", 0751, "#!");
	tb_open(&t2, "mode2.tar", T_PLAIN, F_PAX);
	tb_file(&t2, "ro/b", 0644, "b");
	tb_file(&t2, "none/sub/b", 0644, "b");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "read-only directory layers");
	ok(exists("ro/a") && exists("ro/b"),
	   "0555 directory received same- and later-layer entries");
	is_int(mode_of("ro") & 07777, 0555, "0555 applied at the end");
	is_int(mode_of("none") & 07777, 0000, "0000 applied at the end");
	fchmodat(root_fd, "none", 0700, 0); /* as a non-root user, to look inside */
	is_int(mode_of("none/sub") & 07777, 0000, "nested 0000 applied at the end");
	fchmodat(root_fd, "none/sub", 0700, 0);
	ok(exists("none/a") && exists("none/sub/a") && exists("none/sub/b"),
	   "0000 directories received same- and later-layer entries");
	fchmodat(root_fd, "none/sub", 0000, 0);
	fchmodat(root_fd, "none", 0000, 0); /* left for fresh_root's rmtree */
	is_int(mode_of("exe") & 07777, 0751, "file mode exact");
	fstatat(root_fd, "ro", &st, 0);
	is_int(st.st_mtime, 1234567890, "directory mtime applied at the end");
	fstatat(root_fd, "exe", &st, 0);
	is_int(st.st_mtime, 1000000000, "file mtime");
}

static void test_privileges(void)
{
	struct udc_error e;
	struct stat st;
	struct tb t;

	tb_open(&t, "priv.tar", T_PLAIN, F_PAX);
	tb_file_owned(&t, "bin/suid", 04755, "suid", 1234);
	tb_file(&t, "bin/sgid", 02755, "sgid");
	tb_node(&t, "dev/null", AE_IFCHR, 1, 3);
	tb_node(&t, "dev/fifo", AE_IFIFO, 0, 0);
	tb_close(&t);
	is_int(UNPACK(0, &e, t.path), 0, "unprivileged unpack");
	is_int(mode_of("bin/suid") & 07777, 0755, "setuid bit dropped unprivileged");
	is_int(mode_of("bin/sgid") & 07777, 0755, "setgid bit dropped unprivileged");
	ok(!exists("dev/null"), "device node skipped unprivileged");
	ok(S_ISFIFO(mode_of("dev/fifo")), "fifo created unprivileged");
	fstatat(root_fd, "bin/suid", &st, 0);
	ok(st.st_uid == geteuid(), "owner not changed unprivileged");
	if (geteuid() != 0) {
		skip("privileged unpack needs root");
		return;
	}
	is_int(UNPACK(LAYER_PRIVILEGED, &e, t.path), 0, "privileged unpack");
	is_int(mode_of("bin/suid") & 07777, 04755, "setuid kept privileged");
	fstatat(root_fd, "bin/suid", &st, 0);
	ok(st.st_uid == 1234 && st.st_gid == 1234, "owner applied privileged");
	fstatat(root_fd, "dev/null", &st, AT_SYMLINK_NOFOLLOW);
	ok(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "device node created privileged");
}

/* A layer with one bad entry must fail, name the layer and the entry, and write nothing. */
static void refused(const char *name, const char *entry, int hardlink)
{
	struct udc_error e;
	struct tb t;

	tb_open(&t, name, T_PLAIN, F_PAX);
	if (hardlink) {
		tb_file(&t, "ok", 0644, "fine");
		tb_hardlink(&t, "hl", entry);
	} else {
		tb_file(&t, entry, 0644, "evil");
	}
	ok(UNPACK(0, &e, tb_close(&t)) < 0 && strstr(e.msg, name) && strstr(e.msg, entry),
	   "'%s' refused, error names layer and entry: %s", entry, e.msg);
}

static void test_escapes(void)
{
	struct udc_error e;
	struct tb t;

	refused("esc1.tar", "../escaped", 0);
	refused("esc2.tar", "a/../../escaped", 0);
	refused("esc3.tar", "../../outside", 1);
	refused("dotdot.tar", "a/b/../c", 0);
	ok(faccessat(base_fd, "escaped", F_OK, 0) < 0, "nothing written outside the root");
	is_str(slurp(base_fd, "sentinel"), "host\n", "host sentinel untouched");

	tb_open(&t, "abs.tar", T_PLAIN, F_USTAR);
	tb_file(&t, "/etc/x", 0644, "inside");
	is_int(UNPACK(0, &e, tb_close(&t)), 0, "absolute entry path accepted");
	is_str(slurp(root_fd, "etc/x"), "inside", "absolute entry lands inside the root");
}

static void test_containment(void)
{
	char absbase[PATH_MAX + 32];
	struct udc_error e;
	struct stat st;
	struct tb t1, t2;

	snprintf(absbase, sizeof(absbase), "%s/sentinel", base + 1);
	tb_open(&t1, "cont1.tar", T_PLAIN, F_PAX);
	tb_symlink(&t1, "toroot", "/");
	tb_symlink(&t1, "up", "../../..");
	tb_symlink(&t1, "parent", "..");
	tb_symlink(&t1, "abs", base);
	tb_symlink(&t1, "chain", "up/up/parent");
	tb_file(&t1, "parent/sentinel", 0644, "evil-same-layer\n");
	tb_open(&t2, "cont2.tar", T_PLAIN, F_PAX);
	tb_file(&t2, "toroot/sentinel", 0644, "evil1\n");
	tb_file(&t2, "up/sentinel2", 0644, "evil2\n");
	tb_file(&t2, "abs/sentinel", 0644, "evil3\n");
	tb_file(&t2, "chain/sentinel3", 0644, "evil4\n");
	tb_hardlink(&t2, "hl", "parent/sentinel");
	tb_hardlink(&t2, "hl_abs", "abs/sentinel");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "layers writing through links");
	is_str(slurp(base_fd, "sentinel"), "host\n", "host sentinel untouched");
	ok(faccessat(base_fd, "sentinel2", F_OK, 0) < 0 &&
	   faccessat(base_fd, "sentinel3", F_OK, 0) < 0, "no new host files");
	fstatat(base_fd, "sentinel", &st, 0);
	is_int(st.st_nlink, 1, "host sentinel not hard-linked");
	is_str(slurp(root_fd, "sentinel"), "evil1\n", "link to / contained in the root");
	is_str(slurp(root_fd, "sentinel2"), "evil2\n", "link to ../../.. clamped at the root");
	is_str(slurp(root_fd, "sentinel3"), "evil4\n", "chain of links contained");
	is_str(slurp(root_fd, absbase), "evil3\n", "absolute host path resolved in the root");
	is_str(slurp(root_fd, "hl"), "evil1\n", "hard link through a link resolved in the root");
	is_str(link_of("toroot"), "/", "the links themselves are kept");
}

static void test_final_symlink(void)
{
	struct udc_error e;
	struct tb t1, t2;

	tb_open(&t1, "fin1.tar", T_PLAIN, F_PAX);
	tb_symlink(&t1, "victim", "../sentinel");
	tb_open(&t2, "fin2.tar", T_PLAIN, F_PAX);
	tb_file(&t2, "victim", 0644, "replaced\n");
	is_int(UNPACK(0, &e, tb_close(&t1), tb_close(&t2)), 0, "file over a symlink");
	is_str(slurp(root_fd, "victim"), "replaced\n", "final symlink replaced, not followed");
	is_str(slurp(base_fd, "sentinel"), "host\n", "host sentinel untouched");
}

/* A bad input must fail with a one-line message naming the label. */
static void bad_input(const char *what, const char *path, const char *label)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct layer_unpacker *u;
	struct udc_error e = { 0 };
	int r;

	fresh_root();
	u = layer_unpacker_new(ctx, root_fd, 0, &e);
	r = layer_unpacker_add(u, path, label, &e);
	ok(r < 0 && strstr(e.msg, label) && !strchr(e.msg, '\n'), "%s: %s", what, e.msg);
	talloc_free(ctx);
}

static void write_file(const char *name, const char *data, size_t n)
{
	int fd = openat(base_fd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (write(fd, data, n) != (ssize_t)n)
		printf("# write %s failed\n", name);
	close(fd);
}

static void test_bad_inputs(void)
{
	static char big[100000];
	char path[PATH_MAX + 32];
	struct stat st;
	struct tb t;
	int fd;

	memset(big, 'z', sizeof(big) - 1);
	tb_open(&t, "trunc.tar", T_PLAIN, F_PAX);
	tb_file(&t, "big", 0644, big);
	tb_close(&t);
	stat(t.path, &st);
	truncate(t.path, st.st_size / 2);
	bad_input("truncated tarball", t.path, "sha256:trunc");

	for (int i = 0; i < 1000; i++)
		big[i] = "0123456789abcdef"[(i * 7 + i / 13) % 16];
	tb_open(&t, "corrupt.tar.gz", T_GZIP, F_PAX);
	tb_file(&t, "big", 0644, big);
	tb_close(&t);
	stat(t.path, &st);
	fd = open(t.path, O_WRONLY);
	for (off_t off = 40; off < st.st_size - 20; off += 7)
		pwrite(fd, "\xff\x00\xaa", 3, off);
	close(fd);
	bad_input("corrupt gzip stream", t.path, "sha256:corrupt");

	write_file("text.txt", "this is not a tarball, just some text\n", 38);
	snprintf(path, sizeof(path), "%s/text.txt", base);
	bad_input("non-tar file", path, "sha256:text");
	write_file("empty.tar", "", 0);
	snprintf(path, sizeof(path), "%s/empty.tar", base);
	bad_input("empty file", path, "sha256:empty");
	snprintf(path, sizeof(path), "%s/missing.tar", base);
	bad_input("missing file", path, "sha256:missing");
}

static void test_empty_fd(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct udc_error e = { 0 };
	struct layer_unpacker *u;
	int p[2];

	if (pipe(p) < 0)
		return;
	close(p[1]);
	fresh_root();
	u = layer_unpacker_new(ctx, root_fd, 0, &e);
	ok(layer_unpacker_add_fd(u, p[0], "stdin-layer", &e) < 0 && strstr(e.msg, "stdin-layer"),
	   "empty stream refused: %s", e.msg);
	close(p[0]);
	talloc_free(ctx);
}

int main(void)
{
	struct udc_error e;

	snprintf(base, sizeof(base), "%s/udc-unpack-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 1;
	}
	base_fd = open(base, O_RDONLY | O_DIRECTORY);
	write_file("sentinel", "host\n", 5);

	test_compressions();
	test_add_fd();
	test_whiteouts();
	test_opaque();
	test_links();
	test_replace();
	test_modes();
	test_privileges();
	test_escapes();
	test_containment();
	test_final_symlink();
	test_bad_inputs();
	test_empty_fd();

	close(root_fd);
	close(base_fd);
	is_int(fs_rmtree_at(AT_FDCWD, base, &e), 0, "temp dir removed");
	return done();
}
