/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_tree.c - remove, copy and measure directory trees without ever following a symlink. */
#include "common/fs_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <talloc.h>
#include <unistd.h>

#include "common/log.h"

/* ---- inode set: which (dev, ino) pairs were seen, and where the first copy went -------- */

struct ino_rec {
	dev_t dev;
	ino_t ino;
	char *path; /* copytree: the first copy, relative to the destination dirfd */
};

struct ino_set {
	struct ino_rec *recs; /* sorted by (dev, ino) */
	size_t n, cap;
};

static int ino_cmp(const struct ino_rec *r, dev_t dev, ino_t ino)
{
	if (r->dev != dev)
		return r->dev < dev ? -1 : 1;
	if (r->ino != ino)
		return r->ino < ino ? -1 : 1;
	return 0;
}

/* The record of (dev, ino) in s, or NULL with *pos set to where it belongs. */
static struct ino_rec *ino_find(const struct ino_set *s, dev_t dev, ino_t ino, size_t *pos)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ino_cmp(&s->recs[mid], dev, ino);

		if (c == 0)
			return &s->recs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

/* Insert (dev, ino) with a copy of path (may be NULL) at index i; 0 or -ENOMEM. */
static int ino_insert(TALLOC_CTX *ctx, struct ino_set *s, size_t i, const struct stat *st,
		      const char *path)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct ino_rec *r = talloc_realloc(ctx, s->recs, struct ino_rec, cap);

		if (!r)
			return -ENOMEM;
		s->recs = r;
		s->cap = cap;
	}
	if (i < s->n)
		memmove(&s->recs[i + 1], &s->recs[i], (s->n - i) * sizeof(*s->recs));
	s->recs[i] = (struct ino_rec){ .dev = st->st_dev, .ino = st->st_ino, .path = NULL };
	s->n++;
	if (path && !(s->recs[i].path = talloc_strdup(ctx, path)))
		return -ENOMEM;
	return 0;
}

/* ---- directory listing ---------------------------------------------------------------- */

/* Append a copy of name to the NULL-terminated array *names; 0 or -ENOMEM. */
static int names_add(TALLOC_CTX *ctx, char ***names, size_t *n, const char *name)
{
	if (*n + 2 > talloc_array_length(*names)) {
		size_t cap = 2 * talloc_array_length(*names);
		char **bigger = talloc_realloc(ctx, *names, char *, cap);

		if (!bigger)
			return -ENOMEM;
		*names = bigger;
	}
	if (!((*names)[*n] = talloc_strdup(*names, name)))
		return -ENOMEM;
	(*names)[++*n] = NULL;
	return 0;
}

/* Read the names in the directory open at fd (not consumed; O_PATH is fine), "." and ".."
 * excepted, into a NULL-terminated array, child of mem_ctx: a snapshot, so the caller may
 * modify the directory as it goes. rel names the directory in errors. NULL with e filled. */
char **fs_dir_names(TALLOC_CTX *mem_ctx, int fd, const char *rel, struct udc_error *e)
{
	char **names = talloc_zero_array(mem_ctx, char *, 16);
	size_t n = 0;
	struct dirent *d;
	int dfd, r = 0;
	DIR *dir;

	if (!names)
		return udc_fail(e, ENOMEM, "list '%s': out of memory", rel), NULL;
	dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(dir = fdopendir(dfd))) {
		udc_fail_sys(e, "open directory '%s'", rel);
		if (dfd >= 0)
			close(dfd);
		return talloc_free(names), NULL;
	}
	while (r == 0 && (errno = 0, d = readdir(dir)))
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			r = names_add(mem_ctx, &names, &n, d->d_name);
	if (r < 0)
		udc_fail(e, ENOMEM, "list '%s': out of memory", rel);
	else if (errno)
		r = udc_fail_sys(e, "read directory '%s'", rel);
	closedir(dir);
	if (r < 0)
		return talloc_free(names), NULL;
	return names;
}

/* talloc_asprintf("%s/%s"), NULL on out of memory with e filled. */
static char *join(TALLOC_CTX *ctx, const char *dir, const char *name, struct udc_error *e)
{
	char *s = talloc_asprintf(ctx, "%s/%s", dir, name);

	if (!s)
		udc_fail(e, ENOMEM, "'%s/%s': out of memory", dir, name);
	return s;
}

/* ---- rmtree ----------------------------------------------------------------------------- */

static int rm_entry(TALLOC_CTX *ctx, int dirfd, const char *name, const char *rel,
		    struct udc_error *e);

