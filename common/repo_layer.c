/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_layer.c - the content-addressed layer store: stage, verify, commit, collect. */
#include "common/repo.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/log.h"

/* Copy fd into the stage as "incoming", hash it, rename it to its digest. */
int repo_layer_stage_fd(struct repo_stage *st, int fd, const char *what, char hex[65],
			uint64_t *size, struct udc_error *e)
{
	UDC_AUTOCLOSE int out = openat(st->fd, "incoming", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				       0644);
	int r;

	if (out < 0)
		return udc_fail_sys(e, "%s: cannot stage", what);
	r = digest_copy_fd(fd, out, what, hex, size, e);
	if (r == 0 && fsync(out) < 0)
		r = udc_fail_sys(e, "%s: cannot stage", what);
	if (r == 0 && renameat(st->fd, "incoming", st->fd, hex) < 0)
		r = udc_fail_sys(e, "%s: cannot stage", what);
	return r;
}

/* Stage the file at path: a copy, or with mv a hard link when possible (no copy). */
int repo_layer_stage_path(struct repo_stage *st, const char *path, int mv, char hex[65],
			  uint64_t *size, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	int r;

	if (fd < 0)
		return udc_fail_sys(e, "%s", path);
	if (fstat(fd, &sb) < 0)
		return udc_fail_sys(e, "%s", path);
	if (!mv || !S_ISREG(sb.st_mode))
		return repo_layer_stage_fd(st, fd, path, hex, size, e);
	if (linkat(AT_FDCWD, path, st->fd, "incoming", 0) < 0)
		return repo_layer_stage_fd(st, fd, path, hex, size, e);
	r = digest_copy_fd(fd, -1, path, hex, size, e);
	if (r == 0 && renameat(st->fd, "incoming", st->fd, hex) < 0)
		r = udc_fail_sys(e, "%s: cannot stage", path);
	return r;
}

