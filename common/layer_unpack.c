/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layer_unpack.c - apply image layers to a container root with libarchive, never writing
 * outside the root: whiteouts, opaque directories, deferred directory modes. */
#include "common/layer_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/fs_tree.h"
#include "common/log.h"

/*
 * How it works (see docs/design/layers.md). libarchive only reads and decompresses; every
 * entry is written by this file with *at() calls relative to directory fds obtained by
 * walking the entry's parent path from the root one component at a time with
 * O_NOFOLLOW|O_DIRECTORY. An intermediate symlink is resolved by hand inside the root
 * (absolute targets from the root, ".." clamped at the root), so the kernel never follows
 * a link on the host; the last component is never followed.
 */

#define LAYER_MAX_LINKS 40 /* symlinks followed per path, as the kernel's MAXSYMLINKS */
#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

/* ---- a small string-keyed hash map (open addressing), talloc-owned ----------------------- */

struct strmap {
	char **keys; /* NULL for a free slot; strings are children of the map */
	void **vals;
	size_t cap;  /* a power of two */
	size_t n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct strmap *strmap_new(TALLOC_CTX *ctx)
{
	struct strmap *m = talloc_zero(ctx, struct strmap);

	if (!m)
		return NULL;
	m->cap = 256;
	m->keys = talloc_zero_array(m, char *, m->cap);
	m->vals = talloc_zero_array(m, void *, m->cap);
	if (!m->keys || !m->vals)
		return talloc_free(m), NULL;
	return m;
}

/* Index of key in m, or of the free slot where it belongs. */
static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t i = str_hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *strmap_get(const struct strmap *m, const char *key)
{
	return m->vals[strmap_slot(m, key)];
}

/* Double the table, rehashing the keys it holds. */
static int strmap_grow(struct strmap *m)
{
	char **keys = m->keys;
	void **vals = m->vals;
	size_t cap = m->cap;

	m->keys = talloc_zero_array(m, char *, cap * 2);
	m->vals = talloc_zero_array(m, void *, cap * 2);
	if (!m->keys || !m->vals) {
		talloc_free(m->keys);
		talloc_free(m->vals);
		m->keys = keys;
		m->vals = vals;
		return -ENOMEM;
	}
	m->cap = cap * 2;
	for (size_t i = 0; i < cap; i++) {
		if (keys[i]) {
			size_t j = strmap_slot(m, keys[i]);

			m->keys[j] = keys[i];
			m->vals[j] = vals[i];
		}
	}
	talloc_free(keys);
	talloc_free(vals);
	return 0;
}

/* Set key to val (not NULL), inserting a copy of key if new; 0 or -ENOMEM. */
static int strmap_put(struct strmap *m, const char *key, void *val)
{
	size_t i;

	if ((m->n + 1) * 10 >= m->cap * 7 && strmap_grow(m) < 0)
		return -ENOMEM;
	i = strmap_slot(m, key);
	if (!m->keys[i]) {
		if (!(m->keys[i] = talloc_strdup(m, key)))
			return -ENOMEM;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

/* ---- the session and one layer ------------------------------------------------------------ */

/* A directory whose mode and mtime are applied at the end (layer_unpacker_finish). */
struct dir_rec {
	const char *path; /* relative to the root, the key in layer_unpacker.dirs */
	mode_t mode;
	struct timespec mtime; /* tv_nsec UTIME_OMIT when the entry had none */
	dev_t dev;             /* identity when recorded: skip it if replaced since */
	ino_t ino;
	unsigned depth;
};

struct layer_unpacker {
	int root_fd; /* not owned */
	unsigned flags;
	struct strmap *dirs; /* path -> struct dir_rec *, over all layers */
};

/* One layer being applied; its destructor frees the archive. */
struct layer_run {
	struct layer_unpacker *u;
	const char *label;
	struct archive *a;
	struct archive_entry *ent; /* current entry, owned by a */
	struct strmap *seen;       /* paths written by this layer, and their ancestors */
	unsigned long owners_kept; /* entries whose owner could not be applied */
};

static int layer_run_destroy(struct layer_run *r)
{
	if (r->a)
		archive_read_free(r->a);
	return 0;
}

/* Translate libarchive's error once: "layer LABEL: <archive_error_string>". */
static int archive_fail(struct layer_run *r, struct udc_error *e)
{
	const char *msg = archive_error_string(r->a);
	int code = archive_errno(r->a);

	if (code <= 0)
		code = EIO;
	return udc_fail(e, code, "%s", msg ? msg : "unknown archive error");
}

/* ---- entry paths ---------------------------------------------------------------------- */

/* Normalise a tar entry path into out: leading "/" and "./" stripped, "." and empty
 * components dropped. Returns 0, -EPERM if ".." climbs out of the root, -EINVAL for any
 * other ".." (refused too: such entries are never produced by honest tools), or
 * -ENAMETOOLONG. */
static int clean_path(const char *in, char *out, size_t size)
{
	size_t len = 0, n;
	int depth = 0, dotdot = 0;

	for (const char *p = in; *p; p += n) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			dotdot = 1;
			if (--depth < 0)
				return -EPERM;
			continue;
		}
		depth++;
		if (len + n + 2 > size)
			return -ENAMETOOLONG;
		if (len)
			out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
	}
	out[len] = '\0';
	return dotdot ? -EINVAL : 0;
}

/* Remember that this layer wrote rel: the opaque-directory marker must spare it and every
 * directory leading to it. Ancestors already present have theirs present too. */
static int seen_add(struct layer_run *r, const char *rel, struct udc_error *e)
{
	char path[PATH_MAX];
	char *slash;

	snprintf(path, sizeof(path), "%s", rel);
	do {
		if (strmap_get(r->seen, path))
			return 0;
		if (strmap_put(r->seen, path, r) < 0)
			return udc_fail(e, ENOMEM, "out of memory");
		slash = strrchr(path, '/');
		if (slash)
			*slash = '\0';
	} while (slash);
	return 0;
}

/* ---- walking a path inside the root --------------------------------------------------- */

struct walk {
	int fd;         /* current directory (O_PATH), owned */
	unsigned depth; /* components below the root: ".." at 0 stays at the root */
	unsigned links; /* symlinks followed so far */
};

static void walk_move(struct walk *w, int fd)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = fd;
}

