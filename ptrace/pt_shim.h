/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_shim.h - P1 with the preload shim inside dynamic guest programs (the tracer underneath). */
#ifndef UDC_PT_SHIM_H
#define UDC_PT_SHIM_H

#include <stdint.h>

#include "common/error.h"
#include "common/pm.h"

struct pt_loop;

/* The guest directory where the shim's builds are seen (a read-only entry of the table). */
#define PT_SHIM_GUEST "/.udockerc"
/* "cookie:real uid:real gid:guest uid:guest gid" (hex cookie) for the shim. */
#define PT_SHIM_ENV "UDOCKERC_PT"

/* The shim's part of a P1 run; NULL in pt_loop when the shim is not used. */
struct pt_shim {
	uint64_t cookie;	/* the filter lets bypassable calls carrying it through */
	struct pm_table table;	/* the run's table plus PT_SHIM_GUEST */
	char **envp;		/* the first program's environment: the guest's + the settings */
};

/*
 * Decide whether this P1 run uses the shim (UDOCKERC_PT_SHIM unset or 1, the shim found next to
 * udockerc) and prepare it as a child of l->tracees: l->shim and l->table set. 0 also when not
 * used (l->shim stays NULL); -errno with e on a failure that must stop the run.
 */
int pt_shim_setup(struct pt_loop *l, struct udc_error *e);

/*
 * What --preload gets for a loader at guest path guest: the shim build it takes (libdl.so.2
 * first for glibc before 2.34, where the shim's dlsym lives there), when l uses the shim, table
 * is the run's (not a chroot's), and the loader has --preload; else NULL.
 */
const char *pt_shim_preload(const struct pt_loop *l, const struct pm_table *table,
			    const char *guest, unsigned int loader_opts);

#endif
