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

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	int insecure = cli_has(&cmd_pull, a, "--insecure") || c->insecure;
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	struct reg_client *client =
		r ? cli_reg_client(c, r, insecure, cli_val(&cmd_pull, a, "--httpproxy"), &e) : NULL;
	struct cli_progress *pr = cli_progress_new(c->mem, c->quiet);
	struct reg_pull_opts o = {
		.platform = cli_val(&cmd_pull, a, "--platform"),
		.registry = cli_val(&cmd_pull, a, "--registry"),
		.insecure = insecure,
		.announce = cli_progress_announce,
		.progress = cli_progress_update,
		.progress_arg = pr,
	};
	char *local = NULL;
	int ret;

	if (!client)
		return cli_fail(&e);
	ret = reg_pull(c->mem, r, client, a->pos[0], &o, &local, &e);
	cli_progress_end(pr);
	if (ret < 0)
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
