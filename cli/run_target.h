/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_target.h - run's first argument: a container, or a new one made from an image (--pull). */
#ifndef UDC_RUN_TARGET_H
#define UDC_RUN_TARGET_H

#include "cli/cli.h"

/* --pull policies, in the order of their words. */
enum run_pull { RUN_PULL_MISSING, RUN_PULL_NEVER, RUN_PULL_ALWAYS, RUN_PULL_REUSE };

struct run_target {
	char *id;    /* the container to run, child of c->mem */
	int created; /* made from an image by this run */
};

/*
 * Resolve what as cmd (run) sees it: a container id or name (given --name as well, when set),
 * else an image, pulled per --pull (missing: when not in the repository; never; always; reuse:
 * the container already named --name, if any) and made into a new container named --name.
 * 0, or -errno plus e naming what is missing.
 */
int run_target_get(struct cli_ctx *c, struct repo *r, const struct cli_cmd *cmd,
		   const struct cli_args *a, const char *what, struct run_target *t,
		   struct udc_error *e);

#endif
