/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_run.c - `run [OPTIONS] CONTAINER|IMAGE [CMD [ARG...]]`: run under the container's engine. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_target.h"
#include "common/log.h"
#include "common/run_spec.h"
#include "fakeld/fl_engine.h"
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
	{ "--containerauth", NULL, NULL, "use the container's /etc/passwd and /etc/group (default)" },
	{ "--bindhome", NULL, NULL, "bind the host home directory" },
	{ "--nometa", NULL, NULL, "ignore the image's configuration" },
	{ "--dri", NULL, NULL, "bind the host's graphics (DRI) directories that exist" },
	{ "--device", NULL, "DEV", "bind the host device DEV at the same path" },
	{ "--cpuset-cpus", NULL, "LIST", "run on these CPUs only (0-3,6)" },
	{ "--name", NULL, "NAME", "name the container (run of an image: the new container)" },
	{ "--rm", NULL, NULL, "delete the container when the command ends" },
	{ "--pull", NULL, "POLICY", "run of an image: missing (default), never, always, reuse" },
	{ "--platform", NULL, "OS/ARCH[/VARIANT]", "run of an image: pull for this platform" },
	{ "--registry", NULL, "URL", "run of an image: pull from this registry" },
	{ "--insecure", NULL, NULL, "run of an image: allow plain HTTP and unverified TLS" },
	{ "--httpproxy", NULL, "URL", "run of an image: proxy for the pull" },
	{ "--index", NULL, "URL", "accepted for udocker compatibility (not used)" },
	{ "--location", NULL, "DIR", "run a root directory that is not in the repository" },
	{ "--nobanner", NULL, NULL, "accepted for udocker compatibility (udockerc prints none)" },
	{ "--interactive", "-i", NULL, "accepted: stdin is always passed through" },
	{ "--tty", "-t", NULL, "accepted: the terminal is always passed through" },
	{ "--attach", "-a", NULL, "accepted: the standard streams are always attached" },
	{ "--publish", "-p", "HOST:GUEST", "not supported: the guest uses the host's network" },
	{ "--publish-all", "-P", NULL, "not supported: the guest uses the host's network" },
	{ "--netcoop", NULL, NULL, "not supported: the guest uses the host's network" },
	{ "--volumes-from", NULL, "CONTAINER", "accepted, no effect" },
	{ "--dns", NULL, "IP", "accepted, no effect (the host's /etc/resolv.conf is bound)" },
	{ "--dns-search", NULL, "DOMAIN", "accepted, no effect" },
	{ NULL, NULL, NULL, NULL },
};

static const struct engine *const engines[] = { &pt_engine_p1, &pt_engine_p2, &fl_engine_f1,
						 NULL };

/* The engine of execution mode mode, or NULL plus e. */
static const struct engine *engine_for(const char *mode, struct udc_error *e)
{
	for (size_t i = 0; engines[i]; i++)
		if (!strcmp(engines[i]->name, mode))
			return engines[i];
	udc_fail(e, ENOTSUP, "execution mode %s is not available in this udockerc (P1, P2, F1)", mode);
	return NULL;
}

/* -v values followed by one DEV:DEV bind per --device. */
static const char *const *volumes(TALLOC_CTX *ctx, const struct cli_args *a)
{
	const char **v = cli_vals(ctx, &cmd_run, a, "--volume");
	const char **d = cli_vals(ctx, &cmd_run, a, "--device");
	size_t nv = 0, nd = 0;

	while (v && v[nv])
		nv++;
	while (d && d[nd])
		nd++;
	if (!v || !d || !(v = talloc_realloc(ctx, v, const char *, nv + nd + 1)))
		return NULL;
	for (size_t i = 0; i < nd; i++)
		v[nv + i] = talloc_asprintf(v, "%s:%s", d[i], d[i]);
	v[nv + nd] = NULL;
	return v;
}

/* The run options of the command line, as plain data; the command after the first word. */
static void collect(TALLOC_CTX *ctx, const struct cli_args *a, char **cmd, struct run_opts *o)
{
	const struct cli_cmd *me = &cmd_run;
	static const struct { const char *name; unsigned int flag; } flags[] = {
		{ "--nosysdirs", RUN_OPT_NOSYSDIRS }, { "--hostenv", RUN_OPT_HOSTENV },
		{ "--hostauth", RUN_OPT_HOSTAUTH },   { "--bindhome", RUN_OPT_BINDHOME },
		{ "--nometa", RUN_OPT_NOMETA },	      { "--entrypoint", RUN_OPT_ENTRYPOINT },
		{ "--dri", RUN_OPT_DRI },
	};

	o->volumes = volumes(ctx, a);
	o->env = cli_vals(ctx, me, a, "--env");
	o->env_file = cli_vals(ctx, me, a, "--env-file");
	o->novol = cli_vals(ctx, me, a, "--novol");
	o->cmd = (const char *const *)cmd;
	o->workdir = cli_val(me, a, "--workdir");
	o->entrypoint = cli_val(me, a, "--entrypoint");
	o->user = cli_val(me, a, "--user");
	o->kernel = cli_val(me, a, "--kernel");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (cli_has(me, a, flags[i].name))
			o->flags |= flags[i].flag;
}

