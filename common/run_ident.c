/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_ident.c - private copies of /etc/passwd and /etc/group with a line for an unknown id. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/run_spec.h"

/*
 * `run -u 4242` on an image whose /etc/passwd has no uid 4242: `id`, `whoami` and shells look
 * the uid up and find nothing ("I have no name!"). udocker then binds a copy of the file plus
 * one line; so does this file, never editing the container: the copy lives in the per-run
 * directory of run_dir.c, outside it, removed with the spec. See docs/design/run-identity.md.
 */

#define IDENT_GECOS "*UDOCKER*" /* udocker's marker for the accounts it adds */

static int nomem(struct udc_error *e)
{
	return udc_fail(e, ENOMEM, "out of memory");
}

/* The text of the guest file path as the guest sees it now ("" when it has none). */
static char *guest_text(TALLOC_CTX *ctx, const struct pm_table *t, const char *path,
			struct udc_error *e)
{
	char guest[PATH_MAX], host[PATH_MAX], *text;
	int r = pm_canon(t, NULL, "/", path, PM_FOLLOW, guest, host);

	if (r == -ENOENT || r == -ENOTDIR)
		return talloc_strdup(ctx, "");
	if (r < 0) {
		udc_fail(e, -r, "%s of the container: %s", path, strerror(-r));
		return NULL;
	}
	text = run_spec_read_file(ctx, host, NULL, e);
	if (!text && e->code == ENOENT)
		return talloc_strdup(ctx, "");
	if (!text)
		udc_fail(e, e->code, "%s of the container: %s", path, strerror(e->code));
	return text;
}

/* Whether a line of text starts with "name:". */
static int name_taken(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ':')
			return 1;
	return 0;
}

/* "udoc<id>", or "udoc<id>_<n>" when the file already has an entry of that name. */
static char *free_name(TALLOC_CTX *ctx, const char *text, unsigned int id)
{
	char *name = talloc_asprintf(ctx, "udoc%u", id);

	for (unsigned int n = 1; name && name_taken(text, name) && n < 1000; n++) {
		talloc_free(name);
		name = talloc_asprintf(ctx, "udoc%u_%u", id, n);
	}
	return name;
}

/* Write text (a newline added when its last line lacks one) then line to path, mode 0444. */
static int write_copy(const char *path, const char *text, const char *line, struct udc_error *e)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int bad;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return udc_fail_sys(e, "%s", path);
	}
	bad = fputs(text, f) < 0 || (len && text[len - 1] != '\n' && fputc('\n', f) < 0) ||
	      fputs(line, f) < 0;
	bad |= fclose(f) != 0;
	return bad ? udc_fail_sys(e, "%s", path) : 0;
}

/* s->table plus the read-only file binds guest[i] -> host[i]: rebuilt with a larger arena. */
static int table_with(struct run_spec *s, const char *const *guest, char *const *host, size_t n,
		      struct udc_error *e)
{
	const struct pm_table *old = s->table;
	struct pm_table *t = talloc(s, struct pm_table);
	size_t size = old->arena_used + 1, i;
	char *arena;
	int r = 0;

	for (i = 0; i < n; i++)
		size += strlen(guest[i]) + strlen(host[i]) + 2;
	arena = t ? talloc_size(t, size) : NULL;
	if (!arena) {
		talloc_free(t);
		return nomem(e);
	}
	pm_table_init(t, arena, size);
	for (i = 0; r == 0 && i < old->n; i++)
		r = pm_table_add(t, old->ent[i].guest, old->ent[i].host, old->ent[i].flags);
	for (i = 0; r == 0 && i < n; i++)
		r = pm_table_add(t, guest[i], host[i], PM_VOLUME | PM_RDONLY);
	if (r < 0) {
		talloc_free(t);
		return udc_fail(e, -r, "cannot bind the identity files of the run: %s",
				strerror(-r));
	}
	talloc_free(s->table);
	s->table = t;
	return 0;
}

/* text plus line, written as dir/base; its host path (child of ctx) or NULL plus e. */
static char *copy_with(TALLOC_CTX *ctx, const char *dir, const char *base, const char *text,
		       const char *line, struct udc_error *e)
{
	char *path = line ? talloc_asprintf(ctx, "%s/%s", dir, base) : NULL;

	if (!path) {
		nomem(e);
		return NULL;
	}
	return write_copy(path, text, line, e) == 0 ? path : NULL;
}

/* The passwd copy for u (named now: u->name, home /); its host path or NULL plus e. */
static char *passwd_copy(struct run_spec *s, TALLOC_CTX *tmp, const char *dir,
			 struct run_user *u, struct udc_error *e)
{
	char *text = guest_text(tmp, s->table, "/etc/passwd", e), *name;

	if (!text)
		return NULL;
	name = free_name(s, text, u->uid);
	if (!name) {
		nomem(e);
		return NULL;
	}
	u->name = name;
	u->home = "/";
	return copy_with(s, dir, "passwd", text,
			 talloc_asprintf(tmp, "%s:x:%u:%u:" IDENT_GECOS ":/:/bin/sh\n", name,
					 (unsigned int)u->uid, (unsigned int)u->gid),
			 e);
}

/* The group copy with a group for u->gid; its host path or NULL plus e. */
static char *group_copy(struct run_spec *s, TALLOC_CTX *tmp, const char *dir,
			const struct run_user *u, struct udc_error *e)
{
	char *text = guest_text(tmp, s->table, "/etc/group", e), *name;

	if (!text)
		return NULL;
	name = free_name(tmp, text, u->gid);
	if (!name) {
		nomem(e);
		return NULL;
	}
	return copy_with(s, dir, "group", text,
			 talloc_asprintf(tmp, "%s:x:%u:\n", name, (unsigned int)u->gid), e);
}

int run_ident_files(struct run_spec *s, const struct run_opts *o, struct run_user *u,
		    struct udc_error *e)
{
	int need_pw = (u->missing & RUN_USER_NO_PASSWD) && u->uid != 0;
	int need_gr = (u->missing & RUN_USER_NO_GROUP) && u->gid != 0;
	const char *guest[2];
	char *host[2];
	const char *dir;
	TALLOC_CTX *tmp;
	size_t n = 0;
	int r = 0;

	if (!need_pw && !need_gr)
		return 0;
	tmp = talloc_new(s);
	if (!tmp)
		return nomem(e);
	/* both copies are made before either is bound: each is of the file the guest has */
	dir = run_dir_new(s, o->repo, e);
	if (dir && need_pw) {
		guest[n] = "/etc/passwd";
		host[n] = passwd_copy(s, tmp, dir, u, e);
		n += host[n] != NULL;
	}
	if (dir && need_gr) {
		guest[n] = "/etc/group";
		host[n] = group_copy(s, tmp, dir, u, e);
		n += host[n] != NULL;
	}
	if (!dir || n != (size_t)need_pw + (size_t)need_gr)
		r = -e->code;
	else
		r = table_with(s, guest, host, n, e);
	talloc_free(tmp);
	return r;
}
