/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pt_proc.c - a tracee's program as the guest sees it. A dynamic program runs through the guest's
 * ELF loader, so the kernel's exe link names the loader and AT_EXECFN its host path: the tracer
 * records per tracee the guest program each exec runs, answers the exe links with it and writes
 * the guest name over AT_EXECFN in the new stack.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_proc.h"
#include "ptrace/pt_sysno.h"

/* auxv words read from /proc/PID/auxv (the kernel keeps fewer than 64 pairs). */
#define PT_PROC_AUXV_WORDS 256

/* The destructor of a plan: its tracee no longer points at it. */
static int pt_proc_plan_gone(struct pt_proc_exec *x)
{
	if (x->owner->exec_next == x)
		x->owner->exec_next = NULL;
	return 0;
}

int pt_proc_exec_plan(struct pt_tracee *t, const char *exe, const char *path)
{
	const struct pt_sysent *s = &pt_sysent_table[t->sysidx];
	struct pt_proc_exec *x;
	int fd = AT_FDCWD;

	talloc_free(t->exec_next);
	x = talloc_zero(t->event, struct pt_proc_exec);
	if (!x)
		return -ENOMEM;
	x->owner = t;
	talloc_set_destructor(x, pt_proc_plan_gone);
	t->exec_next = x;
	if (s->dirfd[0] >= 0)
		fd = (int)pt_reg_arg(&t->regs, (unsigned int)s->dirfd[0]);
	x->exe = talloc_strdup(x, exe);
	if (path[0] == '/' || fd == AT_FDCWD)
		x->execfn = talloc_strdup(x, path);
	else /* execveat from a directory fd: the kernel names the file so */
		x->execfn = talloc_asprintf(x, "/dev/fd/%d/%s", fd, path);
	if (!x->exe || !x->execfn) {
		talloc_free(x);
		return -ENOMEM;
	}
	return 0;
}

/* The address of AT_EXECFN in pid's auxv, 0 when unknown. */
static unsigned long pt_proc_execfn_addr(pid_t pid)
{
	unsigned long av[PT_PROC_AUXV_WORDS];
	char path[64];
	ssize_t n;
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, av, sizeof(av));
	close(fd);
	for (i = 0; n > 0 && i + 1 < (size_t)n / sizeof(av[0]) && av[i] != AT_NULL; i += 2)
		if (av[i] == AT_EXECFN)
			return av[i + 1];
	return 0;
}

/*
 * Write name over the string AT_EXECFN points at in pid's new stack, padded with NULs. A name
 * longer than the kernel's string (the host path of the program or loader) is not written: the
 * string sits just below the top of the stack, so there is no room to grow it in place.
 */
static void pt_proc_execfn(struct pt_loop *l, pid_t pid, const char *name)
{
	unsigned long addr = pt_proc_execfn_addr(pid);
	size_t len = strlen(name);
	char old[PATH_MAX];
	int n;

	if (!addr)
		return;
	n = pt_mem_read_string(pid, addr, old, sizeof(old), l->memflags);
	if (n < 0 || (size_t)n < len)
		return;
	memset(old, 0, (size_t)n + 1);
	memcpy(old, name, len + 1);
	pt_mem_write(pid, addr, old, (size_t)n + 1, l->memflags);
}

/* Give tracee f the pid of t (the leader whose pid an exec in thread f took); t is freed. */
static void pt_proc_take_pid(struct pt_loop *l, struct pt_tracee *f, struct pt_tracee *t)
{
	pid_t pid = t->pid;

	pt_tracee_del(l->tracees, t);
	HASH_DEL(l->tracees->by_pid, f);
	f->pid = pid;
	HASH_ADD_INT(l->tracees->by_pid, pid, f);
}

struct pt_tracee *pt_proc_exec_done(struct pt_loop *l, struct pt_tracee *t)
{
	unsigned long former = 0;
	struct pt_tracee *f;

	if (ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &former) == 0 && (pid_t)former != t->pid) {
		f = pt_tracee_find(l->tracees, (pid_t)former);
		if (f) {
			pt_proc_take_pid(l, f, t);
			t = f;
		}
	}
	talloc_free(t->exe);
	t->exe = NULL;
	if (t->exec_next) {
		t->exe = talloc_steal(t, t->exec_next->exe);
		pt_proc_execfn(l, t->pid, t->exec_next->execfn);
	}
	return t;
}

int pt_proc_child(struct pt_tracee *c, const struct pt_tracee *t)
{
	if (c->exe || !t->exe)
		return 0;
	c->exe = talloc_strdup(c, t->exe);
	return c->exe ? 0 : -ENOMEM;
}

/* A pid as /proc spells it at *p (decimal, no leading zero), *p moved past it; 0: none. */
static pid_t pt_proc_pid(const char **p)
{
	const char *s = *p;
	char *end;
	long v;

	if (*s < '1' || *s > '9')
		return 0;
	v = strtol(s, &end, 10);
	if (v <= 0 || v > INT_MAX)
		return 0;
	*p = end;
	return (pid_t)v;
}

/* The tracee whose exe link path names, as seen by self: 0 when path is no exe link. */
static pid_t pt_proc_link_pid(pid_t self, const char *path)
{
	const char *p = path + 6;
	pid_t pid;

	if (strncmp(path, "/proc/", 6) != 0)
		return 0;
	if (strncmp(p, "self/", 5) == 0) {
		pid = self;
		p += 4;
	} else if (strncmp(p, "thread-self/", 12) == 0) {
		pid = self;
		p += 11;
	} else if ((pid = pt_proc_pid(&p)) == 0) {
		return 0;
	}
	if (strncmp(p, "/task/", 6) == 0) {
		p += 6;
		pid = pt_proc_pid(&p); /* the thread's own record: threads share the program */
	}
	return strcmp(p, "/exe") == 0 ? pid : 0;
}

const char *pt_proc_exe_of(struct pt_tracees *ts, pid_t self, const char *path)
{
	pid_t pid = pt_proc_link_pid(self, path);
	struct pt_tracee *t = pid ? pt_tracee_find(ts, pid) : NULL;

	return t ? t->exe : NULL;
}

int pt_proc_readlink(struct pt_loop *l, struct pt_tracee *t, const char *path, unsigned long buf,
		     unsigned long size, long *ret)
{
	const char *exe = pt_proc_exe_of(l->tracees, t->pid, path);
	char self[PATH_MAX], host[PATH_MAX], guest[PATH_MAX];
	ssize_t n;
	size_t len;

	if (!exe) {
		if ((unsigned long)*ret < size)
			return 0; /* the whole target: pt_exit maps it */
		/* the kernel cut the host target to fit: map the whole one, then cut */
		n = readlink(pt_fs_self(t->pid, path, self), host, sizeof(host) - 1);
		if (n <= 0)
			return 0;
		host[n] = '\0';
		if (pm_map_host(pt_loop_table(l, t), host, guest, NULL) != 0)
			return 0;
		exe = guest;
	}
	len = strlen(exe);
	if (len > size)
		len = size; /* readlink truncates silently */
	*ret = pt_mem_write(t->pid, buf, exe, len, l->memflags) ? -EFAULT : (long)len;
	return 1;
}