/* Give the owner rwx on the directory (dirfd,name), without following a symlink there
 * (glibc and musl implement AT_SYMLINK_NOFOLLOW with an O_PATH fd and /proc/self/fd). */
static int make_dir_usable(int dirfd, const char *name, const char *rel, const struct stat *st,
			   struct udc_error *e)
{
	if ((st->st_mode & S_IRWXU) == S_IRWXU)
		return 0;
	if (fchmodat(dirfd, name, (st->st_mode & 07777) | S_IRWXU, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "chmod '%s'", rel);
	return 0;
}

/* Remove the contents of the directory (dirfd,name), then the directory itself. */
static int rm_dir(TALLOC_CTX *ctx, int dirfd, const char *name, const char *rel,
		  const struct stat *st, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;
	char **names, *crel;
	int r = make_dir_usable(dirfd, name, rel, st, e);

	if (r < 0)
		return r;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : udc_fail_sys(e, "open '%s'", rel);
	if (!(names = fs_dir_names(ctx, fd, rel, e)))
		return -e->code;
	for (char **n = names; *n && r == 0; n++)
		r = (crel = join(names, rel, *n, e)) ? rm_entry(names, fd, *n, crel, e) : -ENOMEM;
	talloc_free(names);
	if (r == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = udc_fail_sys(e, "rmdir '%s'", rel);
	return r;
}

/* Remove (dirfd,name) whatever it is; a name that vanished meanwhile is not an error. */
static int rm_entry(TALLOC_CTX *ctx, int dirfd, const char *name, const char *rel,
		    struct udc_error *e)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : udc_fail_sys(e, "stat '%s'", rel);
	if (S_ISDIR(st.st_mode))
		return rm_dir(ctx, dirfd, name, rel, &st, e);
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return udc_fail_sys(e, "unlink '%s'", rel);
	return 0;
}

/* Remove (dirfd,name) and everything below it; FS_RMTREE_MISSING_OK makes a missing name a
 * success. Symlinks are removed, never followed. Returns 0 or -errno with e filled. */
int fs_rmtree_flags_at(int dirfd, const char *name, unsigned flags, struct udc_error *e)
{
	TALLOC_CTX *tmp;
	struct stat st;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT && (flags & FS_RMTREE_MISSING_OK))
			return 0;
		return udc_fail_sys(e, "remove '%s'", name);
	}
	if (!(tmp = talloc_new(NULL)))
		return udc_fail(e, ENOMEM, "remove '%s': out of memory", name);
	r = rm_entry(tmp, dirfd, name, name, e);
	talloc_free(tmp);
	return r < 0 ? udc_wrap(e, "remove tree") : 0;
}

/* Remove (dirfd,name) and everything below it; -ENOENT if it does not exist. */
int fs_rmtree_at(int dirfd, const char *name, struct udc_error *e)
{
	return fs_rmtree_flags_at(dirfd, name, 0, e);
}

/* ---- copytree --------------------------------------------------------------------------- */

struct copy_ctx {
	TALLOC_CTX *mem;
	int dtop;           /* the caller's ddirfd: paths below are relative to it */
	int root;           /* we are root: copy owners and device nodes */
	struct ino_set ino; /* multiply-linked files already copied, and where to */
};

static int copy_entry(struct copy_ctx *c, int sdir, const char *sname, int ddir,
		      const char *dname, const char *drel, struct udc_error *e);

/* Set owner (when root), mode and times of the new file open at fd to those of st. */
static int copy_meta_fd(struct copy_ctx *c, int fd, const char *drel, const struct stat *st,
			struct udc_error *e)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (c->root && fchown(fd, st->st_uid, st->st_gid) < 0)
		return udc_fail_sys(e, "chown '%s'", drel);
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return udc_fail_sys(e, "chmod '%s'", drel);
	if (futimens(fd, ts) < 0)
		return udc_fail_sys(e, "set times of '%s'", drel);
	return 0;
}

