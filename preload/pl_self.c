/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_self.c - /proc/self/exe is the guest program, not the guest loader that runs it. */
#include <string.h>
#include <sys/syscall.h>

#include "preload/pl_shim.h"

extern char **environ;

/*
 * A dynamic program runs as "<loader> ... <host program>": the kernel's exe link is the
 * loader, and the loader's own link map names the main program "" (dl_iterate_phdr cannot
 * tell it). The exec planner passes the program's host path in UDOCKERC_EXE; the constructor
 * keeps its guest path and takes the variable out of the environment.
 */
static char pl_exe_guest[PATH_MAX]; /* "" when the kernel's link is right */

int pl_self_var(char *buf, size_t size, const char *host)
{
	size_t n = strlen(host);

	if (sizeof(PL_ENV_EXE) + n + 1 > size)
		return -E2BIG;
	memcpy(buf, PL_ENV_EXE "=", sizeof(PL_ENV_EXE));
	memcpy(buf + sizeof(PL_ENV_EXE), host, n + 1);
	return 0;
}

void pl_self_init(void)
{
	char **e;

	for (e = environ; e && *e; e++)
		if (strncmp(*e, PL_ENV_EXE "=", sizeof(PL_ENV_EXE)) == 0)
			break;
	if (!e || !*e)
		return;
	if (!pl.t || pm_map_host(pl.t, *e + sizeof(PL_ENV_EXE), pl_exe_guest, NULL) != 0)
		pl_exe_guest[0] = '\0';
	do /* drop it, keeping the order of the others */
		e[0] = e[1];
	while (*e++);
}

/* Whether s (n bytes) is the decimal form of v. */
static int pl_is_num(const char *s, size_t n, long v)
{
	char d[24];
	size_t k = sizeof(d);

	do
		d[--k] = (char)('0' + v % 10);
	while ((v /= 10) && k);
	return n == sizeof(d) - k && !memcmp(s, d + k, n);
}

const char *pl_self_exe(const char *path)
{
	const char *mid;
	size_t n;

	if (!pl_exe_guest[0] || strncmp(path, "/proc/", 6) != 0)
		return NULL;
	mid = path + 6;
	n = strlen(mid);
	if (n < 4 || strcmp(mid + n - 4, "/exe") != 0)
		return NULL;
	n -= 4;
	if ((n == 4 && !memcmp(mid, "self", 4)) || (n == 11 && !memcmp(mid, "thread-self", 11)) ||
	    pl_is_num(mid, n, pl_sys(SYS_getpid, 0, 0, 0, 0, 0)))
		return pl_exe_guest;
	return NULL;
}
