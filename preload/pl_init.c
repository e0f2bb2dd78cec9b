/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_init.c - the shim's settings, decoded once from the environment; argv[0] repair. */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/pl_shim.h"

#ifdef __GLIBC__
/* Bind to the oldest version so that the shim loads into old glibc (dlsym moved in 2.34). */
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#endif

extern char **environ;

struct pl_state pl;

/* Copy "NAME=value" of environ into buf (size bytes); buf stays empty when unset or too long. */
static void pl_save(const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);

	buf[0] = '\0';
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
			if (strlen(*e) < size)
				strcpy(buf, *e);
			return;
		}
	}
}

const char *pl_setting(const char *buf)
{
	const char *eq = strchr(buf, '=');

	return eq ? eq + 1 : NULL;
}

/*
 * UDOCKERC_ARGV0="N NAME" (set by the exec of a loader without --argv0): the program's argv
 * has N entries and ends just before environ, so its argv[0] is environ[-1-N]; make it NAME.
 * The variable is removed so that the guest never sees it.
 */
static void pl_fix_argv0(void)
{
	char **e, **slot;
	const char *v;
	unsigned long n = 0;

	for (e = environ; e && *e; e++)
		if (strncmp(*e, PL_ENV_ARGV0 "=", sizeof(PL_ENV_ARGV0)) == 0)
			break;
	if (!e || !*e)
		return;
	v = *e + sizeof(PL_ENV_ARGV0);
	while (*v >= '0' && *v <= '9' && n < 1000000)
		n = n * 10 + (unsigned long)(*v++ - '0');
	if (*v == ' ' && n > 0 && environ[-1] == NULL) {
		slot = environ - 1 - n;
		*slot = (char *)(v + 1);
		program_invocation_name = (char *)(v + 1);
		program_invocation_short_name = strrchr(v + 1, '/') ? strrchr(v + 1, '/') + 1
								     : (char *)(v + 1);
	}
	do /* drop it, keeping the order of the others */
		e[0] = e[1];
	while (*e++);
}

/* "cookie:ruid:rgid:guid:ggid" of PL_ENV_PT: 0 when well formed. */
static int pl_parse_pt(const char *v)
{
	unsigned long c = 0;
	int i;

	for (; (*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f'); v++)
		c = c * 16 + (unsigned long)(*v <= '9' ? *v - '0' : *v - 'a' + 10);
	for (i = 0; i < 4 && *v == ':'; i++) {
		unsigned long n = 0;

		for (v++; *v >= '0' && *v <= '9' && n < 0x100000000ul; v++)
			n = n * 10 + (unsigned long)(*v - '0');
		pl.ids[i] = (unsigned int)n;
	}
	if (i < 4 || *v || !c)
		return -1;
	pl.cookie = c;
	return 0;
}

/* Under the P1 tracer: the settings of PL_ENV_PT (a malformed one: everything to the tracer). */
static void pl_init_traced(void)
{
	char pt[128];

	pl_save(PL_ENV_PT, pt, sizeof(pt));
	if (!pt[0])
		return;
	pl.traced = 1;
	if (pl_parse_pt(pl_setting(pt)) != 0)
		pl.t = NULL;
}

void pl_untranslated(void)
{
	pl.t = NULL;
	pl.cookie = 0;
}

void pl_owner(unsigned int *uid, unsigned int *gid)
{
	if (*uid == pl.ids[0])
		*uid = pl.ids[2];
	if (*gid == pl.ids[1])
		*gid = pl.ids[3];
}

void pl_init(void)
{
	const char *w;

	if (pl.ready)
		return;
	pl.ready = 1;
	pl_save(PL_ENV_PM, pl.wire, sizeof(pl.wire));
	pl_save(PL_ENV_LIBDIR, pl.libdir, sizeof(pl.libdir));
	pl_save(PL_ENV_LDPATH, pl.ldpath, sizeof(pl.ldpath));
	pl_save(PL_ENV_LDMUSL, pl.ldmusl, sizeof(pl.ldmusl));
	w = pl_setting(pl.wire);
	if (w && pm_wire_decode(&pl.table, pl.arena, sizeof(pl.arena), w) == 0)
		pl.t = &pl.table;
	pl_init_traced();
	if (pl.traced && !pl.cookie)
		pl.t = NULL;
}

__attribute__((constructor)) static void pl_constructor(void)
{
	pl_init();
	pl_self_init();
	pl_fix_argv0();
}

void *pl_next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

long pl_sys(long nr, long a, long b, long c, long d, long e)
{
	int saved = errno;
	long r = syscall(nr, a, b, c, d, e, pl.cookie);

	if (r < 0) {
		r = -errno;
		errno = saved;
	}
	return r;
}

long pl_sys_traced(long nr, long a, long b, long c, long d, long e)
{
	int saved = errno;
	long r = syscall(nr, a, b, c, d, e, 0L);

	if (r < 0) {
		r = -errno;
		errno = saved;
	}
	return r;
}
