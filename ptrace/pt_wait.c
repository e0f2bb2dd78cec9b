/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_wait.c - wait for the next tracee stop, polling briefly before sleeping. */
#include "ptrace/pt_wait.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

/*
 * On virtual machines most of a trap's cost is waking a halted vCPU (shared/notes/
 * trap-cost.md: 56-71 us per trap when the tracer sleeps in waitpid, 17-19 us when it polls
 * first). A tracer that polls for a short while after resuming a tracee is awake when the next
 * stop comes, which is most of the time in path-heavy work (find, ls -l, tar, compilers). The
 * budget bounds what polling costs a guest that computes between traps: at most budget per
 * trap, on the tracer's CPU. UDOCKERC_PT_SPIN_US sets it (0: never poll); with one CPU to run
 * on (--cpuset-cpus, taskset) there is nothing to gain and it is 0.
 */

#define PT_SPIN_DEFAULT_US 0
#define PT_SPIN_MAX_US 10000

long pt_wait_budget_ns(void)
{
	const char *v = getenv("UDOCKERC_PT_SPIN_US");
	cpu_set_t set;
	char *end;
	long us;

	/* on one CPU the tracee cannot run while the tracer polls */
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) < 2)
		return 0;
	if (!v || !*v)
		return PT_SPIN_DEFAULT_US * 1000L;
	us = strtol(v, &end, 10);
	if (*end || us < 0)
		return PT_SPIN_DEFAULT_US * 1000L;
	return (us > PT_SPIN_MAX_US ? PT_SPIN_MAX_US : us) * 1000L;
}

/* Monotonic nanoseconds (vDSO: no system call). */
static long long pt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

pid_t pt_wait(long budget_ns, int *status)
{
	long long end;
	pid_t pid;

	if (budget_ns > 0) {
		end = pt_now_ns() + budget_ns;
		do {
			pid = waitpid(-1, status, __WALL | WNOHANG);
			if (pid != 0)
				return pid;
		} while (pt_now_ns() < end);
	}
	do
		pid = waitpid(-1, status, __WALL);
	while (pid < 0 && errno == EINTR);
	return pid;
}
