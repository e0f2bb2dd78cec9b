/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_probe.c - probe ptrace/seccomp behaviour at run time with a real traced child. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace/arch/x86_64.h"
#include "ptrace/pt_probe.h"
#include "ptrace/pt_seccomp.h"

/* Raw values: older C library headers lack them; the kernel's numbers are fixed. */
#define GET_SYSCALL_INFO 0x420e
#define SYSCALL_INFO_ENTRY 1
#define SYSCALL_INFO_SECCOMP 3
#define MAX_STOPS 1000

/* Read from the child through process_vm_readv: same address after fork. */
static const char probe_mark[] = "udockerc-probe";

enum stop_kind { STOP_NONE, STOP_ENTRY, STOP_EXIT, STOP_SECCOMP };

struct run {
	pid_t pid;
	struct pt_probe *out;
	int filter; /* a seccomp stop is expected (the child loads the probe filter) */
	enum stop_kind seq[3];
	int nseq;
	int gone; /* reaped by the trace loop: its pid may already belong to another process */
};

/* Child: a filter trapping only the probe call; returns 0 or the errno of its failure. */
static int child_filter(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PT_ARCH_AUDIT, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PT_PROBE_NR, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PT_PROBE_MAGIC, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | PT_SECCOMP_DATA_PROBE),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
		return errno;
	return 0;
}

long pt_probe_child(int filter)
{
	int err = filter ? child_filter() : 0;
	long r;

	if (err)
		return -err;
	r = syscall(PT_PROBE_NR, PT_PROBE_MAGIC, 0);
	return r == 0 || r == 1 ? r : -ENOSYS; /* the parent's pid: no tracer answered */
}

/* Kill and reap pid. */
static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, __WALL) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
		;
}

/* At a stop of the probe call: try GET_SYSCALL_INFO (once, at its first stop of kind op). */
static void probe_stop_features(struct run *r, enum stop_kind k)
{
	unsigned char info[128];
	char buf[sizeof(probe_mark)];
	struct iovec local = {buf, sizeof(buf)};
	struct iovec remote = {(void *)probe_mark, sizeof(buf)};
	long n;

	if (k == (r->filter ? STOP_SECCOMP : STOP_ENTRY)) {
		n = ptrace(GET_SYSCALL_INFO, r->pid, (void *)sizeof(info), info);
		r->out->syscall_info_ok =
		    n > 0 && info[0] == (r->filter ? SYSCALL_INFO_SECCOMP : SYSCALL_INFO_ENTRY);
	}
	if (!r->out->vm_ok)
		r->out->vm_ok =
		    process_vm_readv(r->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(buf) &&
		    memcmp(buf, probe_mark, sizeof(buf)) == 0;
}

/*
 * Classify one syscall or seccomp stop and record it when it is the probe call. Returns 1 at
 * the probe call's exit stop, where its result becomes vm_ok (what the child is told), else 0.
 */
static int on_syscall_stop(struct run *r, enum stop_kind k)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, r->pid, 0, &regs) != 0 || pt_reg_sysno(&regs) != PT_PROBE_NR ||
	    (unsigned int)pt_reg_arg(&regs, 0) != PT_PROBE_MAGIC)
		return 0;
	/* x86_64 enters a syscall with rax = -ENOSYS: entry and exit stops look alike otherwise. */
	if (k == STOP_ENTRY && pt_reg_ret(&regs) != -ENOSYS)
		k = STOP_EXIT;
	if (k == STOP_SECCOMP) {
		unsigned long msg = 0;

		ptrace(PTRACE_GETEVENTMSG, r->pid, 0, &msg);
		r->out->seccomp_ok = msg == PT_SECCOMP_DATA_PROBE;
	}
	probe_stop_features(r, k);
	if (k == STOP_EXIT) {
		pt_reg_set_ret(&regs, r->out->vm_ok);
		return ptrace(PTRACE_SETREGS, r->pid, 0, &regs) == 0 ? 1 : -ESRCH;
	}
	if (r->nseq < 3)
		r->seq[r->nseq++] = k;
	return 0;
}

/*
 * Handle one wait status; 1 when done (exit stop, or the child gone), 0 to go on, -errno.
 * Filtered, the child runs without syscall stops until its seccomp stop (then every stop is
 * seen: the next tells the order); unfiltered (P2) with them from the start.
 */
