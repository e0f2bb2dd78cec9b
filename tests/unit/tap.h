/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tap.h - a minimal TAP producer for the C unit tests (ok, is_int, is_str, skip, done). */
#ifndef UDC_TAP_H
#define UDC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static inline __attribute__((format(printf, 3, 4))) int is_int(long got, long want,
							       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("#   got %ld, want %ld\n", got, want);
	return got == want;
}

static inline __attribute__((format(printf, 3, 4))) int is_str(const char *got, const char *want,
							       const char *fmt, ...)
{
	int same = got && want ? strcmp(got, want) == 0 : got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vok(same, fmt, ap);
	va_end(ap);
	if (!same)
		printf("#   got '%s', want '%s'\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static inline __attribute__((format(printf, 1, 2))) void skip(const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("ok %d # skip ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Print the plan and return the process exit status. */
static inline int done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
