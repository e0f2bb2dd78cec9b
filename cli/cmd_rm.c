/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_rm.c - `rm`: delete containers (protected ones are kept and make rm exit 1). */
#include "cli/cli.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
	{ "-f", NULL, NULL, "remove without asking (accepted for udocker compatibility)" },
	{ NULL, NULL, NULL, NULL },
};

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	int status = CLI_OK;

	if (!r)
		return cli_fail(&e);
	for (int i = 0; i < a->npos; i++)
		if (cli_remove(r, a->pos[i], &e) < 0)
			status = cli_fail(&e);
	return status;
}

const struct cli_cmd cmd_rm = {
	.name = "rm",
	.run = run,
	.usage = "[-f] CONTAINER...",
	.summary = "delete containers",
	.opts = opts,
	.min_pos = 1,
	.max_pos = -1,
};
