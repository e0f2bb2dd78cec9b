/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_load.c - `load`: images from a docker-save archive or an OCI image layout. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/img_ref.h"
#include "pull/reg_archive.h"

static const struct cli_opt opts[] = {
    {"--input", "-i", "FILE", "read the archive (tar file or directory) from FILE, not stdin"},
    {NULL, NULL, NULL, NULL},
};

/* udocker's optional REPO/IMAGE: a repository without a tag. */
static int check_name(struct cli_ctx *c, const char *name)
{
	struct udc_error e = {0};
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	if (strchr(base, ':') || strchr(name, '@'))
		return cli_failf("load: enter image or repository/image without tag: %s", name);
	if (!img_ref_parse(c->mem, name, &e))
		return cli_fail(&e);
	return CLI_OK;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *in = cli_val(&cmd_load, a, "--input");
	const char *name = NULL;
	struct udc_error e = {0};
	struct repo *r;
	char **refs;
	size_t n;

	for (int i = 0; i < a->npos; i++) {
		if (!strcmp(a->pos[i], "-") && !in)
			in = "-";
		else if (!name && strcmp(a->pos[i], "-") != 0)
			name = a->pos[i];
		else
			return cli_failf("load: unexpected argument '%s'", a->pos[i]);
	}
	if (!in)
		in = "-";
	if (!*in)
		return cli_failf("load: empty input file name");
	if (!strcmp(in, "-") && isatty(STDIN_FILENO))
		return cli_failf("load: refusing to read an archive from a terminal (use -i FILE)");
	if (name && check_name(c, name) != CLI_OK)
		return CLI_ERR;
	if (!(r = cli_repo(c, &e)) || reg_archive_load(c->mem, r, in, name, &refs, &n, &e) < 0)
		return cli_fail(&e);
	for (size_t i = 0; i < n; i++)
		printf("Loaded image: %s\n", refs[i]);
	return CLI_OK;
}

const struct cli_cmd cmd_load = {
    .name = "load",
    .run = run,
    .usage = "[-i FILE|--input=FILE|-] [REPO/IMAGE]",
    .summary = "load images from a docker-save archive or an OCI image layout",
    .opts = opts,
    .min_pos = 0,
    .max_pos = 2,
};
