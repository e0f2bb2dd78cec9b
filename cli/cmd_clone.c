/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_clone.c - `clone`: copy a container (root and record) to a new one; print its id. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/fs_tree.h"

static const struct cli_opt opts[] = {
	{ "--name", NULL, "NAME", "name the new container" },
	{ NULL, NULL, NULL, NULL },
};

/* Copy containers/<sid> into the stage, give the copy a new id, install it. */
static int clone_into(struct repo_stage *st, const char *sid, const char *name, char *id,
		      struct udc_error *e)
{
	char *srel = talloc_asprintf(st, "containers/%s", sid);
	json_t *rec;

	if (!srel)
		return udc_fail(e, ENOMEM, "out of memory");
	if (fs_copytree_at(st->repo->fd, srel, st->fd, "c", e) < 0)
		return -e->code;
	rec = repo_json_read_at(st, st->fd, "c/container.json", sid, e);
	if (!rec)
		return -e->code;
	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "protected", json_false());
	if (repo_json_write_at(st->fd, "c/container.json", rec, e) < 0)
		return -e->code;
	return repo_container_install(st, "c", id, name, 0, e);
}

static int clone(struct repo *r, const char *src, const char *name, char **id,
		 struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct repo_stage *st = repo_stage_new(tmp, r, e);
	char *sid = st ? repo_container_resolve(tmp, r, src, e) : NULL;
	int ret = -EIO;

	if (sid && (*id = repo_container_new_id(r, e)))
		ret = clone_into(st, sid, name, *id, e);
	else
		ret = -e->code;
	talloc_free(tmp);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *name = cli_val(&cmd_clone, a, "--name");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = NULL;

	if (!r)
		return cli_fail(&e);
	if (name && !repo_name_valid(name))
		return cli_failf("invalid container name '%s'", name);
	if (clone(r, a->pos[0], name, &id, &e) < 0)
		return cli_fail(&e);
	printf("%s\n", id);
	return CLI_OK;
}

const struct cli_cmd cmd_clone = {
	.name = "clone",
	.run = run,
	.usage = "[--name=NAME] CONTAINER",
	.summary = "copy a container to a new one and print its id",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
