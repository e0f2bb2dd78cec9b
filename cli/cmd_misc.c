/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_misc.c - the small commands: mkrepo, showconf, version, help. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

static int run_mkrepo(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = repo_open(c->mem, a->pos[0], &e);

	if (!r)
		return cli_fail(&e);
	printf("Info: repository: %s\n", r->dir);
	return CLI_OK;
}

static int run_showconf(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	char *dir = c->repo_dir ? talloc_strdup(c->mem, c->repo_dir) : repo_default_dir(c->mem, &e);
	const char *mode = getenv("UDOCKERC_DEFAULT_EXECUTION_MODE");

	(void)a;
	if (!dir)
		return cli_fail(&e);
	printf("version = %s\n", UDOCKERC_VERSION);
	printf("topdir = %s\n", dir);
	printf("layersdir = %s/layers\n", dir);
	printf("imagesdir = %s/images\n", dir);
	printf("containersdir = %s/containers\n", dir);
	printf("namesdir = %s/names\n", dir);
	printf("tmpdir = %s/tmp\n", dir);
	printf("default_execution_mode = %s\n", mode && *mode ? mode : "P1");
	return CLI_OK;
}

static int run_version(struct cli_ctx *c, const struct cli_args *a)
{
	(void)c;
	(void)a;
	printf("version: %s\n", UDOCKERC_VERSION);
	return CLI_OK;
}

static int run_help(struct cli_ctx *c, const struct cli_args *a)
{
	const struct cli_cmd *cmd;

	(void)c;
	if (a->npos == 0) {
		cli_general_help();
		return CLI_OK;
	}
	cmd = cli_find(a->pos[0]);
	if (!cmd)
		return cli_failf("invalid command: %s (see udockerc --help)", a->pos[0]);
	cli_usage(cmd);
	return CLI_OK;
}

const struct cli_cmd cmd_mkrepo = {
	.name = "mkrepo",
	.run = run_mkrepo,
	.usage = "DIR",
	.summary = "create a repository in DIR",
	.min_pos = 1,
	.max_pos = 1,
};

const struct cli_cmd cmd_showconf = {
	.name = "showconf",
	.run = run_showconf,
	.usage = "",
	.summary = "print the configuration in use",
	.min_pos = 0,
	.max_pos = 0,
};

const struct cli_cmd cmd_version = {
	.name = "version",
	.run = run_version,
	.usage = "",
	.summary = "print the version",
	.min_pos = 0,
	.max_pos = 0,
};

const struct cli_cmd cmd_help = {
	.name = "help",
	.run = run_help,
	.usage = "[COMMAND]",
	.summary = "print the general help, or a command's",
	.min_pos = 0,
	.max_pos = 1,
};
