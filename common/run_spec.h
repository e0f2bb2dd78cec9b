/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_spec.h - `run` options plus a container record -> struct run_spec (what to run). */
#ifndef UDC_RUN_SPEC_H
#define UDC_RUN_SPEC_H

#include <jansson.h>
#include <talloc.h>

#include "common/engine.h"
#include "common/error.h"

struct repo;

/* run_opts flags. */
enum run_opt_flag {
	RUN_OPT_NOSYSDIRS = 1u << 0,  /* no default system binds */
	RUN_OPT_HOSTENV = 1u << 1,    /* the host environment under the image's */
	RUN_OPT_HOSTAUTH = 1u << 2,   /* the host's /etc/passwd and /etc/group, bound in */
	RUN_OPT_BINDHOME = 1u << 3,   /* the host $HOME at the same path */
	RUN_OPT_NOMETA = 1u << 4,     /* ignore the image config */
	RUN_OPT_ENTRYPOINT = 1u << 5, /* entrypoint was given (NULL or "" clears the image's) */
	RUN_OPT_DRI = 1u << 6,	      /* --dri: the host's graphics directories that exist */
};

/*
 * What the command line collected, as plain data. Arrays are NULL-terminated and may be NULL
 * (empty); strings may be NULL (not given). Nothing here is owned by run_spec_new.
 */
struct run_opts {
	const char *const *env;	     /* -e K=V or -e K, in order */
	const char *const *env_file; /* --env-file=FILE, in order */
	const char *const *volumes;  /* -v HOST[:GUEST[:ro|rw]] */
	const char *const *novol;    /* --novol=PATH: drop that default system bind */
	const char *const *cmd;	     /* CMD [ARG...] after the container name */
	const char *const *names;    /* the container's names, for container_names */
	const char *entrypoint;	     /* --entrypoint=X, with RUN_OPT_ENTRYPOINT */
	const char *workdir;	     /* -w */
	const char *user;	     /* -u NAME|UID[:GID|:GROUP] */
	const char *kernel;	     /* --kernel */
	unsigned int flags;	     /* enum run_opt_flag */
	struct repo *repo;	     /* where per-run files go (a stage); NULL: under $TMPDIR */
};

/* The default PATH when the image sets none (Docker's). */
#define RUN_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Build the run_spec of container_id, whose root directory is root and whose record (the
 * parsed container.json) is container_record, for options o; host_environ is the host
 * environment (environ). One talloc tree under mem_ctx; NULL plus e (one line naming the
 * culprit) when the container cannot be prepared.
 */
struct run_spec *run_spec_new(TALLOC_CTX *mem_ctx, const char *root, const char *container_id,
			      json_t *container_record, const struct run_opts *o,
			      char **host_environ, struct udc_error *e);

/*
 * Create the missing mount points of s's binds inside the container (directories on the way,
 * an empty file for a file bind), never outside it; 0, or -errno plus e (the run can go on:
 * the binds themselves still work, `ls` of their parent just does not list them).
 */
int run_mounts_prepare(const struct run_spec *s, struct udc_error *e);

/* Value of K in a NULL-terminated "K=V" array, NULL when absent. */
const char *run_env_get(char *const *envp, const char *key);

/* ---- shared by run_spec.c, run_env.c and run_user.c only ---- */

/* The whole host file path, NUL-terminated, child of mem_ctx (*len: its size, may be NULL);
 * NULL plus e ("path: reason"). Files over 16 MiB are refused (-EFBIG). */
char *run_spec_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t *len, struct udc_error *e);

/* run_user.missing: what the guest's files lack (run_ident.c then adds it in private copies). */
enum run_user_missing {
	RUN_USER_NO_PASSWD = 1u << 0, /* the uid has no line in the guest's /etc/passwd */
	RUN_USER_NO_GROUP = 1u << 1,  /* the gid has no line in the guest's /etc/group */
};

/* The guest user, resolved from /etc/passwd and /etc/group of the guest view. */
struct run_user {
	const char *name; /* NULL when uid has no passwd entry (uid 0: "root" all the same) */
	const char *home; /* "/" when unknown */
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	unsigned int missing; /* enum run_user_missing */
};

/* Resolve spec ("" or NULL: root) in the guest view t; children of mem_ctx; 0 or -errno + e. */
int run_user_resolve(TALLOC_CTX *mem_ctx, const struct pm_table *t, const char *spec,
		     struct run_user *u, struct udc_error *e);

/*
 * A new per-run directory (its absolute path), removed when ctx is freed: a stage of r, or with
 * r NULL $TMPDIR/udockerc-run-XXXXXX; flock'ed meanwhile, so that one a dead run left behind is
 * collected later. NULL plus e.
 */
const char *run_dir_new(TALLOC_CTX *ctx, struct repo *r, struct udc_error *e);

/*
 * A uid or gid the guest's /etc/passwd or /etc/group lacks (u->missing, ids other than 0): bind
 * a private copy of that file plus one line for it over the guest path, read-only, in a
 * per-run directory (a repository stage, else under $TMPDIR) that goes with s; the image is
 * never edited. A new user is named as udocker names one (u->name set). 0 or -errno plus e.
 */
int run_ident_files(struct run_spec *s, const struct run_opts *o, struct run_user *u,
		    struct udc_error *e);

/* The inputs of the environment besides the options. */
struct run_env_in {
	json_t *image_env;   /* the image's Env array, or NULL */
	char **host_environ; /* the host environment */
	const struct run_user *user;
	const char *root;
	const char *container_id;
	const char *execmode;
};

/* The guest environment, a NULL-terminated array child of mem_ctx; NULL plus e on failure. */
char **run_env_build(TALLOC_CTX *mem_ctx, const struct run_opts *o, const struct run_env_in *in,
		     struct udc_error *e);

#endif
