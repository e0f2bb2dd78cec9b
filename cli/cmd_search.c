/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_search.c - `search TERM` (a Docker index's search API) and `search --list-tags NAME`. */
#include "cli/cli.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/own.h"
#include "pull/reg_pull.h"

static const struct cli_opt opts[] = {
	{ "--list-tags", NULL, NULL, "list the tags of the repository NAME" },
	{ "--registry", NULL, "URL", "ask this registry (http://host:port forces HTTP)" },
	{ "--insecure", NULL, NULL, "allow plain HTTP and unverified TLS for this registry" },
	{ "--index", NULL, "URL", "the Docker index to search (default https://index.docker.io)" },
	{ "--httpproxy", NULL, "URL", "proxy for this request" },
	{ "-a", NULL, NULL, "accepted for udocker compatibility (no pauses)" },
	{ "--no-trunc", NULL, NULL, "accepted for udocker compatibility" },
	{ NULL, NULL, NULL, NULL },
};

/* Print the tags of name, one a line, as the registry lists them. */
static int list_tags(struct cli_ctx *c, const struct cli_args *a, struct udc_error *e)
{
	struct reg_client *client;
	struct reg_target t;
	struct reg_ref *ref = cli_registry_ref(c, &cmd_search, a, a->pos[0], &client, &t, e);
	struct reg_response resp;
	json_error_t jerr;
	json_t *j, *tag;
	size_t i;

	if (!ref)
		return -e->code;
	if (reg_get(client, &t, "tags/list", "application/json", 0, c->mem, &resp, e) < 0)
		return -e->code;
	j = own_json(c->mem, json_loadb(resp.body, resp.len, 0, &jerr));
	if (!j || !json_is_array(json_object_get(j, "tags")))
		return udc_fail(e, EBADMSG, "%s: malformed tag list%s%s", resp.url, j ? "" : ": ",
				j ? "" : jerr.text);
	tag = json_object_get(j, "tags");
	for (i = 0; i < json_array_size(tag); i++)
		if (json_is_string(json_array_get(tag, i)))
			printf("%s\n", json_string_value(json_array_get(tag, i)));
	return 0;
}

/* term, percent-encoded for a query string, child of mem_ctx. */
static char *url_encode(TALLOC_CTX *mem_ctx, const char *term)
{
	char *s = talloc_strdup(mem_ctx, "");

	for (const unsigned char *p = (const unsigned char *)term; s && *p; p++)
		s = isalnum(*p) || strchr("-._~", *p) ? talloc_asprintf_append(s, "%c", *p)
						      : talloc_asprintf_append(s, "%%%02X", *p);
	return s;
}

/* One result line: NAME, DESCRIPTION (cut to 45 columns unless --no-trunc), STARS, OFFICIAL. */
static void print_result(json_t *r, int no_trunc)
{
	const char *name = json_string_value(json_object_get(r, "name"));
	const char *desc = json_string_value(json_object_get(r, "description"));
	int long_desc = desc && strlen(desc) > 45 && !no_trunc;

	if (!name)
		return;
	printf("%-40s %-*.*s%s %-9lld %s\n", name, long_desc ? 42 : 45, long_desc ? 42 : 1000,
	       desc ? desc : "", long_desc ? "..." : "",
	       (long long)json_integer_value(json_object_get(r, "star_count")),
	       json_is_true(json_object_get(r, "is_official")) ? "[OK]" : "");
}

/* Search the Docker index (--index, else Docker Hub's) for term. */
static int search(struct cli_ctx *c, const struct cli_args *a, struct udc_error *e)
{
	const char *index = cli_val(&cmd_search, a, "--index");
	struct repo *r = cli_repo(c, e);
	struct reg_client *client = r ? cli_reg_client(c, r, c->insecure,
						       cli_val(&cmd_search, a, "--httpproxy"), e)
				      : NULL;
	char *url = client ? talloc_asprintf(c->mem, "%s/v1/search?q=%s&n=100",
					     index ? index : "https://index.docker.io",
					     url_encode(c->mem, a->pos[0]))
			   : NULL;
	struct reg_response resp;
	json_error_t jerr;
	json_t *j, *res;
	size_t i;

	if (!url)
		return client ? udc_fail(e, ENOMEM, "out of memory") : -e->code;
	if (reg_get_url(client, url, "application/json", c->mem, &resp, e) < 0)
		return -e->code;
	j = own_json(c->mem, json_loadb(resp.body, resp.len, 0, &jerr));
	if (!j || !json_is_array(json_object_get(j, "results")))
		return udc_fail(e, EBADMSG, "%s: malformed search answer", resp.url);
	printf("%-40s %-45s %-9s %s\n", "NAME", "DESCRIPTION", "STARS", "OFFICIAL");
	res = json_object_get(j, "results");
	for (i = 0; i < json_array_size(res); i++)
		print_result(json_array_get(res, i), cli_has(&cmd_search, a, "--no-trunc"));
	return 0;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	int ret = cli_has(&cmd_search, a, "--list-tags") ? list_tags(c, a, &e) : search(c, a, &e);

	return ret < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_search = {
	.name = "search",
	.run = run,
	.usage = "[--index=URL] [--no-trunc] TERM | search --list-tags [--registry=URL] NAME",
	.summary = "search a Docker index, or list the tags of a repository",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
