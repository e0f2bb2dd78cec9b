/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_rmi.c - `rmi`: delete an image; its layers go when no other image uses them. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/img_ref.h"
#include "common/log.h"

static const struct cli_opt opts[] = {
	{ "-f", NULL, NULL, "accepted for udocker compatibility (protection still holds)" },
	{ NULL, NULL, NULL, NULL },
};

static int rmi(struct repo *r, const char *image, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct img_ref *ref = img_ref_parse(tmp, image, e);
	void *l1 = ref ? repo_lock(tmp, r, REPO_LOCK_LAYERS_EXCL, e) : NULL;
	void *l2 = l1 ? repo_lock(tmp, r, REPO_LOCK_META, e) : NULL;
	char *s = ref ? img_ref_str(tmp, ref) : NULL;
	json_t *img = l2 ? repo_image_get(tmp, r, s, e) : NULL;
	int ret = img ? 0 : -e->code;

	if (ret == 0 && json_is_true(json_object_get(img, "protected")))
		ret = udc_fail(e, EPERM, "image is protected: %s", s);
	if (ret == 0)
		ret = repo_image_del(r, s, e);
	if (ret == 0) {
		udc_log(UDC_LOG_INF, "deleting image: %s", s);
		ret = repo_layer_gc(r, e);
	}
	talloc_free(tmp);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);

	if (!r || rmi(r, a->pos[0], &e) < 0)
		return cli_fail(&e);
	return CLI_OK;
}

const struct cli_cmd cmd_rmi = {
	.name = "rmi",
	.run = run,
	.usage = "[-f] IMAGE[:TAG]",
	.summary = "delete an image and the layers no other image uses",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 1,
};
