/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_dir.c - a per-run directory outside the container, removed after the run or collected. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs_tree.h"
#include "common/log.h"
#include "common/repo.h"
#include "common/run_spec.h"

/*
 * Files a run needs outside the container (run_ident.c's identity files) go in a directory
 * flock'ed for the run and removed when its talloc owner (the spec) is freed. A run that dies
 * leaves it unlocked: a repository stage is collected by the next command on the repository
 * (repo_gc_stages); a directory under $TMPDIR (--location runs) by the next run that makes one
 * (tmp_gc below).
 */

#define TMP_PREFIX "udockerc-run-"
#define TMP_GC_AGE 60 /* seconds: younger unlocked directories may be still being set up */

/* A per-run directory under $TMPDIR (--location runs have no repository). */
struct tmp_dir {
	char *path;
	int fd; /* flock'ed while the run lives */
};

static int tmp_dir_destructor(struct tmp_dir *d)
{
	struct udc_error e;

	if (fs_rmtree_flags_at(AT_FDCWD, d->path, FS_RMTREE_MISSING_OK, &e) < 0)
		udc_log(UDC_LOG_WRN, "%s", e.msg);
	if (d->fd >= 0)
		close(d->fd);
	return 0;
}

/* Remove name under dirfd when it is ours, old enough and nobody holds its flock. */
static void tmp_gc_one(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct udc_error e;
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
	    st.st_mtime + TMP_GC_AGE < time(NULL) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		udc_log(UDC_LOG_DBG, "removing abandoned run directory %s", name);
		if (fs_rmtree_flags_at(dirfd, name, FS_RMTREE_MISSING_OK, &e) < 0)
			udc_log(UDC_LOG_WRN, "%s", e.msg);
	}
	close(fd);
}

/* The run directories of runs that died, under parent. */
static void tmp_gc(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)))
			tmp_gc_one(dirfd(d), de->d_name);
	closedir(d);
}

/* $TMPDIR/udockerc-run-XXXXXX, flock'ed, removed with ctx; its path, or NULL plus e. */
static const char *tmp_dir_new(TALLOC_CTX *ctx, struct udc_error *e)
{
	const char *parent = getenv("TMPDIR");
	struct tmp_dir *d = talloc_zero(ctx, struct tmp_dir);

	if (!parent || parent[0] != '/')
		parent = "/tmp";
	if (!d || !(d->path = talloc_asprintf(d, "%s/" TMP_PREFIX "XXXXXX", parent))) {
		talloc_free(d);
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	tmp_gc(parent);
	d->fd = -1;
	if (!mkdtemp(d->path)) {
		udc_fail_sys(e, "cannot create a run directory in %s", parent);
		talloc_free(d);
		return NULL;
	}
	talloc_set_destructor(d, tmp_dir_destructor);
	d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0 || flock(d->fd, LOCK_EX) < 0) {
		udc_fail_sys(e, "run directory %s", d->path);
		talloc_free(d);
		return NULL;
	}
	return d->path;
}

const char *run_dir_new(TALLOC_CTX *ctx, struct repo *r, struct udc_error *e)
{
	struct repo_stage *st;
	char *path;

	if (!r)
		return tmp_dir_new(ctx, e);
	st = repo_stage_new(ctx, r, e);
	if (!st)
		return NULL;
	path = talloc_asprintf(st, "%s/%s", r->dir, st->name);
	if (!path)
		udc_fail(e, ENOMEM, "out of memory");
	return path;
}

