/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_ld_opts.c - the loader options both engines read from a loader file (common/ld_opts.c). */
#include <string.h>

#include "common/ld_opts.h"
#include "tests/unit/tap.h"

/* ld_opts_scan of the bytes of a string literal (its NULs included, the final one too). */
#define SCAN(lit) ld_opts_scan(lit, sizeof(lit))

int main(void)
{
	/* glibc 2.36-like: option strings as strcmp operands, the version node, ld.so.preload */
	is_int((int)SCAN("x\0--argv0\0--inhibit-cache\0--glibc-hwcaps-mask\0--preload\0"
			 "/etc/ld.so.preload\0GLIBC_2.34\0"),
	       LD_OPT_ARGV0 | LD_OPT_INHIBIT_CACHE | LD_OPT_HWCAPS_MASK | LD_OPT_PRELOAD |
		   LD_OPT_LIBC_DLSYM,
	       "a glibc 2.36 loader takes everything");
	/* glibc 2.31-like: --preload, no --argv0, no GLIBC_2.34; ld.so.preload is not musl's */
	is_int((int)SCAN("GLIBC_2.2.5\0--inhibit-cache\0--preload\0/etc/ld.so.preload\0library-path\0"),
	       LD_OPT_INHIBIT_CACHE | LD_OPT_PRELOAD, "a glibc 2.31 loader: --preload, old dlsym");
	/* help text is no option: "--argv0 STRING" has no NUL after the name */
	is_int((int)SCAN("GLIBC_2.2.5\0  --argv0 STRING  set argv[0]\n/etc/ld.so.preload\0preload\0"
			 "library-path\0"),
	       0, "help text and glibc's ld.so.preload name no option");
	/* glibc before 2.30: "library-path" and "preload" are in it, --preload is not */
	is_int((int)SCAN("GLIBC_2.3\0--library-path\0/etc/ld.so.preload\0"), 0,
	       "a glibc 2.28 loader takes no --preload");
	/* musl: the names after "--" */
	is_int((int)SCAN("library-path\0preload\0argv0\0LD_PRELOAD\0"), LD_OPT_PRELOAD,
	       "a musl loader takes --preload");
	is_int((int)SCAN("library-path\0LD_PRELOAD\0"), 0, "a musl loader without preload");
	is_int((int)SCAN("-"), 0, "a lone dash at the end");
	is_int((int)ld_opts_scan("--argv0", 7), 0, "an option cut by the end of the file");
	return done();
}
