/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive.h - load and save image archives: docker-save files and OCI image layouts.
 *
 * load: reg_archive_load.c (staging, checks, commit), reg_archive_docker.c (manifest.json),
 *       reg_archive_oci.c (index.json), reg_archive_extract.c (a tar into a stage directory).
 * save: reg_archive_save.c; reg_archive_raw.c decompresses layers for both.
 */
#ifndef UDC_REG_ARCHIVE_H
#define UDC_REG_ARCHIVE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <talloc.h>

#include "common/error.h"
#include "common/repo.h"

/* The public API. */

/* Load every image of the archive src into r. src is a docker-save or OCI layout tar file
 * (plain, gzip or zstd), such a directory, or "-" for a tar on stdin. name (or NULL) is the
 * repository of images the archive names by a tag alone or not at all. Every blob named by a
 * digest is verified, every new layer checked end to end, then all blobs and records are
 * committed together; on failure the repository is as it was. *refs receives the loaded
 * "name:tag"s (children of mem_ctx), *n their count. 0 / -errno plus e naming src. */
int reg_archive_load(TALLOC_CTX *mem_ctx, struct repo *r, const char *src, const char *name,
		     char ***refs, size_t *n, struct udc_error *e);
/* Write the images names[0..n) of r as a docker-save archive on out_fd (uncompressed
 * layer.tar files whose sha256 are the config's diff_ids; shared layers written once). what
 * names the output in errors. 0 / -errno plus e. */
int reg_archive_save(struct repo *r, const char *const *names, size_t n, int out_fd,
		     const char *what, struct udc_error *e);
/* reg_archive_save into file: written beside it under a temporary name and renamed when
 * complete (an existing regular file is refused, as udocker does); a non-regular file
 * (/dev/null, a fifo) is written directly. 0 / -errno plus e. */
int reg_archive_save_file(struct repo *r, const char *const *names, size_t n, const char *file,
			  struct udc_error *e);

/* Decompressing reads of a stored layer (reg_archive_raw.c). */

struct reg_archive_raw;
/* Open path for reading its bytes decompressed (gzip, zstd, or as is); child of mem_ctx,
 * closed when freed. what names it in errors. NULL plus e. */
struct reg_archive_raw *reg_archive_raw_open(TALLOC_CTX *mem_ctx, const char *path,
					     const char *what, struct udc_error *e);
/* Read up to len decompressed bytes into buf: the count, 0 at the end, or -errno plus e. */
ssize_t reg_archive_raw_read(struct reg_archive_raw *raw, void *buf, size_t len,
			     struct udc_error *e);
/* The sha256 (hex) and size of the decompressed bytes of path: a layer's diff_id. */
int reg_archive_diff_id(const char *path, const char *what, char hex[65], uint64_t *size,
			struct udc_error *e);

/* Internals of load, shared by its files. */

struct reg_archive_layer {
	char hex[65]; /* sha256 of the blob as stored */
	uint64_t size;
	const char *media_type; /* static or a child of the load */
};

struct reg_archive_image {
	char **refs; /* local names "name:tag" */
	size_t nrefs;
	char config_hex[65];
	json_t *config; /* parsed config, owned by the load */
	struct reg_archive_layer *layers;
	size_t nlayers;
	char *manifest_digest; /* OCI: "sha256:..." of the image manifest; else NULL */
};

struct reg_archive_blob {
	char *src; /* name in the archive */
	char hex[65];
	uint64_t size;
};

struct reg_archive_load {
	struct repo_stage *st;
	int dirfd;	   /* root of the archive: a stage subdirectory or the user's directory */
	int extracted;	   /* dirfd lies in the stage: blobs are linked, not copied */
	const char *label; /* the archive as errors name it */
	const char *name;  /* repository for images named by a tag alone or not at all */
	struct reg_archive_image *imgs;
	size_t nimgs;
	struct reg_archive_blob *blobs; /* staged blobs (stage/<hex>), by source name */
	size_t nblobs;
};

/* reg_archive_extract.c */
/* 1 when name is a relative path inside the archive: not empty, not absolute, no "..". */
int reg_archive_name_safe(const char *name);
/* Extract the tar stream on in_fd into the new stage subdirectory sub (regular files,
 * directories and hard links; other entries skipped); an entry that is absolute or has a ".."
 * component is refused. label names the input in errors. 0 / -errno plus e. */
int reg_archive_extract(struct repo_stage *st, int in_fd, const char *sub, const char *label,
			struct udc_error *e);

/* reg_archive_load.c */
/* Stage the archive file name as stage/<sha256>; want_hex (or NULL) is the digest its name
 * promises, checked. hex and size receive what was staged. 0 / -errno plus e. */
int reg_archive_blob_stage(struct reg_archive_load *ld, const char *name, const char *want_hex,
			   char hex[65], uint64_t *size, struct udc_error *e);
/* The bytes of the archive file name (at most a few MiB: JSON documents), NUL-terminated,
 * child of mem_ctx; want_digest ("sha256:..." or NULL) is checked. NULL plus e. */
char *reg_archive_read(TALLOC_CTX *mem_ctx, struct reg_archive_load *ld, const char *name,
		       const char *want_digest, size_t *len, struct udc_error *e);
/* Stage the config blob name (want_hex or NULL), check it has nlayers diff_ids, parse it into
 * img->config and set img->config_hex. 0 / -errno plus e. */
int reg_archive_config(struct reg_archive_load *ld, struct reg_archive_image *img, const char *name,
		       const char *want_hex, struct udc_error *e);
/* Add "name:tag" from s (a full reference) to img->refs, normalised. 0 / -errno plus e. */
int reg_archive_add_ref(struct reg_archive_load *ld, struct reg_archive_image *img, const char *s,
			struct udc_error *e);
/* A new image in ld->imgs; NULL plus e on ENOMEM. */
struct reg_archive_image *reg_archive_image_new(struct reg_archive_load *ld, struct udc_error *e);

/* reg_archive_docker.c */
/* Plan the images of a docker-save archive (manifest.json): stage and check their blobs. */
int reg_archive_docker_plan(struct reg_archive_load *ld, struct udc_error *e);

/* reg_archive_oci.c */
/* Plan the images of an OCI image layout (index.json): stage and check their blobs. */
int reg_archive_oci_plan(struct reg_archive_load *ld, struct udc_error *e);

#endif
