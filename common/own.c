/* SPDX-License-Identifier: GPL-2.0-or-later */
/* own.c - talloc owners for fds and json_t references. */
#include "common/own.h"

#include <stdlib.h>
#include <unistd.h>

static int fd_destructor(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	return 0;
}

/* Make fd a child of ctx; the returned handle holds it. */
int *own_fd(TALLOC_CTX *ctx, int fd)
{
	int *h = talloc(ctx, int);

	if (!h) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*h = fd;
	talloc_set_destructor(h, fd_destructor);
	return h;
}

struct json_owner {
	json_t *j;
};

static int json_destructor(struct json_owner *o)
{
	json_decref(o->j);
	return 0;
}

/* Make the json reference j a child of ctx; returns j, or NULL (j released) on ENOMEM. */
json_t *own_json(TALLOC_CTX *ctx, json_t *j)
{
	struct json_owner *o;

	if (!j)
		return NULL;
	o = talloc(ctx, struct json_owner);
	if (!o) {
		json_decref(j);
		return NULL;
	}
	o->j = j;
	talloc_set_destructor(o, json_destructor);
	return j;
}

/* Copy a malloc'd string into ctx and free the original; NULL when s is NULL or on ENOMEM. */
char *own_str(TALLOC_CTX *ctx, char *malloced)
{
	char *s;

	if (!malloced)
		return NULL;
	s = talloc_strdup(ctx, malloced);
	free(malloced);
	return s;
}
