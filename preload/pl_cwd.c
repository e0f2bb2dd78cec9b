/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_cwd.c - the working directory in the guest view (getcwd, chdir) and realpath. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/pl_shim.h"

/*
 * Under the P1 tracer: its last getcwd answer, with the host directory it was for. One per
 * process (threads share the cwd); taken with a try-lock, so a busy one is a miss, never a wait.
 */
#define PL_CWDC_MAX 512
static struct {
	char host[PL_CWDC_MAX];
	char guest[PL_CWDC_MAX];
	int busy;
} pl_cwdc;

static int pl_cwdc_take(void)
{
	return !__atomic_exchange_n(&pl_cwdc.busy, 1, __ATOMIC_ACQUIRE);
}

static void pl_cwdc_give(void)
{
	__atomic_store_n(&pl_cwdc.busy, 0, __ATOMIC_RELEASE);
}

/* The cached guest cwd for host into guest; 1 on a hit. */
static int pl_cwdc_get(const char *host, char guest[PATH_MAX])
{
	int hit = 0;

	if (!pl_cwdc_take())
		return 0;
	if (pl_cwdc.host[0] && !strcmp(host, pl_cwdc.host)) {
		memcpy(guest, pl_cwdc.guest, strlen(pl_cwdc.guest) + 1);
		hit = 1;
	}
	pl_cwdc_give();
	return hit;
}

static void pl_cwdc_put(const char *host, const char *guest)
{
	if (strlen(host) >= PL_CWDC_MAX || strlen(guest) >= PL_CWDC_MAX || !pl_cwdc_take())
		return;
	memcpy(pl_cwdc.host, host, strlen(host) + 1);
	memcpy(pl_cwdc.guest, guest, strlen(guest) + 1);
	pl_cwdc_give();
}

/*
 * Under the P1 tracer, the guest cwd is the tracer's answer (it knows the path the guest took);
 * while the kernel's cwd is the host directory it was given for, the cached answer is it.
 * The host directory is read before and after a miss: a chdir in between stores nothing.
 */
static int pl_getcwd_traced(char guest[PATH_MAX])
{
	char h1[PATH_MAX], h2[PATH_MAX];
	long r1 = pl.cookie ? pl_sys(SYS_getcwd, (long)h1, sizeof(h1), 0, 0, 0) : -1, r;

	if (r1 > 0 && pl_cwdc_get(h1, guest))
		return 0;
	r = pl_sys_traced(SYS_getcwd, (long)guest, PATH_MAX, 0, 0, 0);
	if (r < 0)
		return (int)r;
	if (guest[0] != '/') /* "(unreachable)...": outside the guest's view, as the C library */
		return -ENOENT;
	if (r1 > 0 && pl_sys(SYS_getcwd, (long)h2, sizeof(h2), 0, 0, 0) > 0 && !strcmp(h1, h2))
		pl_cwdc_put(h1, guest);
	return 0;
}

/* The guest cwd into buf (size bytes; buf NULL: a malloc'd copy of size or exact length). */
PL_EXPORT char *getcwd(char *buf, size_t size)
{
	char guest[PATH_MAX];
	size_t n;
	int r;

	if (pl_traced()) {
		if ((r = pl_getcwd_traced(guest)) != 0) {
			errno = -r;
			return NULL;
		}
	} else if (!pl_table()) {
		r = (int)pl_sys(SYS_getcwd, (long)guest, sizeof(guest), 0, 0, 0);
		if (r < 0 || guest[0] != '/') {
			errno = r < 0 ? -r : ENOENT;
			return NULL;
		}
	} else if ((r = pl_dir_guest(AT_FDCWD, guest)) != 0) {
		errno = -r;
		return NULL;
	}
	n = strlen(guest) + 1;
	if (!buf) {
		buf = malloc(size > n ? size : n);
		if (!buf)
			return NULL;
	} else if (size == 0) {
		errno = EINVAL;
		return NULL;
	} else if (size < n) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, guest, n);
	return buf;
}

PL_EXPORT char *get_current_dir_name(void)
{
	return getcwd(NULL, 0);
}

char *getwd(char *buf);
PL_EXPORT char *getwd(char *buf)
{
	return getcwd(buf, PATH_MAX);
}

/* chdir: the real cwd is always the host directory; getcwd maps it back. */
PL_EXPORT int chdir(const char *path)
{
	PL_TRACED(int (*)(const char *), chdir, path);
	PL_AT(AT_FDCWD, path, PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_sys(SYS_chdir, (long)PL_ABS(fd, p), 0, 0, 0, 0));
}

/* realpath: the canonical guest path of an existing file. */
PL_EXPORT char *realpath(const char *path, char *resolved)
{
	struct pl_buf b;
	struct stat st;
	size_t n;
	int r;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	if (!pl_table()) {
		PL_REAL(char *(*)(const char *, char *), realpath);
		return real_realpath(path, resolved);
	}
	r = path[0] ? pl_canon(path, PL_FOLLOW, &b) : -ENOENT;
	if (r == 0)
		r = (int)pl_sys(SYS_newfstatat, AT_FDCWD, (long)b.host, (long)&st, 0, 0);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	n = strlen(b.guest) + 1;
	if (!resolved && !(resolved = malloc(PATH_MAX > n ? PATH_MAX : n)))
		return NULL;
	memcpy(resolved, b.guest, n);
	return resolved;
}

char *canonicalize_file_name(const char *path);
PL_EXPORT char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

/* chroot: under the P1 tracer it is emulated there, and the tracer translates from then on. */
int chroot(const char *path);
PL_EXPORT int chroot(const char *path)
{
	long r = pl_sys_traced(SYS_chroot, (long)path, 0, 0, 0, 0);

	if (r == 0 && pl_traced())
		pl_untranslated();
	return (int)pl_ret(r);
}
