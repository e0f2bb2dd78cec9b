/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - udocker-style leveled messages on stderr (Error:, Warning:, Info:, Debug:). */
#ifndef UDC_LOG_H
#define UDC_LOG_H

#include "common/error.h"

enum udc_log_level { UDC_LOG_NONE, UDC_LOG_ERR, UDC_LOG_WRN, UDC_LOG_INF, UDC_LOG_DBG };

/* Set the process-wide verbosity (the CLI's -q/-D and UDOCKERC_LOGLEVEL). */
void udc_log_set_level(enum udc_log_level level);
enum udc_log_level udc_log_get_level(void);
/* Print one prefixed line on stderr when level is enabled. */
void udc_log(enum udc_log_level level, const char *fmt, ...) UDC_PRINTF(2, 3);

#endif
