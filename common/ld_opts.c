/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ld_opts.c - the options a guest's dynamic loader takes, found in its file (both engines). */
#include <string.h>

#include "common/ld_opts.h"

/* The "--" options of glibc's loader (with their NUL), one pass over the file. */
static unsigned int ld_opts_dashes(const char *m, const char *end)
{
	static const struct {
		const char *s;
		size_t len; /* with the NUL */
		unsigned int bit;
	} opt[] = {
		{ "--argv0", 8, LD_OPT_ARGV0 },
		{ "--inhibit-cache", 16, LD_OPT_INHIBIT_CACHE },
		{ "--glibc-hwcaps-mask", 20, LD_OPT_HWCAPS_MASK },
		{ "--preload", 10, LD_OPT_PRELOAD },
	};
	unsigned int opts = 0;
	const char *p;

	/* every "--" (memchr is much faster than a memmem per option) */
	for (p = m; (p = memchr(p, '-', (size_t)(end - p))) && end - p > 2; p++)
		if (p[1] == '-')
			for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
				if ((size_t)(end - p) >= opt[i].len && !memcmp(p, opt[i].s, opt[i].len))
					opts |= opt[i].bit;
	return opts;
}

unsigned int ld_opts_scan(const char *m, size_t size)
{
	unsigned int opts = ld_opts_dashes(m, m + size);

	/* glibc's loader defines its symbol versions near the start of the file */
	if (memmem(m, size, "GLIBC_2.", sizeof("GLIBC_2.") - 1)) {
		if (memmem(m, size, "GLIBC_2.34", sizeof("GLIBC_2.34")))
			opts |= LD_OPT_LIBC_DLSYM;
		return opts; /* --preload, if any, was among the dashes */
	}
	/* musl compares what follows "--": "library-path", "preload" */
	if (memmem(m, size, "library-path", sizeof("library-path")) &&
	    memmem(m, size, "preload", sizeof("preload")))
		opts |= LD_OPT_PRELOAD;
	return opts;
}
