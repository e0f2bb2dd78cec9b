/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_proclink.c - tell the links of /proc/PID (magic links, the root link) from other paths. */
#include <string.h>

#include "ptrace/pt_calls.h"

/* Skip "DIGITS/" at *p; 1 when there was one. */
static int pt_proc_skip_pid(const char **p)
{
	size_t n = strspn(*p, "0123456789");

	if (n == 0 || (*p)[n] != '/')
		return 0;
	*p += n + 1;
	return 1;
}

/*
 * Which kind of /proc link host is: under /proc/PID, /proc/self, /proc/thread-self or a task
 * directory every symlink is a magic link (procfs builds them from the process, not from text);
 * PT_PROC_ROOT for the root link itself. host is canonical; only its text is looked at.
 */
int pt_proc_link(const char *host)
{
	const char *p = host;

	if (strncmp(p, "/proc/", 6) != 0)
		return PT_PROC_NONE;
	p += 6;
	if (strncmp(p, "self/", 5) == 0)
		p += 5;
	else if (strncmp(p, "thread-self/", 12) == 0)
		p += 12;
	else if (!pt_proc_skip_pid(&p))
		return PT_PROC_NONE;
	if (strncmp(p, "task/", 5) == 0) {
		p += 5;
		if (!pt_proc_skip_pid(&p))
			return PT_PROC_NONE;
	}
	if (strcmp(p, "root") == 0)
		return PT_PROC_ROOT;
	return *p ? PT_PROC_MAGIC : PT_PROC_NONE;
}
