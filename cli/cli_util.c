/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_util.c - helpers every command uses: the repository, error printing, lookups. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pull/reg_pull.h"

/* The repository, opened (and created) on first use. */
struct repo *cli_repo(struct cli_ctx *c, struct udc_error *e)
{
	const char *dir = c->repo_dir;

	if (c->repo)
		return c->repo;
	if (!dir && !(dir = repo_default_dir(c->mem, e)))
		return NULL;
	c->repo = repo_open(c->mem, dir, e);
	return c->repo;
}

/* Print "Error: <msg>" on stderr; returns CLI_ERR. */
int cli_fail(const struct udc_error *e)
{
	fprintf(stderr, "Error: %s\n", e->msg[0] ? e->msg : "unknown failure");
	return CLI_ERR;
}

/* Print a formatted error line; returns CLI_ERR. */
int cli_failf(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERR;
}

/* Resolve a container id or name, printing the error; NULL when unknown. */
char *cli_container(struct cli_ctx *c, const char *id_or_name)
{
	struct udc_error e;
	struct repo *r = cli_repo(c, &e);
	char *id = r ? repo_container_resolve(c->mem, r, id_or_name, &e) : NULL;

	if (!id)
		cli_fail(&e);
	return id;
}

/* The credentials file of the repository (login/logout, pulls). */
const char *cli_cred_file(struct cli_ctx *c, struct repo *r)
{
	return talloc_asprintf(c->mem, "%s/credentials.json", r->dir);
}

/* A registry client for this invocation: the repository's credentials, then Docker's
 * ~/.docker/config.json; UDOCKERC_CA_BUNDLE adds a CA; proxy (udocker's --httpproxy) is
 * handed to libcurl as ALL_PROXY, else libcurl reads the *_proxy environment. */
struct reg_client *cli_reg_client(struct cli_ctx *c, struct repo *r, int insecure,
				  const char *proxy, struct udc_error *e)
{
	const char *home = getenv("HOME");
	const char *ca = getenv("UDOCKERC_CA_BUNDLE");
	struct reg_client_opts o = {
		.cred_file = cli_cred_file(c, r),
		.docker_config = home ? talloc_asprintf(c->mem, "%s/.docker/config.json", home)
				      : NULL,
		.insecure = insecure || c->insecure,
		.ca_file = ca && *ca ? ca : NULL,
		.user_agent = "udockerc/" UDOCKERC_VERSION,
	};

	if (proxy && setenv("ALL_PROXY", proxy, 1) < 0) {
		udc_fail_sys(e, "--httpproxy");
		return NULL;
	}
	return reg_client_new(c->mem, &o, e);
}

/* name as a registry reference for cmd's --insecure, --httpproxy and --registry options. */
struct reg_ref *cli_registry_ref(struct cli_ctx *c, const struct cli_cmd *cmd,
				 const struct cli_args *a, const char *name,
				 struct reg_client **client, struct reg_target *t,
				 struct udc_error *e)
{
	int insecure = cli_has(cmd, a, "--insecure") || c->insecure;
	struct repo *r = cli_repo(c, e);
	struct reg_ref *ref;

	*client = r ? cli_reg_client(c, r, insecure, cli_val(cmd, a, "--httpproxy"), e) : NULL;
	ref = *client ? reg_ref_parse(c->mem, name, cli_val(cmd, a, "--registry"), e) : NULL;
	if (ref)
		reg_pull_target(ref, insecure, t);
	return ref;
}
