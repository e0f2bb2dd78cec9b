/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_tracee.c - the tracer's table of tracees: lookup by pid in O(1), per-tracee contexts. */
#include <errno.h>
#include <signal.h>

#include "ptrace/pt_tracee.h"

struct pt_tracee *pt_tracee_find(struct pt_tracees *ts, pid_t pid)
{
	struct pt_tracee *t = NULL;

	HASH_FIND_INT(ts->by_pid, &pid, t);
	return t;
}

int pt_tracee_set_cwd(struct pt_tracee *t, const char *cwd)
{
	char *c = NULL;

	if (cwd) {
		c = talloc_strdup(t, cwd);
		if (!c)
			return -ENOMEM;
	}
	talloc_free(t->cwd);
	t->cwd = c;
	return 0;
}

/* The destructor: a freed tracee leaves the table. */
static int pt_tracee_gone(struct pt_tracee *t)
{
	struct pt_tracees *ts = talloc_get_type_abort(talloc_parent(t), struct pt_tracees);

	HASH_DEL(ts->by_pid, t);
	return 0;
}

struct pt_tracee *pt_tracee_new(struct pt_tracees *ts, pid_t pid, const char *cwd)
{
	struct pt_tracee *t = talloc_zero(ts, struct pt_tracee);

	if (!t)
		return NULL;
	t->pid = pid;
	t->sysidx = -1;
	t->event = talloc_new(t);
	if (!t->event || pt_tracee_set_cwd(t, cwd) != 0) {
		talloc_free(t);
		return NULL;
	}
	HASH_ADD_INT(ts->by_pid, pid, t);
	talloc_set_destructor(t, pt_tracee_gone);
	return t;
}

void pt_tracee_del(struct pt_tracees *ts, struct pt_tracee *t)
{
	(void)ts;
	talloc_free(t);
}

unsigned int pt_tracee_count(const struct pt_tracees *ts)
{
	return HASH_COUNT(ts->by_pid);
}

void pt_tracee_kill_all(struct pt_tracees *ts)
{
	struct pt_tracee *t;

	for (t = ts->by_pid; t; t = (struct pt_tracee *)t->hh.next) /* uthash's insertion order */
		kill(t->pid, SIGKILL);
}
