/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tar_write.h - write a directory tree as a tar archive (export, export --clone). */
#ifndef UDC_TAR_WRITE_H
#define UDC_TAR_WRITE_H

#include "common/error.h"

/* Write the tree at dir (not followed through symlinks; hard links kept) as a pax tar archive
 * on out_fd, with entry names relative to dir ("./etc/passwd"). what names the output in
 * errors. 0 / -errno. */
int tar_write_tree(const char *dir, int out_fd, const char *what, struct udc_error *e);

#endif