/* Say once what is accepted but cannot be done. */
static void warn_unsupported(const struct cli_args *a)
{
	static const char *const net[] = { "--publish", "--publish-all", "--netcoop" };
	static const char *const noop[] = { "--volumes-from", "--dns", "--dns-search" };

	for (size_t i = 0; i < 3; i++) {
		if (cli_has(&cmd_run, a, net[i]))
			udc_log(UDC_LOG_WRN, "%s: port mapping is not supported: the guest uses the "
					     "host's network and ports directly", net[i]);
		if (cli_has(&cmd_run, a, noop[i]))
			udc_log(UDC_LOG_WRN, "%s: accepted for compatibility, no effect", noop[i]);
	}
}

/* Build the spec of the container (record rec, root dir root; rec and r NULL for --location). */
static struct run_spec *spec_for(struct cli_ctx *c, struct repo *r, const char *root,
				 const char *id, json_t *rec, const struct cli_args *a, char **cmd,
				 const char *const *names, struct udc_error *e)
{
	struct run_opts o = { .repo = r };

	collect(c->mem, a, cmd, &o);
	if (!o.volumes)
		return udc_fail(e, ENOMEM, "out of memory"), NULL;
	o.names = names;
	return run_spec_new(c->mem, root, id, rec, &o, environ, e);
}

/* Run spec under the engine of mode; the guest's status, or CLI_PREP_ERR after one line. */
static int engine_run(const struct run_spec *spec, const char *mode, struct udc_error *e)
{
	const struct engine *eng = engine_for(mode, e);
	int status = 0;

	if (!eng || eng->run(eng, spec, &status, e) < 0) {
		cli_fail(e);
		return CLI_PREP_ERR; /* udocker: the container could not be prepared or started */
	}
	return status;
}

/* Run container id with the command cmd. */
static int run_container(struct cli_ctx *c, struct repo *r, const char *id,
			 const struct cli_args *a, char **cmd)
{
	struct udc_error e = { 0 };
	json_t *rec = repo_container_get(c->mem, r, id, &e);
	size_t n;
	char **names = rec ? repo_name_list(c->mem, r, id, &n, &e) : NULL;
	struct run_spec *spec;
	const char *mode;
	int status;

	if (!names)
		return cli_fail(&e);
	spec = spec_for(c, r, repo_container_root(c->mem, r, id), id, rec, a, cmd,
			(const char *const *)names, &e);
	if (!spec) {
		cli_fail(&e);
		return CLI_PREP_ERR;
	}
	mode = json_string_value(json_object_get(rec, "execmode"));
	status = engine_run(spec, mode ? mode : "P1", &e);
	talloc_free(spec); /* its per-run files (a stage of r) go now */
	return status;
}

/* --location=DIR: every positional argument is the command; no repository record. */
static int run_location(struct cli_ctx *c, const struct cli_args *a, const char *dir)
{
	static const char *const none[] = { NULL };
	const char *mode = getenv("UDOCKERC_DEFAULT_EXECUTION_MODE");
	struct udc_error e = { 0 };
	struct run_spec *spec;
	int status;

	if (a->npos == 0)
		return cli_failf("run --location=%s: no command given", dir);
	spec = spec_for(c, NULL, dir, NULL, NULL, a, a->pos, none, &e);
	if (!spec) {
		cli_fail(&e);
		return CLI_PREP_ERR;
	}
	status = engine_run(spec, mode && *mode ? mode : "P1", &e);
	talloc_free(spec);
	return status;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const char *loc = cli_val(&cmd_run, a, "--location");
	struct udc_error e = { 0 };
	struct run_target t;
	struct repo *r;
	int status;

	warn_unsupported(a);
	if (cli_cpuset(cli_val(&cmd_run, a, "--cpuset-cpus"), &e) < 0) {
		cli_fail(&e);
		return CLI_PREP_ERR;
	}
	if (loc)
		return run_location(c, a, loc);
	if (a->npos < 1)
		return cli_failf("run: missing argument: usage: udockerc run %s", cmd_run.usage);
	r = cli_repo(c, &e);
	if (!r || run_target_get(c, r, &cmd_run, a, a->pos[0], &t, &e) < 0)
		return cli_fail(&e);
	status = run_container(c, r, t.id, a, a->pos + 1);
	if (cli_has(&cmd_run, a, "--rm") && cli_remove(r, t.id, &e) < 0)
		udc_log(UDC_LOG_WRN, "--rm: %s", e.msg);
	return status;
}

const struct cli_cmd cmd_run = {
	.name = "run",
	.run = run,
	.usage = "[OPTIONS] CONTAINER|IMAGE [CMD [ARG...]]",
	.summary = "run a command in a container, or in a new container of an image",
	.opts = opts,
	.min_pos = 0,
	.max_pos = -1,
};
