/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_open.c - open and lay out the repository; locks and staging directories. */
#include "common/repo.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs_tree.h"
#include "common/log.h"
#include "common/own.h"

static const char *const repo_subdirs[] = { "layers",	  "images", "containers",
					     "names",	  "tmp",    "tmp/blobs" };
static const char *const repo_lockfiles[] = { ".layers.lock", ".meta.lock" };

/* mkdir -p for an absolute path; 0 / -errno with e naming the directory. */
static int mkdir_p(const char *dir, struct udc_error *e)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(buf))
		return udc_fail(e, ENAMETOOLONG, "%s: path too long", dir);
	memcpy(buf, dir, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return udc_fail_sys(e, "cannot create repository %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return udc_fail_sys(e, "cannot create repository %s", buf);
	return 0;
}

/* Create whatever part of the layout is missing. */
static int repo_layout(struct repo *r, struct udc_error *e)
{
	for (size_t i = 0; i < sizeof(repo_subdirs) / sizeof(*repo_subdirs); i++)
		if (mkdirat(r->fd, repo_subdirs[i], 0755) < 0 && errno != EEXIST)
			return udc_fail_sys(e, "repository %s: cannot create %s", r->dir,
					    repo_subdirs[i]);
	for (size_t i = 0; i < sizeof(repo_lockfiles) / sizeof(*repo_lockfiles); i++) {
		int fd = openat(r->fd, repo_lockfiles[i], O_RDONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return udc_fail_sys(e, "repository %s: cannot create %s", r->dir,
					    repo_lockfiles[i]);
		close(fd);
	}
	return 0;
}

/* Open (creating when missing) the repository at dir; child of mem_ctx. */
struct repo *repo_open(TALLOC_CTX *mem_ctx, const char *dir, struct udc_error *e)
{
	struct repo *r = talloc_zero(mem_ctx, struct repo);
	char *abs;

	if (!r || mkdir_p(dir, e) < 0)
		goto fail;
	abs = realpath(dir, NULL);
	if (!abs) {
		udc_fail_sys(e, "repository %s", dir);
		goto fail;
	}
	r->dir = own_str(r, abs);
	r->fd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0) {
		udc_fail_sys(e, "repository %s", r->dir);
		goto fail;
	}
	if (!own_fd(r, r->fd) || repo_layout(r, e) < 0)
		goto fail;
	repo_gc_stages(r);
	return r;
fail:
	if (!r)
		udc_fail(e, ENOMEM, "out of memory");
	talloc_free(r);
	return NULL;
}

/* $UDOCKERC_DIR, else $HOME/.udockerc; child of mem_ctx. */
char *repo_default_dir(TALLOC_CTX *mem_ctx, struct udc_error *e)
{
	const char *d = getenv("UDOCKERC_DIR");
	const char *home = getenv("HOME");

	if (d && *d)
		return talloc_strdup(mem_ctx, d);
	if (!home || !*home) {
		udc_fail(e, ENOENT, "cannot find the repository: neither UDOCKERC_DIR nor HOME set");
		return NULL;
	}
	return talloc_asprintf(mem_ctx, "%s/.udockerc", home);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of subdirectory sub, mapped by map (NULL: dropped), sorted. */
char **repo_list(TALLOC_CTX *mem_ctx, struct repo *r, const char *sub, repo_list_map_fn map,
		 const void *arg, size_t *n, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = openat(r->fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **list = fd >= 0 ? fs_dir_names(mem_ctx, fd, sub, e) : NULL;
	size_t k = 0;

	if (fd < 0)
		udc_fail_sys(e, "repository %s: %s", r->dir, sub);
	if (!list)
		return NULL;
	for (size_t i = 0; list[i]; i++) {
		char *item = map(list, r, list[i], arg);

		talloc_free(list[i]);
		if (item)
			list[k++] = item;
	}
	list[k] = NULL;
	*n = k;
	qsort(list, k, sizeof(*list), cmp_str);
	return list;
}

/* Take a lock of the given kind; freeing the returned handle releases it. */
void *repo_lock(TALLOC_CTX *mem_ctx, struct repo *r, enum repo_lock_kind kind,
		struct udc_error *e)
{
	const char *file = kind == REPO_LOCK_META ? ".meta.lock" : ".layers.lock";
	int op = kind == REPO_LOCK_LAYERS_SHARED ? LOCK_SH : LOCK_EX;
	int fd = openat(r->fd, file, O_RDONLY | O_CLOEXEC);
	int *h;

	if (fd < 0) {
		udc_fail_sys(e, "repository %s: lock %s", r->dir, file);
		return NULL;
	}
	while (flock(fd, op) < 0) {
		if (errno != EINTR) {
			udc_fail_sys(e, "repository %s: lock %s", r->dir, file);
			close(fd);
			return NULL;
		}
	}
	h = own_fd(mem_ctx, fd);
	if (!h)
		udc_fail(e, ENOMEM, "out of memory");
	return h;
}

static int stage_destructor(struct repo_stage *st)
{
	struct udc_error e;

	if (fs_rmtree_at(st->repo->fd, st->name, &e) < 0 && e.code != ENOENT)
		udc_log(UDC_LOG_WRN, "%s", e.msg);
	if (st->fd >= 0)
		close(st->fd);
	return 0;
}

/* mkdtemp + open + flock of a new stage, under META so that no collector sees it unlocked. */
static int stage_create(struct repo_stage *st, char *path, struct udc_error *e)
{
	void *lock = repo_lock(NULL, st->repo, REPO_LOCK_META, e);
	int ret = lock ? 0 : -e->code;

	if (ret == 0 && !mkdtemp(path))
		ret = udc_fail_sys(e, "repository %s: cannot create a staging directory",
				   st->repo->dir);
	if (ret == 0)
		st->name = talloc_strdup(st, path + strlen(st->repo->dir) + 1);
	if (ret == 0 && !st->name)
		ret = udc_fail(e, ENOMEM, "out of memory");
	if (ret == 0)
		talloc_set_destructor(st, stage_destructor);
	if (ret == 0)
		st->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ret == 0 && (st->fd < 0 || flock(st->fd, LOCK_EX) < 0))
		ret = udc_fail_sys(e, "repository %s: staging directory %s", st->repo->dir,
				   st->name);
	talloc_free(lock);
	return ret;
}

/* A new private staging directory tmp/stage-XXXXXX, flock'ed; freeing it removes it. */
struct repo_stage *repo_stage_new(TALLOC_CTX *mem_ctx, struct repo *r, struct udc_error *e)
{
	struct repo_stage *st = talloc_zero(mem_ctx, struct repo_stage);
	char *path = st ? talloc_asprintf(st, "%s/tmp/stage-XXXXXX", r->dir) : NULL;

	if (!path) {
		talloc_free(st);
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	st->repo = r;
	st->fd = -1;
	if (stage_create(st, path, e) < 0) {
		talloc_free(st);
		return NULL;
	}
	return st;
}

/* 1 when the stage name under tmpfd is abandoned (its flock is free); on 1, *fd holds the
 * claim. A stage is created and locked under META, so the decisive test happens under META:
 * only then can a free flock not belong to a stage still being set up. */
static int gc_claim(struct repo *r, int tmpfd, const char *name, int *fd)
{
	void *lock;
	int free_now;

	*fd = openat(tmpfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return 0;
	free_now = flock(*fd, LOCK_EX | LOCK_NB) == 0; /* cheap test: most stages are live */
	if (free_now)
		flock(*fd, LOCK_UN);
	lock = free_now ? repo_lock(NULL, r, REPO_LOCK_META, NULL) : NULL;
	free_now = lock && flock(*fd, LOCK_EX | LOCK_NB) == 0;
	talloc_free(lock);
	return free_now;
}

/* Remove the stages left by processes that died (their flock is free). */
void repo_gc_stages(struct repo *r)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	UDC_AUTOCLOSE int tmpfd = openat(r->fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names = tmpfd >= 0 ? fs_dir_names(tmp, tmpfd, "tmp", NULL) : NULL;
	struct udc_error e;

	for (size_t i = 0; names && names[i]; i++) {
		UDC_AUTOCLOSE int fd = -1;

		if (strncmp(names[i], "stage-", 6) != 0 || !gc_claim(r, tmpfd, names[i], &fd))
			continue;
		udc_log(UDC_LOG_DBG, "removing abandoned %s/tmp/%s", r->dir, names[i]);
		if (fs_rmtree_at(tmpfd, names[i], &e) < 0 && e.code != ENOENT)
			udc_log(UDC_LOG_WRN, "%s", e.msg);
	}
	talloc_free(tmp);
}
