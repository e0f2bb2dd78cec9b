/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_table.c - the prefix table: add entries, longest-prefix map guest->host and host->guest. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/pm.h"

/* Which side of an entry a lookup matches on. */
enum pm_side {
	PM_SIDE_GUEST,
	PM_SIDE_HOST,
};

/*
 * Empty t; entry strings will be stored in arena, which the caller owns and keeps alive as long
 * as t. No return value: nothing can fail.
 */
void pm_table_init(struct pm_table *t, char *arena, size_t arena_size)
{
	memset(t, 0, sizeof(*t));
	t->arena = arena;
	t->arena_size = arena_size;
}

static int pm_is_dot_or_dotdot(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/*
 * Lexically clean the absolute path in[0..len) into out (room for len + 1 bytes): collapse "//",
 * drop trailing '/'. "." and ".." are refused (-EINVAL), not resolved: a table prefix must say
 * exactly what it means. *mlen gets the match length (0 for "/", whose string is still "/").
 */
static int pm_clean(const char *in, size_t len, char *out, size_t *mlen)
{
	size_t i = 0, o = 0;

	if (len == 0 || in[0] != '/' || memchr(in, '\0', len))
		return -EINVAL;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	while (i < len) {
		size_t s;

		while (i < len && in[i] == '/')
			i++;
		for (s = i; i < len && in[i] != '/'; i++)
			;
		if (i == s)
			break;
		if (pm_is_dot_or_dotdot(in + s, i - s))
			return -EINVAL;
		if (i - s > NAME_MAX)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, in + s, i - s);
		o += i - s;
	}
	*mlen = o;
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

static size_t pm_key(const struct pm_entry *e, enum pm_side side)
{
	return side == PM_SIDE_GUEST ? e->glen : e->hlen;
}

/* Insertion sort of the index idx[] by prefix length, longest first, later entries first. */
static void pm_sort(const struct pm_table *t, unsigned char *idx, enum pm_side side)
{
	unsigned int i, j;

	for (i = 0; i < t->n; i++) {
		size_t len = pm_key(&t->ent[i], side);

		for (j = i; j > 0 && pm_key(&t->ent[idx[j - 1]], side) <= len; j--)
			idx[j] = idx[j - 1];
		idx[j] = (unsigned char)i;
	}
}

/* Drop ent[i], keeping the insertion order of the others. */
static void pm_remove(struct pm_table *t, unsigned int i)
{
	memmove(&t->ent[i], &t->ent[i + 1], (t->n - i - 1) * sizeof(t->ent[0]));
	t->n--;
}

static int pm_check_flags(unsigned int flags)
{
	unsigned int kind = flags & PM_KIND_MASK;

	if ((flags & ~PM_ENTRY_MASK) || kind == 0 || (kind & (kind - 1)))
		return -EINVAL;
	return 0;
}

/* Check the kind-specific rules of a cleaned entry: ROOT is "/", IDENTITY has host == guest. */
static int pm_check_entry(const struct pm_entry *e)
{
	if ((e->flags & PM_ROOT) && e->glen != 0)
		return -EINVAL;
	if ((e->flags & PM_IDENTITY) && strcmp(e->guest, e->host) != 0)
		return -EINVAL;
	return 0;
}

/*
 * Add guest -> host with flags (exactly one of PM_ROOT, PM_VOLUME, PM_IDENTITY, optionally
 * PM_RDONLY). Both paths must be absolute; they are cleaned lexically but symlinks are not
 * resolved (give the host side canonical, e.g. realpath'd when the container is created). An
 * entry with the same guest prefix as an older one replaces it: last added wins. Strings are
 * copied into t's arena. Returns 0, -EINVAL (bad path or flags), -ENAMETOOLONG or -ENOSPC
 * (table or arena full); t is unchanged on error.
 */
int pm_table_add_n(struct pm_table *t, const char *guest, size_t glen, const char *host,
		   size_t hlen, unsigned int flags)
{
	struct pm_entry e = {.flags = flags};
	char *g = t->arena + t->arena_used, *h;
	size_t gm, hm;
	unsigned int i;
	int r;

	if (pm_check_flags(flags))
		return -EINVAL;
	if (glen >= PATH_MAX || hlen >= PATH_MAX)
		return -ENAMETOOLONG;
	/* Each cleaned string is at most as long as its input (>= 1), plus a NUL. */
	if (t->arena_size - t->arena_used < glen + hlen + 2)
		return -ENOSPC;
	r = pm_clean(guest, glen, g, &gm);
	if (r)
		return r;
	h = g + strlen(g) + 1;
	r = pm_clean(host, hlen, h, &hm);
	if (r)
		return r;
	e.guest = g;
	e.host = h;
	e.glen = (unsigned short)gm;
	e.hlen = (unsigned short)hm;
	r = pm_check_entry(&e);
	if (r)
		return r;
	for (i = 0; i < t->n && strcmp(t->ent[i].guest, g) != 0; i++)
		;
	if (i < t->n)
		pm_remove(t, i); /* at most one: every add removes its older twin */
	else if (t->n >= PM_MAX_ENTRIES)
		return -ENOSPC;
	t->ent[t->n++] = e;
	t->arena_used += (size_t)(h + strlen(h) + 1 - g);
	pm_sort(t, t->by_guest, PM_SIDE_GUEST);
	pm_sort(t, t->by_host, PM_SIDE_HOST);
	return 0;
}

/* As pm_table_add_n for NUL-terminated guest and host; same results. */
int pm_table_add(struct pm_table *t, const char *guest, const char *host, unsigned int flags)
{
	return pm_table_add_n(t, guest, strlen(guest), host, strlen(host), flags);
}

/* Does pre[0..len) prefix path at a '/' boundary? len 0 ("/") matches any absolute path. */
static int pm_prefix_of(const char *pre, size_t len, const char *path, size_t plen)
{
	if (len > plen || memcmp(pre, path, len) != 0)
		return 0;
	return path[len] == '/' || path[len] == '\0';
}

/* Index into t->ent of the longest match of path on side, or -1. */
static int pm_find(const struct pm_table *t, enum pm_side side, const char *path, size_t plen)
{
	const unsigned char *idx = side == PM_SIDE_GUEST ? t->by_guest : t->by_host;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		const struct pm_entry *e = &t->ent[idx[i]];
		const char *pre = side == PM_SIDE_GUEST ? e->guest : e->host;

		if (pm_prefix_of(pre, pm_key(e, side), path, plen))
			return idx[i];
	}
	return -1;
}