static int walk_to_root(struct layer_unpacker *u, struct walk *w, struct udc_error *e)
{
	int fd = openat(u->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return udc_fail_sys(e, "open root");
	walk_move(w, fd);
	w->depth = 0;
	return 0;
}

static int walk_up(struct walk *w, struct udc_error *e)
{
	int fd;

	if (w->depth == 0)
		return 0;
	fd = openat(w->fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return udc_fail_sys(e, "open '..'");
	walk_move(w, fd);
	w->depth--;
	return 0;
}

/* Pop the first component of rem (in place) into name; 0 when rem is empty, 1, or
 * -ENAMETOOLONG. */
static int pop_component(char *rem, char name[NAME_MAX + 1])
{
	size_t skip = strspn(rem, "/"), n = strcspn(rem + skip, "/");

	if (n == 0)
		return 0;
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, rem + skip, n);
	name[n] = '\0';
	memmove(rem, rem + skip + n, strlen(rem + skip + n) + 1);
	return 1;
}

/* The intermediate component name is a symlink: prepend its target to rem, and restart from
 * the root for an absolute target. The kernel never follows it. */
static int walk_link(struct layer_unpacker *u, struct walk *w, const char *name, char *rem,
		     struct udc_error *e)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n;

	if (++w->links > LAYER_MAX_LINKS)
		return udc_fail(e, ELOOP, "too many levels of symbolic links at '%s'", name);
	n = readlinkat(w->fd, name, target, sizeof(target));
	if (n < 0)
		return udc_fail_sys(e, "readlink '%s'", name);
	if ((size_t)n >= sizeof(target))
		return udc_fail(e, ENAMETOOLONG, "symlink '%s': target too long", name);
	target[n] = '\0';
	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target, rem) >= sizeof(joined))
		return udc_fail(e, ENAMETOOLONG, "symlink '%s': path too long", name);
	strcpy(rem, joined);
	return target[0] == '/' ? walk_to_root(u, w, e) : 0;
}

/* Step into the intermediate component name: a directory, a symlink (contained), or a
 * missing directory that is created (0755) when create is set. -ENOENT when missing. */
