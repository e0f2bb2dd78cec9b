/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_loop.c - start the guest under ptrace and serve its stops until the last tracee is gone. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_abi.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_fsgroup.h"
#include "ptrace/pt_ident.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_notif.h"
#include "ptrace/pt_probe.h"
#include "ptrace/pt_proc.h"
#include "ptrace/pt_seccomp.h"
#include "ptrace/pt_shim.h"
#include "ptrace/pt_signal.h"
#include "ptrace/pt_sysno.h"
#include "ptrace/pt_wait.h"

#define PT_OPTS                                                                                    \
	(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |    \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD)

const char *pt_loop_cwd(struct pt_loop *l, struct pt_tracee *t)
{
	char link[64], host[PATH_MAX], guest[PATH_MAX];
	ssize_t n;

	if (t->cwd)
		return t->cwd;
	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)t->pid);
	n = readlink(link, host, sizeof(host) - 1);
	if (n < 0)
		return NULL;
	host[n] = '\0';
	if (pm_map_host(pt_loop_table(l, t), host, guest, NULL) != 0 || pt_tracee_set_cwd(t, guest) != 0)
		return NULL;
	return t->cwd;
}

/* A new tracee pid with guest cwd and the identity of parent (NULL: found in /proc); or NULL. */
static struct pt_tracee *pt_new(struct pt_loop *l, pid_t pid, const char *cwd,
				const struct pt_tracee *parent)
{
	struct pt_tracee *t = pt_tracee_new(l->tracees, pid, cwd);

	if (t && pt_ident_inherit(l, t, parent) != 0) {
		pt_tracee_del(l->tracees, t);
		return NULL;
	}
	return t;
}

/* Resume t after a stop, delivering sig; PTRACE_SYSCALL when a syscall stop must come. */
static void pt_resume(struct pt_loop *l, struct pt_tracee *t, int sig)
{
	int req = PTRACE_CONT;

	if (l->mode == PT_RUN_P2 || t->state != PT_TS_OUTSIDE)
		req = PTRACE_SYSCALL;
	ptrace((enum __ptrace_request)req, t->pid, 0, (void *)(long)sig);
}

/* End the handling of t's syscall without an exit stop. */
static void pt_done(struct pt_tracee *t)
{
	t->state = PT_TS_OUTSIDE;
	t->sysidx = -1;
	t->restore = t->fail = t->execed = 0;
	t->pending = NULL;
	talloc_free_children(t->event);
}

/* Handle the entry of table syscall idx in t; need_exit from the table (or the filter). */
static void pt_on_entry(struct pt_loop *l, struct pt_tracee *t, int idx, int need_exit)
{
	int r;

	if (ptrace(PTRACE_GETREGS, t->pid, 0, &t->regs) != 0)
		return;
	r = pt_enter(l, t, idx, need_exit);
	if (r == PT_ENTER_ERROR)
		return;
	if (r == PT_ENTER_CONT) {
		pt_done(t);
		if (l->mode == PT_RUN_P2)
			t->state = PT_TS_ENTERED; /* its exit stop still comes: not an entry */
	} else if (l->mode == PT_RUN_P1) {
		t->state = l->probe.order == PT_ORDER_SECCOMP_FIRST ? PT_TS_WAIT_ENTRY
								     : PT_TS_WAIT_EXIT;
	} else {
		t->state = PT_TS_WAIT_EXIT;
	}
	pt_resume(l, t, 0);
}

/* A seccomp stop (P1): the filter's data names the table entry and the exit-stop bit. */
static void pt_on_seccomp(struct pt_loop *l, struct pt_tracee *t)
{
	unsigned long data = 0;

	ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &data);
	if (data == PT_SECCOMP_DATA_PROBE) { /* the probe filter, long after the probe: a no-op */
		pt_resume(l, t, 0);
		return;
	}
	if (data & PT_SECCOMP_DATA_FOREIGN) {
		if (ptrace(PTRACE_GETREGS, t->pid, 0, &t->regs) == 0) {
			pt_reg_set_sysno(&t->regs, -1);
			pt_reg_set_ret(&t->regs, -ENOSYS);
			ptrace(PTRACE_SETREGS, t->pid, 0, &t->regs);
		}
		pt_resume(l, t, 0);
		return;
	}
	if ((data & PT_SECCOMP_DATA_INDEX) < PT_SYS_COUNT)
		l->trapped[data & PT_SECCOMP_DATA_INDEX]++;
	pt_on_entry(l, t, (int)(data & PT_SECCOMP_DATA_INDEX), !!(data & PT_SECCOMP_DATA_EXIT));
}

