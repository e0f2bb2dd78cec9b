/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_fsgroup.h - tracees sharing one fs struct (CLONE_FS: threads) share cwd and chroot view. */
#ifndef UDC_PT_FSGROUP_H
#define UDC_PT_FSGROUP_H

#include "ptrace/pt_loop.h"

/* At parent's fork/vfork/clone event: child joins parent's fs group under CLONE_FS. */
void pt_fsgroup_child(struct pt_loop *l, struct pt_tracee *child, struct pt_tracee *parent);
/* t's guest cwd or chroot view changed: every tracee of its fs group takes t's. */
void pt_fsgroup_share(struct pt_loop *l, struct pt_tracee *t);

#endif
