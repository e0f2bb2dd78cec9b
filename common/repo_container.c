/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_container.c - containers: an unpacked ROOT plus container.json, built in a stage. */
#include "common/repo.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/layer_unpack.h"

/* A new random container id (UUID version 4), child of mem_ctx. */
char *repo_container_new_id(TALLOC_CTX *mem_ctx, struct udc_error *e)
{
	unsigned char b[16];
	char *id;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		udc_fail_sys(e, "cannot make a container id");
		return NULL;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	id = talloc_asprintf(mem_ctx,
			     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
			     b[12], b[13], b[14], b[15]);
	if (!id)
		udc_fail(e, ENOMEM, "out of memory");
	return id;
}

/* 1 when s has the shape of a container id (8-4-4-4-12 hex digits). */
static int id_shaped(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return 0;
	for (int i = 0, k = 0; i < 36; i++) {
		if (k < 4 && i == dash[k]) {
			if (s[i] != '-')
				return 0;
			k++;
		} else if (!strchr("0123456789abcdef", s[i])) {
			return 0;
		}
	}
	return 1;
}

/* 1 when containers/<id>/container.json exists. */
static int container_exists(struct repo *r, const char *id)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "containers/%s/container.json", id);
	return id_shaped(id) && faccessat(r->fd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The id of a container given by id or name; -ENOENT when there is none. */
char *repo_container_resolve(TALLOC_CTX *mem_ctx, struct repo *r, const char *id_or_name,
			     struct udc_error *e)
{
	char link[PATH_MAX], buf[PATH_MAX];
	const char *base;
	ssize_t n;

	if (container_exists(r, id_or_name))
		return talloc_strdup(mem_ctx, id_or_name);
	if (repo_name_valid(id_or_name)) {
		snprintf(link, sizeof(link), "names/%s", id_or_name);
		n = readlinkat(r->fd, link, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			base = strrchr(buf, '/');
			base = base ? base + 1 : buf;
			if (container_exists(r, base))
				return talloc_strdup(mem_ctx, base);
		}
	}
	udc_fail(e, ENOENT, "container not found: %s", id_or_name);
	return NULL;
}

/* The record of container id, owned by mem_ctx. */
json_t *repo_container_get(TALLOC_CTX *mem_ctx, struct repo *r, const char *id,
			   struct udc_error *e)
{
	char p[PATH_MAX], what[PATH_MAX];

	snprintf(p, sizeof(p), "containers/%s/container.json", id);
	snprintf(what, sizeof(what), "container %s", id);
	return repo_json_read_at(mem_ctx, r->fd, p, what, e);
}

/* Rewrite the record of container id atomically. Caller holds META. */
int repo_container_put(struct repo *r, const char *id, json_t *rec, struct udc_error *e)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "containers/%s/container.json", id);
	return repo_json_write_at(r->fd, p, rec, e) < 0 ? udc_wrap(e, "container %s", id) : 0;
}

/* The entry itself when it is a complete container. */
static char *container_if_complete(char **list, struct repo *r, const char *entry,
				   const void *arg)
{
	(void)arg;
	return container_exists(r, entry) ? talloc_strdup(list, entry) : NULL;
}

/* Every container id, sorted, children of mem_ctx. */
char **repo_container_list(TALLOC_CTX *mem_ctx, struct repo *r, size_t *n, struct udc_error *e)
{
	return repo_list(mem_ctx, r, "containers", container_if_complete, NULL, n, e);
}

/* Path of containers/<id>/ROOT, child of mem_ctx. */
char *repo_container_root(TALLOC_CTX *mem_ctx, struct repo *r, const char *id)
{
	return talloc_asprintf(mem_ctx, "%s/containers/%s/ROOT", r->dir, id);
}

/* A record for a new container of image_ref with a copy of the image config (may be NULL). */
json_t *repo_container_record_new(const char *id, const char *image_ref, json_t *config)
{
	char created[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* "o" takes over the reference: the caller's config gains one, a new {} none */
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "id", id, "image", image_ref, "created",
			 created, "execmode", "P1", "protected", 0, "config",
			 config ? json_incref(config) : json_object());
}

