/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lazy.c - load an optional library on first use and look its functions up (see lazy.h). */
#include "common/lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LAZY_MAX_LIBS 4

static struct {
	const char *name;
	void *handle;
} lazy_libs[LAZY_MAX_LIBS];
static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;

/* Print why lib or sym cannot be had and end the process as the dynamic loader would. */
static void lazy_die(const char *lib, const char *what)
{
	dprintf(2, "udockerc: cannot load %s: %s\n", lib, what ? what : "unknown error");
	_exit(127);
}

/* The handle of lib, opened once (RTLD_LOCAL: its symbols never replace ours). */
static void *lazy_open(const char *lib)
{
	void *h = NULL;
	int i;

	pthread_mutex_lock(&lazy_lock);
	for (i = 0; i < LAZY_MAX_LIBS && lazy_libs[i].name; i++)
		if (!strcmp(lazy_libs[i].name, lib))
			h = lazy_libs[i].handle;
	if (!h && i < LAZY_MAX_LIBS) {
		h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (h) {
			lazy_libs[i].name = lib;
			lazy_libs[i].handle = h;
		}
	}
	pthread_mutex_unlock(&lazy_lock);
	if (!h)
		lazy_die(lib, dlerror());
	return h;
}

void *lazy_sym(const char *lib, const char *sym)
{
	void *h = lazy_open(lib), *p = dlsym(h, sym);

	if (!p)
		lazy_die(lib, dlerror());
	return p;
}
