/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_notif.h - P1: the loader's opens, fstats and access checks served by seccomp user notification. */
#ifndef UDC_PT_NOTIF_H
#define UDC_PT_NOTIF_H

#include <fcntl.h>
#include <sys/types.h>

struct pt_loop;

/* The calls the filter sends to the notification thread (pt_seccomp.c's notif_test forms). */
enum pt_notif_call {
	PT_NOTIF_OPENAT = 1u << 0,  /* openat(AT_FDCWD, path, O_RDONLY [| PT_NOTIF_OPEN_FLAGS]) */
	PT_NOTIF_FSTATAT = 1u << 1, /* newfstatat(fd >= 0, path, buf, AT_EMPTY_PATH) */
	PT_NOTIF_ACCESS = 1u << 2,  /* access(path, mode) */
};
#define PT_NOTIF_KINDS 3
/* The flags a notified openat may carry besides O_RDONLY (0): a plain read-only open. */
#define PT_NOTIF_OPEN_FLAGS (O_CLOEXEC | O_NOCTTY | O_LARGEFILE)

/*
 * The calls l should have notified: all of them on Linux 6.6 and later (synchronous wake-up
 * makes a notification cheaper than a ptrace stop; older kernels gain nothing) when
 * UDOCKERC_PT_NOTIF is not 0 and pidfd_getfd works here (the tracer takes the listener with
 * it); else 0. The probe may still veto them: they need the tracee's memory read without a
 * stop.
 */
unsigned int pt_notif_wanted(const struct pt_loop *l);

/*
 * Take the listener the first tracee pid made (its fd number fdnum there), ask for synchronous
 * wake-ups and start the thread that serves it, under l->lock. 0 or -errno (then nothing runs
 * and the run cannot go on: the guest's notified calls would wait for ever).
 */
int pt_notif_start(struct pt_loop *l, pid_t pid, int fdnum);

/* Stop and join the thread, close the listener; nothing when none runs. */
void pt_notif_stop(struct pt_loop *l);

#endif
