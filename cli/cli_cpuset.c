/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_cpuset.c - run --cpuset-cpus=LIST: confine the guest (and its tracer) to those CPUs. */
#include "cli/cli.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

/* One "N" or "N-M" at *p (advanced past it) into set; 0 or -EINVAL. */
static int cpu_range(const char **p, cpu_set_t *set)
{
	char *end;
	unsigned long lo, hi;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	lo = hi = strtoul(*p, &end, 10);
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		hi = strtoul(end + 1, &end, 10);
	}
	if (lo > hi || hi >= CPU_SETSIZE)
		return -EINVAL;
	for (unsigned long c = lo; c <= hi; c++)
		CPU_SET(c, set);
	*p = end;
	return 0;
}

int cli_cpuset(const char *list, struct udc_error *e)
{
	const char *p = list;
	cpu_set_t set;

	if (!list)
		return 0;
	CPU_ZERO(&set);
	for (;;) {
		if (cpu_range(&p, &set) < 0)
			return udc_fail(e, EINVAL, "--cpuset-cpus=%s: invalid CPU list, expected "
						   "numbers and ranges such as 0-3,6", list);
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return udc_fail(e, EINVAL, "--cpuset-cpus=%s: invalid CPU list, expected "
						   "numbers and ranges such as 0-3,6", list);
	}
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		return udc_fail_sys(e, "--cpuset-cpus=%s", list);
	return 0;
}
