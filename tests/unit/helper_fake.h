/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper_fake.h - start, read and stop tests/helpers/fake_registry.py for the unit tests. */
#ifndef UDC_HELPER_FAKE_H
#define UDC_HELPER_FAKE_H

#include <limits.h>
#include <sys/types.h>
#include <talloc.h>

struct fake {
	pid_t pid;
	int in_fd; /* its stdin: closing it (or dying) ends the fake */
	int port, cdn_port;
	char log[PATH_MAX];
};

/* 1 when python3 is on PATH (the fake needs it). */
int have_python3(void);
/* Start the fake with extra arguments (NULL-terminated); its log goes to dir/<name>.log.
 * 0, or -1 when it did not come up. */
int fake_start(struct fake *f, const char *dir, const char *name, const char *const *extra);
/* Stop the fake by its PID and wait for it. */
void fake_stop(struct fake *f);
/* The fake's request log so far, child of mem_ctx ("" when empty). */
char *fake_log(TALLOC_CTX *mem_ctx, const struct fake *f);
/* Lines of the log holding every one of the NULL-terminated needles. */
int log_count(const struct fake *f, const char *const *needles);
#define LOG_COUNT(f, ...) log_count(f, (const char *const[]){__VA_ARGS__, NULL})
/* Empty the log. */
void fake_log_clear(const struct fake *f);

#endif
