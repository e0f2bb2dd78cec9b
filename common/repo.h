/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo.h - the local repository: layout, locks, staging, layers, images, containers, names.
 *
 * Layout under the repository directory (see docs/design/repository.md):
 *   .layers.lock .meta.lock   flock(2) files: layer users/GC, metadata commits
 *   layers/<sha256hex>        layer tarballs as received, named by their digest
 *   images/<escaped name:tag>.json          image records
 *   containers/<id>/{ROOT/,container.json}  unpacked root plus its record
 *   names/<name> -> ../containers/<id>      container names
 *   tmp/stage-XXXXXX/         work in progress, flock'ed by its owner; removed when unowned
 *   tmp/blobs/<hex>.partial   interrupted downloads, resumed by the next pull
 */
#ifndef UDC_REPO_H
#define UDC_REPO_H

#include <jansson.h>
#include <stdint.h>
#include <talloc.h>

#include "common/error.h"

struct repo {
	char *dir; /* absolute path of the repository */
	int fd;    /* O_PATH-like directory fd, owned */
};

enum repo_lock_kind {
	REPO_LOCK_LAYERS_SHARED, /* reading layers: create, verify, export of an image */
	REPO_LOCK_LAYERS_EXCL,   /* deleting layers: rmi's garbage collection */
	REPO_LOCK_META,          /* committing records, names, layers: short, exclusive */
};

struct repo_stage {
	struct repo *repo;
	char *name; /* "tmp/stage-XXXXXX", relative to the repository */
	int fd;     /* the stage directory, flock'ed while the stage lives */
};

/* repo_open.c */
/* Open (creating the layout when missing) the repository at dir; child of mem_ctx. */
struct repo *repo_open(TALLOC_CTX *mem_ctx, const char *dir, struct udc_error *e);
/* The repository directory the environment selects: $UDOCKERC_DIR, else $HOME/.udockerc. */
char *repo_default_dir(TALLOC_CTX *mem_ctx, struct udc_error *e);
/* Take a lock; freeing the returned handle releases it. Order: LAYERS_* before META. */
void *repo_lock(TALLOC_CTX *mem_ctx, struct repo *r, enum repo_lock_kind kind,
		struct udc_error *e);
/* A new private staging directory under tmp/; freeing it removes whatever is left in it. */
struct repo_stage *repo_stage_new(TALLOC_CTX *mem_ctx, struct repo *r, struct udc_error *e);
/* Remove the stages left by processes that died (their flock is free). */
void repo_gc_stages(struct repo *r);
/* Maps a directory entry to the list item it stands for (a child of list), or NULL to skip. */
typedef char *(*repo_list_map_fn)(char **list, struct repo *r, const char *entry,
				  const void *arg);
/* The entries of the repository subdirectory sub, mapped by map, sorted; children of mem_ctx.
 * *n receives the count; the array is NULL-terminated. NULL plus e on failure. */
char **repo_list(TALLOC_CTX *mem_ctx, struct repo *r, const char *sub, repo_list_map_fn map,
		 const void *arg, size_t *n, struct udc_error *e);

/* repo_json.c */
/* Write j to name under dirfd atomically (temporary file, fsync, rename). 0 / -errno. */
int repo_json_write_at(int dirfd, const char *name, json_t *j, struct udc_error *e);
/* Read and parse name under dirfd; a new reference owned by mem_ctx, or NULL plus e. */
json_t *repo_json_read_at(TALLOC_CTX *mem_ctx, int dirfd, const char *name, const char *what,
			  struct udc_error *e);

/* repo_layer.c */
/* Copy fd into the stage as a blob named by its sha256 (hex out); what names it in errors. */
int repo_layer_stage_fd(struct repo_stage *st, int fd, const char *what, char hex[65],
			uint64_t *size, struct udc_error *e);
/* Stage the file at path: copied, or (when mv: the caller will delete the source) hard-linked
 * when possible, so that a later change to the user's file cannot alter the stored layer. */
int repo_layer_stage_path(struct repo_stage *st, const char *path, int mv, char hex[65],
			  uint64_t *size, struct udc_error *e);
