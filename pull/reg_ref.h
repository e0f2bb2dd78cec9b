/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_ref.h - resolve a pull name (Docker's reference grammar) to registry, repository and tag. */
#ifndef UDC_REG_REF_H
#define UDC_REG_REF_H

#include <talloc.h>

#include "common/error.h"

/* Where Docker Hub's registry API lives; names without a host, docker.io/..., index.docker.io/...
 * all resolve to it. */
#define REG_DOCKER_HUB "registry-1.docker.io"

struct reg_ref {
	char *registry;	  /* REG_DOCKER_HUB, else "host[:port]" or "[v6][:port]" */
	char *repository; /* "library/busybox", "user/img", "org/x/y" */
	char *tag;	  /* "latest" when neither tag nor digest given; NULL: digest only */
	char *digest;	  /* "sha256:<64 lowercase hex>" or NULL */
	char *scheme;	  /* "https", or "http" forced by --registry=http://...; NULL: later */
	int insecure_ok;  /* 1 for localhost, 127.0.0.0/8, ::1: plain HTTP allowed (Docker) */
};

/* Parse a pull name NAME[:TAG][@sha256:HEX], resolved as Docker does; registry_override
 * (--registry=URL: "https://host[:port]", "http://host[:port]" or "host[:port]", or NULL)
 * replaces the registry and may force the scheme. The result and its strings are one talloc
 * tree, a child of mem_ctx. NULL plus e (EINVAL naming the input, or ENOMEM) on failure. */
struct reg_ref *reg_ref_parse(TALLOC_CTX *mem_ctx, const char *name, const char *registry_override,
			      struct udc_error *e);
/* The name the image is stored under locally, as Docker shows it: "busybox:latest",
 * "user/img:1.0", "quay.io/org/x:tag", or "repo@sha256:..." for a digest-only pull. Child of
 * mem_ctx; NULL on ENOMEM. */
char *reg_ref_local_name(TALLOC_CTX *mem_ctx, const struct reg_ref *ref);
/* "scheme://registry"; scheme NULL means ref->scheme, else "https". Child of mem_ctx; NULL on
 * ENOMEM. */
char *reg_ref_url(TALLOC_CTX *mem_ctx, const struct reg_ref *ref, const char *scheme);
/* The reference for /v2/<repository>/manifests/<reference>: the digest when there is one (it
 * pins the content), else the tag. Points into ref. */
const char *reg_ref_reference(const struct reg_ref *ref);
/* The whole reference for messages, "name[:tag][@digest]" with the name as Docker shows it.
 * Child of mem_ctx; NULL on ENOMEM. */
char *reg_ref_str(TALLOC_CTX *mem_ctx, const struct reg_ref *ref);
/* 1 when s is "sha256:" followed by 64 lowercase hex digits (the only digest we accept). */
int reg_digest_valid(const char *s);

#endif
