/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_pull.c - `pull`: download an image from a registry into the repository. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_progress.h"
#include "pull/reg_pull.h"

static const struct cli_opt opts[] = {
	{ "--platform", NULL, "OS/ARCH[/VARIANT]", "pull the image for this platform" },
	{ "--registry", NULL, "URL", "pull from this registry (http://host:port forces HTTP)" },
	{ "--insecure", NULL, NULL, "allow plain HTTP and unverified TLS for this registry" },
	{ "--index", NULL, "URL", "accepted for udocker compatibility (not used)" },
	{ "--httpproxy", NULL, "URL", "proxy for this pull (else the *_proxy environment)" },
	{ NULL, NULL, NULL, NULL },
};

int cli_pull(struct cli_ctx *c, struct repo *r, const struct cli_cmd *cmd,
	     const struct cli_args *a, const char *name, char **local, struct udc_error *e)
{
	int insecure = cli_has(cmd, a, "--insecure") || c->insecure;
	struct reg_client *client =
		cli_reg_client(c, r, insecure, cli_val(cmd, a, "--httpproxy"), e);
	struct cli_progress *pr = cli_progress_new(c->mem, c->quiet, cmd == &cmd_pull ? stdout : stderr);
	struct reg_pull_opts o = {
		.platform = cli_val(cmd, a, "--platform"),
		.registry = cli_val(cmd, a, "--registry"),
		.insecure = insecure,
		.announce = cli_progress_announce,
		.progress = cli_progress_update,
		.progress_arg = pr,
	};
	int ret;

	if (!client)
		return -e->code;
	ret = reg_pull(c->mem, r, client, name, &o, local, e);
	cli_progress_end(pr);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *local = NULL;

	if (!r || cli_pull(c, r, &cmd_pull, a, a->pos[0], &local, &e) < 0)
		return cli_fail(&e);
	if (!c->quiet)
		printf("Info: pulled %s\n", local);
	return CLI_OK;
}

const struct cli_cmd cmd_pull = {
	.name = "pull",
	.run = run,
	.usage = "[--platform=OS/ARCH[/VARIANT]] [--registry=URL] [--insecure] NAME[:TAG|@DIGEST]",
	.summary = "download an image from a registry",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