/* Unpack every layer of img into the open root directory. */
static int unpack_layers(struct repo *r, int rootfd, json_t *img, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct layer_unpacker *u =
		layer_unpacker_new(tmp, rootfd, geteuid() == 0 ? LAYER_PRIVILEGED : 0, e);
	json_t *l;
	size_t i;
	int ret = u ? 0 : -e->code;

	json_array_foreach(json_object_get(img, "layers"), i, l) {
		const char *digest = json_string_value(json_object_get(l, "digest"));

		if (ret < 0)
			break;
		if (!digest || strncmp(digest, "sha256:", 7) != 0) {
			ret = udc_fail(e, EBADMSG, "malformed layer entry %zu", i);
			break;
		}
		ret = layer_unpacker_add(u, repo_layer_path(tmp, r, digest + 7), digest, e);
	}
	if (ret == 0)
		ret = layer_unpacker_finish(u, e);
	talloc_free(tmp);
	return ret;
}

/* Unpack the layers of image record img into stage/c/ROOT and write stage/c/container.json. */
int repo_container_build(struct repo_stage *st, const char *image_ref, json_t *img,
			 const char *id, struct udc_error *e)
{
	json_t *rec;
	int ret;
	UDC_AUTOCLOSE int rootfd = -1;

	if (mkdirat(st->fd, "c", 0755) < 0 || mkdirat(st->fd, "c/ROOT", 0755) < 0)
		return udc_fail_sys(e, "container %s: cannot create", id);
	rootfd = openat(st->fd, "c/ROOT", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return udc_fail_sys(e, "container %s: cannot create", id);
	ret = unpack_layers(st->repo, rootfd, img, e);
	if (ret < 0)
		return ret;
	rec = repo_container_record_new(id, image_ref, json_object_get(img, "config"));
	if (!rec)
		return udc_fail(e, ENOMEM, "out of memory");
	ret = repo_json_write_at(st->fd, "c/container.json", rec, e);
	json_decref(rec);
	return ret;
}

/* Move stage/<sub> to containers/<id>. Caller holds META. */
int repo_container_commit(struct repo_stage *st, const char *sub, const char *id,
			  struct udc_error *e)
{
	char dst[PATH_MAX];

	snprintf(dst, sizeof(dst), "containers/%s", id);
	if (renameat(st->fd, sub, st->repo->fd, dst) < 0)
		return udc_fail_sys(e, "container %s: cannot store", id);
	return 0;
}

/* Drop the names of container id, then move it into the stage (removed with the stage).
 * Names go first: a crash in between leaves a nameless container, never a dangling name. */
int repo_container_remove(struct repo *r, struct repo_stage *st, const char *id,
			  struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char src[PATH_MAX];
	size_t n;
	char **names = repo_name_list(tmp, r, id, &n, e);
	int ret = names ? 0 : -e->code;

	for (size_t i = 0; names && ret == 0 && i < n; i++)
		ret = repo_name_del(r, names[i], e);
	snprintf(src, sizeof(src), "containers/%s", id);
	if (ret == 0 && renameat(r->fd, src, st->fd, "dead") < 0)
		ret = udc_fail_sys(e, "container %s: cannot remove", id);
	talloc_free(tmp);
	return ret;
}

/* Lock META, name the container (stealing the name when asked), move it into place. */
int repo_container_install(struct repo_stage *st, const char *sub, const char *id,
			   const char *name, int steal_name, struct udc_error *e)
{
	void *lock = repo_lock(NULL, st->repo, REPO_LOCK_META, e);
	int ret = lock ? 0 : -e->code;

	if (ret == 0 && name && steal_name)
		repo_name_del(st->repo, name, NULL);
	if (ret == 0 && name)
		ret = repo_name_add(st->repo, name, id, e);
	if (ret == 0)
		ret = repo_container_commit(st, sub, id, e);
	if (ret < 0 && name && e->code != EEXIST)
		repo_name_del(st->repo, name, NULL);
	talloc_free(lock);
	return ret;
}
