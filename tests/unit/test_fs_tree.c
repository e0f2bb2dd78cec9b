/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_fs_tree.c - rmtree through 0000 dirs, copytree keeping links and modes, tree size. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

#include "common/fs_tree.h"
#include "tests/unit/tap.h"

static char base[PATH_MAX / 2];
static int base_fd = -1;

static void put(const char *path, const char *data, mode_t mode)
{
	int fd = openat(base_fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n = (ssize_t)strlen(data);

	if (fd < 0 || write(fd, data, n) != n)
		printf("# put %s failed\n", path);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static char *slurp(const char *path)
{
	static char buf[4096];
	int fd = openat(base_fd, path, O_RDONLY | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int lstat_at(const char *path, struct stat *st)
{
	return fstatat(base_fd, path, st, AT_SYMLINK_NOFOLLOW);
}

/* src/: a 0750 dir with a 0640 file, a symlink outside, a hard-link pair, a nested 0555 dir. */
static void make_src(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	mkdirat(base_fd, "outside", 0755);
	put("outside/keep", "keep\n", 0644);
	mkdirat(base_fd, "src", 0755);
	mkdirat(base_fd, "src/d", 0755);
	put("src/d/f", "file\n", 0640);
	utimensat(base_fd, "src/d/f", ts, 0);
	symlinkat("../../outside", base_fd, "src/d/out");
	symlinkat("/etc/passwd", base_fd, "src/abs");
	put("src/h1", "linked\n", 0604);
	linkat(base_fd, "src/h1", base_fd, "src/d/h2", 0);
	mkdirat(base_fd, "src/ro", 0755);
	put("src/ro/x", "x\n", 0644);
	mkfifoat(base_fd, "src/fifo", 0600);
	fchmodat(base_fd, "src/fifo", 0620, 0);
	fchmodat(base_fd, "src/ro", 0555, 0);
	fchmodat(base_fd, "src/d", 0750, 0);
	ts[1].tv_sec = 1200000000;
	utimensat(base_fd, "src/d", ts, 0);
}

static void test_copytree(void)
{
	struct udc_error e;
	struct stat a, b;
	char buf[PATH_MAX];
	ssize_t n;

	make_src();
	is_int(fs_copytree_at(base_fd, "src", base_fd, "dst", &e), 0, "copytree succeeds");
	is_str(slurp("dst/d/f"), "file\n", "file content copied");
	lstat_at("dst/d/f", &a);
	is_int(a.st_mode & 07777, 0640, "file mode kept");
	is_int(a.st_mtime, 1000000000, "file mtime kept");
	lstat_at("dst/d", &a);
	is_int(a.st_mode & 07777, 0750, "directory mode kept");
	is_int(a.st_mtime, 1200000000, "directory mtime kept after its children were copied");
	n = readlinkat(base_fd, "dst/d/out", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	is_str(buf, "../../outside", "relative symlink copied verbatim");
	n = readlinkat(base_fd, "dst/abs", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	is_str(buf, "/etc/passwd", "absolute symlink copied verbatim");
	lstat_at("dst/h1", &a);
	lstat_at("dst/d/h2", &b);
	ok(a.st_ino == b.st_ino && a.st_nlink == 2, "hard link pair stays a pair in the copy");
	lstat_at("src/h1", &b);
	ok(a.st_ino != b.st_ino, "copy is a new inode");
	lstat_at("dst/ro", &a);
	is_int(a.st_mode & 07777, 0555, "read-only directory copied with its contents");
	is_str(slurp("dst/ro/x"), "x\n", "read-only directory's file copied");
	lstat_at("dst/fifo", &a);
	ok(S_ISFIFO(a.st_mode) && (a.st_mode & 07777) == 0620, "fifo copied");
	is_int(fs_copytree_at(base_fd, "src", base_fd, "dst", &e), -EEXIST,
	       "existing destination refused: %s", e.msg);
	ok(fs_copytree_at(base_fd, "nosuch", base_fd, "dst2", &e) < 0 && strstr(e.msg, "nosuch") &&
	   faccessat(base_fd, "dst2", F_OK, AT_SYMLINK_NOFOLLOW) < 0,
	   "missing source: error names it, nothing created: %s", e.msg);
}

static void test_size(void)
{
	unsigned long long bytes = 0, want = 0;
	const char *paths[] = { "sz", "sz/big", "sz/sub", "sz/sub/small", "sz/link" };
	static char big[100000];
	struct udc_error e;
	struct stat st;

	mkdirat(base_fd, "sz", 0755);
	memset(big, 'b', sizeof(big) - 1);
	put("sz/big", big, 0644);
	mkdirat(base_fd, "sz/sub", 0755);
	put("sz/sub/small", "s", 0644);
	symlinkat("big", base_fd, "sz/link");
	linkat(base_fd, "sz/big", base_fd, "sz/sub/big2", 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		if (lstat_at(paths[i], &st) == 0)
			want += (unsigned long long)st.st_blocks * 512;
	is_int(fs_tree_size_at(base_fd, "sz", &bytes, &e), 0, "tree size succeeds");
	is_int((long)bytes, (long)want, "size counts each inode once, symlinks not followed");
	ok(bytes >= 100000, "size includes the big file (%llu)", bytes);
	is_int(fs_tree_size_at(base_fd, "sz/big", &bytes, &e), 0, "size of a single file");
	ok(fs_tree_size_at(base_fd, "nosuch", &bytes, &e) < 0 && strstr(e.msg, "nosuch"),
	   "size of a missing tree fails naming it: %s", e.msg);
}

static void test_rmtree(void)
{
	struct udc_error e;

	mkdirat(base_fd, "rm", 0755);
	mkdirat(base_fd, "rm/none", 0755);
	mkdirat(base_fd, "rm/none/deeper", 0755);
	put("rm/none/deeper/f", "f", 0000);
	put("rm/none/f", "f", 0444);
	mkdirat(base_fd, "rm/ro", 0755);
	put("rm/ro/f", "f", 0644);
	symlinkat("../outside", base_fd, "rm/out");
	symlinkat("../../outside", base_fd, "rm/ro/out");
	fchmodat(base_fd, "rm/none/deeper", 0000, 0);
	fchmodat(base_fd, "rm/none", 0000, 0);
	fchmodat(base_fd, "rm/ro", 0555, 0);
	is_int(fs_rmtree_at(base_fd, "rm", &e), 0, "rmtree through 0000 and 0555 dirs");
	ok(faccessat(base_fd, "rm", F_OK, AT_SYMLINK_NOFOLLOW) < 0, "tree is gone");
	is_str(slurp("outside/keep"), "keep\n", "symlinks inside were not followed");
	is_int(fs_rmtree_at(base_fd, "rm", &e), -ENOENT, "missing name: -ENOENT: %s", e.msg);
	ok(strstr(e.msg, "rm") != NULL, "error names the culprit");
	is_int(fs_rmtree_flags_at(base_fd, "rm", FS_RMTREE_MISSING_OK, &e), 0,
	       "missing name tolerated with FS_RMTREE_MISSING_OK");
	symlinkat("outside", base_fd, "lnk");
	is_int(fs_rmtree_at(base_fd, "lnk", &e), 0, "rmtree of a symlink removes the link");
	is_str(slurp("outside/keep"), "keep\n", "its target survives");
	put("single", "x", 0400);
	is_int(fs_rmtree_at(base_fd, "single", &e), 0, "rmtree of a read-only file");
}

static void test_dir_names(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct udc_error e;
	char **names;
	int fd, n = 0;

	mkdirat(base_fd, "ls", 0755);
	put("ls/a", "", 0644);
	put("ls/b", "", 0644);
	fd = openat(base_fd, "ls", O_PATH | O_DIRECTORY);
	names = fs_dir_names(ctx, fd, "ls", &e);
	for (char **p = names; p && *p; p++)
		n++;
	is_int(n, 2, "fs_dir_names lists the entries, not . and ..");
	close(fd);
	talloc_free(ctx);
}

int main(void)
{
	struct udc_error e;

	snprintf(base, sizeof(base), "%s/udc-fstree-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 1;
	}
	base_fd = open(base, O_RDONLY | O_DIRECTORY);
	test_copytree();
	test_size();
	test_rmtree();
	test_dir_names();
	close(base_fd);
	is_int(fs_rmtree_at(AT_FDCWD, base, &e), 0, "temp dir removed (0555 dirs in the copy too)");
	return done();
}