static int walk_step(struct layer_unpacker *u, struct walk *w, const char *name, char *rem,
		     int create, struct udc_error *e)
{
	struct stat st;
	int fd;

	while (fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT || !create)
			return udc_fail_sys(e, "'%s'", name);
		if (mkdirat(w->fd, name, 0755) < 0 && errno != EEXIST)
			return udc_fail_sys(e, "mkdir '%s'", name);
		/* implicit parents get 0755 whatever the process umask */
		if (fchmodat(w->fd, name, 0755, AT_SYMLINK_NOFOLLOW) < 0)
			return udc_fail_sys(e, "chmod '%s'", name);
	}
	if (S_ISLNK(st.st_mode))
		return walk_link(u, w, name, rem, e);
	if (!S_ISDIR(st.st_mode))
		return udc_fail(e, ENOTDIR, "'%s' is not a directory", name);
	fd = openat(w->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return udc_fail_sys(e, "open '%s'", name);
	walk_move(w, fd);
	w->depth++;
	return 0;
}

/* Walk the components of rem (consumed) from w's directory. */
static int walk_path(struct layer_unpacker *u, struct walk *w, char *rem, int create,
		     struct udc_error *e)
{
	char name[NAME_MAX + 1];
	int r;

	while ((r = pop_component(rem, name)) > 0) {
		if (!strcmp(name, "."))
			continue;
		r = !strcmp(name, "..") ? walk_up(w, e) : walk_step(u, w, name, rem, create, e);
		if (r < 0)
			return r;
	}
	return r < 0 ? udc_fail(e, -r, "path component too long") : 0;
}

/* Open the directory holding the clean relative path rel, inside the root, and copy its
 * last component to leaf. *dirfd (O_PATH) is the caller's to close. 0 or -errno (-ENOENT
 * for a missing directory when create is 0). */
static int resolve_parent(struct layer_unpacker *u, const char *rel, int create,
			  char leaf[NAME_MAX + 1], int *dirfd, struct udc_error *e)
{
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;
	struct walk w = { .fd = -1 };
	char rem[PATH_MAX];
	int r;

	if (strlen(base) > NAME_MAX)
		return udc_fail(e, ENAMETOOLONG, "name too long");
	strcpy(leaf, base);
	snprintf(rem, sizeof(rem), "%.*s", slash ? (int)(slash - rel) : 0, rel);
	r = walk_to_root(u, &w, e);
	if (r == 0)
		r = walk_path(u, &w, rem, create, e);
	if (r < 0) {
		walk_move(&w, -1);
		return r;
	}
	*dirfd = w.fd;
	return 0;
}

/* ---- writing entries -------------------------------------------------------------------- */

/* Make room for a new entry at (dirfd,leaf): remove what is there, a whole tree included,
 * unless it is a directory and keep_dir is set. Returns 1 for a kept directory, 0 or -errno. */
static int clear_leaf(int dirfd, const char *leaf, int keep_dir, struct udc_error *e)
{
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : udc_fail_sys(e, "stat '%s'", leaf);
	if (S_ISDIR(st.st_mode))
		return keep_dir ? 1 : fs_rmtree_at(dirfd, leaf, e);
	if (unlinkat(dirfd, leaf, 0) < 0)
		return udc_fail_sys(e, "remove old '%s'", leaf);
	return 0;
}

/* The entry's permission bits; unprivileged, setuid and setgid are dropped. */
static mode_t entry_mode(struct layer_run *r)
{
	mode_t mode = archive_entry_perm(r->ent) & 07777;

	if (!(r->u->flags & LAYER_PRIVILEGED) && (mode & (S_ISUID | S_ISGID))) {
		udc_log(UDC_LOG_DBG, "layer %s: '%s': setuid/setgid bits dropped (unprivileged)",
			r->label, archive_entry_pathname(r->ent));
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	}
	return mode;
}

/* Apply the entry's owner, privileged only: by fd when fd >= 0, else (dirfd,leaf). */
static int entry_owner(struct layer_run *r, int fd, int dirfd, const char *leaf,
		       struct udc_error *e)
{
	uid_t uid = archive_entry_uid(r->ent);
	gid_t gid = archive_entry_gid(r->ent);
	int ret;

