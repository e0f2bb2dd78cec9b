/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_export.c - `export`: a container's root (or, with --clone, all of it) as a tarball. */
#include "cli/cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/tar_write.h"

static const struct cli_opt opts[] = {
	{ "-o", NULL, "FILE", "write the tarball to FILE (\"-\" as CONTAINER's place: stdout)" },
	{ "--clone", NULL, NULL, "export the whole container, metadata included, for import --clone" },
	{ NULL, NULL, NULL, NULL },
};

/* Write the tree to file atomically: a temporary name beside it, renamed when complete.
 * Non-regular files (/dev/null, a fifo, /dev/full) are written directly. */
static int export_to_file(const char *dir, const char *file, struct udc_error *e)
{
	char tmp[4200];
	struct stat sb;
	int fd, r;

	if (stat(file, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		fd = open(file, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return udc_fail_sys(e, "export to %s", file);
		r = tar_write_tree(dir, fd, file, e);
		if (close(fd) < 0 && r == 0)
			r = udc_fail_sys(e, "export to %s", file);
		return r;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return udc_fail_sys(e, "export to %s", file);
	r = tar_write_tree(dir, fd, file, e);
	if (r == 0 && fsync(fd) < 0)
		r = udc_fail_sys(e, "export to %s", file);
	if (close(fd) < 0 && r == 0)
		r = udc_fail_sys(e, "export to %s", file);
	if (r == 0 && rename(tmp, file) < 0)
		r = udc_fail_sys(e, "export to %s", file);
	if (r < 0)
		unlink(tmp);
	return r;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *out = cli_val(&cmd_export, a, "-o");
	int to_stdout = !strcmp(a->pos[0], "-");
	const char *what = to_stdout ? (a->npos > 1 ? a->pos[1] : NULL) : a->pos[0];
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id, *dir;
	int ret;

	if (!r)
		return cli_fail(&e);
	if (!what || (!to_stdout && a->npos > 1))
		return cli_failf("export: usage: udockerc export %s", cmd_export.usage);
	if (!to_stdout && !out)
		to_stdout = 1; /* udocker: export CONTAINER writes to stdout */
	if (to_stdout && isatty(STDOUT_FILENO))
		return cli_failf("export: refusing to write a tarball to a terminal (use -o FILE)");
	if (out && !*out)
		return cli_failf("export: empty output file name");
	if (!(id = cli_container(c, what)))
		return CLI_ERR;
	dir = cli_has(&cmd_export, a, "--clone")
		      ? talloc_asprintf(c->mem, "%s/containers/%s", r->dir, id)
		      : repo_container_root(c->mem, r, id);
	if (to_stdout || !strcmp(out, "-"))
		ret = tar_write_tree(dir, STDOUT_FILENO, "stdout", &e);
	else
		ret = export_to_file(dir, out, &e);
	return ret < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_export = {
	.name = "export",
	.run = run,
	.usage = "[--clone] -o FILE CONTAINER | export [--clone] - CONTAINER",
	.summary = "write a container to a tarball",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 2,
};
