/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_tag.c - `tag`: give an image another name:tag (the layers are shared). */
#include "cli/cli.h"

#include "common/img_ref.h"

static int tag(struct repo *r, const char *src, const char *dst, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct img_ref *sref = img_ref_parse(tmp, src, e);
	struct img_ref *dref = sref ? img_ref_parse(tmp, dst, e) : NULL;
	void *lock = dref ? repo_lock(tmp, r, REPO_LOCK_META, e) : NULL;
	json_t *img = lock ? repo_image_get(tmp, r, img_ref_str(tmp, sref), e) : NULL;
	char *d = dref ? img_ref_str(tmp, dref) : NULL;
	int ret = img ? 0 : -e->code;

	if (ret == 0 && repo_image_get(tmp, r, d, e))
		ret = udc_fail(e, EEXIST, "image already exists: %s", d);
	else if (ret == 0 && e->code != ENOENT)
		ret = -e->code;
	if (ret == 0) {
		json_object_set_new(img, "ref", json_string(d));
		json_object_set_new(img, "protected", json_false());
		ret = repo_image_put(r, d, img, e);
	}
	talloc_free(tmp);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);

	if (!r || tag(r, a->pos[0], a->pos[1], &e) < 0)
		return cli_fail(&e);
	return CLI_OK;
}

const struct cli_cmd cmd_tag = {
	.name = "tag",
	.run = run,
	.usage = "IMAGE[:TAG] NEWNAME[:TAG]",
	.summary = "give an image a new name",
	.opts = NULL,
	.min_pos = 2,
	.max_pos = 2,
};
