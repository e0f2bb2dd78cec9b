/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fl_engine.h - the F engine's entry in the engine table: F1, the LD_PRELOAD shim. */
#ifndef UDC_FL_ENGINE_H
#define UDC_FL_ENGINE_H

#include <talloc.h>

#include "common/engine.h"
#include "common/pm.h"

/* F1: the guest's programs run through their own loader with libudockerc-preload.so. */
extern const struct engine fl_engine_f1;

/* The directory holding libudockerc-preload.so next to this udockerc, or NULL plus e. */
char *fl_shim_dir(TALLOC_CTX *ctx, struct udc_error *e);

/*
 * "UDOCKERC_PM=<t in wire form>" for the shim, a child of ctx; NULL with *err -E2BIG (too large
 * for the shim) or -ENOMEM, else *err 0.
 */
char *fl_wire_var(TALLOC_CTX *ctx, const struct pm_table *t, int *err);

/*
 * The host directories a loader of the guest searches by default, colon-separated: for glibc
 * (musl = 0) the guest's /etc/ld.so.conf and its includes, then the multiarch and plain lib
 * dirs; for musl the guest's /etc/ld-musl-ARCH.path or musl's defaults. Only existing ones.
 */
char *fl_ldpath(TALLOC_CTX *ctx, const struct run_spec *s, int musl);

#endif
