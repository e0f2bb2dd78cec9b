/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_name.c - `name`, `rmname`, `rename`: manage container names. */
#include "cli/cli.h"

#include <string.h>

/* Run fn under the META lock. */
static int with_meta(struct cli_ctx *c, const struct cli_args *a,
		     int (*fn)(struct repo *r, const struct cli_args *a, struct udc_error *e))
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	void *lock = r ? repo_lock(c->mem, r, REPO_LOCK_META, &e) : NULL;
	int ret = lock ? fn(r, a, &e) : -e.code;

	talloc_free(lock);
	return ret < 0 ? cli_fail(&e) : CLI_OK;
}

static int name_fn(struct repo *r, const struct cli_args *a, struct udc_error *e)
{
	char *id = repo_container_resolve(NULL, r, a->pos[0], e);
	int ret = id ? repo_name_add(r, a->pos[1], id, e) : -e->code;

	talloc_free(id);
	return ret;
}

static int rmname_fn(struct repo *r, const struct cli_args *a, struct udc_error *e)
{
	return repo_name_del(r, a->pos[0], e);
}

/* The new name is added before the old one goes: a failure keeps the old name. */
static int rename_fn(struct repo *r, const struct cli_args *a, struct udc_error *e)
{
	char *id = NULL;
	int ret;

	id = repo_container_resolve(NULL, r, a->pos[0], e);
	if (!id || !strcmp(id, a->pos[0])) /* an id is not a name */
		ret = udc_fail(e, ENOENT, "container name not found: %s", a->pos[0]);
	else
		ret = repo_name_add(r, a->pos[1], id, e);
	if (ret == 0)
		ret = repo_name_del(r, a->pos[0], e);
	talloc_free(id);
	return ret;
}

static int run_name(struct cli_ctx *c, const struct cli_args *a)
{
	return with_meta(c, a, name_fn);
}

static int run_rmname(struct cli_ctx *c, const struct cli_args *a)
{
	return with_meta(c, a, rmname_fn);
}

static int run_rename(struct cli_ctx *c, const struct cli_args *a)
{
	return with_meta(c, a, rename_fn);
}

const struct cli_cmd cmd_name = {
	.name = "name",
	.run = run_name,
	.usage = "CONTAINER NAME",
	.summary = "give a container a name",
	.min_pos = 2,
	.max_pos = 2,
};

const struct cli_cmd cmd_rmname = {
	.name = "rmname",
	.run = run_rmname,
	.usage = "NAME",
	.summary = "remove a container name",
	.min_pos = 1,
	.max_pos = 1,
};

const struct cli_cmd cmd_rename = {
	.name = "rename",
	.run = run_rename,
	.usage = "NAME NEWNAME",
	.summary = "rename a container",
	.min_pos = 2,
	.max_pos = 2,
};