/* Move a staged blob into layers/ (kept as is when already there). Caller holds META. */
int repo_layer_commit(struct repo_stage *st, const char *hex, struct udc_error *e);
/* Path of layers/<hex>, child of mem_ctx. */
char *repo_layer_path(TALLOC_CTX *mem_ctx, struct repo *r, const char *hex);
/* Recompute the digest of layers/<hex>: 0 when it matches, -EBADMSG (message) when not. */
int repo_layer_verify(struct repo *r, const char *hex, uint64_t *size, struct udc_error *e);
/* Delete every layer no image record references. Caller holds LAYERS_EXCL and META. */
int repo_layer_gc(struct repo *r, struct udc_error *e);
/* Delete those of the NULL-terminated hex digests that no image references (a failed pull's
 * downloads). Takes LAYERS_EXCL and META itself. */
int repo_layer_drop_unused(struct repo *r, const char *const *hexes, struct udc_error *e);

/* repo_image.c */
/* The record of image ref ("name:tag"), owned by mem_ctx; NULL plus e (-ENOENT: unknown). */
json_t *repo_image_get(TALLOC_CTX *mem_ctx, struct repo *r, const char *ref, struct udc_error *e);
/* Write the record of ref atomically. Caller holds META. */
int repo_image_put(struct repo *r, const char *ref, json_t *rec, struct udc_error *e);
/* Delete the record of ref. Caller holds META. */
int repo_image_del(struct repo *r, const char *ref, struct udc_error *e);
/* Sorted "name:tag" list of every image, children of mem_ctx; *n receives the count. */
char **repo_image_list(TALLOC_CTX *mem_ctx, struct repo *r, size_t *n, struct udc_error *e);
/* A new image record for a single layer with a default config. */
json_t *repo_image_record_new(const char *ref, const char *hex, uint64_t size);

/* repo_container.c */
/* A new random container id (UUID v4), child of mem_ctx. */
char *repo_container_new_id(TALLOC_CTX *mem_ctx, struct udc_error *e);
/* The id of a container given by id or name; NULL plus e (-ENOENT) when there is none. */
char *repo_container_resolve(TALLOC_CTX *mem_ctx, struct repo *r, const char *id_or_name,
			     struct udc_error *e);
/* The record (container.json) of container id, owned by mem_ctx. */
json_t *repo_container_get(TALLOC_CTX *mem_ctx, struct repo *r, const char *id,
			   struct udc_error *e);
/* Rewrite the record of container id atomically. Caller holds META. */
int repo_container_put(struct repo *r, const char *id, json_t *rec, struct udc_error *e);
/* Every container id, sorted by creation time then id, children of mem_ctx. */
char **repo_container_list(TALLOC_CTX *mem_ctx, struct repo *r, size_t *n, struct udc_error *e);
/* Path of containers/<id>/ROOT, child of mem_ctx. */
char *repo_container_root(TALLOC_CTX *mem_ctx, struct repo *r, const char *id);
/* Unpack the layers of image record img into stage/c/ROOT and write stage/c/container.json. */
int repo_container_build(struct repo_stage *st, const char *image_ref, json_t *img,
			 const char *id, struct udc_error *e);
/* A record for a new container of image_ref with the given image config (may be NULL). */
json_t *repo_container_record_new(const char *id, const char *image_ref, json_t *config);
/* Move stage/<sub> to containers/<id>. Caller holds META. */
int repo_container_commit(struct repo_stage *st, const char *sub, const char *id,
			  struct udc_error *e);
/* Lock META, give the container its name (taken from another container when steal_name), and
 * move stage/<sub> to containers/<id>. name may be NULL. */
int repo_container_install(struct repo_stage *st, const char *sub, const char *id,
			   const char *name, int steal_name, struct udc_error *e);
/* Remove container id and its names (caller checked protection). Caller holds META. */
int repo_container_remove(struct repo *r, struct repo_stage *st, const char *id,
			  struct udc_error *e);

/* repo_name.c */
/* 1 when name is a valid container name. */
int repo_name_valid(const char *name);
/* Give container id the name. -EEXIST when taken. Caller holds META. */
int repo_name_add(struct repo *r, const char *name, const char *id, struct udc_error *e);
/* Remove a name. -ENOENT when unknown. Caller holds META. */
int repo_name_del(struct repo *r, const char *name, struct udc_error *e);
/* The names of container id, sorted, children of mem_ctx. */
char **repo_name_list(TALLOC_CTX *mem_ctx, struct repo *r, const char *id, size_t *n,
		      struct udc_error *e);

#endif
