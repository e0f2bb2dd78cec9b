/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_image.c - image records: images/<name:tag with '/' as %2F>.json. */
#include "common/repo.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

/* "images/<escaped>.json" for ref, child of mem_ctx. */
static char *image_file(TALLOC_CTX *mem_ctx, const char *ref)
{
	char *s = talloc_strdup(mem_ctx, "images/");

	for (const char *p = ref; s && *p; p++)
		s = *p == '/' ? talloc_strdup_append(s, "%2F")
			      : talloc_asprintf_append(s, "%c", *p);
	return s ? talloc_strdup_append(s, ".json") : NULL;
}

/* The inverse of image_file for a directory entry name; NULL when it is not a record. */
static char *image_ref_of(char **list, struct repo *r, const char *file, const void *arg)
{
	size_t n = strlen(file);
	char *s;

	(void)r;
	(void)arg;
	if (n <= 5 || strcmp(file + n - 5, ".json") != 0)
		return NULL;
	s = talloc_strndup(list, file, n - 5);
	for (char *p; s && (p = strstr(s, "%2F"));)
		memmove(p + 1, p + 3, strlen(p + 3) + 1), *p = '/';
	return s;
}

/* The record of image ref, owned by mem_ctx; -ENOENT means unknown image. */
json_t *repo_image_get(TALLOC_CTX *mem_ctx, struct repo *r, const char *ref, struct udc_error *e)
{
	char *file = image_file(mem_ctx, ref);
	json_t *j;

	if (!file) {
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	if (faccessat(r->fd, file, F_OK, 0) < 0 && errno == ENOENT) {
		udc_fail(e, ENOENT, "image not found: %s", ref);
		talloc_free(file);
		return NULL;
	}
	j = repo_json_read_at(mem_ctx, r->fd, file, ref, e);
	if (j && !json_is_array(json_object_get(j, "layers"))) {
		udc_fail(e, EBADMSG, "image %s: malformed record (no layers)", ref);
		j = NULL;
	}
	talloc_free(file);
	return j;
}

/* Write the record of ref atomically. Caller holds META. */
int repo_image_put(struct repo *r, const char *ref, json_t *rec, struct udc_error *e)
{
	char *file = image_file(NULL, ref);
	int ret;

	if (!file)
		return udc_fail(e, ENOMEM, "out of memory");
	ret = repo_json_write_at(r->fd, file, rec, e);
	talloc_free(file);
	return ret < 0 ? udc_wrap(e, "image %s", ref) : 0;
}

/* Delete the record of ref. Caller holds META. */
int repo_image_del(struct repo *r, const char *ref, struct udc_error *e)
{
	char *file = image_file(NULL, ref);
	int ret = 0;

	if (!file)
		return udc_fail(e, ENOMEM, "out of memory");
	if (unlinkat(r->fd, file, 0) < 0)
		ret = errno == ENOENT ? udc_fail(e, ENOENT, "image not found: %s", ref)
				      : udc_fail_sys(e, "image %s", ref);
	talloc_free(file);
	return ret;
}

/* Sorted "name:tag" list of every image, children of mem_ctx. */
char **repo_image_list(TALLOC_CTX *mem_ctx, struct repo *r, size_t *n, struct udc_error *e)
{
	return repo_list(mem_ctx, r, "images", image_ref_of, NULL, n, e);
}

/* UTC time in RFC 3339, as Docker writes "created". */
static void now_rfc3339(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Docker's name for the host architecture, in the caller's buffer. */
static const char *host_arch(char buf[65])
{
	static const char *const docker_names[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" }, { "i386", "386" },
	};
	struct utsname u;

	if (uname(&u) < 0)
		return "unknown";
	for (size_t i = 0; i < sizeof(docker_names) / sizeof(*docker_names); i++)
		if (!strcmp(u.machine, docker_names[i][0]))
			return docker_names[i][1];
	snprintf(buf, 65, "%s", u.machine);
	return buf;
}

/* A new image record for one layer, with Docker's empty config for an imported rootfs. */
json_t *repo_image_record_new(const char *ref, const char *hex, uint64_t size)
{
	char created[32], digest[80], arch[65];

	now_rfc3339(created);
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	return json_pack("{s:s, s:s, s:b, s:[{s:s, s:I}], s:{s:s, s:s, s:s, s:{}}}", "ref", ref,
			 "created", created, "protected", 0, "layers", "digest", digest, "size",
			 (json_int_t)size, "config", "architecture", host_arch(arch), "os", "linux",
			 "created", created, "config");
}
