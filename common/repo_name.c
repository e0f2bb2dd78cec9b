/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo_name.c - container names: names/<name> is a symlink to ../containers/<id>. */
#include "common/repo.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters (a file name). */
int repo_name_valid(const char *name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strlen(name);

	if (n == 0 || n > 255 || !strchr(alnum, name[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!strchr(alnum, name[i]) && !strchr("_.-", name[i]))
			return 0;
	return 1;
}

/* Give container id the name; -EEXIST when taken. Caller holds META. */
int repo_name_add(struct repo *r, const char *name, const char *id, struct udc_error *e)
{
	char target[PATH_MAX], link[PATH_MAX];

	if (!repo_name_valid(name))
		return udc_fail(e, EINVAL, "invalid container name '%s'", name);
	snprintf(target, sizeof(target), "../containers/%s", id);
	snprintf(link, sizeof(link), "names/%s", name);
	if (symlinkat(target, r->fd, link) == 0)
		return 0;
	if (errno == EEXIST)
		return udc_fail(e, EEXIST, "container name already in use: %s", name);
	return udc_fail_sys(e, "container name %s", name);
}

/* Remove a name; -ENOENT when unknown. Caller holds META. */
int repo_name_del(struct repo *r, const char *name, struct udc_error *e)
{
	char link[PATH_MAX];

	if (!repo_name_valid(name))
		return udc_fail(e, EINVAL, "invalid container name '%s'", name);
	snprintf(link, sizeof(link), "names/%s", name);
	if (unlinkat(r->fd, link, 0) == 0)
		return 0;
	if (errno == ENOENT)
		return udc_fail(e, ENOENT, "container name not found: %s", name);
	return udc_fail_sys(e, "container name %s", name);
}

/* The name itself when names/<name> points at container id (arg). */
static char *name_if_points_to(char **list, struct repo *r, const char *name, const void *arg)
{
	char buf[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "names/%s", name);
	n = readlinkat(r->fd, link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	base = strrchr(buf, '/');
	return strcmp(base ? base + 1 : buf, arg) == 0 ? talloc_strdup(list, name) : NULL;
}

/* The names of container id, sorted, children of mem_ctx. */
char **repo_name_list(TALLOC_CTX *mem_ctx, struct repo *r, const char *id, size_t *n,
		      struct udc_error *e)
{
	return repo_list(mem_ctx, r, "names", name_if_points_to, id, n, e);
}
