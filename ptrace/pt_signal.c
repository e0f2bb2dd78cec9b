/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pt_signal.c - while the guest runs, the signals udockerc is sent go to the guest's first
 * process (its "PID 1", as docker sends them to the container's init), not to the tracer, whose
 * death would SIGKILL the guest (PTRACE_O_EXITKILL) before any handler of its own could run.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ptrace/pt_signal.h"

static const int pt_sig_list[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
#define PT_SIG_N (sizeof(pt_sig_list) / sizeof(pt_sig_list[0]))

/* The saved state of the caller, between pt_signal_block() and pt_signal_end(). */
static struct {
	int active;
	unsigned int caught; /* bit i: our handler holds pt_sig_list[i] */
	sigset_t mask;	     /* the caller's signal mask */
	struct sigaction old[PT_SIG_N];
	int pidfd;
} pt_sig = {.pidfd = -1};

/* Where the handler sends: a pidfd of the first process (no pid reuse race), else its pid. */
static volatile sig_atomic_t pt_sig_pid;
static volatile sig_atomic_t pt_sig_fd = -1;

/*
 * The handler (async-signal-safe). Only signals a process sent are forwarded: those the kernel
 * generates for a terminal (^C, ^\, hangup: si_code SI_KERNEL) reach the guest directly, as it
 * shares udockerc's process group, and forwarding them would deliver them twice. Neither is one
 * the first process sent itself.
 */
static void pt_sig_forward(int sig, siginfo_t *si, void *uc)
{
	int saved = errno, fd = pt_sig_fd;
	pid_t pid = pt_sig_pid;

	(void)uc;
	if (pid > 0 && si->si_code <= 0 && si->si_pid != pid) {
		if (fd >= 0)
			syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		else
			kill(pid, sig);
	}
	errno = saved;
}

/* The forwarded signals as a set. */
static void pt_sig_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < PT_SIG_N; i++)
		sigaddset(set, pt_sig_list[i]);
}

/* Whether action a ignores its signal. */
static int pt_sig_ignored(const struct sigaction *a)
{
	return !(a->sa_flags & SA_SIGINFO) && a->sa_handler == SIG_IGN;
}

void pt_signal_block(void)
{
	struct sigaction sa = {.sa_sigaction = pt_sig_forward, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigset_t set;
	size_t i;

	if (pt_sig.active)
		return;
	pt_sig_set(&set);
	sigprocmask(SIG_BLOCK, &set, &pt_sig.mask);
	sigfillset(&sa.sa_mask);
	pt_sig.caught = 0;
	for (i = 0; i < PT_SIG_N; i++) {
		if (sigaction(pt_sig_list[i], NULL, &pt_sig.old[i]) != 0 ||
		    pt_sig_ignored(&pt_sig.old[i]))
			continue;
		if (sigaction(pt_sig_list[i], &sa, NULL) == 0)
			pt_sig.caught |= 1u << i;
	}
	pt_sig.active = 1;
}

void pt_signal_child(void)
{
	size_t i;

	for (i = 0; i < PT_SIG_N; i++)
		if (pt_sig.caught & (1u << i))
			sigaction(pt_sig_list[i], &pt_sig.old[i], NULL);
	sigprocmask(SIG_SETMASK, &pt_sig.mask, NULL);
}

void pt_signal_start(pid_t pid)
{
	if (!pt_sig.active)
		return;
	pt_sig.pidfd = (int)syscall(SYS_pidfd_open, pid, 0); /* -1 before Linux 5.3: kill() */
	pt_sig_fd = pt_sig.pidfd;
	pt_sig_pid = pid;
	sigprocmask(SIG_SETMASK, &pt_sig.mask, NULL);
}

void pt_signal_end(void)
{
	sigset_t set;

	if (!pt_sig.active)
		return;
	pt_sig_set(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pt_sig_pid = 0;
	pt_sig_fd = -1;
	pt_signal_child(); /* the same restore, in the parent */
	if (pt_sig.pidfd >= 0)
		close(pt_sig.pidfd);
	pt_sig.pidfd = -1;
	pt_sig.active = 0;
}
