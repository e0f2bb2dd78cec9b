/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_rdonly.h - `:ro` volumes in the P engine: EROFS for writes through a read-only entry. */
#ifndef UDC_PT_RDONLY_H
#define UDC_PT_RDONLY_H

#include "common/pm.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_sysno.h"

/* The verdicts of a call's two path slots, until both are known (rename, link). */
struct pt_ro {
	int err[2]; /* -EROFS (or -EBUSY) for the slot alone, else 0 */
	int ent[2]; /* the table entry the slot's operation acts on, -1: none */
};

/*
 * Record in ro the verdict on slot of table syscall idx, canonicalised to guest and host
 * (flags: its flags argument, for open). tb must be the one pm_canon used.
 */
void pt_rdonly_slot(const struct pm_table *tb, const struct pm_fs *fs, int idx, unsigned int slot,
		    unsigned long flags, const char *guest, const char *host, struct pt_ro *ro);
/* The call's verdict from both slots (-EXDEV across entries, as mounts), 0 or -errno. */
int pt_rdonly_pair(const struct pm_table *tb, int idx, const struct pt_ro *ro);
/*
 * The fd-based writes of table syscall s (fchmod, fchown, fsetxattr, fremovexattr; utimensat
 * and futimesat with a NULL path, *at with "" and AT_EMPTY_PATH): -EROFS when the file behind
 * the fd lies in a read-only entry, else 0.
 */
int pt_rdonly_fd(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s);
/* open flags fl on the canonical guest/host path: -EROFS when the open writes to a ro entry. */
int pt_rdonly_open(const struct pm_table *tb, const struct pm_fs *fs, unsigned long fl,
		   const char *guest, const char *host);
/* bind of an AF_UNIX path: -EROFS when the socket file would be made in a ro entry. */
int pt_rdonly_new(const struct pm_table *tb, const struct pm_fs *fs, const char *guest,
		  const char *host);

#endif