/* A syscall stop (entry or exit; P2 always, P1 only after a seccomp stop asked for it). */
static void pt_on_syscall(struct pt_loop *l, struct pt_tracee *t)
{
	struct user_regs_struct r;
	const struct pt_sysent *s;
	int idx;

	switch (t->state) {
	case PT_TS_WAIT_ENTRY:
		t->state = PT_TS_WAIT_EXIT;
		break;
	case PT_TS_WAIT_EXIT:
	case PT_TS_ENTERED:
		if (t->sysidx >= 0)
			pt_exit(l, t);
		pt_done(t);
		break;
	default:
		if (l->mode != PT_RUN_P2 || ptrace(PTRACE_GETREGS, t->pid, 0, &r) != 0)
			break;
		t->state = PT_TS_ENTERED;
		if (pt_abi_foreign(t->pid, &r, l->probe.syscall_info_ok)) {
			pt_reg_set_sysno(&r, -1); /* no i386 table yet: the kernel answers ENOSYS */
			ptrace(PTRACE_SETREGS, t->pid, 0, &r);
			break;
		}
		idx = pt_sysent_index(pt_reg_sysno(&r));
		s = idx >= 0 ? &pt_sysent_table[idx] : NULL;
		if (s && pt_sysent_active(s, l->sysmode)) {
			pt_on_entry(l, t, idx, pt_sysent_exit(s, l->sysmode));
			return;
		}
		break;
	}
	pt_resume(l, t, 0);
}

/* A fork/vfork/clone event in parent t: the new tracee inherits its guest cwd and identity. */
static void pt_on_child(struct pt_loop *l, struct pt_tracee *t)
{
	unsigned long msg = 0;
	struct pt_tracee *c;

	if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg) == 0) {
		c = pt_tracee_find(l->tracees, (pid_t)msg);
		if (!c) {
			c = pt_new(l, (pid_t)msg, t->cwd, t);
			if (c)
				c->fresh = 1;
		} else {
			pt_tracee_set_cwd(c, t->cwd);
		}
		if (c) {
			pt_proc_child(c, t);
			pt_chroot_inherit(c, t);
			pt_fsgroup_child(l, c, t);
		}
	}
	pt_resume(l, t, 0);
}

/* A PTRACE_EVENT_STOP: the first stop of a new tracee, a group-stop or an interrupt. */
static void pt_on_event_stop(struct pt_loop *l, struct pt_tracee *t, int sig)
{
	if (t->fresh) {
		t->fresh = 0;
		pt_resume(l, t, 0);
	} else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		ptrace(PTRACE_LISTEN, t->pid, 0, 0);
	} else {
		pt_resume(l, t, 0);
	}
}

