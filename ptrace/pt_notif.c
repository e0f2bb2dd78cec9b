/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pt_notif.c - P1: a second tracer thread answers the dynamic loader's openat, newfstatat and
 * access calls through seccomp user notification, which (with synchronous wake-up, Linux 6.6+)
 * costs a fraction of a ptrace stop. A notification cannot rewrite arguments, so the thread
 * makes the call itself on the guest path's host path and hands back the result: a new fd
 * (SECCOMP_IOCTL_NOTIF_ADDFD), a stat buffer (written into the guest), an access verdict.
 * The tracer's state (tracees, cwds, chroot views) is read under l->lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <talloc.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_enter.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_ident.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_notif.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS /* Linux 6.6 uapi; Debian 12's headers are 6.1 */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

struct pt_notif {
	int fd;	     /* the listener */
	int wake[2]; /* a byte on wake[1] ends the thread */
	pthread_t thread;
	unsigned long served[PT_NOTIF_KINDS]; /* answered calls per kind (read after the join) */
};

/* Whether the running kernel is at least major.minor. */
static int pt_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int a = 0, b = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &a, &b) != 2)
		return 0;
	return a > major || (a == major && b >= minor);
}

/* The listener fdnum of process pid, as an fd of ours (pidfd_getfd, Linux 5.6+); -errno. */
static int pt_notif_take(pid_t pid, int fdnum)
{
	long pidfd = syscall(SYS_pidfd_open, pid, 0), fd;
	int err;

	if (pidfd < 0)
		return -errno;
	fd = syscall(SYS_pidfd_getfd, (int)pidfd, fdnum, 0);
	err = errno;
	close((int)pidfd);
	return fd < 0 ? -err : (int)fd;
}

