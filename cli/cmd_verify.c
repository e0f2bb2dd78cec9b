/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_verify.c - `verify`: recompute the digest of every layer of an image. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/img_ref.h"

static int verify(struct repo *r, const char *image, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct img_ref *ref = img_ref_parse(tmp, image, e);
	void *lock = ref ? repo_lock(tmp, r, REPO_LOCK_LAYERS_SHARED, e) : NULL;
	json_t *img = lock ? repo_image_get(tmp, r, img_ref_str(tmp, ref), e) : NULL, *l;
	int ret = img ? 0 : -e->code;
	size_t i;

	if (ret == 0)
		printf("Info: verifying: %s\n", img_ref_str(tmp, ref));
	json_array_foreach(img ? json_object_get(img, "layers") : NULL, i, l) {
		const char *d = json_string_value(json_object_get(l, "digest"));
		uint64_t size;

		if (!d || strncmp(d, "sha256:", 7) != 0) {
			ret = udc_fail(e, EBADMSG, "image %s: malformed layer entry %zu", image, i);
			break;
		}
		ret = repo_layer_verify(r, d + 7, &size, e);
		if (ret < 0)
			break;
		printf("Info: layer ok: %s\n", d);
	}
	if (ret == 0)
		printf("Info: image ok: %s\n", img_ref_str(tmp, ref));
	talloc_free(tmp);
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);

	if (!r || verify(r, a->pos[0], &e) < 0)
		return cli_fail(&e);
	return CLI_OK;
}

const struct cli_cmd cmd_verify = {
	.name = "verify",
	.run = run,
	.usage = "IMAGE[:TAG]",
	.summary = "check the digest of every layer of an image",
	.opts = NULL,
	.min_pos = 1,
	.max_pos = 1,
};
