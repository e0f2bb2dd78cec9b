/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_login.c - `login` and `logout`: registry credentials in the repository (mode 0600). */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pull/reg_auth.h"
#include "pull/reg_pull.h"

static const struct cli_opt login_opts[] = {
	{ "--registry", NULL, "URL", "the registry (default: Docker Hub)" },
	{ "--username", NULL, "USER", "the user name (asked for on a terminal when absent)" },
	{ "--password", NULL, "PASSWORD", "the password (visible to other users: prefer stdin)" },
	{ "--password-stdin", NULL, NULL, "read the password from standard input" },
	{ NULL, NULL, NULL, NULL },
};

static const struct cli_opt logout_opts[] = {
	{ "--registry", NULL, "URL", "the registry (default: Docker Hub)" },
	{ "-a", NULL, NULL, "forget the credentials of every registry" },
	{ NULL, NULL, NULL, NULL },
};

/* Read one line from stdin (no echo on a terminal when secret), child of mem_ctx. */
static char *read_line(TALLOC_CTX *mem_ctx, const char *prompt, int secret)
{
	char buf[1024];
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	int hidden = secret && tty && tcgetattr(STDIN_FILENO, &old) == 0;
	char *got;

	if (tty)
		fputs(prompt, stderr);
	if (hidden) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	got = fgets(buf, sizeof(buf), stdin);
	if (hidden) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!got)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	return talloc_strdup(mem_ctx, buf);
}

/* The registry host named by --registry (Docker Hub when NULL), child of mem_ctx. */
static struct reg_ref *registry_of(TALLOC_CTX *mem_ctx, const char *registry, struct udc_error *e)
{
	return reg_ref_parse(mem_ctx, "library/login", registry, e);
}

static int run_login(struct cli_ctx *c, const struct cli_args *a)
{
	const struct cli_cmd *me = &cmd_login;
	const char *user = cli_val(me, a, "--username"), *pass = cli_val(me, a, "--password");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	struct reg_ref *ref = r ? registry_of(c->mem, cli_val(me, a, "--registry"), &e) : NULL;
	struct reg_client *client = ref ? cli_reg_client(c, r, 0, NULL, &e) : NULL;
	struct reg_target t;

	if (!client)
		return cli_fail(&e);
	if (!user && !(user = read_line(c->mem, "Username: ", 0)))
		return cli_failf("login: no user name given");
	if (cli_has(me, a, "--password-stdin") || !pass)
		pass = read_line(c->mem, "Password: ", 1);
	if (!pass || !*pass)
		return cli_failf("login: no password given");
	reg_pull_target(ref, 0, &t);
	t.repository = NULL;
	if (reg_login_check(client, &t, user, pass, &e) < 0 ||
	    reg_cred_store(cli_cred_file(c, r), ref->registry, user, pass, &e) < 0)
		return cli_fail(&e);
	fprintf(stderr, "Info: login succeeded: %s\n", ref->registry);
	return CLI_OK;
}

static int run_logout(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	int all = cli_has(&cmd_logout, a, "-a");
	struct reg_ref *ref = r && !all ? registry_of(c->mem, cli_val(&cmd_logout, a, "--registry"),
						      &e)
				       : NULL;

	if (!r || (!all && !ref))
		return cli_fail(&e);
	if (reg_cred_remove(cli_cred_file(c, r), all ? NULL : ref->registry, &e) < 0) {
		if (e.code != ENOENT)
			return cli_fail(&e);
		return cli_failf("not logged in: %s", all ? "any registry" : ref->registry);
	}
	return CLI_OK;
}

const struct cli_cmd cmd_login = {
	.name = "login",
	.run = run_login,
	.usage = "[--registry=URL] [--username=USER] [--password=PASSWORD | --password-stdin]",
	.summary = "store the credentials of a registry (checked first)",
	.opts = login_opts,
	.min_pos = 0,
	.max_pos = 0,
};

const struct cli_cmd cmd_logout = {
	.name = "logout",
	.run = run_logout,
	.usage = "[--registry=URL] [-a]",
	.summary = "forget the credentials of a registry",
	.opts = logout_opts,
	.min_pos = 0,
	.max_pos = 0,
};