/* Whether pidfd_getfd works here (a sandbox's seccomp policy may refuse it): on our stdin. */
static int pt_notif_can_take(void)
{
	int fd = pt_notif_take(getpid(), 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || fd == -EBADF; /* no stdin: the call itself works */
}

unsigned int pt_notif_wanted(const struct pt_loop *l)
{
	const char *v = getenv("UDOCKERC_PT_NOTIF");

	if (l->mode != PT_RUN_P1 || (v && strcmp(v, "0") == 0) || !pt_kernel_at_least(6, 6))
		return 0;
	return pt_notif_can_take() ? PT_NOTIF_OPENAT | PT_NOTIF_FSTATAT | PT_NOTIF_ACCESS : 0;
}

/*
 * The host path, as the tracer can open it, of guest path (dirfd-relative) of tracee pid,
 * following a final symlink when follow: pt_enter.c's translation, under l->lock.
 */
static int pt_notif_host(struct pt_loop *l, pid_t pid, int dirfd, const char *path, int follow,
			 char *out)
{
	char dir[PATH_MAX] = "/", guest[PATH_MAX], host[PATH_MAX];
	struct pt_tracee *t;
	struct pt_fs_ctx c;
	struct pm_fs fs;
	int n = 0;

	pthread_mutex_lock(&l->lock);
	t = pt_tracee_find(l->tracees, pid);
	if (!t)
		n = -EPERM; /* not a tracee: never run a call untranslated */
	if (!n && path[0] != '/')
		n = pt_dir_guest(l, t, dirfd, dir);
	if (!n) {
		pt_fs_init(l, t, &c, &fs);
		n = pm_canon(c.table, &fs, dir, path, follow ? PM_FOLLOW : 0, guest, host);
	}
	pthread_mutex_unlock(&l->lock);
	if (n < 0)
		return n;
	snprintf(out, PATH_MAX, "%s", pt_fs_self(pid, host, dir)); /* /proc/self: the tracee's */
	return 0;
}

/* The guest's path argument at addr into path[PATH_MAX]: its length or -errno. */
static int pt_notif_path(pid_t pid, unsigned long addr, char *path)
{
	if (!addr)
		return -EFAULT;
	return pt_mem_read_string(pid, addr, path, PATH_MAX, 0);
}

/* Give the guest fd (with O_CLOEXEC in cloexec) as the result of notification id. */
static int pt_notif_give(int listener, __u64 id, int fd, unsigned int cloexec)
{
	struct seccomp_notif_addfd a = {.id = id,
					.flags = SECCOMP_ADDFD_FLAG_SEND,
					.srcfd = (__u32)fd,
					.newfd_flags = cloexec};
	int r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0 ? -errno : 0;

	close(fd);
	return r;
}

/* Answer notification id: success (0) or the error err < 0. */
static void pt_notif_reply(int listener, __u64 id, int err)
{
	struct seccomp_notif_resp resp = {.id = id, .error = err};

	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: the guest gave up (a signal) */
}

/* A FIFO's open waits for the other end: done in a thread of its own with its own listener. */
struct pt_notif_wait {
	int listener;
	__u64 id;
	unsigned int cloexec;
	char host[PATH_MAX];
};

static void *pt_notif_fifo(void *arg)
{
	struct pt_notif_wait *w = arg;
	int fd = open(w->host, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		pt_notif_reply(w->listener, w->id, -errno);
	else
		pt_notif_give(w->listener, w->id, fd, w->cloexec);
	close(w->listener);
	free(w);
	return NULL;
}

static int pt_notif_fifo_start(int listener, __u64 id, unsigned int cloexec, const char *host)
{
	struct pt_notif_wait *w = malloc(sizeof(*w));
	pthread_attr_t a;
	pthread_t th;
	int r;

	if (!w)
		return -ENOMEM;
	w->id = id;
	w->cloexec = cloexec;
	snprintf(w->host, sizeof(w->host), "%s", host);
	w->listener = fcntl(listener, F_DUPFD_CLOEXEC, 3);
	if (w->listener < 0) {
		free(w);
		return -EMFILE;
	}
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&th, &a, pt_notif_fifo, w);
	pthread_attr_destroy(&a);
	if (r) {
		close(w->listener);
		free(w);
		return -r;
	}
	return 0;
}

/*
 * openat(AT_FDCWD, path, O_RDONLY [| PT_NOTIF_OPEN_FLAGS]). Opened without blocking and
 * without taking a controlling terminal, then made blocking again; a FIFO, whose open waits
 * for a writer, is opened in a thread of its own. 1 when answered already, else -errno.
 */
static int pt_notif_openat(struct pt_loop *l, int listener, const struct seccomp_notif *q)
{
	unsigned int cloexec = (unsigned int)q->data.args[2] & O_CLOEXEC;
	char path[PATH_MAX], host[PATH_MAX];
	struct stat st;
	int n = pt_notif_path(q->pid, q->data.args[1], path), fd;

	if (n >= 0)
		n = pt_notif_host(l, (pid_t)q->pid, AT_FDCWD, path, 1, host);
	if (n < 0)
		return n;
	fd = open(host, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		st.st_mode = S_IFREG;
	if (S_ISFIFO(st.st_mode)) {
		close(fd);
		n = pt_notif_fifo_start(listener, q->id, cloexec, host);
		return n < 0 ? n : 1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && fcntl(fd, F_SETFL, 0) != 0) {
		n = -errno;
		close(fd);
		return n;
	}
	n = pt_notif_give(listener, q->id, fd, cloexec);
	return n == -ENOENT ? 1 : n; /* ENOENT: the guest was interrupted and will call again */
}

/* newfstatat(fd, path, buf, AT_EMPTY_PATH): "" is the fd itself, via /proc/PID/fd/N. */
static int pt_notif_fstatat(struct pt_loop *l, const struct seccomp_notif *q)
{
	char path[PATH_MAX] = "", host[PATH_MAX];
	int fd = (int)q->data.args[0], n = 0;
	struct stat st;

	if (q->data.args[1]) /* NULL with AT_EMPTY_PATH is the fd itself too (Linux 6.11) */
		n = pt_notif_path(q->pid, q->data.args[1], path);
	if (n > 0)
		n = pt_notif_host(l, (pid_t)q->pid, fd, path, 1, host);
	else if (n == 0)
		snprintf(host, sizeof(host), "/proc/%u/fd/%d", q->pid, fd);
	if (n < 0)
		return n;
	if (stat(host, &st) != 0)
		return path[0] || errno != ENOENT ? -errno : -EBADF;
	if (l->sysmode & PT_MODE_FAKEROOT)
		pt_ident_shown_stat(l, &st);
	return pt_mem_write((pid_t)q->pid, q->data.args[2], &st, sizeof(st), 0);
}

/* access(path, mode). */
static int pt_notif_access(struct pt_loop *l, const struct seccomp_notif *q)
{
	char path[PATH_MAX], host[PATH_MAX];
	int n = pt_notif_path(q->pid, q->data.args[0], path);

	if (n >= 0)
		n = pt_notif_host(l, (pid_t)q->pid, AT_FDCWD, path, 1, host);
	if (n < 0)
		return n;
	return faccessat(AT_FDCWD, host, (int)q->data.args[1], 0) == 0 ? 0 : -errno;
}

/* Receive one notification and answer it. */
static void pt_notif_serve(struct pt_loop *l, struct pt_notif *nt)
{
	struct seccomp_notif q;
	unsigned int kind;
	int r;

	memset(&q, 0, sizeof(q));
	if (ioctl(nt->fd, SECCOMP_IOCTL_NOTIF_RECV, &q) != 0)
		return; /* ENOENT: the guest was interrupted before we took it */
	switch (q.data.nr) {
	case __NR_openat:
		kind = 0;
		r = pt_notif_openat(l, nt->fd, &q);
		break;
	case __NR_newfstatat:
		kind = 1;
		r = pt_notif_fstatat(l, &q);
		break;
	case __NR_access:
		kind = 2;
		r = pt_notif_access(l, &q);
		break;
	default:
		kind = PT_NOTIF_KINDS;
		r = -ENOSYS; /* not one the filter sends: never run it untranslated */
		break;
	}
	if (r <= 0)
		pt_notif_reply(nt->fd, q.id, r);
	if (kind < PT_NOTIF_KINDS)
		nt->served[kind]++;
}

/* The thread: serve notifications until the last guest process is gone or wake[] says stop. */
static void *pt_notif_main(void *arg)
{
	struct pt_loop *l = arg;
	struct pt_notif *nt = l->notif;
	struct pollfd p[2] = {{.fd = nt->fd, .events = POLLIN}, {.fd = nt->wake[0], .events = POLLIN}};
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the main thread's (pt_signal.c) */
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN)
			pt_notif_serve(l, nt);
		else if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break; /* no process is left under the filter */
	}
	return NULL;
}

