/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_signal.h - forward the signals udockerc is sent to the guest's first process. */
#ifndef UDC_PT_SIGNAL_H
#define UDC_PT_SIGNAL_H

#include <sys/types.h>

/*
 * The forwarded signals are SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1 and SIGUSR2; one ignored
 * when udockerc started (nohup, a background job's SIGINT) stays ignored, for the guest too.
 * Signals are process-wide, so is this state: one run at a time.
 *
 * pt_signal_block() before the fork blocks them and installs the handlers; the child calls
 * pt_signal_child() before it execs; pt_signal_start(pid) once the child is traced sends
 * them to pid from then on (one that came in between is delivered then, none is lost);
 * pt_signal_end() puts everything back as it was (it may be called more than once).
 */
void pt_signal_block(void);
/* In the forked child (async-signal-safe): the caller's dispositions and mask again. */
void pt_signal_child(void);
void pt_signal_start(pid_t pid);
void pt_signal_end(void);

#endif