/* Copy the bytes of sfd to dfd. */
static int copy_bytes(int sfd, int dfd, const char *drel, struct udc_error *e)
{
	char buf[65536];
	ssize_t n, w, off;

	while ((n = read(sfd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return udc_fail_sys(e, "read source of '%s'", drel);
		for (off = 0; off < n;) {
			w = write(dfd, buf + off, n - off);
			if (w < 0 && errno != EINTR)
				return udc_fail_sys(e, "write '%s'", drel);
			if (w > 0)
				off += w;
		}
	}
	return 0;
}

static int copy_file(struct copy_ctx *c, int sdir, const char *sname, int ddir,
		     const char *dname, const char *drel, const struct stat *st,
		     struct udc_error *e)
{
	UDC_AUTOCLOSE int sfd = -1;
	UDC_AUTOCLOSE int dfd = -1;
	int r;

	sfd = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return udc_fail_sys(e, "open source of '%s'", drel);
	dfd = openat(ddir, dname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0)
		return udc_fail_sys(e, "create '%s'", drel);
	r = copy_bytes(sfd, dfd, drel, e);
	return r < 0 ? r : copy_meta_fd(c, dfd, drel, st, e);
}

/* A file with more than one link: link to its first copy if there is one, else copy it and
 * remember where. */
static int copy_linked_file(struct copy_ctx *c, int sdir, const char *sname, int ddir,
			    const char *dname, const char *drel, const struct stat *st,
			    struct udc_error *e)
{
	struct ino_rec *first;
	size_t i = 0;
	int r;

	if ((first = ino_find(&c->ino, st->st_dev, st->st_ino, &i))) {
		if (linkat(c->dtop, first->path, ddir, dname, 0) < 0)
			return udc_fail_sys(e, "link '%s' to '%s'", drel, first->path);
		return 0;
	}
	r = copy_file(c, sdir, sname, ddir, dname, drel, st, e);
	if (r == 0 && ino_insert(c->mem, &c->ino, i, st, drel) < 0)
		return udc_fail(e, ENOMEM, "'%s': out of memory", drel);
	return r;
}

static int copy_symlink(struct copy_ctx *c, int sdir, const char *sname, int ddir,
			const char *dname, const char *drel, const struct stat *st,
			struct udc_error *e)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t n = readlinkat(sdir, sname, target, sizeof(target));

	if (n < 0)
		return udc_fail_sys(e, "readlink source of '%s'", drel);
	if ((size_t)n >= sizeof(target))
		return udc_fail(e, ENAMETOOLONG, "'%s': symlink target too long", drel);
	target[n] = '\0';
	if (symlinkat(target, ddir, dname) < 0)
		return udc_fail_sys(e, "symlink '%s'", drel);
	if (c->root && fchownat(ddir, dname, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "chown '%s'", drel);
	if (utimensat(ddir, dname, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "set times of '%s'", drel);
	return 0;
}

/* Fifos always; device nodes only as root; sockets never (nothing to copy). */
static int copy_special(struct copy_ctx *c, int ddir, const char *dname, const char *drel,
			const struct stat *st, struct udc_error *e)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (S_ISSOCK(st->st_mode) || (!S_ISFIFO(st->st_mode) && !c->root)) {
		udc_log(UDC_LOG_DBG, "copy: skipping special file '%s'", drel);
		return 0;
	}
	if (mknodat(ddir, dname, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
		return udc_fail_sys(e, "mknod '%s'", drel);
	if (c->root && fchownat(ddir, dname, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "chown '%s'", drel);
	if (fchmodat(ddir, dname, st->st_mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "chmod '%s'", drel);
	if (utimensat(ddir, dname, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "set times of '%s'", drel);
	return 0;
}

/* Copy the children of the open source directory sfd into the open directory dfd. */
static int copy_children(struct copy_ctx *c, int sfd, int dfd, const char *drel,
			 struct udc_error *e)
{
	char **names = fs_dir_names(c->mem, sfd, drel, e);
	char *rel;
	int r = 0;

	if (!names)
		return -e->code;
	for (char **n = names; *n && r == 0; n++)
		r = (rel = join(names, drel, *n, e)) ? copy_entry(c, sfd, *n, dfd, *n, rel, e)
						     : -ENOMEM;
	talloc_free(names);
	return r;
}

/* Create the directory, copy its contents, then apply its mode and times: last, so that a
 * read-only directory still receives its children and its mtime stays. */
static int copy_dir(struct copy_ctx *c, int sdir, const char *sname, int ddir,
		    const char *dname, const char *drel, const struct stat *st,
		    struct udc_error *e)
{
	UDC_AUTOCLOSE int sfd = -1;
	UDC_AUTOCLOSE int dfd = -1;
	int r;

	sfd = openat(sdir, sname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return udc_fail_sys(e, "open source of '%s'", drel);
	if (mkdirat(ddir, dname, 0700) < 0)
		return udc_fail_sys(e, "mkdir '%s'", drel);
	dfd = openat(ddir, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return udc_fail_sys(e, "open '%s'", drel);
	r = copy_children(c, sfd, dfd, drel, e);
	return r < 0 ? r : copy_meta_fd(c, dfd, drel, st, e);
}

/* Copy one entry of any type; drel is its destination path relative to c->dtop. */
static int copy_entry(struct copy_ctx *c, int sdir, const char *sname, int ddir,
		      const char *dname, const char *drel, struct udc_error *e)
{
	struct stat st;

	if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "stat source of '%s'", drel);
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		return copy_dir(c, sdir, sname, ddir, dname, drel, &st, e);
	case S_IFREG:
		if (st.st_nlink > 1)
			return copy_linked_file(c, sdir, sname, ddir, dname, drel, &st, e);
		return copy_file(c, sdir, sname, ddir, dname, drel, &st, e);
	case S_IFLNK:
		return copy_symlink(c, sdir, sname, ddir, dname, drel, &st, e);
	default:
		return copy_special(c, ddir, dname, drel, &st, e);
	}
}

/* Copy the tree (sdirfd,sname) to (ddirfd,dname), which must not exist. Symlinks are copied
 * verbatim, hard links within the tree stay hard links, modes and mtimes are kept, owners
 * and device nodes too when running as root. On failure the partial copy is removed.
 * Returns 0 or -errno with e filled. */
int fs_copytree_at(int sdirfd, const char *sname, int ddirfd, const char *dname,
		   struct udc_error *e)
{
	struct copy_ctx c = { .dtop = ddirfd, .root = geteuid() == 0 };
	struct udc_error ignored;
	struct stat st;
	int r;

	if (fstatat(ddirfd, dname, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return udc_fail(e, EEXIST, "copy '%s' to '%s': destination exists", sname, dname);
	if (!(c.mem = talloc_new(NULL)))
		return udc_fail(e, ENOMEM, "copy '%s': out of memory", sname);
	r = copy_entry(&c, sdirfd, sname, ddirfd, dname, dname, e);
	talloc_free(c.mem);
	if (r < 0) {
		udc_wrap(e, "copy '%s' to '%s'", sname, dname);
		if (e->code != EEXIST)
			fs_rmtree_flags_at(ddirfd, dname, FS_RMTREE_MISSING_OK, &ignored);
	}
	return r;
}

/* ---- size ------------------------------------------------------------------------------- */

static int size_entry(TALLOC_CTX *ctx, struct ino_set *seen, int dirfd, const char *name,
		      const char *rel, unsigned long long *bytes, struct udc_error *e);

static int size_dir(TALLOC_CTX *ctx, struct ino_set *seen, int dirfd, const char *name,
		    const char *rel, unsigned long long *bytes, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char **names, *crel;
	int r = 0;

	if (fd < 0)
		return udc_fail_sys(e, "open '%s'", rel);
	if (!(names = fs_dir_names(ctx, fd, rel, e)))
		return -e->code;
	for (char **n = names; *n && r == 0; n++)
		r = (crel = join(names, rel, *n, e)) ? size_entry(ctx, seen, fd, *n, crel, bytes, e)
						     : -ENOMEM;
	talloc_free(names);
	return r;
}

static int size_entry(TALLOC_CTX *ctx, struct ino_set *seen, int dirfd, const char *name,
		      const char *rel, unsigned long long *bytes, struct udc_error *e)
{
	struct stat st;
	size_t i = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "stat '%s'", rel);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		if (ino_find(seen, st.st_dev, st.st_ino, &i))
			return 0;
		if (ino_insert(ctx, seen, i, &st, NULL) < 0)
			return udc_fail(e, ENOMEM, "'%s': out of memory", rel);
	}
	*bytes += (unsigned long long)st.st_blocks * 512;
	return S_ISDIR(st.st_mode) ? size_dir(ctx, seen, dirfd, name, rel, bytes, e) : 0;
}

/* Store in *bytes the disk usage of the tree at (dirfd,name): st_blocks * 512 summed over
 * its inodes, each counted once, symlinks not followed. Returns 0 or -errno with e filled. */
int fs_tree_size_at(int dirfd, const char *name, unsigned long long *bytes, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ino_set seen = { 0 };
	unsigned long long sum = 0;
	int r;

	if (!tmp)
		return udc_fail(e, ENOMEM, "size of '%s': out of memory", name);
	r = size_entry(tmp, &seen, dirfd, name, name, &sum, e);
	talloc_free(tmp);
	if (r < 0)
		return udc_wrap(e, "size of tree");
	*bytes = sum;
	return 0;
}
