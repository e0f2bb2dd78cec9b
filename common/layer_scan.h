/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layer_scan.h - check that a file is a complete, readable layer tarball that stays in its root. */
#ifndef UDC_LAYER_SCAN_H
#define UDC_LAYER_SCAN_H

#include "common/error.h"

/* Read the whole tarball at path (plain, gzip or zstd): 0 when it is a complete tar archive
 * whose entry names and hard-link targets have no ".." component (the
 * unpacker refuses those); else -errno and a message
 * naming label (and the entry). Symlinks are not judged here: the unpacker contains them. */
int layer_scan(const char *path, const char *label, struct udc_error *e);

#endif