	if (!(r->u->flags & LAYER_PRIVILEGED)) {
		if (uid != geteuid() || gid != getegid())
			r->owners_kept++;
		return 0;
	}
	ret = fd >= 0 ? fchown(fd, uid, gid) : fchownat(dirfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW);
	return ret < 0 ? udc_fail_sys(e, "chown '%s'", leaf) : 0;
}

/* The entry's times for futimens/utimensat (atime = mtime when the entry has none). */
static void entry_times(struct layer_run *r, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(r->ent);
	ts[1].tv_nsec = archive_entry_mtime_nsec(r->ent);
	if (!archive_entry_mtime_is_set(r->ent))
		ts[1].tv_nsec = UTIME_OMIT;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(r->ent)) {
		ts[0].tv_sec = archive_entry_atime(r->ent);
		ts[0].tv_nsec = archive_entry_atime_nsec(r->ent);
	}
}

/* Copy the entry's data to fd (holes of sparse entries stay holes). */
static int write_data(struct layer_run *r, int fd, const char *leaf, struct udc_error *e)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int ret;

	while ((ret = archive_read_data_block(r->a, &buf, &size, &off)) != ARCHIVE_EOF) {
		if (ret < ARCHIVE_WARN)
			return archive_fail(r, e);
		for (size_t done = 0; done < size;) {
			ssize_t n = pwrite(fd, (const char *)buf + done, size - done, off + done);

			if (n < 0 && errno != EINTR)
				return udc_fail_sys(e, "write '%s'", leaf);
			done += n > 0 ? (size_t)n : 0;
		}
	}
	if (archive_entry_size_is_set(r->ent) && ftruncate(fd, archive_entry_size(r->ent)) < 0)
		return udc_fail_sys(e, "truncate '%s'", leaf);
	return 0;
}

