/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_enter.h - what pt_enter.c lends the per-family handlers: the tracee's fs view, path slots. */
#ifndef UDC_PT_ENTER_H
#define UDC_PT_ENTER_H

#include "common/pm.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_sysno.h"

/* The pm_fs context of a tracee: whose /proc/self it is, its table, magic-link policy. */
struct pt_fs_ctx {
	pid_t pid;
	const struct pm_table *table;
	int magic; /* errno for following a /proc/PID magic link (scoped openat2), 0: follow it */
	struct pt_tracees *tracees; /* whose exe links answer with the guest program (pt_proc.c) */
};

/* Fill c and fs with tracee t's view (table of t, magic links followed). */
void pt_fs_init(struct pt_loop *l, struct pt_tracee *t, struct pt_fs_ctx *c, struct pm_fs *fs);
/* The host path of t's dirfd fd (AT_FDCWD: its cwd) in host[PATH_MAX]; 0 or -errno. */
int pt_dirfd_host(struct pt_tracee *t, int fd, char *host);
/* The guest directory of t's dirfd fd (AT_FDCWD: its cwd), in dir[PATH_MAX]; 0 or -errno. */
int pt_dir_guest(struct pt_loop *l, struct pt_tracee *t, int fd, char *dir);
/* The guest directory a relative path of slot is resolved from, in dir[PATH_MAX]; 0/-errno. */
int pt_slot_base(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
		 unsigned int slot, char *dir);
/* The tracee's path of slot in path[PATH_MAX]: its length, 0 (NULL or unmapped), -errno. */
int pt_slot_read(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s,
		 unsigned int slot, char *path);

#endif
