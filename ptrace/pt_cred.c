/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_cred.c - fake credentials: the kernel's set*id, setgroups and chown permission rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ptrace/pt_cred.h"

/* The kernel's NGROUPS_MAX (linux/limits.h), the most setgroups accepts. */
#define PT_CRED_NGROUPS_MAX 65536u
#define NOID ((unsigned int)-1)

static int gid_cmp(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

/* A sorted copy of groups[n] owned by owner, in *out (NULL when n is 0); 0 or -ENOMEM. */
static int groups_dup(TALLOC_CTX *owner, const gid_t *groups, size_t n, gid_t **out)
{
	gid_t *g = NULL;

	if (n) {
		g = talloc_array(owner, gid_t, n);
		if (!g)
			return -ENOMEM;
		memcpy(g, groups, n * sizeof(*g));
		qsort(g, n, sizeof(*g), gid_cmp);
	}
	*out = g;
	return 0;
}

int pt_cred_init(TALLOC_CTX *owner, struct pt_cred *c, uid_t uid, gid_t gid, const gid_t *groups,
		 size_t ngroups)
{
	gid_t *g;

	if (groups_dup(owner, groups, ngroups, &g) < 0)
		return -ENOMEM;
	talloc_free(c->groups);
	c->uid = (struct pt_ids){uid, uid, uid, uid};
	c->gid = (struct pt_ids){gid, gid, gid, gid};
	c->groups = g;
	c->ngroups = ngroups;
	return 0;
}

int pt_cred_copy(TALLOC_CTX *owner, struct pt_cred *dst, const struct pt_cred *src)
{
	gid_t *g;

	if (groups_dup(owner, src->groups, src->ngroups, &g) < 0)
		return -ENOMEM;
	talloc_free(dst->groups);
	dst->uid = src->uid;
	dst->gid = src->gid;
	dst->groups = g;
	dst->ngroups = src->ngroups;
	return 0;
}

/* CAP_SETUID and CAP_SETGID: held while the effective uid is 0. */
static int cap_setid(const struct pt_cred *c)
{
	return c->uid.e == 0;
}

static struct pt_ids *ids_of(struct pt_cred *c, enum pt_cred_kind k)
{
	return k == PT_CRED_UID ? &c->uid : &c->gid;
}

/* Whether id is one of the real, effective and saved ids of x. */
static int is_rxs(const struct pt_ids *x, unsigned int id)
{
	return id == x->r || id == x->e || id == x->s;
}

/* setuid(2): with the capability all ids, else only the effective one to the real or saved. */
int pt_cred_set(struct pt_cred *c, enum pt_cred_kind k, unsigned int id)
{
	struct pt_ids *x = ids_of(c, k);

	if (id == NOID)
		return -EINVAL;
	if (cap_setid(c)) {
		*x = (struct pt_ids){id, id, id, id};
		return 0;
	}
	if (id != x->r && id != x->s)
		return -EPERM;
	x->e = x->fs = id;
	return 0;
}

/* setreuid(2): real to real or effective, effective to any of r/e/s; saved follows. */
int pt_cred_setre(struct pt_cred *c, enum pt_cred_kind k, unsigned int r, unsigned int e)
{
	struct pt_ids *x = ids_of(c, k), n = *x;
	int cap = cap_setid(c);

	if (r != NOID) {
		if (!cap && r != x->r && r != x->e)
			return -EPERM;
		n.r = r;
	}
	if (e != NOID) {
		if (!cap && !is_rxs(x, e))
			return -EPERM;
		n.e = e;
	}
	if (r != NOID || (e != NOID && e != x->r))
		n.s = n.e;
	n.fs = n.e;
	*x = n;
	return 0;
}

/* setresuid(2): each given id must be one of the current three, unless capable. */
int pt_cred_setres(struct pt_cred *c, enum pt_cred_kind k, unsigned int r, unsigned int e,
		   unsigned int s)
{
	struct pt_ids *x = ids_of(c, k), n = *x;

	if (!cap_setid(c) && ((r != NOID && !is_rxs(x, r)) || (e != NOID && !is_rxs(x, e)) ||
			      (s != NOID && !is_rxs(x, s))))
		return -EPERM;
	if (r != NOID)
		n.r = r;
	if (e != NOID)
		n.e = e;
	if (s != NOID)
		n.s = s;
	n.fs = n.e;
	*x = n;
	return 0;
}

/* setfsuid(2): to one of the four ids, or anything when capable; the old value either way. */
unsigned int pt_cred_setfs(struct pt_cred *c, enum pt_cred_kind k, unsigned int id)
{
	struct pt_ids *x = ids_of(c, k);
	unsigned int old = x->fs;

	if (id != NOID && (cap_setid(c) || is_rxs(x, id) || id == x->fs))
		x->fs = id;
	return old;
}

int pt_cred_may_setgroups(const struct pt_cred *c, size_t n)
{
	if (!cap_setid(c))
		return -EPERM;
	return n > PT_CRED_NGROUPS_MAX ? -EINVAL : 0;
}

int pt_cred_setgroups(TALLOC_CTX *owner, struct pt_cred *c, const gid_t *groups, size_t n)
{
	gid_t *g;
	int r = pt_cred_may_setgroups(c, n);

	if (r < 0)
		return r;
	if (groups_dup(owner, groups, n, &g) < 0)
		return -ENOMEM;
	talloc_free(c->groups);
	c->groups = g;
	c->ngroups = n;
	return 0;
}

int pt_cred_in_group(const struct pt_cred *c, unsigned int gid)
{
	if (gid == c->gid.fs)
		return 1;
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return 1;
	return 0;
}

int pt_cred_may_chown(const struct pt_cred *c, unsigned int owner, unsigned int group,
		      unsigned int uid, unsigned int gid)
{
	int own = c->uid.fs == owner;

	if (c->uid.fs == 0)
		return 0; /* CAP_CHOWN */
	if (uid != NOID && !(own && uid == owner))
		return -EPERM;
	if (gid != NOID && !(own && (gid == group || pt_cred_in_group(c, gid))))
		return -EPERM;
	return 0;
}
