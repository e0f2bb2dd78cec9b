/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layer_unpack.h - apply image layers (tar, tar.gz, tar.zst) to a container root, safely. */
#ifndef UDC_LAYER_UNPACK_H
#define UDC_LAYER_UNPACK_H

#include <talloc.h>

#include "common/error.h"

/* One unpack session: layers applied in order into one root directory. */
struct layer_unpacker;

enum {
	LAYER_PRIVILEGED = 1, /* caller is root: keep owners, setuid bits, create device nodes */
};

/* Start unpacking layers into the directory open at root_fd (not owned, must stay open until
 * the unpacker is freed). The unpacker is a child of mem_ctx; NULL with e filled on failure. */
struct layer_unpacker *layer_unpacker_new(TALLOC_CTX *mem_ctx, int root_fd, unsigned flags,
					  struct udc_error *e);
/* Apply one layer, the tar file at path (uncompressed, gzip or zstd, detected from content);
 * label names it in errors (e.g. "sha256:1a2b..."; NULL: the path). 0 or -errno. A failed
 * layer leaves the root partially unpacked: unpack into a temporary directory. */
int layer_unpacker_add(struct layer_unpacker *u, const char *path, const char *label,
		       struct udc_error *e);
/* Same, from fd (not owned), read to EOF (e.g. stdin); label NULL: "fd N". */
int layer_unpacker_add_fd(struct layer_unpacker *u, int fd, const char *label,
			  struct udc_error *e);
/* After the last layer: apply the recorded directory modes and times (deferred so that
 * 0555/0000 directories can receive later entries). 0 or -errno. */
int layer_unpacker_finish(struct layer_unpacker *u, struct udc_error *e);

#endif
