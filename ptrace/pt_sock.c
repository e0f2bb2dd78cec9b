/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_sock.c - AF_UNIX path addresses under the tracer: bind/connect in, getsockname/peername out.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/pm.h"
#include "ptrace/pt_calls.h"
#include "ptrace/pt_enter.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_rdonly.h"

#define PT_SUN_OFF offsetof(struct sockaddr_un, sun_path)
#define PT_SUN_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

/* The sun_path of sa (len bytes) into path[PT_SUN_MAX + 1], ended as the kernel ends it. */
static void pt_sun_path(const struct sockaddr_un *sa, size_t len, char *path)
{
	size_t n = strnlen(sa->sun_path, len - PT_SUN_OFF);

	memcpy(path, sa->sun_path, n);
	path[n] = '\0';
}

/*
 * The sun_path the kernel gets for host into out[PT_SUN_MAX]: host itself when it fits, else
 * the path from the tracee's real cwd (the kernel resolves a relative sun_path from there), "../"
 * steps included; -ENAMETOOLONG when neither fits.
 */
static int pt_sun_host(struct pt_tracee *t, const char *host, char *out)
{
	char cwd[PATH_MAX], rel[PATH_MAX];
	size_t len = strlen(host);
	int r;

	if (len < PT_SUN_MAX) {
		memcpy(out, host, len + 1);
		return 0;
	}
	r = pt_dirfd_host(t, AT_FDCWD, cwd);
	if (r < 0)
		return r;
	r = pt_relpath(cwd, host, rel, sizeof(rel));
	if (r < 0 || (size_t)r >= PT_SUN_MAX)
		return -ENAMETOOLONG;
	memcpy(out, rel, (size_t)r + 1);
	return 0;
}

/*
 * bind(fd, addr, len) / connect(fd, addr, len): an AF_UNIX path address is canonicalised in the
 * guest view (bind creates its last component, so does not follow it; connect does) and a copy
 * with the host path is placed below the stack. Abstract and unnamed addresses, other families
 * and what the kernel refuses by itself (bad length, unmapped) are left alone.
 */
int pt_sockaddr(struct pt_loop *l, struct pt_tracee *t)
{
	const struct pt_sysent *s = &pt_sysent_table[t->sysidx];
	struct user_regs_struct r = t->regs;
	unsigned long addr = pt_reg_arg(&r, 1), len = pt_reg_arg(&r, 2);
	unsigned long top = pt_mem_stack_top(pt_reg_sp(&r));
	char guest[PATH_MAX], host[PATH_MAX], dir[PATH_MAX], path[PT_SUN_MAX + 1];
	struct sockaddr_un sa, out = {.sun_family = AF_UNIX};
	struct pt_fs_ctx c;
	struct pm_fs fs;
	int n;

	if (!addr || len <= PT_SUN_OFF || len > sizeof(sa) ||
	    pt_mem_read(t->pid, addr, &sa, len, l->memflags) != 0)
		return 0;
	if (sa.sun_family != AF_UNIX || sa.sun_path[0] == '\0')
		return 0; /* not a path address (inet, abstract or unnamed AF_UNIX) */
	pt_sun_path(&sa, len, path);
	if (path[0] != '/') {
		const char *cwd = pt_loop_cwd(l, t);

		if (!cwd)
			return -ENOENT;
		snprintf(dir, sizeof(dir), "%s", cwd);
	} else {
		strcpy(dir, "/");
	}
	pt_fs_init(l, t, &c, &fs);
	n = pm_canon(c.table, &fs, dir, path, s->nr == __NR_bind ? 0 : PM_FOLLOW, guest, host);
	if (n == 0 && s->nr == __NR_bind && pm_ro_any(c.table))
		n = pt_rdonly_new(c.table, &fs, guest, host); /* the socket file is made */
	if (n == 0)
		n = pt_sun_host(t, host, out.sun_path);
	if (n < 0)
		return n;
	len = PT_SUN_OFF + strlen(out.sun_path) + 1;
	if (pt_mem_push(t->pid, &top, &out, len, l->memflags) != 0)
		return -EFAULT;
	pt_reg_set_arg(&r, 1, top);
	pt_reg_set_arg(&r, 2, len);
	if (ptrace(PTRACE_SETREGS, t->pid, 0, &r) != 0)
		return -ESRCH;
	t->restore = 1;
	return 0;
}

