/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_user.c - NAME|UID[:GID|:GROUP] resolved in the guest's own /etc/passwd and /etc/group. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/run_spec.h"

/*
 * The files are data of the image, read through the guest view and parsed here: getpwnam(3)
 * would read the host's databases (and NSS modules). Malformed lines are skipped, as libc does.
 */

/* One line of passwd ("name:pw:uid:gid:gecos:home:shell") or group ("name:pw:gid:members"). */
struct db_ent {
	char *name;
	unsigned int id;  /* uid or gid */
	unsigned int gid; /* passwd only */
	char *home;	  /* passwd only, "/" when empty */
	char *members;	  /* group only, comma-separated, "" when none */
};

struct db {
	struct db_ent *ent;
	size_t n;
};

/* A decimal id (no sign, no blanks, not the (uid_t)-1 marker); 0 or -EINVAL. */
static int parse_id(const char *s, unsigned int *id)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= 0xffffffffUL)
		return -EINVAL;
	*id = (unsigned int)v;
	return 0;
}

/* Split line at ':' into at most max fields (missing ones NULL); the count found. */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;

	memset(f, 0, sizeof(*f) * (size_t)max);
	while (line && n < max) {
		f[n++] = line;
		line = strchr(line, ':');
		if (line)
			*line++ = '\0';
	}
	return n;
}

/* Fill d from one line; 1 when it is a valid entry, 0 when it is skipped. */
static int parse_line(char *line, int is_group, struct db_ent *d)
{
	char *f[7];
	int n = split_fields(line, f, is_group ? 4 : 7);

	if (n < (is_group ? 3 : 4) || !f[0][0] || f[0][0] == '#' || f[0][0] == '+' ||
	    f[0][0] == '-')
		return 0;
	d->name = f[0];
	if (parse_id(f[2], &d->id) < 0)
		return 0;
	if (is_group) {
		d->members = f[3] ? f[3] : "";
		return 1;
	}
	d->home = f[5] && f[5][0] ? f[5] : "/";
	return parse_id(f[3], &d->gid) == 0;
}

/* Parse the text buf (modified in place; d points into it). */
static int db_parse(struct db *d, char *buf, int is_group)
{
	size_t lines = 1, i;
	char *line, *next;

	for (i = 0; buf[i]; i++)
		lines += buf[i] == '\n';
	d->ent = talloc_zero_array(d, struct db_ent, lines);
	if (!d->ent)
		return -ENOMEM;
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (parse_line(line, is_group, &d->ent[d->n]))
			d->n++;
	}
	return 0;
}

/* The database at guest path (missing: empty), child of mem_ctx; NULL plus e. */
static struct db *db_load(TALLOC_CTX *mem_ctx, const struct pm_table *t, const char *path,
			  struct udc_error *e)
{
	char guest[PATH_MAX], host[PATH_MAX], *buf;
	struct db *d = talloc_zero(mem_ctx, struct db);
	int r;

	if (!d) {
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	r = pm_canon(t, NULL, "/", path, PM_FOLLOW, guest, host);
	if (r == -ENOENT || r == -ENOTDIR)
		return d;
	if (r < 0) {
		udc_fail(e, -r, "%s of the container: %s", path, strerror(-r));
		goto fail;
	}
	buf = run_spec_read_file(d, host, NULL, e);
	if (!buf && e->code == ENOENT)
		return d;
	if (!buf) {
		udc_fail(e, e->code, "%s of the container: %s", path, strerror(e->code));
		goto fail;
	}
	if (db_parse(d, buf, !strcmp(path, "/etc/group")) == 0)
		return d;
	udc_fail(e, ENOMEM, "out of memory");
fail:
	talloc_free(d);
	return NULL;
}

/* The entry named s, else (s numeric) the one with that id; NULL when none. */
static const struct db_ent *db_find(const struct db *d, const char *s)
{
	unsigned int id;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->ent[i].name, s))
			return &d->ent[i];
	if (parse_id(s, &id) < 0)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (d->ent[i].id == id)
			return &d->ent[i];
	return NULL;
}

