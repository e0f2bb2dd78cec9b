/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c - udocker-style leveled messages on stderr. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

/* The one piece of process-wide state in common/: verbosity, set once by the CLI. */
static enum udc_log_level log_level = UDC_LOG_WRN;

void udc_log_set_level(enum udc_log_level level)
{
	log_level = level;
}

enum udc_log_level udc_log_get_level(void)
{
	return log_level;
}

/* Print one prefixed line on stderr when level is enabled. */
void udc_log(enum udc_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "", "Error: ", "Warning: ", "Info: ", "Debug: " };
	va_list ap;

	if (level == UDC_LOG_NONE || level > log_level)
		return;
	fputs(prefix[level], stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
