/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_manifest.c - `manifest inspect`: print an image's manifest as the registry serves it. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pull/reg_pull.h"

static const struct cli_opt opts[] = {
	{ "--registry", NULL, "URL", "ask this registry (http://host:port forces HTTP)" },
	{ "--insecure", NULL, NULL, "allow plain HTTP and unverified TLS for this registry" },
	{ "--platform", NULL, "OS/ARCH[/VARIANT]", "print this platform's manifest, not the index" },
	{ "--index", NULL, "URL", "accepted for udocker compatibility (not used)" },
	{ "--httpproxy", NULL, "URL", "proxy for this request" },
	{ NULL, NULL, NULL, NULL },
};

/* The manifest (or index) of name as served; with --platform, that platform's manifest. */
static int inspect(struct cli_ctx *c, const struct cli_args *a, struct udc_error *e)
{
	struct reg_client *client;
	struct reg_target t;
	struct reg_ref *ref = cli_registry_ref(c, &cmd_manifest, a, a->pos[0], &client, &t, e);
	const char *platform = cli_val(&cmd_manifest, a, "--platform");
	struct reg_platform want;
	struct reg_manifest *m;
	char *digest, *text;

	if (!ref)
		return -e->code;
	reg_platform_host(&want);
	if (platform && reg_platform_parse(platform, &want, e) < 0)
		return -e->code;
	if (platform && reg_pull_manifest(c->mem, client, ref, &t, &want, &m, &digest, e) < 0)
		return -e->code;
	if (!platform) {
		struct reg_response resp;
		char path[512];

		snprintf(path, sizeof(path), "manifests/%s", reg_ref_reference(ref));
		if (reg_get(client, &t, path, reg_manifest_accept(), 0, c->mem, &resp, e) < 0)
			return -e->code;
		m = reg_manifest_parse(c->mem, resp.content_type, resp.body, resp.len, a->pos[0], e);
		if (!m)
			return -e->code;
	}
	text = json_dumps(m->json, JSON_INDENT(3) | JSON_PRESERVE_ORDER);
	if (!text)
		return udc_fail(e, ENOMEM, "out of memory");
	printf("%s\n", text);
	free(text);
	return 0;
}

/* `manifest [OPTIONS] inspect [OPTIONS] NAME`: options may stand on either side of the
 * subcommand (Docker puts them after it, udocker's parser before it). */
static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct cli_args sub;

	if (strcmp(a->pos[0], "inspect") != 0)
		return cli_failf("manifest: unknown subcommand '%s' (only inspect)", a->pos[0]);
	if (cli_parse(&cmd_manifest, a->npos - 1, a->pos + 1, &sub, &e) < 0)
		return cli_fail(&e);
	if (sub.npos != 1)
		return cli_failf("manifest: usage: udockerc manifest %s", cmd_manifest.usage);
	for (int i = 0; i < CLI_MAX_OPTS; i++)
		if (!sub.set[i] && a->set[i]) {
			sub.set[i] = a->set[i];
			sub.val[i] = a->val[i];
		}
	return inspect(c, &sub, &e) < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_manifest = {
	.name = "manifest",
	.run = run,
	.usage = "inspect [--registry=URL] [--insecure] [--platform=OS/ARCH] NAME[:TAG|@DIGEST]",
	.summary = "print an image's manifest from its registry",
	.opts = opts,
	.min_pos = 1,
	.max_pos = -1, /* the subcommand's own options follow it: checked in run() */
};
