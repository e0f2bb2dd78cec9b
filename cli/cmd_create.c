/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_create.c - `create`: unpack an image's layers into a new container; print its id. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/img_ref.h"
#include "common/log.h"

static const struct cli_opt opts[] = {
	{ "--name", NULL, "NAME", "name the new container" },
	{ "--force", NULL, NULL, "with --name: create even if the name is taken (left unset)" },
	{ NULL, NULL, NULL, NULL },
};

/* Check the name before unpacking: invalid is an error; taken is an error unless --force,
 * which (as in udocker) creates the container anyway and leaves the name where it is. */
static int check_name(struct repo *r, const char **name, int force, struct udc_error *e)
{
	char *owner;

	if (!repo_name_valid(*name))
		return udc_fail(e, EINVAL, "invalid container name '%s'", *name);
	owner = repo_container_resolve(NULL, r, *name, e);
	if (!owner)
		return 0;
	talloc_free(owner);
	if (!force)
		return udc_fail(e, EEXIST, "container name already in use: %s", *name);
	udc_log(UDC_LOG_WRN, "container name already in use: %s: created without it", *name);
	*name = NULL;
	return 0;
}

/* Build a container of image ref and install it under name; the id is returned in *id. */
static int create(struct repo *r, const char *image, const char *name, char **id,
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
		ret = repo_container_install(st, "c", *id, name, 0, e);
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

	if (!r || (name && check_name(r, &name, force, &e) < 0))
		return cli_fail(&e);
	if (create(r, a->pos[0], name, &id, &e) < 0)
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
