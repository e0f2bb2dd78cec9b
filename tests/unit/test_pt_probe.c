/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_probe.c - the run-time probe of ptrace and seccomp on this kernel. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace/pt_probe.h"
#include "tests/unit/tap.h"

static const char *order_name(enum pt_probe_order o)
{
	switch (o) {
	case PT_ORDER_SECCOMP_FIRST:
		return "seccomp stop first (before 4.8)";
	case PT_ORDER_ENTRY_FIRST:
		return "syscall-entry stop first (4.8 on)";
	default:
		return "unknown";
	}
}

/* What a probe run in a restricted child reports. */
struct result {
	int r;
	struct pt_probe p;
	struct udc_error e;
};

/* In a child whose syscall nr fails with err (as under Yama or a container policy), probe. */
static int probe_restricted(int nr, int err, struct result *res)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned int)err),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	int p[2], st = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct result mine = {0};

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, 1, 0, &prog))
			_exit(2);
		mine.r = pt_probe_run(&mine.p, &mine.e);
		_exit(write(p[1], &mine, sizeof(mine)) == sizeof(mine) ? 0 : 3);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], res, sizeof(*res)) != sizeof(*res))
		res->r = 1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_restricted(void)
{
	struct result res = {0};

	is_int(probe_restricted(__NR_ptrace, EPERM, &res), 0, "probe child without ptrace ran");
	is_int(res.r, -EPERM, "ptrace forbidden: -EPERM");
	ok(strstr(res.e.msg, "not permitted") && strstr(res.e.msg, "F mode"),
	   "the reason names the F mode: %s", res.e.msg);
	ok(strstr(res.e.msg, "Operation not permitted") && !strchr(res.e.msg, '\n') &&
	       strlen(res.e.msg) > 14 &&
	       !strcmp(res.e.msg + strlen(res.e.msg) - 14, "--execmode=F1)"),
	   "one line, the errno inside, the advice last");
	ok(!res.p.ptrace_ok && !res.p.seccomp_ok, "nothing is claimed to work");
	memset(&res, 0, sizeof(res));
	is_int(probe_restricted(__NR_prctl, EINVAL, &res), 0, "probe child without prctl ran");
	ok(res.r == 0 && res.p.ptrace_ok, "no seccomp filtering: ptrace still works (P2)");
	ok(!res.p.seccomp_ok && res.p.seccomp_errno == EINVAL,
	   "no seccomp filtering: reported, with the errno");
	is_int(res.p.order, PT_ORDER_UNKNOWN, "no seccomp filtering: no stop order");
}

/* The probe made by a process of ours that goes on after it (the guest's first process). */
static void test_attached(int filter)
{
	struct udc_error e = {0};
	struct pt_probe p;
	int go[2], back[2], st = 0, r;
	long answer = -1, ppid = 0;
	pid_t pid;

	if (pipe(go) != 0 || pipe(back) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		char c;
		long out[2];

		if (read(go[0], &c, 1) != 1)
			_exit(2);
		out[0] = pt_probe_child(filter);
		out[1] = (long)getppid(); /* an ordinary getppid is never the probe's */
		_exit(write(back[1], out, sizeof(out)) == sizeof(out) ? 0 : 3);
	}
	close(back[1]);
	r = pt_probe_seize(pid, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL,
			   &e);
	if (r == 0)
		r = pt_probe_attached(&p, pid, go[1], filter, &e);
	is_int(r, 0, "filter %d: the probe of a process of ours runs (%s)", filter, r ? e.msg : "");
	ok(p.ptrace_ok && p.vm_ok && p.syscall_info_ok, "filter %d: ptrace, memory, syscall info",
	   filter);
	is_int(p.seccomp_ok, filter, "filter %d: a seccomp stop exactly when filtered", filter);
	if (ptrace(PTRACE_DETACH, pid, 0, 0) == 0) {
		long out[2] = {-1, 0};

		if (read(back[0], out, sizeof(out)) == sizeof(out))
			answer = out[0], ppid = out[1];
	}
	waitpid(pid, &st, 0);
	is_int((int)answer, 1, "filter %d: the process is told its memory is readable", filter);
	ok(ppid == getpid() && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "filter %d: it goes on normally after the probe", filter);
	close(go[0]);
	close(go[1]);
	close(back[0]);
}

int main(void)
{
	struct udc_error e = {0};
	struct pt_probe p;
	int st, r;

	alarm(30); /* bounded: the probe's own loop is bounded too */
	r = pt_probe_run(&p, &e);
	is_int(r, 0, "probe runs (%s)", r ? e.msg : "no error");
	ok(p.ptrace_ok, "ptrace of our own child is permitted");
	ok(p.seccomp_ok, "a RET_TRACE filter loads and its stop arrives (P1 possible)");
	is_int(p.seccomp_errno, 0, "no seccomp error recorded");
	printf("# stop order: %s\n", order_name(p.order));
	/* Linux 6.18 runs ptrace's entry report before seccomp (kernel/entry/common.c). */
	is_int(p.order, PT_ORDER_ENTRY_FIRST, "this kernel reports the entry stop first");
	ok(p.syscall_info_ok, "PTRACE_GET_SYSCALL_INFO works at a seccomp stop");
	ok(p.vm_ok, "process_vm_readv reads the tracee");
	ok(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "no child is left behind");
	r = pt_probe_run(&p, &e);
	ok(r == 0 && p.seccomp_ok && waitpid(-1, &st, WNOHANG) == -1,
	   "a second probe gives the same answer and leaves nothing");
	test_restricted();
	test_attached(0);
	test_attached(1);
	ok(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "still no child left behind");
	return done();
}
