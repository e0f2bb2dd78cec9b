/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_chroot.c - chroot(2) emulated in the guest view: a per-tracee path map rooted deeper. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/pm.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_enter.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_mem.h"

/*
 * chroot(path): never reaches the kernel (it would refuse an unprivileged guest, or chroot the
 * tracee on the host for a root one). The path is checked as the kernel checks it (a searchable
 * directory, symlinks followed), the call skipped with result 0, and the guest path of the new
 * root kept for the exit stop. Any guest may chroot: it narrows the view, it grants nothing.
 */
int pt_chroot(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s)
{
	char path[PATH_MAX], dir[PATH_MAX], guest[PATH_MAX], host[PATH_MAX], buf[PATH_MAX];
	unsigned long addr = pt_reg_arg(&t->regs, (unsigned int)s->path[0]);
	struct user_regs_struct r = t->regs;
	struct pt_fs_ctx c;
	struct pm_fs fs;
	unsigned int type;
	int n;

	n = pt_mem_read_string(t->pid, addr, path, sizeof(path), l->memflags);
	if (n < 0)
		return n;
	n = path[0] == '/' ? (strcpy(dir, "/"), 0) : pt_slot_base(l, t, s, 0, dir);
	if (n < 0)
		return n;
	pt_fs_init(l, t, &c, &fs);
	n = pm_canon(c.table, &fs, dir, path, PM_FOLLOW, guest, host);
	if (n == 0)
		n = fs.ops->kind(fs.ctx, host, 1, &type);
	if (n == 0 && !S_ISDIR(type))
		n = -ENOTDIR;
	if (n == 0 && access(pt_fs_self(t->pid, host, buf), X_OK) != 0)
		n = -errno;
	if (n < 0)
		return n;
	t->pending = talloc_strdup(t->event, guest);
	if (!t->pending)
		return -ENOMEM;
	pt_reg_set_sysno(&r, -1);
	pt_reg_set_ret(&r, 0);
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	return 0;
}

/* Replace t's view by table (NULL: the run's), dropping t's hold on the old one. */
static void pt_chroot_set(struct pt_tracee *t, const struct pm_table *table)
{
	if (t->table)
		talloc_unlink(t, (void *)t->table);
	t->table = table;
}

long pt_chroot_exit(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	const struct pm_table *cur = pt_loop_table(l, t);
	struct pm_table *table;
	size_t size = cur->arena_used + PATH_MAX;
	char *arena;

	(void)ret; /* skipped at entry: whatever the kernel left, the call succeeded */
	if (!t->pending || strcmp(t->pending, "/") == 0)
		return 0; /* chroot("/") and its aliases: the view stays */
	table = talloc(t, struct pm_table);
	arena = table ? talloc_size(table, size) : NULL;
	if (!arena || pm_table_chroot(table, arena, size, cur, t->pending) != 0) {
		talloc_free(table);
		return -ENOMEM;
	}
	pt_chroot_set(t, table);
	pt_tracee_set_cwd(t, NULL); /* the same host cwd, seen from the new root (or unreachable) */
	return 0;
}

void pt_chroot_inherit(struct pt_tracee *child, const struct pt_tracee *parent)
{
	if (child->table == parent->table)
		return;
	pt_chroot_set(child, parent->table ? talloc_reference(child, parent->table) : NULL);
}