/* A stop of t with status st. */
static void pt_on_stop(struct pt_loop *l, struct pt_tracee *t, int st)
{
	int sig = WSTOPSIG(st), ev = (unsigned int)st >> 16;

	l->stops++;
	switch (ev) {
	case 0:
		if (sig == (SIGTRAP | 0x80))
			pt_on_syscall(l, t);
		else
			pt_resume(l, t, sig); /* signal-delivery stop: forward it */
		return;
	case PTRACE_EVENT_SECCOMP:
		pt_on_seccomp(l, t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		pt_on_child(l, t);
		return;
	case PTRACE_EVENT_EXEC:
		t = pt_proc_exec_done(l, t);
		t->execed = 1;
		if (l->mode == PT_RUN_P1 && t->state == PT_TS_WAIT_EXIT)
			pt_done(t); /* a new program: no registers to restore, its exit stop is moot */
		pt_resume(l, t, 0);
		return;
	case PTRACE_EVENT_STOP:
		pt_on_event_stop(l, t, sig);
		return;
	default:
		pt_resume(l, t, 0);
		return;
	}
}

/* The status of pid ended: record it for the first tracee, forget the tracee. */
static void pt_on_end(struct pt_loop *l, pid_t pid, int st)
{
	struct pt_tracee *t = pt_tracee_find(l->tracees, pid);

	if (pid == l->first && !l->first_done) {
		l->first_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		l->first_done = 1;
		pt_signal_end(); /* no one to forward to: a signal acts on udockerc again */
	}
	if (t)
		pt_tracee_del(l->tracees, t);
	/* the container ends with its first process, as Docker's does: no process outlives it */
	if (pid == l->first)
		pt_tracee_kill_all(l->tracees);
}

/*
 * The first tracee's listener report (its fd number, or -1: none) is read at its first stops,
 * never waited for: the child may need the tracer before it writes (a signal-delivery stop).
 * It writes before its first trapped call, so the report is in by its chdir's seccomp stop,
 * before any notified call. The notification thread then serves the listener; if it cannot,
 * the run ends (a notified call with no listener would fail with ENOSYS).
 */
static void pt_listen(struct pt_loop *l)
{
	int fdnum = -1;
	ssize_t n = read(l->listen_pipe, &fdnum, sizeof(fdnum));

	if (n < 0 && errno == EAGAIN)
		return;
	close(l->listen_pipe);
	l->listen_pipe = -1;
	if (n != sizeof(fdnum) || fdnum < 0) {
		l->notif_calls = 0; /* the kernel refused a listener: every call traps */
		return;
	}
	l->notif_err = -pt_notif_start(l, l->first, fdnum);
	if (l->notif_err)
		pt_tracee_kill_all(l->tracees);
}

/* Handle what pt_wait returned for pid: an end or a stop. */
static void pt_serve_one(struct pt_loop *l, pid_t pid, int st)
{
	struct pt_tracee *t;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		pt_on_end(l, pid, st);
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	t = pt_tracee_find(l->tracees, pid);
	if (!t && !l->first_done)
		t = pt_new(l, pid, NULL, NULL); /* before its parent's event */
	if (!t || l->first_done) { /* out of memory, or one the container's end missed */
		kill(pid, SIGKILL);
		return;
	}
	if (l->listen_pipe >= 0 && pid == l->first)
		pt_listen(l);
	pt_on_stop(l, t, st);
}

/* Serve stops until no tracee is left (waitpid: ECHILD); the notification thread runs beside. */
static void pt_serve(struct pt_loop *l)
{
	pid_t pid;
	int st;

	for (;;) {
		pid = pt_wait(l->spin_ns, &st);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		pthread_mutex_lock(&l->lock);
		pt_serve_one(l, pid, st);
		pthread_mutex_unlock(&l->lock);
	}
}

/* UDOCKERC_PT_STATS=1: how often the guest stopped for the tracer, on stderr at the end. */
static void pt_report_stops(const struct pt_loop *l)
{
	const char *v = getenv("UDOCKERC_PT_STATS");
	unsigned int top[5] = {0};

	if (!v || strcmp(v, "1") != 0)
		return;
	dprintf(2, "udockerc: %s: %lu tracer stops (preload shim %s)\n",
		l->mode == PT_RUN_P1 ? "P1" : "P2", l->stops, l->shim ? "on" : "off");
	for (unsigned int i = 0; i < PT_SYS_COUNT; i++) { /* the five most trapped calls (P1) */
		unsigned int j = 5;

		while (j > 0 && l->trapped[i] > l->trapped[top[j - 1]]) {
			if (j < 5)
				top[j] = top[j - 1];
			j--;
		}
		if (j < 5)
			top[j] = i;
	}
	for (unsigned int k = 0; k < 5 && l->trapped[top[k]]; k++)
		dprintf(2, "udockerc: %s %lu\n", pt_sysent_table[top[k]].name, l->trapped[top[k]]);
	if (l->notif_calls)
		dprintf(2, "udockerc: notified: openat %lu, newfstatat %lu, access %lu\n",
			l->notified[0], l->notified[1], l->notified[2]);
}

/*
 * The child: wait for the tracer, make the probe call (pt_probe.c), install the filter (P1)
 * and tell the tracer its listener's fd number on lst (-1: none), then enter the guest cwd and
 * exec the guest program by their guest paths: the tracer translates both like any guest call.
 */
static void pt_child(const struct pt_loop *l, int go, int lst)
{
	const struct run_spec *s = l->spec;
	char *const *envp = l->shim ? l->shim->envp : s->envp;
	int listener = -1;
	unsigned int notif;
	long answer;
	char c;

	if (read(go, &c, 1) != 1)
		_exit(127);
	close(go);
	/* notifications need the tracee's memory read without a stop: the probe's answer */
	answer = pt_probe_child(l->mode == PT_RUN_P1);
	if (answer < 0)
		_exit((int)-answer); /* the tracer reads the reason from the status */
	notif = answer == 1 ? l->notif_calls : 0;
	if (l->mode == PT_RUN_P1 && pt_seccomp_install(l->sysmode, l->shim ? l->shim->cookie : 0,
						       notif, &listener)) {
		dprintf(2, "udockerc: cannot install the seccomp filter\n");
		_exit(127);
	}
	if (write(lst, &listener, sizeof(listener)) != sizeof(listener))
		_exit(127);
	close(lst);
	if (chdir(s->cwd) != 0) {
		dprintf(2, "udockerc: %s: %s\n", s->cwd, strerror(errno));
		_exit(127);
	}
	execve(s->exe, s->argv, envp);
	dprintf(2, "udockerc: %s: %s\n", s->exe, strerror(errno));
	_exit(127);
}

/*
 * Seize pid, let it make the probe call and learn from it what ptrace and seccomp do here
 * (l->probe), then let it go on with the resume mode set.
 */
static int pt_start(struct pt_loop *l, pid_t pid, int go, struct udc_error *e)
{
	struct pt_tracee *t;
	int r = pt_probe_seize(pid, PT_OPTS, e);

	if (r == 0)
		r = pt_probe_attached(&l->probe, pid, go, l->mode == PT_RUN_P1, e);
	if (r < 0)
		return r;
	if (l->mode == PT_RUN_P1 && !l->probe.seccomp_ok)
		return udc_fail(e, l->probe.seccomp_errno ? l->probe.seccomp_errno : ENOSYS,
				"seccomp filters do not work here; use --execmode=P2");
	l->memflags = l->probe.vm_ok ? 0 : PT_MEM_PEEKPOKE;
	if (!l->probe.vm_ok)
		l->notif_calls = 0; /* the child was told so: it asks for no listener */
	t = pt_new(l, pid, l->spec->cwd, NULL);
	if (!t)
		return udc_fail(e, ENOMEM, "ptrace: out of memory");
	pt_resume(l, t, 0);
	return 0;
}

int pt_run(const struct run_spec *s, unsigned int mode, int *exit_status, struct udc_error *e)
{
	struct pt_loop l = {.spec = s,
			    .mode = mode,
			    .real_uid = getuid(),
			    .real_gid = getgid(),
			    .spin_ns = pt_wait_budget_ns(),
			    .listen_pipe = -1};
	int p[2], q[2], r;
	pid_t pid;

	l.notif_calls = pt_notif_wanted(&l);
	l.sysmode = pt_ident_mode(s, l.real_uid, l.real_gid);
	l.tracees = talloc_zero(NULL, struct pt_tracees);
	if (!l.tracees)
		return udc_fail(e, ENOMEM, "ptrace: out of memory");
	l.table = s->table;
	r = pt_shim_setup(&l, e);
	if (r < 0) {
		talloc_free(l.tracees);
		return r;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		talloc_free(l.tracees);
		return udc_fail_sys(e, "ptrace: pipe");
	}
	if (pipe2(q, O_CLOEXEC | O_NONBLOCK) != 0) {
		close(p[0]);
		close(p[1]);
		talloc_free(l.tracees);
		return udc_fail_sys(e, "ptrace: pipe");
	}
	pthread_mutex_init(&l.lock, NULL);
	pt_signal_block();
	pid = fork();
	if (pid == 0) {
		pt_signal_child();
		close(p[1]);
		close(q[0]);
		pt_child(&l, p[0], q[1]);
	}
	close(p[0]);
	close(q[1]);
	r = pid < 0 ? udc_fail_sys(e, "ptrace: fork") : pt_start(&l, pid, p[1], e);
	close(p[1]);
	l.listen_pipe = q[0];
	if (r < 0 && pid > 0 && !l.probe.child_gone) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
	}
	if (r == 0) {
		l.first = pid;
		pt_signal_start(pid);
		pt_serve(&l);
		pt_notif_stop(&l);
		*exit_status = l.first_status;
		if (l.notif_err)
			r = udc_fail(e, l.notif_err, "seccomp user notification: cannot serve the guest");
		pt_report_stops(&l);
	}
	if (l.listen_pipe >= 0)
		close(l.listen_pipe);
	pt_signal_end();
	talloc_free(l.tracees);
	pthread_mutex_destroy(&l.lock);
	return r;
}
