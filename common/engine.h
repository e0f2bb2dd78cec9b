/* SPDX-License-Identifier: GPL-2.0-or-later */
/* engine.h - the plain description of what to run (struct run_spec) and the engine vtable. */
#ifndef UDC_ENGINE_H
#define UDC_ENGINE_H

/*
 * The front end (cli/) turns `run` options plus the container record into a struct run_spec
 * (common/run_spec.c) and hands it to the engine the container's execution mode names. Engines
 * see nothing else: no image, no registry, no command line. See docs/design/engine-interface.md.
 */

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/pm.h"

/* run_spec flags. */
enum run_spec_flag {
	RUN_FAKE_ROOT = 1u << 0, /* guest uid is 0: the engine emulates root (P: -0 of PRoot) */
	RUN_HOST_AUTH = 1u << 1, /* /etc/passwd and /etc/group are the host's (--hostauth) */
};

/*
 * What to run. Everything is one talloc tree (the table's arena included) and read-only for
 * the engine. Guest paths are absolute and canonical in the guest view of table.
 */
struct run_spec {
	const char *root;	/* canonical host path of the container root (guest "/") */
	struct pm_table *table; /* root, default system binds, volumes; strings in its arena */
	const char *exe;	/* guest path of the program: argv[0] looked up in PATH */
	char **argv;		/* NULL-terminated, argv[0] as given (not rewritten to exe) */
	char **envp;		/* NULL-terminated "K=V", exactly what the guest gets */
	const char *cwd;	/* guest working directory, an existing directory */
	const char *user;	/* guest user name, NULL for a uid not in the guest passwd */
	uid_t uid;		/* identity the guest is shown (under P) */
	gid_t gid;
	gid_t *groups; /* supplementary groups from the guest /etc/group */
	size_t ngroups;
	unsigned int flags;	  /* enum run_spec_flag */
	const char *kernel;	  /* release uname(2) reports (--kernel), NULL for the host's */
	const char *container_id; /* for messages and per-container state */
	const char *execmode;	  /* the container's execution mode ("P1", "P2", "F1", ...) */
};

struct engine;

/*
 * An engine. One entry per execution mode; modes of one engine (P1 and P2) share the functions
 * and tell themselves apart by variant. The front end keeps the table of engines and picks the
 * entry whose name is the container's execmode; common/ never includes an engine.
 */
struct engine {
	const char *name; /* execution mode, as `setup --execmode` and `ps -m` show it */
	int variant;	  /* engine-private: which mode of the engine this entry is */
	/*
	 * Whether this engine can run on this host and kernel (ptrace allowed, seccomp working,
	 * the preload library found, ...): 0, or -errno plus one line in e that names the cause
	 * and, where there is one, the mode to use instead.
	 */
	int (*probe)(const struct engine *self, struct udc_error *e);
	/*
	 * Run s to completion in the foreground: stdin/stdout/stderr inherited untouched, SIGINT
	 * and SIGTERM forwarded to the guest, no process left behind. Returns 0 with the guest's
	 * status in *exit_status (its exit code, or 128+N after death by signal N), or -errno plus
	 * e when the guest could not be started. Never exits the calling process.
	 */
	int (*run)(const struct engine *self, const struct run_spec *s, int *exit_status,
		   struct udc_error *e);
};

#endif