/*
 * What follows the matched prefix (mlen long) in path: "" or a string starting with '/'. For
 * the "/" prefix, "/" itself gives "", so that "/" maps to "ROOT", not "ROOT/".
 */
static const char *pm_rest(const char *path, size_t mlen)
{
	return mlen == 0 && strcmp(path, "/") == 0 ? "" : path + mlen;
}

/* out = pre[0..len) + rest, "/" when both are empty; rest may overlap out. */
static int pm_join(char *out, const char *pre, size_t len, const char *rest)
{
	size_t rlen = strlen(rest);

	if (len + rlen + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	if (len + rlen == 0)
		rest = "/", rlen = 1;
	memmove(out + len, rest, rlen);
	memcpy(out, pre, len);
	out[len + rlen] = '\0';
	return 0;
}

/* The entry's flags, plus PM_MOUNTPOINT when nothing but slashes follows the prefix. */
static unsigned int pm_result_flags(const struct pm_entry *e, const char *rest)
{
	return e->flags | (rest[strspn(rest, "/")] == '\0' ? PM_MOUNTPOINT : 0);
}

/*
 * Map the absolute guest path (canonical: as pm_canon makes it) through the longest matching
 * guest prefix into host, the caller's PATH_MAX buffer (it may be the guest buffer itself).
 * *flags, unless NULL, gets the entry's flags plus PM_MOUNTPOINT. Returns 0, -EINVAL (relative
 * path), -ENOENT (no entry matches: a table without "/") or -ENAMETOOLONG.
 */
int pm_map_guest(const struct pm_table *t, const char *guest, char host[PATH_MAX],
		 unsigned int *flags)
{
	size_t len = strnlen(guest, PATH_MAX);
	const struct pm_entry *e;
	int i;

	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (guest[0] != '/')
		return -EINVAL;
	i = pm_find(t, PM_SIDE_GUEST, guest, len);
	if (i < 0)
		return -ENOENT;
	e = &t->ent[i];
	if (flags)
		*flags = pm_result_flags(e, guest + e->glen);
	return pm_join(host, e->host, e->hlen, pm_rest(guest, e->glen));
}

/*
 * Map the absolute host path back into guest, the caller's PATH_MAX buffer (not overlapping
 * host): the longest host prefix whose guest path really leads back to host. A candidate whose
 * guest path is shadowed by a longer guest prefix (the rootfs directory under a volume mount
 * point) is skipped. *flags as for pm_map_guest. Returns 0, -EINVAL (relative path),
 * -ENAMETOOLONG, or -ENOENT when no guest path reaches host (outside every entry, or hidden).
 */
int pm_map_host(const struct pm_table *t, const char *host, char guest[PATH_MAX],
		unsigned int *flags)
{
	size_t len = strnlen(host, PATH_MAX);
	unsigned int i;

	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	if (host[0] != '/')
		return -EINVAL;
	for (i = 0; i < t->n; i++) {
		const struct pm_entry *e = &t->ent[t->by_host[i]];
		int r;

		if (!pm_prefix_of(e->host, e->hlen, host, len))
			continue;
		r = pm_join(guest, e->guest, e->glen, pm_rest(host, e->hlen));
		if (r)
			return r;
		if (pm_find(t, PM_SIDE_GUEST, guest, strlen(guest)) != t->by_host[i])
			continue;
		if (flags)
			*flags = pm_result_flags(e, host + e->hlen);
		return 0;
	}
	return -ENOENT;
}

/*
 * The index in t->ent of the entry the absolute guest path (canonical) is mapped through: two
 * paths with different entries are on different mounts of the guest view. -1 when none is.
 */
int pm_entry_of(const struct pm_table *t, const char *guest)
{
	size_t len = strnlen(guest, PATH_MAX);

	if (len == PATH_MAX || guest[0] != '/')
		return -1;
	return pm_find(t, PM_SIDE_GUEST, guest, len);
}