static int on_status(struct run *r, int st)
{
	int sig = 0, res = 0, req;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		r->gone = 1;
		/* filtered: the child exits with the errno of its filter (ENOSYS: no stop came) */
		if (r->filter && !r->out->seccomp_ok)
			r->out->seccomp_errno = WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
		return 1;
	}
	if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
		res = on_syscall_stop(r, STOP_SECCOMP);
	else if (WSTOPSIG(st) == (SIGTRAP | 0x80))
		res = on_syscall_stop(r, STOP_ENTRY);
	else if (st >> 16 != PTRACE_EVENT_STOP && WSTOPSIG(st) != SIGTRAP)
		sig = WSTOPSIG(st); /* a signal for the child: delivered */
	if (res)
		return res;
	req = !r->filter || r->nseq > 0 ? PTRACE_SYSCALL : PTRACE_CONT;
	if (ptrace((enum __ptrace_request)req, r->pid, 0, sig) != 0)
		return -errno;
	return 0;
}

/* Follow the stopped, seized child through its probe call. */
static int follow(struct run *r, int go, struct udc_error *e)
{
	int st = 0, n, res = 0;

	r->out->ptrace_ok = 1;
	if (ptrace(r->filter ? PTRACE_CONT : PTRACE_SYSCALL, r->pid, 0, 0) != 0 ||
	    write(go, "g", 1) != 1)
		return udc_fail_sys(e, "ptrace probe: cannot start the traced child");
	for (n = 0; n < MAX_STOPS && res == 0; n++) {
		if (waitpid(r->pid, &st, __WALL) != r->pid)
			return udc_fail_sys(e, "ptrace probe: waitpid");
		res = on_status(r, st);
	}
	if (res < 0)
		return udc_fail(e, -res, "ptrace probe: cannot resume the traced child");
	if (res == 0)
		return udc_fail(e, ETIMEDOUT, "ptrace probe: the child did not finish");
	if (r->gone && !r->filter)
		return udc_fail(e, ECHILD, "ptrace probe: the child ended before its probe");
	return 0;
}

/*
 * The stop order from the recorded sequence of the probe call, which the tracer followed with
 * syscall stops from its seccomp stop on: an entry stop after it (before 4.8), or the exit.
 */
static enum pt_probe_order order_of(const struct run *r)
{
	if (!r->out->seccomp_ok || r->gone)
		return PT_ORDER_UNKNOWN;
	if (r->nseq >= 2 && r->seq[0] == STOP_SECCOMP && r->seq[1] == STOP_ENTRY)
		return PT_ORDER_SECCOMP_FIRST;
	if (r->nseq == 1 && r->seq[0] == STOP_SECCOMP)
		return PT_ORDER_ENTRY_FIRST;
	return PT_ORDER_UNKNOWN;
}

int pt_probe_attached(struct pt_probe *out, pid_t pid, int go, int filter, struct udc_error *e)
{
	struct run r = {.pid = pid, .out = out, .filter = filter};
	int res;

	memset(out, 0, sizeof(*out));
	res = follow(&r, go, e);
	if (res == 0 && filter && !out->seccomp_ok && !out->seccomp_errno)
		out->seccomp_errno = ENOSYS; /* loaded, but its stop never came */
	out->order = order_of(&r);
	out->child_gone = r.gone;
	return res;
}

/* Seize pid and stop it once; 0 or -errno with e (ptrace forbidden: use the F mode). */
int pt_probe_seize(pid_t pid, long opts, struct udc_error *e)
{
	int st, n;

	if (ptrace(PTRACE_SEIZE, pid, 0, opts) != 0) {
		n = errno;
		/* the advice last, after the reason: `run` prints this as its one Error: line */
		return udc_fail(
		    e, n,
		    "ptrace is not permitted here (%s: Yama ptrace_scope or a container's "
		    "seccomp policy); use the F mode (--execmode=F1)",
		    strerror(n));
	}
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0 || waitpid(pid, &st, __WALL) != pid)
		return udc_fail_sys(e, "ptrace probe: cannot stop the traced child");
	return 0;
}

/*
 * Probe ptrace and seccomp with a child of its own (see pt_probe.h): the child loads the probe
 * filter and makes the probe call; the tracer follows it with PTRACE_SYSCALL throughout and
 * records the order of that call's stops. Returns 0 or -errno with e set; out filled either way.
 */
int pt_probe_run(struct pt_probe *out, struct udc_error *e)
{
	int p[2], res;
	pid_t pid;
	char c;

	memset(out, 0, sizeof(*out));
	if (pipe(p) != 0)
		return udc_fail_sys(e, "ptrace probe: pipe");
	pid = fork();
	if (pid == 0) {
		long answer;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(255);
		answer = pt_probe_child(1);
		_exit(answer < 0 ? (int)-answer : 0);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return udc_fail_sys(e, "ptrace probe: fork");
	}
	res = pt_probe_seize(pid, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL,
			     e);
	if (res == 0)
		res = pt_probe_attached(out, pid, p[1], 1, e);
	close(p[1]);
	if (!out->child_gone)
		reap(pid);
	return res;
}
