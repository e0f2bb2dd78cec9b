/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_calls.h - handlers of openat2, AF_UNIX addresses, chroot and /proc links (P engine). */
#ifndef UDC_PT_CALLS_H
#define UDC_PT_CALLS_H

#include <stddef.h>

#include "ptrace/pt_loop.h"
#include "ptrace/pt_sysno.h"

/* Entry handlers: 0 (call rewritten or left alone) or -errno to fail the call. */

/* openat2: the path in the guest view under open_how's RESOLVE_* flags (pt_openat2.c). */
int pt_openat2(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s);
/* bind/connect: an AF_UNIX path address rewritten to the host's (pt_sock.c). */
int pt_sockaddr(struct pt_loop *l, struct pt_tracee *t);
/* getsockname/getpeername: remember the buffer size for the exit (pt_sock.c). */
int pt_sockname_enter(struct pt_loop *l, struct pt_tracee *t);
/* chroot: checked and skipped; the new view is taken at the exit stop (pt_chroot.c). */
int pt_chroot(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s);

/* Exit handlers: the result the tracee sees, from the kernel's ret. */

/* getsockname/getpeername: an AF_UNIX host path shown as the guest path. */
long pt_sockname_exit(struct pt_loop *l, struct pt_tracee *t, long ret);
/* chroot: t takes the view rooted at the new root. */
long pt_chroot_exit(struct pt_loop *l, struct pt_tracee *t, long ret);

/* Inherit parent's chroot view in child (fork/clone). */
void pt_chroot_inherit(struct pt_tracee *child, const struct pt_tracee *parent);

/* pt_proclink.c: what a canonical host path under /proc is, for readlink. */
enum pt_proc_kind {
	PT_PROC_NONE,  /* not a link of a /proc/PID directory */
	PT_PROC_MAGIC, /* a magic link of /proc/PID (exe, cwd, fd/N, ns/..., ...) */
	PT_PROC_ROOT,  /* /proc/PID/root (or of a task): the guest "/" */
};
int pt_proc_link(const char *host);

/*
 * pt_relpath.c: the path leading from directory from to path to (both absolute, canonical) as
 * "../" steps and the rest, "." when equal, in out[size]; its length or -ENAMETOOLONG.
 */
int pt_relpath(const char *from, const char *to, char *out, size_t size);

#endif
