/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_ps.c - `ps`: list the containers (-m: execution mode, -s: size). */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define UDC_MB (1024ULL * 1024ULL)

#include "common/fs_tree.h"

static const struct cli_opt opts[] = {
	{ "-m", NULL, NULL, "show each container's execution mode" },
	{ "-s", NULL, NULL, "show each container's size in MB" },
	{ NULL, NULL, NULL, NULL },
};

/* "['a', 'b']" as udocker prints a list of names ("" for none), child of mem_ctx. */
static char *names_str(TALLOC_CTX *mem_ctx, char **names, size_t n)
{
	char *s = talloc_strdup(mem_ctx, n ? "[" : "");

	if (n == 0)
		return s;
	for (size_t i = 0; s && i < n; i++)
		s = talloc_asprintf_append(s, "%s'%s'", i ? ", " : "", names[i]);
	return s ? talloc_strdup_append(s, "]") : NULL;
}

/* The size column: MB used by containers/<id>. */
static long long size_mb(struct repo *r, const char *id)
{
	unsigned long long bytes = 0;
	char rel[64];
	struct udc_error e;

	snprintf(rel, sizeof(rel), "containers/%s", id);
	if (fs_tree_size_at(r->fd, rel, &bytes, &e) < 0)
		return -1;
	return (long long)((bytes + UDC_MB - 1) / UDC_MB);
}

static void print_row(struct cli_ctx *c, struct repo *r, const char *id, const struct cli_args *a)
{
	struct udc_error e;
	json_t *rec = repo_container_get(c->mem, r, id, &e);
	size_t n = 0;
	char **names = repo_name_list(c->mem, r, id, &n, &e);
	char *root = repo_container_root(c->mem, r, id);
	const char *image = rec ? json_string_value(json_object_get(rec, "image")) : NULL;

	printf("%-36.36s %c %c ", id, rec && json_is_true(json_object_get(rec, "protected")) ? 'P' : '.',
	       access(root, W_OK) == 0 ? 'W' : 'R');
	if (cli_has(&cmd_ps, a, "-m"))
		printf("%2.2s ", rec ? json_string_value(json_object_get(rec, "execmode")) ?: "?" : "?");
	if (cli_has(&cmd_ps, a, "-s"))
		printf("%5lld ", size_mb(r, id));
	printf("%-18.100s %-20.100s\n", names ? names_str(c->mem, names, n) : "", image ?: "?");
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	size_t n;
	char **ids = r ? repo_container_list(c->mem, r, &n, &e) : NULL;

	if (!ids)
		return cli_fail(&e);
	/* udocker's columns, trailing spaces included, so scripts that cut them keep working */
	printf("%-36s P M %s%sNAMES              IMAGE               \n", "CONTAINER ID",
	       cli_has(&cmd_ps, a, "-m") ? "MOD " : "", cli_has(&cmd_ps, a, "-s") ? "SIZE " : "");
	for (size_t i = 0; i < n; i++)
		print_row(c, r, ids[i], a);
	return CLI_OK;
}

const struct cli_cmd cmd_ps = {
	.name = "ps",
	.run = run,
	.usage = "[-m] [-s]",
	.summary = "list the containers",
	.opts = opts,
	.min_pos = 0,
	.max_pos = 0,
};
