/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_manifest.h - registry manifests, indexes, platforms and digests: what a pull may trust. */
#ifndef UDC_REG_MANIFEST_H
#define UDC_REG_MANIFEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "common/error.h"

/* Manifest media types (the Accept header lists the first four). */
#define REG_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define REG_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define REG_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REG_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define REG_MT_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define REG_MT_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
/* Image config media types. */
#define REG_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define REG_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"

#define REG_DIGEST_LEN 71 /* "sha256:" + 64 hex */

enum reg_manifest_kind {
	REG_MANIFEST_UNKNOWN = 0,
	REG_MANIFEST_IMAGE,   /* Docker schema2 or OCI image manifest: config + layers */
	REG_MANIFEST_INDEX,   /* Docker manifest list or OCI image index: one entry per platform */
	REG_MANIFEST_SCHEMA1, /* Docker schema1, signed or not: recognised, refused */
};

enum reg_layer_compression {
	REG_LAYER_TAR = 0,
	REG_LAYER_GZIP,
	REG_LAYER_ZSTD,
};

/* os/arch/variant, e.g. linux/arm64/v8; empty strings when absent. */
struct reg_platform {
	char os[32], arch[32], variant[32];
};

struct reg_descriptor {
	char *media_type;
	char *digest;		      /* "sha256:<64 hex>", validated */
	int64_t size;		      /* >= 0, validated */
	struct reg_platform platform; /* index entries; os[0] == '\0' when absent */
	int compression;	      /* layers: enum reg_layer_compression */
	int foreign;		      /* layers: 1 when foreign or non-distributable */
};

struct reg_manifest {
	int kind;	  /* enum reg_manifest_kind */
	char *media_type; /* as read: known Content-Type, else mediaType, else the shape */
	struct reg_descriptor config;  /* REG_MANIFEST_IMAGE */
	struct reg_descriptor *layers; /* REG_MANIFEST_IMAGE, base layer first */
	size_t nlayers;
	struct reg_descriptor *manifests; /* REG_MANIFEST_INDEX */
	size_t nmanifests;
	json_t *json; /* the whole document; the reference belongs to the manifest */
};

/* The Accept header value for manifest requests: both index types and both image manifest
 * types (without them registries convert to schema1 or answer 404). Static string. */
const char *reg_manifest_accept(void);
/* Classify a manifest: a known Content-Type (parameters ignored) wins, then the body's
 * mediaType, then its shape (umoci omits mediaType). body may be NULL. Returns a
 * REG_MANIFEST_* value. */
int reg_manifest_kind(const char *content_type, json_t *body);
/* Parse and validate body (len bytes) as a manifest or index: digests, sizes, media types. what
 * names the document in errors ("busybox:latest"). Child of mem_ctx; NULL plus e (EBADMSG when
 * malformed, ENOTSUP for schema1 and non-image artifacts, ENOMEM). */
struct reg_manifest *reg_manifest_parse(TALLOC_CTX *mem_ctx, const char *content_type,
					const char *body, size_t len, const char *what,
					struct udc_error *e);
/* The index entry for want: os and arch equal, variants equal when both are known (arm64
 * without one is v8; an arm/vN host also takes a lower arm variant). Points into index; NULL
 * plus e (ENOENT naming want and listing what the index has; EINVAL if not an index). */
const struct reg_descriptor *reg_manifest_pick(const struct reg_manifest *index,
					       const struct reg_platform *want,
					       struct udc_error *e);

/* Check that the sha256 of body (len bytes) is digest. 0; -EINVAL when digest is not
 * sha256:<64 hex>; -EBADMSG on a mismatch (message has both digests). */
int reg_digest_check(const char *digest, const char *body, size_t len, struct udc_error *e);
/* Write "sha256:<hex>" of body into out. 0 / -EIO. */
int reg_digest_compute(const char *body, size_t len, char out[REG_DIGEST_LEN + 1],
		       struct udc_error *e);
/* Check an image config: a JSON object whose rootfs.diff_ids, when present, are digests, one
 * per layer. 0 / -EBADMSG. */
int reg_config_check(const char *body, size_t len, size_t nlayers, struct udc_error *e);

/* Parse "os/arch[/variant]" into p, normalised as containerd does (aarch64 -> arm64/v8,
 * x86_64 -> amd64, armhf -> arm/v7, arm -> arm/v7, i686 -> 386). 0 / -EINVAL. */
int reg_platform_parse(const char *s, struct reg_platform *p, struct udc_error *e);
/* The platform for a uname machine string ("x86_64" -> linux/amd64, "armv7l" -> linux/arm/v7). */
void reg_platform_from_machine(const char *machine, struct reg_platform *p);
/* The running host's platform, from uname(2). */
void reg_platform_host(struct reg_platform *p);
/* Format p as "os/arch[/variant]" ("(none)" when empty) into buf; returns buf. */
char *reg_platform_str(const struct reg_platform *p, char *buf, size_t size);

#endif
