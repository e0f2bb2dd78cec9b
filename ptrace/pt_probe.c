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

/* Raw values: older C library headers lack them; the kernel's numbers are fixed. */
#define GET_SYSCALL_INFO 0x420e
#define SYSCALL_INFO_SECCOMP 3
#define PROBE_DATA 0x5a
#define PROBE_NR __NR_getppid
#define MAX_STOPS 1000

/* Read from the child through process_vm_readv: same address after fork. */
static const char probe_mark[] = "udockerc-probe";

enum stop_kind { STOP_NONE, STOP_ENTRY, STOP_EXIT, STOP_SECCOMP };

struct run {
	pid_t pid;
	struct pt_probe *out;
	enum stop_kind seq[3];
	int nseq;
	int gone; /* reaped by the trace loop: its pid may already belong to another process */
};

/* Child: a one-syscall RET_TRACE filter; returns 0 or the errno of its failure. */
static int child_filter(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PT_ARCH_AUDIT, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_NR, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | PROBE_DATA),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
		return errno;
	return 0;
}

/*
 * Child: load the filter (it traps only the probe syscall, so nothing before it depends on the
 * tracer), wait until traced, make the probe syscall, report how it went.
 */
static void child_main(int go)
{
	char c;
	int err = child_filter();

	if (read(go, &c, 1) != 1)
		_exit(255);
	syscall(PROBE_NR);
	_exit(err & 0xff);
}

/* Kill and reap pid. */
static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, __WALL) == pid && !WIFEXITED(st) && !WIFSIGNALED(st))
		;
}

/* At the first stop of the probe syscall: try GET_SYSCALL_INFO and process_vm_readv. */
static void probe_stop_features(struct run *r, enum stop_kind k)
{
	unsigned char info[128];
	char buf[sizeof(probe_mark)];
	struct iovec local = {buf, sizeof(buf)};
	struct iovec remote = {(void *)probe_mark, sizeof(buf)};
	long n;

	if (k == STOP_SECCOMP) {
		n = ptrace(GET_SYSCALL_INFO, r->pid, (void *)sizeof(info), info);
		r->out->syscall_info_ok = n > 0 && info[0] == SYSCALL_INFO_SECCOMP;
	}
	if (!r->out->vm_ok)
		r->out->vm_ok =
		    process_vm_readv(r->pid, &local, 1, &remote, 1, 0) == (ssize_t)sizeof(buf) &&
		    memcmp(buf, probe_mark, sizeof(buf)) == 0;
}

/* Classify one syscall or seccomp stop and record it when it is the probe syscall. */
static void on_syscall_stop(struct run *r, enum stop_kind k)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, r->pid, 0, &regs) != 0 || pt_reg_sysno(&regs) != PROBE_NR)
		return;
	/* x86_64 enters a syscall with rax = -ENOSYS: entry and exit stops look alike otherwise. */
	if (k == STOP_ENTRY && pt_reg_ret(&regs) != -ENOSYS)
		k = STOP_EXIT;
	if (k == STOP_SECCOMP) {
		unsigned long msg = 0;

		ptrace(PTRACE_GETEVENTMSG, r->pid, 0, &msg);
		r->out->seccomp_ok = msg == PROBE_DATA;
	}
	probe_stop_features(r, k);
	if (r->nseq < 3)
		r->seq[r->nseq++] = k;
}

/* Handle one wait status; 1 when the child is gone, 0 to go on, -errno on a ptrace failure. */
static int on_status(struct run *r, int st)
{
	int sig = 0;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		r->gone = 1;
		return 1;
	}
	if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
		on_syscall_stop(r, STOP_SECCOMP);
	else if (WSTOPSIG(st) == (SIGTRAP | 0x80))
		on_syscall_stop(r, STOP_ENTRY);
	else if (st >> 16 != PTRACE_EVENT_STOP && WSTOPSIG(st) != SIGTRAP)
		sig = WSTOPSIG(st);
	if (ptrace(PTRACE_SYSCALL, r->pid, 0, sig) != 0)
		return -errno;
	return 0;
}

/* Seize the child, stop it, let it go and follow it to its end. */
static int trace(struct run *r, int go, struct udc_error *e)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;
	int st = 0, n, res = 0;

	if (ptrace(PTRACE_SEIZE, r->pid, 0, opts) != 0) {
		n = errno;
		/* the advice last, after the reason: `run` prints this as its one Error: line */
		return udc_fail(
		    e, n,
		    "ptrace is not permitted here (%s: Yama ptrace_scope or a container's "
		    "seccomp policy); use the F mode (--execmode=F1)",
		    strerror(n));
	}
	r->out->ptrace_ok = 1;
	if (ptrace(PTRACE_INTERRUPT, r->pid, 0, 0) != 0 || waitpid(r->pid, &st, __WALL) != r->pid ||
	    ptrace(PTRACE_SYSCALL, r->pid, 0, 0) != 0 || write(go, "g", 1) != 1)
		return udc_fail_sys(e, "ptrace probe: cannot start the traced child");
	for (n = 0; n < MAX_STOPS && res == 0; n++) {
		if (waitpid(r->pid, &st, __WALL) != r->pid)
			return udc_fail_sys(e, "ptrace probe: waitpid");
		res = on_status(r, st);
		if (res == 0 && r->out->seccomp_ok && r->nseq >= 2)
			return 0; /* both stops of the probe syscall seen: the caller reaps the child */
	}
	if (res < 0)
		return udc_fail(e, -res, "ptrace probe: cannot resume the traced child");
	if (res == 0)
		return udc_fail(e, ETIMEDOUT, "ptrace probe: the child did not finish");
	r->out->seccomp_errno = WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
	return 0;
}

/* The stop order from the recorded sequence of the probe syscall. */
static enum pt_probe_order order_of(const struct run *r)
{
	if (!r->out->seccomp_ok || r->nseq < 2)
		return PT_ORDER_UNKNOWN;
	if (r->seq[0] == STOP_SECCOMP && r->seq[1] == STOP_ENTRY)
		return PT_ORDER_SECCOMP_FIRST;
	if (r->seq[0] == STOP_ENTRY && r->seq[1] == STOP_SECCOMP)
		return PT_ORDER_ENTRY_FIRST;
	return PT_ORDER_UNKNOWN;
}

/*
 * Probe ptrace and seccomp with one traced child (see pt_probe.h). The child loads a filter
 * trapping getppid, the tracer resumes it with PTRACE_SYSCALL throughout and records the
 * order of the stops of that one call. Returns 0 or -errno with e set; out filled either way.
 */
int pt_probe_run(struct pt_probe *out, struct udc_error *e)
{
	struct run r = {.out = out};
	int p[2], res;

	memset(out, 0, sizeof(*out));
	if (pipe(p) != 0)
		return udc_fail_sys(e, "ptrace probe: pipe");
	r.pid = fork();
	if (r.pid == 0) {
		close(p[1]);
		child_main(p[0]);
	}
	close(p[0]);
	if (r.pid < 0) {
		close(p[1]);
		return udc_fail_sys(e, "ptrace probe: fork");
	}
	res = trace(&r, p[1], e);
	close(p[1]);
	if (!r.gone)
		reap(r.pid);
	if (res == 0 && !out->seccomp_ok && !out->seccomp_errno)
		out->seccomp_errno = ENOSYS; /* loaded, but its stop never came */
	out->order = order_of(&r);
	return res;
}
