/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_setup.c - `setup [--execmode=MODE] CONTAINER`: show or change a container's engine. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
	{ "--execmode", NULL, "MODE", "run the container with this engine: P1 or P2" },
	{ "--force", NULL, NULL, "accepted for udocker compatibility" },
	{ NULL, NULL, NULL, NULL },
};

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *mode = cli_val(&cmd_setup, a, "--execmode");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = r ? cli_container(c, a->pos[0]) : NULL;
	json_t *rec;

	if (!r)
		return cli_fail(&e);
	if (!id)
		return CLI_ERR;
	if (mode && !cli_mode_known(mode))
		return cli_failf("invalid execution mode '%s' (this udockerc runs P1, P2 and F1)", mode);
	if (mode && cli_set_mode(r, id, mode, &e) < 0)
		return cli_fail(&e);
	rec = repo_container_get(c->mem, r, id, &e);
	if (!rec)
		return cli_fail(&e);
	printf("execmode: %s\n", json_string_value(json_object_get(rec, "execmode")) ?: "P1");
	return CLI_OK;
}

const struct cli_cmd cmd_setup = {
	.name = "setup",
	.run = run,
	.usage = "[--execmode=P1|P2] CONTAINER",
	.summary = "show or change the execution mode of a container",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
