/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_inspect.c - `inspect`: print a container's record or an image's config as JSON. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/img_ref.h"
#include "common/own.h"

static const struct cli_opt opts[] = {
	{ "-p", NULL, NULL, "print the container's root directory" },
	{ NULL, NULL, NULL, NULL },
};

static int print_json(TALLOC_CTX *mem_ctx, json_t *j)
{
	char *s = own_str(mem_ctx, json_dumps(j, JSON_INDENT(4) | JSON_SORT_KEYS));

	if (!s)
		return cli_failf("out of memory");
	printf("%s\n", s);
	return CLI_OK;
}

/* The image record of what, or NULL with e (ENOENT when unknown). */
static json_t *find_image(TALLOC_CTX *mem_ctx, struct repo *r, const char *what,
			  struct udc_error *e)
{
	struct img_ref *ref = img_ref_parse(mem_ctx, what, e);

	return ref ? repo_image_get(mem_ctx, r, img_ref_str(mem_ctx, ref), e) : NULL;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *what = a->pos[0];
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = r ? repo_container_resolve(c->mem, r, what, &e) : NULL;
	json_t *j;

	if (!r)
		return cli_fail(&e);
	if (cli_has(&cmd_inspect, a, "-p")) {
		if (!id)
			return cli_fail(&e);
		printf("%s\n", repo_container_root(c->mem, r, id));
		return CLI_OK;
	}
	if (id)
		j = repo_container_get(c->mem, r, id, &e);
	else if ((j = find_image(c->mem, r, what, &e)))
		j = json_object_get(j, "config");
	else if (e.code == ENOENT || e.code == EINVAL)
		return cli_failf("container or image not found: %s", what);
	if (!j)
		return cli_fail(&e);
	return print_json(c->mem, j);
}

const struct cli_cmd cmd_inspect = {
	.name = "inspect",
	.run = run,
	.usage = "[-p] CONTAINER|IMAGE",
	.summary = "print the metadata of a container or an image",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
