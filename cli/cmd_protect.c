/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_protect.c - `protect` / `unprotect`: guard a container or an image against deletion. */
#include "cli/cli.h"

#include "common/img_ref.h"

/* Set the protected flag of the container or image called what. */
static int set_protected(struct repo *r, const char *what, int on, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	void *lock = repo_lock(tmp, r, REPO_LOCK_META, e);
	char *id = lock ? repo_container_resolve(tmp, r, what, e) : NULL;
	struct img_ref *ref = NULL;
	json_t *rec = NULL;
	int ret;

	if (id)
		rec = repo_container_get(tmp, r, id, e);
	else if (lock && (ref = img_ref_parse(tmp, what, e)))
		rec = repo_image_get(tmp, r, img_ref_str(tmp, ref), e);
	if (!rec && lock && (e->code == ENOENT || e->code == EINVAL))
		ret = udc_fail(e, ENOENT, "container or image not found: %s", what);
	else if (!rec)
		ret = -e->code;
	else if (json_object_set_new(rec, "protected", json_boolean(on)) < 0)
		ret = udc_fail(e, ENOMEM, "out of memory");
	else
		ret = id ? repo_container_put(r, id, rec, e)
			 : repo_image_put(r, img_ref_str(tmp, ref), rec, e);
	talloc_free(tmp);
	return ret;
}

static int run_protect(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);

	return !r || set_protected(r, a->pos[0], 1, &e) < 0 ? cli_fail(&e) : CLI_OK;
}

static int run_unprotect(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);

	return !r || set_protected(r, a->pos[0], 0, &e) < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_protect = {
	.name = "protect",
	.run = run_protect,
	.usage = "CONTAINER|IMAGE",
	.summary = "protect a container or an image against deletion",
	.min_pos = 1,
	.max_pos = 1,
};

const struct cli_cmd cmd_unprotect = {
	.name = "unprotect",
	.run = run_unprotect,
	.usage = "CONTAINER|IMAGE",
	.summary = "remove the protection of a container or an image",
	.min_pos = 1,
	.max_pos = 1,
};
