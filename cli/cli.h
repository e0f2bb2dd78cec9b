/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli.h - the command table, option tables and shared helpers of the udockerc command line. */
#ifndef UDC_CLI_H
#define UDC_CLI_H

#include <talloc.h>

#include "common/error.h"
#include "common/repo.h"

#define CLI_MAX_OPTS 48

enum { CLI_OK = 0, CLI_ERR = 1, CLI_PREP_ERR = 2 };

struct cli_opt {
	const char *name;  /* long form, "--name" */
	const char *alias; /* short form, "-n", or NULL */
	const char *arg;   /* value placeholder ("NAME") when the option takes a value, else NULL */
	const char *help;
};

struct cli_ctx {
	TALLOC_CTX *mem;    /* the root context of this invocation */
	const char *repo_dir; /* --repo=DIR, or NULL for the default */
	int quiet, debug;
	int insecure;       /* the general --insecure: registries over HTTP or unverified TLS */
	struct repo *repo;  /* opened on first use */
};

struct cli_args {
	int set[CLI_MAX_OPTS];           /* how often each option was given */
	const char *val[CLI_MAX_OPTS];   /* its last value */
	char **pos;                      /* positional arguments */
	int npos;
	char **optv;                     /* the option words, for repeated options */
	int optc;
};

struct cli_cmd {
	const char *name;
	int (*run)(struct cli_ctx *c, const struct cli_args *a);
	const char *usage;   /* "[OPTIONS] IMAGE" */
	const char *summary; /* one line */
	const struct cli_opt *opts; /* NULL-terminated by name */
	int min_pos, max_pos;       /* positional argument counts; max -1: unlimited */
};

/* cli_opts.c */
/* Parse argv (after the command name) against cmd's options; stops at the first positional. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *a,
	      struct udc_error *e);
/* Index of option name in cmd's table (the opts array), or -1. */
int cli_opt_index(const struct cli_cmd *cmd, const char *name);
/* 1 when option name was given. */
int cli_has(const struct cli_cmd *cmd, const struct cli_args *a, const char *name);
/* The value of option name, or NULL. */
const char *cli_val(const struct cli_cmd *cmd, const struct cli_args *a, const char *name);
/* Every value of a repeatable option name, in order, NULL-terminated, child of mem_ctx. */
const char **cli_vals(TALLOC_CTX *mem_ctx, const struct cli_cmd *cmd, const struct cli_args *a,
		      const char *name);
/* Print the usage and options of cmd on stdout. */
void cli_usage(const struct cli_cmd *cmd);

/* cli_util.c */
/* The repository, opened (and created) on first use; NULL plus e. */
struct repo *cli_repo(struct cli_ctx *c, struct udc_error *e);
/* Print "Error: <msg>" on stderr and return CLI_ERR. */
int cli_fail(const struct udc_error *e);
/* Print a formatted error line and return CLI_ERR. */
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Resolve a container id or name, printing the error; NULL when unknown. */
char *cli_container(struct cli_ctx *c, const char *id_or_name);
struct reg_client;
struct reg_ref;
struct reg_target;
/* The credentials file of the repository, child of c->mem. */
const char *cli_cred_file(struct cli_ctx *c, struct repo *r);
/* A registry client for this invocation (credentials, CA from UDOCKERC_CA_BUNDLE, proxy). */
struct reg_client *cli_reg_client(struct cli_ctx *c, struct repo *r, int insecure,
				  const char *proxy, struct udc_error *e);
/* For a command with --insecure, --httpproxy and --registry: name resolved as a registry
 * reference, its target in *t and a client in *client. NULL plus e. */
struct reg_ref *cli_registry_ref(struct cli_ctx *c, const struct cli_cmd *cmd,
				 const struct cli_args *a, const char *name,
				 struct reg_client **client, struct reg_target *t,
				 struct udc_error *e);

/* cmd_pull.c */
/* Pull name with the pull options (--platform, --registry, --insecure, --httpproxy) that cmd
 * (pull or run) was given in a; the local image name in *local. 0, or -errno plus e. */
int cli_pull(struct cli_ctx *c, struct repo *r, const struct cli_cmd *cmd,
	     const struct cli_args *a, const char *name, char **local, struct udc_error *e);

/* cli_cpuset.c */
/* --cpuset-cpus=LIST ("0-3,6"): bind this process, and so what it starts, to those CPUs; NULL
 * list: nothing. 0, or -errno plus e naming the list. */
int cli_cpuset(const char *list, struct udc_error *e);

/* cli_container.c */
/* Check a new container name before building: invalid or taken is an error; with force a taken
 * name is warned about and *name set to NULL (udocker's create --force). */
int cli_check_name(struct repo *r, const char **name, int force, struct udc_error *e);
/* Build a container of image and install it under name (may be NULL); its id in *id. Its mode
 * is UDOCKERC_DEFAULT_EXECUTION_MODE when set (an unknown mode is an error), else P1. */
int cli_create(struct repo *r, const char *image, const char *name, char **id,
	       struct udc_error *e);
/* Whether this udockerc can run execution mode mode. */
int cli_mode_known(const char *mode);
/* Set the execution mode of container id (under META); the image's files are not touched. */
int cli_set_mode(struct repo *r, const char *id, const char *mode, struct udc_error *e);
/* Delete the container what (id or name); a protected one is kept (-EPERM). */
int cli_remove(struct repo *r, const char *what, struct udc_error *e);

/* The commands, one file each (cmd_<name>.c). */
extern const struct cli_cmd cmd_import, cmd_images, cmd_create, cmd_ps, cmd_name, cmd_rmname,
	cmd_rename, cmd_inspect, cmd_protect, cmd_unprotect, cmd_clone, cmd_export, cmd_tag,
	cmd_rmi, cmd_rm, cmd_verify, cmd_mkrepo, cmd_showconf, cmd_version, cmd_help, cmd_pull,
	cmd_login, cmd_logout, cmd_manifest, cmd_search, cmd_run, cmd_setup, cmd_load, cmd_save;

/* main.c */
/* The command called name, or NULL. */
const struct cli_cmd *cli_find(const char *name);
/* Print the general help (command list). */
void cli_general_help(void);

#define UDOCKERC_VERSION "0.1.0"

#endif
