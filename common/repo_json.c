/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_json.c - atomic writes and checked reads of the repository's JSON records. */
#include "common/repo.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/own.h"

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write j to name under dirfd atomically: temporary file, fsync, rename. */
int repo_json_write_at(int dirfd, const char *name, json_t *j, struct udc_error *e)
{
	char tmp[512];
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	int fd, r = 0;

	if (!text)
		return udc_fail(e, ENOMEM, "%s: cannot encode JSON", name);
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = udc_fail_sys(e, "%s", name);
		goto out;
	}
	r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = write_all(fd, "\n", 1);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		udc_fail(e, -r, "%s: cannot write: %s", name, strerror(-r));
		unlinkat(dirfd, tmp, 0);
	}
out:
	free(text);
	return r;
}

/* Read and parse name under dirfd; the reference is owned by mem_ctx. */
json_t *repo_json_read_at(TALLOC_CTX *mem_ctx, int dirfd, const char *name, const char *what,
			  struct udc_error *e)
{
	json_error_t jerr;
	json_t *j;
	UDC_AUTOCLOSE int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		udc_fail_sys(e, "%s", what);
		return NULL;
	}
	j = json_loadfd(fd, 0, &jerr);
	if (!j) {
		udc_fail(e, EBADMSG, "%s: malformed JSON at line %d column %d: %s", what, jerr.line,
			 jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		udc_fail(e, EBADMSG, "%s: malformed record (not a JSON object)", what);
		return NULL;
	}
	if (!own_json(mem_ctx, j))
		udc_fail(e, ENOMEM, "out of memory");
	return j;
}
