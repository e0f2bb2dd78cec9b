/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_images.c - `images`: list the images of the repository (-l: with their layers). */
#include "cli/cli.h"

#include <stdio.h>

#define UDC_MB (1024LL * 1024LL)

static const struct cli_opt opts[] = {
	{ "-l", NULL, NULL, "also list each image's layers and their sizes" },
	{ "--no-trunc", NULL, NULL, "accepted for udocker compatibility (nothing is truncated)" },
	{ "--all", NULL, NULL, "accepted for udocker compatibility (all images are listed)" },
	{ NULL, NULL, NULL, NULL },
};

/* One line per layer: its path and size in MB. */
static void print_layers(struct repo *r, json_t *img)
{
	json_t *l;
	size_t i;

	json_array_foreach(json_object_get(img, "layers"), i, l) {
		const char *d = json_string_value(json_object_get(l, "digest")) ?: "sha256:?";
		json_int_t size = json_integer_value(json_object_get(l, "size"));

		printf("    %s/layers/%s (%lld MB)\n", r->dir, d + 7,
		       (long long)(size / UDC_MB));
	}
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	size_t n;
	char **refs = r ? repo_image_list(c->mem, r, &n, &e) : NULL;

	if (!refs)
		return cli_fail(&e);
	printf("REPOSITORY\n");
	for (size_t i = 0; i < n; i++) {
		json_t *img = repo_image_get(c->mem, r, refs[i], &e);
		int prot = img && json_is_true(json_object_get(img, "protected"));

		printf("%s    %c\n", refs[i], prot ? 'P' : '.'); /* udocker's format */
		if (img && cli_has(&cmd_images, a, "-l"))
			print_layers(r, img);
	}
	return CLI_OK;
}

const struct cli_cmd cmd_images = {
	.name = "images",
	.run = run,
	.usage = "[-l]",
	.summary = "list the images in the local repository",
	.opts = opts,
	.min_pos = 0,
	.max_pos = 0,
};
