/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_mounts.c - make the mount points of binds exist in the container, as Docker does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/run_spec.h"

/*
 * A bind at /data/in/deep is reachable only through guest directories /data and /data/in, and
 * `ls /` lists /data only if the container has it. Like Docker (and udocker), create what is
 * missing: directories on the way, and the mount point itself (an empty file for a file bind).
 * Only inside the container's own tree: a mount point whose parent resolves into another bind
 * (/dev/shm under the host's /dev) is left alone, so nothing outside the container is touched.
 */

/* Whether host is the container root or below it. */
static int in_root(const char *root, const char *host)
{
	size_t n = strlen(root);

	return !strncmp(host, root, n) && (host[n] == '/' || host[n] == '\0');
}

/*
 * Make the guest path prefix[0..len) exist in the container as a directory (or, when file is
 * set, an empty file). 1 when it exists now, 0 when it resolves outside the container (leave
 * the rest to that bind), -errno on failure.
 */
static int mount_point(const struct run_spec *s, const char *prefix, size_t len, int file)
{
	char guest[PATH_MAX], parent[PATH_MAX], host[PATH_MAX], g[PATH_MAX];
	const char *base;
	struct stat st;
	int fd, n;

	memcpy(guest, prefix, len);
	guest[len] = '\0';
	base = strrchr(guest, '/') + 1;
	memcpy(parent, guest, (size_t)(base - guest));
	parent[base - guest] = '\0';
	struct pm_fs fs = {.ops = pm_fs_raw_ops(), .ctx = NULL};
	n = pm_canon(s->table, &fs, "/", parent, PM_FOLLOW, g, host);
	if (n < 0)
		return n;
	if (!in_root(s->root, host))
		return 0;
	n = (int)strlen(host);
	if ((size_t)n + strlen(base) + 2 > sizeof(host))
		return -ENAMETOOLONG;
	snprintf(host + n, sizeof(host) - (size_t)n, "%s%s", n > 1 ? "/" : "", base);
	if (lstat(host, &st) == 0)
		return 1;
	if (errno != ENOENT)
		return -errno;
	if (!file)
		return mkdir(host, 0755) == 0 || errno == EEXIST ? 1 : -errno;
	fd = open(host, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 1 : -errno;
	close(fd);
	return 1;
}

/* Every component of entry ent's guest path, shortest first. */
static int entry_points(const struct run_spec *s, const struct pm_entry *ent,
			struct udc_error *e)
{
	struct stat st;
	int file = stat(ent->host, &st) == 0 && !S_ISDIR(st.st_mode);
	size_t i;
	int r;

	for (i = 1; i <= ent->glen; i++) {
		if (i < ent->glen && ent->guest[i] != '/')
			continue;
		r = mount_point(s, ent->guest, i, file && i == ent->glen);
		if (r < 0)
			return udc_fail(e, -r, "cannot create the mount point %.*s in the container: %s",
					(int)i, ent->guest, strerror(-r));
		if (r == 0)
			return 0;
	}
	return 0;
}

int run_mounts_prepare(const struct run_spec *s, struct udc_error *e)
{
	unsigned int i;

	for (i = 0; i < s->table->n; i++) {
		const struct pm_entry *ent = &s->table->ent[i];

		if (!(ent->flags & PM_ROOT) && ent->glen > 0 && entry_points(s, ent, e) < 0)
			return -e->code;
	}
	return 0;
}
