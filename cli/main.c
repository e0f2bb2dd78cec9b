/* SPDX-License-Identifier: GPL-2.0-or-later */
/* main.c - udockerc's entry point: general options, the command table, exit codes. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

static const struct cli_cmd *const commands[] = {
	&cmd_run,    &cmd_setup,  &cmd_pull,   &cmd_login,  &cmd_logout, &cmd_manifest, &cmd_search,
	&cmd_images, &cmd_import, &cmd_export, &cmd_create, &cmd_ps,     &cmd_rm,
	&cmd_rmi,    &cmd_tag,    &cmd_inspect, &cmd_verify, &cmd_clone, &cmd_name,
	&cmd_rmname, &cmd_rename, &cmd_protect, &cmd_unprotect, &cmd_mkrepo, &cmd_showconf,
	&cmd_load,   &cmd_save,   &cmd_version, &cmd_help, NULL,
};

/* The command called name, or NULL. */
const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Print the general help (command list). */
void cli_general_help(void)
{
	printf("udockerc %s: run Docker/OCI container images as an ordinary user\n\n"
	       "Usage: udockerc [GENERAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
	       "General options:\n"
	       "  -D, --debug                debug messages\n"
	       "  -q, --quiet                errors only\n"
	       "  --repo=DIR                 use the repository in DIR\n"
	       "  -h, --help                 this help\n"
	       "  -V, --version              print the version\n"
	       "  --allow-root               accepted for udocker compatibility\n"
	       "  --insecure                 registries over HTTP or with unverified TLS\n\n"
	       "Commands:\n",
	       UDOCKERC_VERSION);
	for (size_t i = 0; commands[i]; i++)
		printf("  %-12s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nudockerc COMMAND --help shows the options of a command.\n");
}

/* Apply one general option; returns words used, 0 when argv[i] is not one, -1 on error. */
static int general_option(struct cli_ctx *c, int argc, char **argv, int i)
{
	const char *w = argv[i];

	if (!strcmp(w, "-D") || !strcmp(w, "--debug"))
		return c->debug = 1, 1;
	if (!strcmp(w, "-q") || !strcmp(w, "--quiet"))
		return c->quiet = 1, 1;
	if (!strcmp(w, "--allow-root"))
		return 1;
	if (!strcmp(w, "--insecure"))
		return c->insecure = 1, 1;
	if (!strncmp(w, "--repo=", 7))
		return c->repo_dir = w + 7, 1;
	if (!strcmp(w, "--repo")) {
		if (i + 1 >= argc)
			return -1;
		c->repo_dir = argv[i + 1];
		return 2;
	}
	return 0;
}

/* 1 when a -h/--help comes before the first positional argument of a command. */
static int wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

static int run_command(struct cli_ctx *c, const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_args a;
	struct udc_error e;

	if (wants_help(argc, argv)) {
		cli_usage(cmd);
		return CLI_OK;
	}
	if (cli_parse(cmd, argc, argv, &a, &e) < 0)
		return cli_fail(&e);
	return cmd->run(c, &a);
}

static int dispatch(struct cli_ctx *c, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int i = 1, used;

	for (; i < argc && argv[i][0] == '-'; i += used) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return cli_general_help(), CLI_OK;
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version"))
			return cmd_version.run(c, NULL);
		used = general_option(c, argc, argv, i);
		if (used < 0)
			return cli_failf("option %s needs a value", argv[i]);
		if (used == 0)
			return cli_failf("unknown general option %s (see udockerc --help)", argv[i]);
	}
	udc_log_set_level(c->debug ? UDC_LOG_DBG : c->quiet ? UDC_LOG_ERR : UDC_LOG_INF);
	if (i >= argc) {
		cli_general_help();
		return CLI_ERR;
	}
	cmd = cli_find(argv[i]);
	if (!cmd)
		return cli_failf("invalid command: %s (see udockerc --help)", argv[i]);
	return run_command(c, cmd, argc - i - 1, argv + i + 1);
}

int main(int argc, char **argv)
{
	struct cli_ctx c = { 0 };
	int status;

	c.mem = talloc_new(NULL);
	if (!c.mem) {
		fputs("Error: out of memory\n", stderr);
		return CLI_ERR;
	}
	status = dispatch(&c, argc, argv);
	if (fflush(stdout) != 0 && status == CLI_OK)
		status = cli_failf("cannot write the output: %s", strerror(errno));
	talloc_free(c.mem);
	return status;
}
