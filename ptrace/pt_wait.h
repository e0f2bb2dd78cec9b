/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_wait.h - wait for the next tracee stop, polling briefly before sleeping. */
#ifndef UDC_PT_WAIT_H
#define UDC_PT_WAIT_H

#include <sys/types.h>

/* The polling budget of this run in ns (UDOCKERC_PT_SPIN_US; default 0: off until measured). */
long pt_wait_budget_ns(void);
/*
 * The next stop or end of any tracee, as waitpid(-1, status, __WALL): polled with WNOHANG for
 * up to budget_ns, then waited for. -1 with errno (ECHILD: no tracee left).
 */
pid_t pt_wait(long budget_ns, int *status);

#endif
