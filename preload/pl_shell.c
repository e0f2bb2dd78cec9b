/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_shell.c - system(), popen(), pclose(): the guest's /bin/sh, spawned through its plan. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "preload/pl_shim.h"

extern char **environ;

/*
 * The C library runs "/bin/sh -c CMD" for these through its internal posix_spawn, which the
 * shim cannot see: the host's /bin/sh would run. Here the shell is spawned as the library
 * does (same signal handling), but through pl_spawn, so the guest's shell runs via its loader.
 */

/* Spawn "sh -c cmd" with fa and attr; 0 or an errno value. */
static int pl_sh(pid_t *pid, const char *cmd, const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attr)
{
	const char *av[] = { "sh", "-c", cmd, NULL };

	return pl_spawn(pid, "/bin/sh", fa, attr, (char *const *)av, environ);
}

static int pl_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* system: SIGINT and SIGQUIT ignored and SIGCHLD blocked while the shell runs (POSIX). */
PL_EXPORT int system(const char *cmd)
{
	PL_TRACED(&system, system, cmd);
	PL_REAL(&system, system);
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	sigset_t chld, omask, def;
	posix_spawnattr_t attr;
	pid_t pid;
	int r, st = -1;

	if (!pl_table())
		return real_system(cmd);
	if (!cmd) /* whether a shell is there */
		return system("exit 0") == 0;
	sigemptyset(&ign.sa_mask);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&def);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	sigprocmask(SIG_BLOCK, &chld, &omask);
	if (oint.sa_handler != SIG_IGN)
		sigaddset(&def, SIGINT);
	if (oquit.sa_handler != SIG_IGN)
		sigaddset(&def, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &omask);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	r = pl_sh(&pid, cmd, NULL, &attr);
	posix_spawnattr_destroy(&attr);
	if (r == 0)
		st = pl_wait(pid);
	else
		st = 127 << 8; /* as the library: the shell could not run */
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	sigprocmask(SIG_SETMASK, &omask, NULL);
	return st;
}

/* The streams popen made: their child, for pclose (and closed in later popen children). */
#define PL_POPEN_MAX 256
static struct {
	FILE *f;
	pid_t pid;
} pl_streams[PL_POPEN_MAX];
static int pl_streams_lock;

static void pl_lock(void)
{
	while (__atomic_exchange_n(&pl_streams_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void pl_unlock(void)
{
	__atomic_store_n(&pl_streams_lock, 0, __ATOMIC_RELEASE);
}

/* Spawn the shell with its end of the pipe as fd target (0 or 1); 0 or an errno value. */
static int pl_popen_spawn(pid_t *pid, const char *cmd, int end, int target)
{
	posix_spawn_file_actions_t fa;
	int r;

	posix_spawn_file_actions_init(&fa);
	if (end != target)
		posix_spawn_file_actions_adddup2(&fa, end, target);
	else /* already there: it must survive the exec */
		fcntl(end, F_SETFD, 0);
	for (int i = 0; i < PL_POPEN_MAX; i++)
		if (pl_streams[i].f)
			posix_spawn_file_actions_addclose(&fa, fileno(pl_streams[i].f));
	r = pl_sh(pid, cmd, &fa, NULL);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

PL_EXPORT FILE *popen(const char *cmd, const char *mode)
{
	PL_TRACED(&popen, popen, cmd, mode);
	PL_REAL(&popen, popen);
	int fds[2], rd, cloexec, slot, r;
	FILE *f = NULL;
	pid_t pid;

	if (!pl_table())
		return real_popen(cmd, mode);
	rd = mode[0] == 'r';
	cloexec = strchr(mode, 'e') != NULL;
	if ((mode[0] != 'r' && mode[0] != 'w') || strspn(mode + 1, "e") != strlen(mode + 1)) {
		errno = EINVAL;
		return NULL;
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	pl_lock();
	for (slot = 0; slot < PL_POPEN_MAX && pl_streams[slot].f; slot++)
		;
	r = slot < PL_POPEN_MAX ? pl_popen_spawn(&pid, cmd, fds[rd], rd) : EMFILE;
	close(fds[rd]);
	if (r == 0 && !cloexec)
		fcntl(fds[!rd], F_SETFD, 0);
	if (r == 0 && !(f = fdopen(fds[!rd], rd ? "r" : "w"))) {
		r = errno;
		pl_wait(pid);
	}
	if (f) {
		pl_streams[slot].f = f;
		pl_streams[slot].pid = pid;
	} else {
		close(fds[!rd]);
	}
	pl_unlock();
	if (!f)
		errno = r;
	return f;
}

PL_EXPORT int pclose(FILE *f)
{
	PL_TRACED(&pclose, pclose, f);
	PL_REAL(&pclose, pclose);
	pid_t pid = -1;

	pl_lock();
	for (int i = 0; i < PL_POPEN_MAX; i++) {
		if (pl_streams[i].f == f && f) {
			pid = pl_streams[i].pid;
			pl_streams[i].f = NULL;
			break;
		}
	}
	pl_unlock();
	if (pid < 0) /* not one of ours: the library's own */
		return real_pclose(f);
	fclose(f);
	return pl_wait(pid);
}
