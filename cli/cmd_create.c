/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_create.c - `create`: unpack an image's layers into a new container; print its id. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/img_ref.h"

static const struct cli_opt opts[] = {
	{ "--name", NULL, "NAME", "name the new container" },
	{ "--force", NULL, NULL, "with --name: take the name even if another container has it" },
	{ NULL, NULL, NULL, NULL },
};

/* Fail early, before unpacking, when the name is invalid or taken (and not --force). */
static int check_name(struct repo *r, const char *name, int force, struct udc_error *e)
{
	char *owner;

	if (!repo_name_valid(name))
		return udc_fail(e, EINVAL, "invalid container name '%s'", name);
	if (force || !(owner = repo_container_resolve(NULL, r, name, e)))
		return 0;
	talloc_free(owner);
	return udc_fail(e, EEXIST, "container name already in use: %s", name);
}

/* Build a container of image ref and install it under name; the id is returned in *id. */
static int create(struct repo *r, const char *image, const char *name, int force, char **id,
		  struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct img_ref *ref = img_ref_parse(tmp, image, e);
	void *lock = ref ? repo_lock(tmp, r, REPO_LOCK_LAYERS_SHARED, e) : NULL;
	json_t *img = lock ? repo_image_get(tmp, r, img_ref_str(tmp, ref), e) : NULL;
	struct repo_stage *st = img ? repo_stage_new(tmp, r, e) : NULL;
	int ret = st ? 0 : -e->code;

	if (ret == 0 && !(*id = repo_container_new_id(r, e)))
		ret = -e->code;
	if (ret == 0)
		ret = repo_container_build(st, img_ref_str(tmp, ref), img, *id, e);
	if (ret == 0)
		ret = repo_container_install(st, "c", *id, name, force, e);
	talloc_free(tmp);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *name = cli_val(&cmd_create, a, "--name");
	int force = cli_has(&cmd_create, a, "--force");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = NULL;

	if (!r || (name && check_name(r, name, force, &e) < 0))
		return cli_fail(&e);
	if (create(r, a->pos[0], name, force, &id, &e) < 0)
		return cli_fail(&e);
	printf("%s\n", id);
	return CLI_OK;
}

const struct cli_cmd cmd_create = {
	.name = "create",
	.run = run,
	.usage = "[--name=NAME] [--force] IMAGE[:TAG]",
	.summary = "create a container from an image and print its id",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
