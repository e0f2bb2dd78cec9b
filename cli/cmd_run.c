/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_run.c - `run CONTAINER [CMD [ARG...]]`: run a container under its execution engine. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "common/run_spec.h"
#include "ptrace/pt_engine.h"

extern char **environ;

static const struct cli_opt opts[] = {
	{ "--volume", "-v", "HOST[:GUEST[:ro]]", "bind a host file or directory into the guest" },
	{ "--env", "-e", "K=V", "set K in the guest (-e K copies the host's value)" },
	{ "--env-file", NULL, "FILE", "set the K=V lines of FILE in the guest" },
	{ "--workdir", "-w", "DIR", "working directory in the guest" },
	{ "--entrypoint", NULL, "CMD", "replace the image's entrypoint (empty: none)" },
	{ "--user", "-u", "USER[:GROUP]", "run as this guest user (name or uid; root is emulated)" },
	{ "--kernel", NULL, "X.Y.Z", "the kernel release uname reports in the guest" },
	{ "--novol", NULL, "PATH", "do not bind this default system path" },
	{ "--nosysdirs", NULL, NULL, "no default binds of /dev, /proc, /sys and /etc files" },
	{ "--hostenv", NULL, NULL, "pass the host environment under the image's" },
	{ "--hostauth", NULL, NULL, "use the host's /etc/passwd and /etc/group" },
	{ "--bindhome", NULL, NULL, "bind the host home directory" },
	{ "--nometa", NULL, NULL, "ignore the image's configuration" },
	{ NULL, NULL, NULL, NULL },
};

static const struct engine *const engines[] = { &pt_engine_p1, &pt_engine_p2, NULL };

/* The engine of execution mode mode, or NULL plus e. */
static const struct engine *engine_for(const char *mode, struct udc_error *e)
{
	for (size_t i = 0; engines[i]; i++)
		if (!strcmp(engines[i]->name, mode))
			return engines[i];
	udc_fail(e, ENOTSUP, "execution mode %s is not available in this udockerc (P1, P2)", mode);
	return NULL;
}

/* The run options of the command line, as plain data. */
static void collect(TALLOC_CTX *ctx, const struct cli_args *a, struct run_opts *o)
{
	const struct cli_cmd *me = &cmd_run;
	static const struct { const char *name; unsigned int flag; } flags[] = {
		{ "--nosysdirs", RUN_OPT_NOSYSDIRS }, { "--hostenv", RUN_OPT_HOSTENV },
		{ "--hostauth", RUN_OPT_HOSTAUTH },   { "--bindhome", RUN_OPT_BINDHOME },
		{ "--nometa", RUN_OPT_NOMETA },
	};

	o->volumes = cli_vals(ctx, me, a, "--volume");
	o->env = cli_vals(ctx, me, a, "--env");
	o->env_file = cli_vals(ctx, me, a, "--env-file");
	o->novol = cli_vals(ctx, me, a, "--novol");
	o->cmd = (const char *const *)(a->pos + 1);
	o->workdir = cli_val(me, a, "--workdir");
	o->entrypoint = cli_val(me, a, "--entrypoint");
	o->user = cli_val(me, a, "--user");
	o->kernel = cli_val(me, a, "--kernel");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (cli_has(me, a, flags[i].name))
			o->flags |= flags[i].flag;
	if (cli_has(me, a, "--entrypoint"))
		o->flags |= RUN_OPT_ENTRYPOINT;
}

/* Prepare the container: its record, names, spec and engine. 0, or -errno plus e. */
static int prepare(struct cli_ctx *c, struct repo *r, const char *id, const struct cli_args *a,
		   struct run_spec **spec, const struct engine **eng, struct udc_error *e)
{
	json_t *rec = repo_container_get(c->mem, r, id, e);
	size_t n;
	char **names = rec ? repo_name_list(c->mem, r, id, &n, e) : NULL;
	const char *mode;
	struct run_opts o = { 0 };

	if (!names)
		return -e->code;
	collect(c->mem, a, &o);
	o.names = (const char *const *)names;
	mode = json_string_value(json_object_get(rec, "execmode"));
	if (!(*eng = engine_for(mode ? mode : "P1", e)))
		return -e->code;
	*spec = run_spec_new(c->mem, repo_container_root(c->mem, r, id), id, rec, &o, environ, e);
	return *spec ? 0 : -e->code;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	char *id = r ? cli_container(c, a->pos[0]) : NULL;
	const struct engine *eng = NULL;
	struct run_spec *spec = NULL;
	int status = 0;

	if (!r)
		return cli_fail(&e);
	if (!id)
		return CLI_ERR;
	if (prepare(c, r, id, a, &spec, &eng, &e) < 0 || !eng || !spec ||
	    eng->run(eng, spec, &status, &e) < 0) {
		cli_fail(&e);
		return CLI_PREP_ERR; /* udocker: the container could not be prepared or started */
	}
	return status;
}

const struct cli_cmd cmd_run = {
	.name = "run",
	.run = run,
	.usage = "[OPTIONS] CONTAINER [CMD [ARG...]]",
	.summary = "run a command in a container (P engine: ptrace, seccomp-accelerated)",
	.opts = opts,
	.min_pos = 1,
	.max_pos = -1,
};
