/* SPDX-License-Identifier: GPL-2.0-or-later */
/* img_ref.h - parse and validate local image references NAME[:TAG] (Docker's grammar). */
#ifndef UDC_IMG_REF_H
#define UDC_IMG_REF_H

#include <talloc.h>

#include "common/error.h"

struct img_ref {
	char *name;   /* repository, e.g. "library/busybox" or "127.0.0.1:5000/x/y" */
	char *tag;    /* "latest" when absent (and no digest) */
	char *digest; /* "sha256:<64 hex>" for NAME@DIGEST (a pulled image), else NULL */
};

/* Parse s (NAME[:TAG] or NAME@sha256:HEX) into a new img_ref (child of mem_ctx); NULL plus e
 * when s is not a valid reference. */
struct img_ref *img_ref_parse(TALLOC_CTX *mem_ctx, const char *s, struct udc_error *e);
/* "name:tag" or "name@sha256:...", child of mem_ctx. */
char *img_ref_str(TALLOC_CTX *mem_ctx, const struct img_ref *ref);

#endif
