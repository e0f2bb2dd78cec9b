/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_loop.h - run a guest under the ptrace tracer (P1: seccomp-filtered, P2: every syscall). */
#ifndef UDC_PT_LOOP_H
#define UDC_PT_LOOP_H

#include <pthread.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include "common/engine.h"
#include "common/error.h"
#include "ptrace/pt_notif.h"
#include "ptrace/pt_probe.h"
#include "ptrace/pt_sysno.h"
#include "ptrace/pt_tracee.h"

enum pt_run_mode {
	PT_RUN_P1 = 1, /* seccomp filter: only the table's syscalls stop */
	PT_RUN_P2 = 2, /* no filter: PTRACE_SYSCALL on every syscall */
};

/*
 * Run s to completion: fork, seize the child (EXITKILL, every fork/vfork/clone followed), let it
 * install the filter (P1) and exec s->exe, translate paths until the last tracee is gone.
 * Returns 0 with the first tracee's status in *exit_status (exit code, or 128+N after signal
 * N), or -errno plus e when the guest could not be started. Reaps every tracee it made.
 */
int pt_run(const struct run_spec *s, unsigned int mode, int *exit_status, struct udc_error *e);

/* ---- shared by pt_loop.c, pt_enter.c and pt_exit.c only ---- */

struct pt_loop {
	const struct run_spec *spec;
	unsigned int mode;     /* enum pt_run_mode */
	unsigned int memflags; /* enum pt_mem_flag */
	unsigned int sysmode;  /* enum pt_mode: fake identity, --kernel (ptrace/pt_ident.c) */
	uid_t real_uid;	       /* the tracer's (and the tracees') real ids */
	gid_t real_gid;
	struct pt_probe probe;
	struct pt_tracees *tracees;
	unsigned long fs_next; /* the last fs group number given (pt_fsgroup.c) */
	pid_t first;
	int first_status;
	int first_done;
	long spin_ns; /* how long to poll for the next stop before sleeping (pt_wait.c) */
	const struct pm_table *table; /* the run's table (the spec's, or the shim's copy) */
	struct pt_shim *shim;	      /* the preload shim's settings (pt_shim.c), or NULL */
	unsigned long stops;	      /* ptrace stops served (UDOCKERC_PT_STATS=1 reports them) */
	unsigned long trapped[PT_SYS_COUNT]; /* seccomp stops per table entry (P1) */
	pthread_mutex_t lock;	      /* held while a stop or a notification is served */
	unsigned int notif_calls;     /* enum pt_notif_call: what the filter notifies (P1) */
	struct pt_notif *notif;	      /* the notification thread (pt_notif.c), or NULL */
	int listen_pipe;	      /* the first tracee's listener report, -1: taken (pt_loop.c) */
	int notif_err;		      /* errno: the notification thread could not start */
	unsigned long notified[PT_NOTIF_KINDS]; /* notifications served per kind, at the end */
	struct pt_loader_cache {      /* the options of the loader last scanned (pt_exec.c) */
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime;
		unsigned int opts;
	} loader;
};

/* Whether t's handled syscall needs the exit stop; the handler's results for pt_enter. */
enum pt_enter_result {
	PT_ENTER_CONT,	/* nothing more: let it run */
	PT_ENTER_EXIT,	/* stop at the syscall exit (fix the result, restore registers) */
	PT_ENTER_ERROR, /* the tracee vanished (-ESRCH) */
};

/* Handle the entry of table syscall idx (t->regs read already); enum pt_enter_result. */
int pt_enter(struct pt_loop *l, struct pt_tracee *t, int idx, int need_exit);
/* Handle the exit stop of t's handled syscall; 0 or -errno (-ESRCH: the tracee vanished). */
int pt_exit(struct pt_loop *l, struct pt_tracee *t);
/* The path map of t: the run's, or the one its chroot made. */
static inline const struct pm_table *pt_loop_table(const struct pt_loop *l,
						   const struct pt_tracee *t)
{
	return t->table ? t->table : l->table;
}
/* The guest cwd of t, recomputed from /proc/PID/cwd when unknown; NULL on failure. */
const char *pt_loop_cwd(struct pt_loop *l, struct pt_tracee *t);

#endif
