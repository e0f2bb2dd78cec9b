/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_save.c - `save`: images as a docker-save archive, to a file or to stdout. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pull/reg_archive.h"

static const struct cli_opt opts[] = {
    {"--output", "-o", "FILE", "write the archive to FILE (\"-\": stdout, the default)"},
    {NULL, NULL, NULL, NULL},
};

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *out = cli_val(&cmd_save, a, "--output");
	int skip = !strcmp(a->pos[0], "-"); /* udocker: save - IMAGE writes to stdout */
	const char *const *names = (const char *const *)a->pos + skip;
	size_t n = (size_t)(a->npos - skip);
	struct udc_error e = {0};
	struct repo *r;
	int ret;

	if (n == 0)
		return cli_failf("save: missing image: usage: udockerc save %s", cmd_save.usage);
	if (skip && out && strcmp(out, "-") != 0)
		return cli_failf("save: both - and --output=%s given", out);
	if (out && !*out)
		return cli_failf("save: empty output file name");
	if ((!out || !strcmp(out, "-")) && isatty(STDOUT_FILENO))
		return cli_failf("save: refusing to write an archive to a terminal (use -o FILE)");
	if (!(r = cli_repo(c, &e)))
		return cli_fail(&e);
	if (!out || !strcmp(out, "-"))
		ret = reg_archive_save(r, names, n, STDOUT_FILENO, "stdout", &e);
	else
		ret = reg_archive_save_file(r, names, n, out, &e);
	return ret < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_save = {
    .name = "save",
    .run = run,
    .usage = "[-o FILE|--output=FILE|-] IMAGE...",
    .summary = "write images to a docker-save archive",
    .opts = opts,
    .min_pos = 1,
    .max_pos = -1,
};