/* getsockname/getpeername(fd, addr, lenp): the size of the caller's buffer, for the exit. */
int pt_sockname_enter(struct pt_loop *l, struct pt_tracee *t)
{
	unsigned long lenp = pt_reg_arg(&t->regs, 2);
	socklen_t cap = 0;

	t->aux = 0;
	if (lenp && pt_mem_read(t->pid, lenp, &cap, sizeof(cap), l->memflags) == 0)
		t->aux = cap;
	return 0;
}

/*
 * The guest path of sun_path as the kernel reports it, in guest[PATH_MAX]: an absolute host
 * path mapped back; a relative one (a long-path bind) only for getsockname, whose socket was
 * bound from the tracee's cwd: it is found from there on the host (the socket file exists).
 * A peer's relative name is relative to the peer's cwd, unknown here: -ENOENT, left alone.
 */
static int pt_sun_guest(struct pt_loop *l, struct pt_tracee *t, const char *path, char *guest)
{
	char cwd[PATH_MAX], joined[PATH_MAX], real[PATH_MAX];

	if (path[0] == '/')
		return pm_map_host(pt_loop_table(l, t), path, guest, NULL);
	if (pt_sysent_table[t->sysidx].nr != __NR_getsockname || pt_dirfd_host(t, AT_FDCWD, cwd))
		return -ENOENT;
	if (snprintf(joined, sizeof(joined), "%s/%s", cwd, path) >= (int)sizeof(joined) ||
	    !realpath(joined, real))
		return -ENOENT;
	return pm_map_host(pt_loop_table(l, t), real, guest, NULL);
}

/*
 * The exit: the kernel wrote the address (truncated to the buffer) and its full length; an
 * absolute AF_UNIX path the guest view reaches is rewritten as its guest path, truncated the
 * same way. Relative paths (from a long-path bind) and paths outside the view stay as they are.
 */
long pt_sockname_exit(struct pt_loop *l, struct pt_tracee *t, long ret)
{
	unsigned long addr = pt_reg_arg(&t->regs, 1), lenp = pt_reg_arg(&t->regs, 2);
	char guest[PATH_MAX], path[PT_SUN_MAX + 1];
	struct sockaddr_un sa;
	socklen_t len = 0;
	size_t glen;

	if (ret != 0 || !addr || !lenp || t->aux < PT_SUN_OFF + 2 ||
	    pt_mem_read(t->pid, lenp, &len, sizeof(len), l->memflags) != 0 ||
	    len <= PT_SUN_OFF + 1 || len > sizeof(sa) || len > t->aux ||
	    pt_mem_read(t->pid, addr, &sa, len, l->memflags) != 0 || sa.sun_family != AF_UNIX ||
	    sa.sun_path[0] == '\0')
		return ret;
	pt_sun_path(&sa, len, path);
	if (pt_sun_guest(l, t, path, guest) != 0)
		return ret;
	glen = strlen(guest);
	if (glen >= PT_SUN_MAX)
		return ret;
	memcpy(sa.sun_path, guest, glen + 1);
	len = (socklen_t)(PT_SUN_OFF + glen + 1);
	if (pt_mem_write(t->pid, addr, &sa, len < t->aux ? len : t->aux, l->memflags) != 0 ||
	    pt_mem_write(t->pid, lenp, &len, sizeof(len), l->memflags) != 0)
		return -EFAULT;
	return ret;
}