int pt_notif_start(struct pt_loop *l, pid_t pid, int fdnum)
{
	struct pt_notif *nt = talloc_zero(l->tracees, struct pt_notif);
	int r;

	if (!nt)
		return -ENOMEM;
	nt->fd = pt_notif_take(pid, fdnum);
	if (nt->fd < 0) {
		r = nt->fd;
		talloc_free(nt);
		return r;
	}
	/* without synchronous wake-up (before 6.6) it still works, at ptrace's cost */
	ioctl(nt->fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0);
	if (pipe2(nt->wake, O_CLOEXEC) != 0) {
		r = -errno;
		close(nt->fd);
		talloc_free(nt);
		return r;
	}
	l->notif = nt;
	r = -pthread_create(&nt->thread, NULL, pt_notif_main, l);
	if (r) {
		close(nt->fd);
		close(nt->wake[0]);
		close(nt->wake[1]);
		l->notif = NULL;
		talloc_free(nt);
	}
	return r;
}

void pt_notif_stop(struct pt_loop *l)
{
	struct pt_notif *nt = l->notif;

	if (!nt)
		return;
	if (write(nt->wake[1], "x", 1) != 1)
		pthread_cancel(nt->thread);
	pthread_join(nt->thread, NULL);
	close(nt->wake[0]);
	close(nt->wake[1]);
	close(nt->fd);
	for (unsigned int i = 0; i < PT_NOTIF_KINDS; i++)
		l->notified[i] = nt->served[i];
	l->notif = NULL;
	talloc_free(nt);
}
