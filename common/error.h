/* SPDX-License-Identifier: GPL-2.0-or-later */
/* error.h - the project's one error convention: 0/-errno plus a caller-owned message. */
#ifndef UDC_ERROR_H
#define UDC_ERROR_H

#include <errno.h>

struct udc_error {
	int code;      /* positive errno of the innermost failure, 0 when none */
	char msg[512]; /* one line naming the culprit and the reason */
};

#define UDC_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Fill e with code and a formatted one-line message; returns -code. */
int udc_fail(struct udc_error *e, int code, const char *fmt, ...) UDC_PRINTF(3, 4);
/* As udc_fail with the current errno, appending ": strerror(errno)"; returns -errno. */
int udc_fail_sys(struct udc_error *e, const char *fmt, ...) UDC_PRINTF(2, 3);
/* Prefix e->msg with "context: "; returns -e->code. */
int udc_wrap(struct udc_error *e, const char *fmt, ...) UDC_PRINTF(2, 3);
/* Reset e to "no error". */
void udc_error_clear(struct udc_error *e);

/* Close a function-local fd when it goes out of scope. */
void udc_autoclose_fd(int *fd);
#define UDC_AUTOCLOSE __attribute__((cleanup(udc_autoclose_fd)))

#endif