/* A regular file: written with 0600 then given its owner, mode and times. */
static int put_file(struct layer_run *r, int dirfd, const char *leaf, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;
	struct timespec ts[2];
	int ret = clear_leaf(dirfd, leaf, 0, e);

	if (ret < 0)
		return ret;
	fd = openat(dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return udc_fail_sys(e, "create '%s'", leaf);
	if ((ret = write_data(r, fd, leaf, e)) < 0)
		return ret;
	/* chown before chmod: chown clears the setuid and setgid bits */
	if ((ret = entry_owner(r, fd, -1, leaf, e)) < 0)
		return ret;
	if (fchmod(fd, entry_mode(r)) < 0)
		return udc_fail_sys(e, "chmod '%s'", leaf);
	entry_times(r, ts);
	if (futimens(fd, ts) < 0)
		return udc_fail_sys(e, "set times of '%s'", leaf);
	return 0;
}

/* A symlink, its target stored verbatim: it is resolved in the guest's view at run time. */
static int put_symlink(struct layer_run *r, int dirfd, const char *leaf, struct udc_error *e)
{
	const char *target = archive_entry_symlink(r->ent);
	struct timespec ts[2];
	int ret;

	if (!target || !*target)
		return udc_fail(e, EINVAL, "symlink without a target");
	if ((ret = clear_leaf(dirfd, leaf, 0, e)) < 0)
		return ret;
	if (symlinkat(target, dirfd, leaf) < 0)
		return udc_fail_sys(e, "symlink '%s'", leaf);
	if ((ret = entry_owner(r, -1, dirfd, leaf, e)) < 0)
		return ret;
	entry_times(r, ts);
	if (utimensat(dirfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "set times of '%s'", leaf);
	return 0;
}

/* Record (or update) the directory rel for layer_unpacker_finish. */
static int record_dir(struct layer_run *r, int dirfd, const char *leaf, const char *rel,
		      struct udc_error *e)
{
	struct dir_rec *d = strmap_get(r->u->dirs, rel);
	struct timespec ts[2];
	struct stat st;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "stat '%s'", leaf);
	if (!d) {
		if (!(d = talloc_zero(r->u->dirs, struct dir_rec)) ||
		    strmap_put(r->u->dirs, rel, d) < 0)
			return udc_fail(e, ENOMEM, "out of memory");
		d->path = r->u->dirs->keys[strmap_slot(r->u->dirs, rel)];
	}
	entry_times(r, ts);
	d->mode = entry_mode(r);
	d->mtime = ts[1];
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	d->depth = 1;
	for (const char *p = rel; *p; p++)
		d->depth += *p == '/';
	return 0;
}

/* A directory: an existing one is kept (layers merge); its mode and times wait for
 * layer_unpacker_finish, until then the owner may write and search it. */
static int put_dir(struct layer_run *r, int dirfd, const char *leaf, const char *rel,
		   struct udc_error *e)
{
	struct stat st;
	int ret = clear_leaf(dirfd, leaf, 1, e);

	if (ret < 0)
		return ret;
	if (ret == 0 && mkdirat(dirfd, leaf, 0700) < 0)
		return udc_fail_sys(e, "mkdir '%s'", leaf);
	if (ret == 1) {
		if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return udc_fail_sys(e, "stat '%s'", leaf);
		if ((st.st_mode & S_IRWXU) != S_IRWXU &&
		    fchmodat(dirfd, leaf, st.st_mode | S_IRWXU, AT_SYMLINK_NOFOLLOW) < 0)
			return udc_fail_sys(e, "chmod '%s'", leaf);
	}
	if ((ret = entry_owner(r, -1, dirfd, leaf, e)) < 0)
		return ret;
	return record_dir(r, dirfd, leaf, rel, e);
}

/* A hard link: the target is resolved inside the root like any entry path. */
static int put_hardlink(struct layer_run *r, int dirfd, const char *leaf, struct udc_error *e)
{
	const char *target = archive_entry_hardlink(r->ent);
	char trel[PATH_MAX], tleaf[NAME_MAX + 1];
	UDC_AUTOCLOSE int tdir = -1;
	struct stat tst, st;
	int ret = clean_path(target, trel, sizeof(trel));

	if (ret == -EPERM)
		return udc_fail(e, EPERM, "hard link target '%s' escapes the root", target);
	if (ret < 0 || !*trel)
		return udc_fail(e, ret < 0 ? -ret : EPERM, "hard link target '%s': %s", target,
				ret == -EINVAL ? "'..' component refused"
				: ret < 0      ? "path too long"
					       : "is the root");
	if (resolve_parent(r->u, trel, 0, tleaf, &tdir, e) < 0)
		return udc_wrap(e, "hard link target '%s'", target);
	if (fstatat(tdir, tleaf, &tst, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "hard link target '%s'", target);
	if (S_ISDIR(tst.st_mode))
		return udc_fail(e, EPERM, "hard link target '%s' is a directory", target);
	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == tst.st_dev &&
	    st.st_ino == tst.st_ino)
		return 0;
	if ((ret = clear_leaf(dirfd, leaf, 0, e)) < 0)
		return ret;
	if (linkat(tdir, tleaf, dirfd, leaf, 0) < 0)
		return udc_fail_sys(e, "link to '%s'", target);
	return 0;
}

/* Fifos always; device nodes only privileged; sockets never. */
static int put_special(struct layer_run *r, int dirfd, const char *leaf, struct udc_error *e)
{
	mode_t type = archive_entry_filetype(r->ent);
	struct timespec ts[2];
	dev_t dev = 0;
	int ret;

	if (type == AE_IFSOCK || (type != AE_IFIFO && !(r->u->flags & LAYER_PRIVILEGED))) {
		udc_log(UDC_LOG_DBG, "layer %s: '%s': %s skipped", r->label,
			archive_entry_pathname(r->ent),
			type == AE_IFSOCK ? "socket" : "device node (unprivileged)");
		return 0;
	}
	if (type != AE_IFIFO)
		dev = makedev(archive_entry_rdevmajor(r->ent), archive_entry_rdevminor(r->ent));
	if ((ret = clear_leaf(dirfd, leaf, 0, e)) < 0)
		return ret;
	if (mknodat(dirfd, leaf, type | 0600, dev) < 0)
		return udc_fail_sys(e, "mknod '%s'", leaf);
	if ((ret = entry_owner(r, -1, dirfd, leaf, e)) < 0)
		return ret;
	if (fchmodat(dirfd, leaf, entry_mode(r), AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "chmod '%s'", leaf);
	entry_times(r, ts);
	if (utimensat(dirfd, leaf, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return udc_fail_sys(e, "set times of '%s'", leaf);
	return 0;
}

/* ---- whiteouts ------------------------------------------------------------------------ */

/* ".wh.NAME": remove NAME of the lower layers (an entry of this layer is kept). */
static int put_whiteout(struct layer_run *r, const char *rel, struct udc_error *e)
{
	char leaf[NAME_MAX + 1];
	UDC_AUTOCLOSE int dirfd = -1;
	int ret;

	if (strmap_get(r->seen, rel))
		return 0;
	ret = resolve_parent(r->u, rel, 0, leaf, &dirfd, e);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0; /* nothing there to hide */
	if (ret < 0)
		return ret;
	return fs_rmtree_flags_at(dirfd, leaf, FS_RMTREE_MISSING_OK, e);
}

/* Remove what lower layers put in the directory fd (path rel, "" for the root): children
 * this layer wrote survive, and directories leading to them are cleared in turn. */
static int opaque_clear(struct layer_run *r, int fd, const char *rel, struct udc_error *e)
{
	char **names = fs_dir_names(r, fd, *rel ? rel : ".", e);
	int ret = 0;

	if (!names)
		return -e->code;
	for (char **n = names; *n && ret == 0; n++) {
		char *crel = *rel ? talloc_asprintf(names, "%s/%s", rel, *n) : *n;
		UDC_AUTOCLOSE int cfd = -1;

		if (!crel) {
			ret = udc_fail(e, ENOMEM, "out of memory");
		} else if (!strmap_get(r->seen, crel)) {
			ret = fs_rmtree_flags_at(fd, *n, FS_RMTREE_MISSING_OK, e);
		} else {
			cfd = openat(fd, *n, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				ret = opaque_clear(r, cfd, crel, e);
		}
	}
	talloc_free(names);
	return ret;
}

/* ".wh..wh..opq" in directory rel: hide everything lower layers put there. */
static int put_opaque(struct layer_run *r, const char *rel, struct udc_error *e)
{
	char leaf[NAME_MAX + 1];
	UDC_AUTOCLOSE int dirfd = -1;
	UDC_AUTOCLOSE int fd = -1;
	int ret;

	if (!*rel) {
		fd = openat(r->u->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? udc_fail_sys(e, "open root") : opaque_clear(r, fd, rel, e);
	}
	ret = resolve_parent(r->u, rel, 0, leaf, &dirfd, e);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret < 0)
		return ret;
	fd = openat(dirfd, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : udc_fail_sys(e, "open '%s'", leaf);
	return opaque_clear(r, fd, rel, e);
}

/* A whiteout entry rel whose last component starts with ".wh.". */
static int apply_whiteout(struct layer_run *r, const char *rel, const char *base,
			  struct udc_error *e)
{
	char target[PATH_MAX];
	int dirlen = (int)(base - rel);

	if (!strcmp(base, WH_OPAQUE)) {
		snprintf(target, sizeof(target), "%.*s", dirlen ? dirlen - 1 : 0, rel);
		return put_opaque(r, target, e);
	}
	if (!strncmp(base, WH_PREFIX WH_PREFIX, 2 * strlen(WH_PREFIX)) ||
	    !base[strlen(WH_PREFIX)]) {
		udc_log(UDC_LOG_DBG, "layer %s: '%s': aufs metadata skipped", r->label, rel);
		return 0;
	}
	snprintf(target, sizeof(target), "%.*s%s", dirlen, rel, base + strlen(WH_PREFIX));
	return put_whiteout(r, target, e);
}

/* ---- one entry -------------------------------------------------------------------------- */

/* Write the entry at its clean path rel (not whiteouts, not the root). */
static int apply_rel(struct layer_run *r, const char *rel, struct udc_error *e)
{
	char leaf[NAME_MAX + 1];
	UDC_AUTOCLOSE int dirfd = -1;
	int ret = resolve_parent(r->u, rel, 1, leaf, &dirfd, e);

	if (ret < 0)
		return ret;
	if (archive_entry_hardlink(r->ent))
		ret = put_hardlink(r, dirfd, leaf, e);
	else if (archive_entry_filetype(r->ent) == AE_IFREG)
		ret = put_file(r, dirfd, leaf, e);
	else if (archive_entry_filetype(r->ent) == AE_IFDIR)
		ret = put_dir(r, dirfd, leaf, rel, e);
	else if (archive_entry_filetype(r->ent) == AE_IFLNK)
		ret = put_symlink(r, dirfd, leaf, e);
	else
		ret = put_special(r, dirfd, leaf, e);
	return ret < 0 ? ret : seen_add(r, rel, e);
}

/* Apply the current entry; errors name the layer and the entry. */
static int apply_entry(struct layer_run *r, struct udc_error *e)
{
	const char *path = archive_entry_pathname(r->ent);
	const char *base;
	char rel[PATH_MAX];
	int ret;

	if (!path)
		return udc_fail(e, EINVAL, "layer %s: entry without a path", r->label);
	ret = clean_path(path, rel, sizeof(rel));
	if (ret == -EPERM)
		return udc_fail(e, EPERM, "layer %s: entry '%s' escapes the root", r->label, path);
	if (ret < 0)
		return udc_fail(e, -ret, "layer %s: entry '%s': %s", r->label, path,
				ret == -EINVAL ? "'..' component refused" : "path too long");
	base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	if (!*rel && archive_entry_filetype(r->ent) == AE_IFDIR)
		return 0; /* the root itself: its mode and owner are the caller's */
	if (!*rel)
		ret = udc_fail(e, EINVAL, "only a directory can be the root");
	else if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		ret = apply_whiteout(r, rel, base, e);
	else
		ret = apply_rel(r, rel, e);
	return ret < 0 ? udc_wrap(e, "layer %s: entry '%s'", r->label, path) : 0;
}

/* Read and apply every entry of the open archive. */
static int apply_entries(struct layer_run *r, struct udc_error *e)
{
	int ret;

	while ((ret = archive_read_next_header(r->a, &r->ent)) != ARCHIVE_EOF) {
		if (ret == ARCHIVE_WARN)
			udc_log(UDC_LOG_DBG, "layer %s: warning: %s", r->label,
				archive_error_string(r->a) ?: "?");
		else if (ret != ARCHIVE_OK)
			return archive_fail(r, e), udc_wrap(e, "layer %s", r->label);
		if ((ret = apply_entry(r, e)) < 0)
			return ret;
	}
	return 0;
}

/* Apply the layer read from fd; label is already set. */
static int layer_apply_fd(struct layer_unpacker *u, int fd, const char *label,
			  struct udc_error *e)
{
	struct layer_run *r = talloc_zero(u, struct layer_run);
	int ret;

	if (!r)
		return udc_fail(e, ENOMEM, "layer %s: out of memory", label);
	talloc_set_destructor(r, layer_run_destroy);
	r->u = u;
	r->label = label;
	if (!(r->seen = strmap_new(r)) || !(r->a = archive_read_new())) {
		talloc_free(r);
		return udc_fail(e, ENOMEM, "layer %s: out of memory", label);
	}
	/* tar covers ustar, pax, gnu and v7; no filter support means uncompressed only */
	if (archive_read_support_filter_gzip(r->a) < ARCHIVE_WARN ||
	    archive_read_support_filter_zstd(r->a) < ARCHIVE_WARN ||
	    archive_read_support_format_tar(r->a) != ARCHIVE_OK ||
	    archive_read_open_fd(r->a, fd, 65536) != ARCHIVE_OK)
		ret = archive_fail(r, e) < 0 ? udc_wrap(e, "layer %s", label) : -EIO;
	else
		ret = apply_entries(r, e);
	if (ret == 0 && r->owners_kept)
		udc_log(UDC_LOG_DBG, "layer %s: %lu entries keep the unpacking user as owner "
			"(unprivileged)", label, r->owners_kept);
	talloc_free(r);
	return ret;
}

/* Apply one layer read from fd (not owned) to its end. label names it in errors (NULL:
 * "fd N"). Returns 0 or -errno with e filled; a failure leaves the root partly unpacked. */
int layer_unpacker_add_fd(struct layer_unpacker *u, int fd, const char *label,
			  struct udc_error *e)
{
	char fdlabel[32];

	if (!label) {
		snprintf(fdlabel, sizeof(fdlabel), "fd %d", fd);
		label = fdlabel;
	}
	return layer_apply_fd(u, fd, label, e);
}

/* Apply one layer, the tar file at path (compression detected from content). label names
 * it in errors (NULL: the path). Returns 0 or -errno with e filled. */
int layer_unpacker_add(struct layer_unpacker *u, const char *path, const char *label,
		       struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;
	struct stat st;

	if (!label)
		label = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return udc_fail_sys(e, "layer %s: open '%s'", label, path);
	if (fstat(fd, &st) < 0)
		return udc_fail_sys(e, "layer %s: stat '%s'", label, path);
	if (S_ISDIR(st.st_mode))
		return udc_fail(e, EISDIR, "layer %s: '%s' is a directory", label, path);
	if (S_ISREG(st.st_mode) && st.st_size == 0)
		return udc_fail(e, EINVAL, "layer %s: empty file, not a tar archive", label);
	return layer_apply_fd(u, fd, label, e);
}

/* Start a session applying layers to the directory open at root_fd (not owned; it must stay
 * open while the unpacker lives). The unpacker is a child of mem_ctx, freed with it.
 * Returns NULL with e filled on failure. */
struct layer_unpacker *layer_unpacker_new(TALLOC_CTX *mem_ctx, int root_fd, unsigned flags,
					  struct udc_error *e)
{
	struct layer_unpacker *u;
	struct stat st;

	if (fstat(root_fd, &st) < 0)
		return udc_fail_sys(e, "unpack: root fd %d", root_fd), NULL;
	if (!S_ISDIR(st.st_mode))
		return udc_fail(e, ENOTDIR, "unpack: root fd %d is not a directory", root_fd), NULL;
	u = talloc_zero(mem_ctx, struct layer_unpacker);
	if (!u || !(u->dirs = strmap_new(u))) {
		talloc_free(u);
		return udc_fail(e, ENOMEM, "unpack: out of memory"), NULL;
	}
	u->root_fd = root_fd;
	u->flags = flags;
	return u;
}

/* ---- finish ----------------------------------------------------------------------------- */

/* Deepest first: a parent's mode (0000, 0555) must not stop us reaching its children. */
static int dir_rec_cmp(const void *a, const void *b)
{
	const struct dir_rec *x = *(struct dir_rec *const *)a, *y = *(struct dir_rec *const *)b;

	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Apply one recorded mode and mtime, if rel still is the directory that was recorded. */
static int apply_dir_rec(struct layer_unpacker *u, const struct dir_rec *d, struct udc_error *e)
{
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, d->mtime };
	char leaf[NAME_MAX + 1];
	UDC_AUTOCLOSE int dirfd = -1;
	UDC_AUTOCLOSE int fd = -1;
	struct udc_error gone;
	struct stat st;

	if (resolve_parent(u, d->path, 0, leaf, &dirfd, &gone) < 0) {
		udc_log(UDC_LOG_DBG, "unpack: directory '%s' gone: %s", d->path, gone.msg);
		return 0;
	}
	fd = openat(dirfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_dev != d->dev || st.st_ino != d->ino) {
		udc_log(UDC_LOG_DBG, "unpack: '%s' no longer is the recorded directory", d->path);
		return 0;
	}
	if (fchmod(fd, d->mode) < 0)
		return udc_fail_sys(e, "unpack: chmod '%s'", d->path);
	if (futimens(fd, ts) < 0)
		return udc_fail_sys(e, "unpack: set times of '%s'", d->path);
	return 0;
}

/* After the last layer: give every directory the mode and mtime of its last entry,
 * deepest first. The recorded list is emptied. Returns 0 or -errno with e filled. */
int layer_unpacker_finish(struct layer_unpacker *u, struct udc_error *e)
{
	struct dir_rec **recs = talloc_array(u, struct dir_rec *, u->dirs->n + 1);
	struct strmap *empty = strmap_new(u);
	size_t n = 0;
	int ret = 0;

	if (!recs || !empty) {
		talloc_free(recs);
		talloc_free(empty);
		return udc_fail(e, ENOMEM, "unpack: out of memory");
	}
	for (size_t i = 0; i < u->dirs->cap; i++)
		if (u->dirs->keys[i])
			recs[n++] = u->dirs->vals[i];
	qsort(recs, n, sizeof(struct dir_rec *), dir_rec_cmp);
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = apply_dir_rec(u, recs[i], e);
	talloc_free(recs);
	talloc_free(u->dirs);
	u->dirs = empty;
	return ret;
}
