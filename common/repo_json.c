/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_json.c - atomic writes and checked reads of the repository's JSON records. */
#include "common/repo.h"

#include <errno.h>
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

/* The whole of fd in a talloc buffer of ctx (*len bytes), or NULL with errno set. */
static char *read_all(TALLOC_CTX *ctx, int fd, size_t *len)
{
	size_t size = 8192;
	char *buf = talloc_size(ctx, size), *more;
	ssize_t n;
	int err = ENOMEM;

	for (*len = 0; buf; *len += (size_t)n) {
		if (*len == size) {
			more = talloc_realloc_size(ctx, buf, size * 2);
			if (!more)
				break;
			buf = more;
			size *= 2;
		}
		do
			n = read(fd, buf + *len, size - *len);
		while (n < 0 && errno == EINTR);
		if (n == 0)
			return buf;
		if (n < 0) {
			err = errno;
			break;
		}
	}
	talloc_free(buf);
	errno = err;
	return NULL;
}

/* Read and parse name under dirfd; the reference is owned by mem_ctx. */
json_t *repo_json_read_at(TALLOC_CTX *mem_ctx, int dirfd, const char *name, const char *what,
			  struct udc_error *e)
{
	json_error_t jerr;
	json_t *j;
	char *text;
	size_t len;
	UDC_AUTOCLOSE int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		udc_fail_sys(e, "%s", what);
		return NULL;
	}
	/* one read, not json_loadfd's read(2) per byte */
	text = read_all(mem_ctx, fd, &len);
	if (!text) {
		udc_fail_sys(e, "%s", what);
		return NULL;
	}
	j = json_loadb(text, len, 0, &jerr);
	talloc_free(text);
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
