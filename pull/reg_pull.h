/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_pull.h - pull one image: manifest (through an index), config and layers into the repo. */
#ifndef UDC_REG_PULL_H
#define UDC_REG_PULL_H

#include <talloc.h>

#include "common/error.h"
#include "common/repo.h"
#include "pull/reg_blob.h"
#include "pull/reg_http.h"
#include "pull/reg_manifest.h"
#include "pull/reg_ref.h"

struct reg_pull_opts {
	const char *platform;  /* "os/arch[/variant]" or NULL: the host's */
	const char *registry;  /* --registry=URL or NULL */
	int insecure;          /* plain HTTP / unverified TLS allowed for this registry */
	/* Told the blobs before they are fetched, then their progress; both may be NULL. */
	void (*announce)(void *arg, const struct reg_blob_job *jobs, size_t n);
	reg_progress_fn progress;
	void *progress_arg;
};

/* The image manifest of ref for platform want, through an index when the registry has one.
 * Checks the digest when the reference pins one, and each index entry's digest. *m and
 * *digest ("sha256:..." of the image manifest) are children of mem_ctx. 0 / -errno plus e. */
int reg_pull_manifest(TALLOC_CTX *mem_ctx, struct reg_client *c, const struct reg_ref *ref,
		      const struct reg_target *t, const struct reg_platform *want,
		      struct reg_manifest **m, char **digest, struct udc_error *e);
/* Pull name into the repository r: blobs verified and stored once, every new layer checked
 * end to end, then the image record, atomically. *local receives the local image name (child
 * of mem_ctx). On failure the repository is as it was (what this pull downloaded and no
 * image uses is deleted). 0 / -errno plus e naming the image and the culprit. */
int reg_pull(TALLOC_CTX *mem_ctx, struct repo *r, struct reg_client *c, const char *name,
	     const struct reg_pull_opts *o, char **local, struct udc_error *e);
/* The target (host, repository, scheme) for ref. Points into ref. */
void reg_pull_target(const struct reg_ref *ref, int insecure, struct reg_target *t);

#endif
