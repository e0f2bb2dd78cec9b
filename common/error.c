/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.c - fill, wrap and clear struct udc_error (see error.h). */
#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Library messages may carry newlines; a udc_error is always one line. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

/* Fill e with code and a formatted message; returns -code. */
int udc_fail(struct udc_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	one_line(e->msg);
	return -code;
}

/* As udc_fail with errno, appending ": strerror(errno)"; returns -errno. */
int udc_fail_sys(struct udc_error *e, const char *fmt, ...)
{
	int code = errno > 0 ? errno : EIO;
	va_list ap;
	size_t n;

	if (!e)
		return -code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
	one_line(e->msg);
	return -code;
}

/* Prefix e->msg with "context: "; returns -e->code. */
int udc_wrap(struct udc_error *e, const char *fmt, ...)
{
	char prefix[256];
	size_t plen, mlen;
	va_list ap;

	if (!e)
		return -EIO;
	if (e->code <= 0)
		e->code = EIO;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	if (plen + 2 >= sizeof(e->msg))
		plen = sizeof(e->msg) - 3;
	mlen = strnlen(e->msg, sizeof(e->msg) - 1);
	if (plen + 2 + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - plen - 3;
	/* shift the old message right, then put "prefix: " in front (truncating at the end) */
	memmove(e->msg + plen + 2, e->msg, mlen);
	e->msg[plen + 2 + mlen] = '\0';
	memcpy(e->msg, prefix, plen);
	e->msg[plen] = ':';
	e->msg[plen + 1] = ' ';
	one_line(e->msg);
	return -e->code;
}

/* Reset e to "no error". */
void udc_error_clear(struct udc_error *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

/* Cleanup handler for UDC_AUTOCLOSE fds. */
void udc_autoclose_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
