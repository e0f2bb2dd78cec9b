/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_engine.h - the P engine's entries for the front end's engine table. */
#ifndef UDC_PT_ENGINE_H
#define UDC_PT_ENGINE_H

#include "common/engine.h"

/* P1: the seccomp filter lets untraced syscalls run at native speed. */
extern const struct engine pt_engine_p1;
/* P2: every syscall stops (for kernels whose seccomp misbehaves). */
extern const struct engine pt_engine_p2;

#endif