/* Move a staged blob into layers/; an existing copy is kept. Caller holds META. */
int repo_layer_commit(struct repo_stage *st, const char *hex, struct udc_error *e)
{
	char dst[80];

	snprintf(dst, sizeof(dst), "layers/%s", hex);
	if (faccessat(st->repo->fd, dst, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (renameat(st->fd, hex, st->repo->fd, dst) < 0)
		return udc_fail_sys(e, "layer sha256:%s: cannot store", hex);
	return 0;
}

/* Path of layers/<hex>, child of mem_ctx. */
char *repo_layer_path(TALLOC_CTX *mem_ctx, struct repo *r, const char *hex)
{
	return talloc_asprintf(mem_ctx, "%s/layers/%s", r->dir, hex);
}

/* Recompute the digest of layers/<hex>: 0 when it matches its name. */
int repo_layer_verify(struct repo *r, const char *hex, uint64_t *size, struct udc_error *e)
{
	char got[65], name[80];
	UDC_AUTOCLOSE int dfd = openat(r->fd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	snprintf(name, sizeof(name), "sha256:%s", hex);
	if (dfd < 0)
		return udc_fail_sys(e, "layer %s", name);
	if (digest_file_at(dfd, hex, got, size, e) < 0) {
		if (e->code == ENOENT)
			return udc_fail(e, ENOENT, "layer %s: missing from the repository", name);
		return udc_wrap(e, "layer %s", name);
	}
	if (strcmp(got, hex) != 0)
		return udc_fail(e, EBADMSG, "layer %s: digest mismatch (got sha256:%s)", name, got);
	return 0;
}

/* Append digest to the NULL-terminated list *used of *n entries; 0 / -ENOMEM. */
static int used_add(TALLOC_CTX *mem_ctx, const char ***used, size_t *n, const char *digest)
{
	const char **u = talloc_realloc(mem_ctx, *used, const char *, *n + 2);

	if (!u)
		return -ENOMEM;
	u[(*n)++] = digest ? digest : "";
	u[*n] = NULL;
	*used = u;
	return 0;
}

/* Every "sha256:..." some image record lists (layers and config blob), NULL-terminated,
 * children of mem_ctx. An unreadable record is an error: never delete a layer on a guess. */
static const char **used_layers(TALLOC_CTX *mem_ctx, struct repo *r, struct udc_error *e)
{
	size_t nrefs, n = 0;
	char **refs = repo_image_list(mem_ctx, r, &nrefs, e);
	const char **used = talloc_array(mem_ctx, const char *, 1);

	int r2 = used ? 0 : -ENOMEM;

	if (used)
		used[0] = NULL;
	for (size_t i = 0; refs && r2 == 0 && i < nrefs; i++) {
		json_t *img = repo_image_get(mem_ctx, r, refs[i], e);
		json_t *layers = img ? json_object_get(img, "layers") : NULL;

		if (!img)
			return NULL;
		for (size_t k = 0; r2 == 0 && k < json_array_size(layers); k++)
			r2 = used_add(mem_ctx, &used, &n,
				      json_string_value(json_object_get(json_array_get(layers, k),
									"digest")));
		if (r2 == 0 && json_is_string(json_object_get(img, "config_digest")))
			r2 = used_add(mem_ctx, &used, &n,
				      json_string_value(json_object_get(img, "config_digest")));
	}
	if (r2 < 0)
		udc_fail(e, ENOMEM, "out of memory");
	return refs && r2 == 0 ? used : NULL;
}

/* The entry itself when it is a layer no image uses (arg: the used_layers list). */
static char *unused_layer(char **list, struct repo *r, const char *entry, const void *arg)
{
	(void)r;
	if (!digest_hex_valid(entry))
		return NULL;
	for (const char *const *u = arg; *u; u++)
		if (!strncmp(*u, "sha256:", 7) && !strcmp(*u + 7, entry))
			return NULL;
	return talloc_strdup(list, entry);
}

/* 1 when hex is one of the NULL-terminated candidates (NULL: every layer is one). */
static int candidate(const char *const *candidates, const char *hex)
{
	if (!candidates)
		return 1;
	for (; *candidates; candidates++)
		if (!strcmp(*candidates, hex))
			return 1;
	return 0;
}

/* Delete the layers among candidates (NULL: all) that no image references. */
static int drop_unused(struct repo *r, const char *const *candidates, enum udc_log_level level,
		       struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char **used = used_layers(tmp, r, e);
	size_t n = 0;
	char **unused = used ? repo_list(tmp, r, "layers", unused_layer, used, &n, e) : NULL;
	char rel[80];

	for (size_t i = 0; unused && i < n; i++) {
		if (!candidate(candidates, unused[i]))
			continue;
		udc_log(level, "removing layer: sha256:%s", unused[i]);
		snprintf(rel, sizeof(rel), "layers/%s", unused[i]);
		if (unlinkat(r->fd, rel, 0) < 0)
			udc_log(UDC_LOG_WRN, "layer sha256:%s: %s", unused[i], strerror(errno));
	}
	talloc_free(tmp);
	return unused ? 0 : -e->code;
}

/* Delete every layer no image references. Caller holds LAYERS_EXCL and META. */
int repo_layer_gc(struct repo *r, struct udc_error *e)
{
	return drop_unused(r, NULL, UDC_LOG_INF, e);
}

/* Delete those of the listed layers (hex digests) that no image references: what a failed
 * pull downloaded. Takes LAYERS_EXCL and META itself; the caller holds no lock. */
int repo_layer_drop_unused(struct repo *r, const char *const *hexes, struct udc_error *e)
{
	void *l1 = repo_lock(NULL, r, REPO_LOCK_LAYERS_EXCL, e);
	void *l2 = l1 ? repo_lock(l1, r, REPO_LOCK_META, e) : NULL;
	int ret = l2 ? drop_unused(r, hexes, UDC_LOG_DBG, e) : -e->code; /* housekeeping */

	talloc_free(l1); /* l2 with it */
	return ret;
}
