/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ld_opts.h - what a guest's dynamic loader takes, read from its file (both engines). */
#ifndef UDC_LD_OPTS_H
#define UDC_LD_OPTS_H

#include <stddef.h>

/* Loader options, as bits of ld_opts_scan's answer. */
enum ld_opt {
	LD_OPT_ARGV0 = 1u << 0,	       /* --argv0 (glibc 2.33 on) */
	LD_OPT_INHIBIT_CACHE = 1u << 1, /* --inhibit-cache */
	LD_OPT_HWCAPS_MASK = 1u << 2,   /* --glibc-hwcaps-mask (glibc 2.33 on) */
	LD_OPT_PRELOAD = 1u << 3,       /* --preload (glibc 2.30 on, musl) */
	LD_OPT_LIBC_DLSYM = 1u << 4,    /* glibc 2.34 on (GLIBC_2.34 in its loader): dlsym in libc */
};

/*
 * The LD_OPT_* bits of the loader file mapped at m (size bytes): option strings with their
 * NUL (strcmp operands, not help text). No allocation, no function a preload shim wraps.
 */
unsigned int ld_opts_scan(const char *m, size_t size);

#endif
