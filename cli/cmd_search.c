/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_search.c - `search --list-tags NAME`: the tags a registry holds for a repository. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/own.h"
#include "pull/reg_pull.h"

static const struct cli_opt opts[] = {
	{ "--list-tags", NULL, NULL, "list the tags of the repository NAME" },
	{ "--registry", NULL, "URL", "ask this registry (http://host:port forces HTTP)" },
	{ "--insecure", NULL, NULL, "allow plain HTTP and unverified TLS for this registry" },
	{ "--index", NULL, "URL", "accepted for udocker compatibility (not used)" },
	{ "--httpproxy", NULL, "URL", "proxy for this request" },
	{ "-a", NULL, NULL, "accepted for udocker compatibility (no pauses)" },
	{ "--no-trunc", NULL, NULL, "accepted for udocker compatibility" },
	{ NULL, NULL, NULL, NULL },
};

/* Print the tags of name, one a line, as the registry lists them. */
static int list_tags(struct cli_ctx *c, const struct cli_args *a, struct udc_error *e)
{
	int insecure = cli_has(&cmd_search, a, "--insecure") || c->insecure;
	struct repo *r = cli_repo(c, e);
	struct reg_client *client = r ? cli_reg_client(c, r, insecure,
						       cli_val(&cmd_search, a, "--httpproxy"), e)
				      : NULL;
	struct reg_ref *ref = client ? reg_ref_parse(c->mem, a->pos[0],
						     cli_val(&cmd_search, a, "--registry"), e)
				     : NULL;
	struct reg_response resp;
	struct reg_target t;
	json_error_t jerr;
	json_t *j, *tag;
	size_t i;

	if (!ref)
		return -e->code;
	reg_pull_target(ref, insecure, &t);
	if (reg_get(client, &t, "tags/list", "application/json", 0, c->mem, &resp, e) < 0)
		return -e->code;
	j = own_json(c->mem, json_loadb(resp.body, resp.len, 0, &jerr));
	if (!j || !json_is_array(json_object_get(j, "tags")))
		return udc_fail(e, EBADMSG, "%s: malformed tag list%s%s", resp.url, j ? "" : ": ",
				j ? "" : jerr.text);
	json_array_foreach(json_object_get(j, "tags"), i, tag)
		if (json_is_string(tag))
			printf("%s\n", json_string_value(tag));
	return 0;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };

	if (!cli_has(&cmd_search, a, "--list-tags"))
		return cli_failf("search: only --list-tags NAME is supported yet (registry search "
				 "APIs differ; see docs/compat.md)");
	return list_tags(c, a, &e) < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_search = {
	.name = "search",
	.run = run,
	.usage = "--list-tags [--registry=URL] [--insecure] NAME",
	.summary = "list the tags of a repository in a registry",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
