/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_create.c - `create`: unpack an image's layers into a new container; print its id. */
#include "cli/cli.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
	{ "--name", NULL, "NAME", "name the new container" },
	{ "--force", NULL, NULL, "with --name: create even if the name is taken (left unset)" },
	{ NULL, NULL, NULL, NULL },
};

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *name = cli_val(&cmd_create, a, "--name");
	int force = cli_has(&cmd_create, a, "--force");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = NULL;

	if (!r || (name && cli_check_name(r, &name, force, &e) < 0))
		return cli_fail(&e);
	if (cli_create(r, a->pos[0], name, &id, &e) < 0)
		return cli_fail(&e);
	printf("%s\n", id);
	return CLI_OK;
}

const struct cli_cmd cmd_create = {
	.name = "create",
	.run = run,
	.usage = "[--name=NAME] [--force] IMAGE[:TAG]",
	.summary = "create a container from an image and print its id",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
