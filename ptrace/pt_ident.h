/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_ident.h - fake identity (fake root, -u) and --kernel in the tracer: the handlers. */
#ifndef UDC_PT_IDENT_H
#define UDC_PT_IDENT_H

#include <sys/types.h>

#include "common/engine.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_sysno.h"

/*
 * The enum pt_mode bits run s needs from a tracer running as real_uid:real_gid: FAKEROOT
 * whenever the guest is to see another uid or gid than the real ones (root by default, or
 * -u UID:GID), KERNEL with --kernel.
 */
unsigned int pt_ident_mode(const struct run_spec *s, uid_t real_uid, gid_t real_gid);

/*
 * The credentials of new tracee c: a copy of parent's (its fork/clone event), else of the
 * tracee /proc names as its creator (a child whose first stop came before its parent's event),
 * else the spec's (the first tracee). 0 or -ENOMEM.
 */
int pt_ident_inherit(struct pt_loop *l, struct pt_tracee *c, const struct pt_tracee *parent);

/* Entry of the getid, getresid and setid families: enum pt_enter_result. */
int pt_ident_enter(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s);

/*
 * Entry of the chown family, its paths translated already: under fake identity the call
 * becomes a stat of the same file (newfstatat/fstat into a buffer below the stack), which
 * checks existence and search permission as chown would and changes nothing; the exit stop
 * applies the chown permission rules of the fake credentials. 0 or -errno.
 */
int pt_ident_chown(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s);

/* Owners of st as the guest sees them under fake identity (the stat family's exit rule). */
struct stat;
void pt_ident_shown_stat(const struct pt_loop *l, struct stat *st);

/* Exit of the stat, chown, getid, getresid, setid and uname families: the guest's result. */
long pt_ident_exit(struct pt_loop *l, struct pt_tracee *t, long ret);

#endif