/* Whether some entry has the id id. */
static int db_has_id(const struct db *d, unsigned int id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->ent[i].id == id)
			return 1;
	return 0;
}

/* Whether name is in the comma-separated list. */
static int is_member(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, name, len))
			return 1;
		list += n + (list[n] == ',');
	}
	return 0;
}

/* Supplementary groups: every group listing u->name (only for an implicit group, as Docker). */
static int user_groups(TALLOC_CTX *mem_ctx, const struct db *g, struct run_user *u)
{
	size_t i;

	u->groups = talloc_zero_array(mem_ctx, gid_t, g->n + 1);
	if (!u->groups)
		return -ENOMEM;
	for (i = 0; i < g->n && u->name; i++)
		if (is_member(g->ent[i].members, u->name))
			u->groups[u->ngroups++] = g->ent[i].id;
	return 0;
}

/* The user part: a name from passwd, or a uid (allowed without an entry: HOME=/). */
static int user_part(TALLOC_CTX *mem_ctx, const struct db *pw, const char *s, struct run_user *u,
		     struct udc_error *e)
{
	const struct db_ent *p = db_find(pw, s);
	unsigned int id;

	if (p) {
		u->name = talloc_strdup(mem_ctx, p->name);
		u->home = talloc_strdup(mem_ctx, p->home);
		u->uid = p->id;
		u->gid = p->gid;
		return u->name && u->home ? 0 : udc_fail(e, ENOMEM, "out of memory");
	}
	if (parse_id(s, &id) < 0)
		return udc_fail(e, ENOENT, "user %s: no such user in the container's /etc/passwd",
				s);
	u->uid = id;
	u->gid = 0;
	u->home = "/";
	u->name = id == 0 ? "root" : NULL;
	u->missing |= RUN_USER_NO_PASSWD;
	return 0;
}

/* The group part: a name from group, or a gid (allowed without an entry). */
static int group_part(const struct db *gr, const char *s, struct run_user *u, struct udc_error *e)
{
	const struct db_ent *g = db_find(gr, s);
	unsigned int id;

	if (g) {
		u->gid = g->id;
		return 0;
	}
	if (parse_id(s, &id) < 0)
		return udc_fail(e, ENOENT, "group %s: no such group in the container's /etc/group",
				s);
	u->gid = id;
	return 0;
}

/* Parse and look up spec with the databases loaded under tmp. */
static int user_lookup(TALLOC_CTX *mem_ctx, TALLOC_CTX *tmp, const struct pm_table *t,
		       const char *spec, struct run_user *u, struct udc_error *e)
{
	char *ustr = talloc_strdup(tmp, spec && spec[0] ? spec : "0");
	char *gstr = ustr ? strchr(ustr, ':') : NULL;
	struct db *pw, *gr;
	int r;

	if (!ustr)
		return udc_fail(e, ENOMEM, "out of memory");
	if (gstr)
		*gstr++ = '\0';
	if (!ustr[0] || (gstr && !gstr[0]))
		return udc_fail(e, EINVAL, "user %s: invalid, expected NAME|UID[:GROUP|GID]", spec);
	pw = db_load(tmp, t, "/etc/passwd", e);
	gr = pw ? db_load(tmp, t, "/etc/group", e) : NULL;
	if (!gr)
		return -e->code;
	r = user_part(mem_ctx, pw, ustr, u, e);
	if (r == 0 && gstr)
		r = group_part(gr, gstr, u, e);
	else if (r == 0 && user_groups(mem_ctx, gr, u) < 0)
		r = udc_fail(e, ENOMEM, "out of memory");
	if (r == 0 && !db_has_id(gr, u->gid))
		u->missing |= RUN_USER_NO_GROUP;
	return r;
}

/* Resolve spec ("" or NULL: root) in the guest view t; strings and groups are children of
 * mem_ctx; 0 or -errno plus e naming the user or group. */
int run_user_resolve(TALLOC_CTX *mem_ctx, const struct pm_table *t, const char *spec,
		     struct run_user *u, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	int r;

	memset(u, 0, sizeof(*u));
	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	r = user_lookup(mem_ctx, tmp, t, spec, u, e);
	talloc_free(tmp);
	return r;
}
