/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_wire.c - the prefix table as one compact string, to hand to the preload shim. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/pm.h"

/*
 * Format: "pm1" then, per entry in insertion order, " FLAGS GLEN:GUEST HLEN:HOST", numbers in
 * decimal. Length-prefixed strings need no escaping, so any path byte but NUL travels as is,
 * and the whole string fits an environment variable. Example:
 *   pm1 1 1:/ 17:/home/u/c/rootfs 2 5:/data 8:/scratch 4 5:/proc 5:/proc
 */
#define PM_WIRE_MAGIC "pm1"
/* Largest number the decoder accepts; lengths must also stay below PATH_MAX. */
#define PM_WIRE_NUM_MAX 0xffffu

/* Append s[0..len) at buf + *o; -ENOSPC if it and a final NUL do not fit in size. */
static int pm_wire_put(char *buf, size_t size, size_t *o, const char *s, size_t len)
{
	if (size - *o < len + 1)
		return -ENOSPC;
	memcpy(buf + *o, s, len);
	*o += len;
	buf[*o] = '\0';
	return 0;
}

/* Append " " and the decimal form of v. */
static int pm_wire_put_num(char *buf, size_t size, size_t *o, unsigned int v)
{
	char tmp[16];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tmp[--i] = ' ';
	return pm_wire_put(buf, size, o, tmp + i, sizeof(tmp) - i);
}

/* Append " LEN:S". */
static int pm_wire_put_str(char *buf, size_t size, size_t *o, const char *s)
{
	size_t len = strlen(s);
	int r = pm_wire_put_num(buf, size, o, (unsigned int)len);

	if (r == 0)
		r = pm_wire_put(buf, size, o, ":", 1);
	if (r == 0)
		r = pm_wire_put(buf, size, o, s, len);
	return r;
}

/*
 * Serialise t into buf, the caller's size bytes, NUL-terminated. Returns the length without
 * the NUL, or -ENOSPC when buf is too small (its contents are then unspecified).
 */
int pm_wire_encode(const struct pm_table *t, char *buf, size_t size)
{
	size_t o = 0;
	unsigned int i;
	int r = pm_wire_put(buf, size, &o, PM_WIRE_MAGIC, strlen(PM_WIRE_MAGIC));

	for (i = 0; r == 0 && i < t->n; i++) {
		r = pm_wire_put_num(buf, size, &o, t->ent[i].flags);
		if (r == 0)
			r = pm_wire_put_str(buf, size, &o, t->ent[i].guest);
		if (r == 0)
			r = pm_wire_put_str(buf, size, &o, t->ent[i].host);
	}
	if (r == 0 && o > INT_MAX)
		r = -ENOSPC;
	return r ? r : (int)o;
}

/* Parse " NUMBER" at *p (no sign, no leading zero, at most PM_WIRE_NUM_MAX); 0 or -EINVAL. */
static int pm_wire_num(const char **p, unsigned int *v)
{
	const char *s = *p;

	if (*s++ != ' ' || *s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return -EINVAL;
	for (*v = 0; *s >= '0' && *s <= '9'; s++) {
		*v = *v * 10 + (unsigned int)(*s - '0');
		if (*v > PM_WIRE_NUM_MAX)
			return -EINVAL;
	}
	*p = s;
	return 0;
}

/* Parse " LEN:BYTES" at *p into *s and *len (pointing into the wire); 0 or -EINVAL. */
static int pm_wire_str(const char **p, const char **s, size_t *len)
{
	unsigned int n;

	if (pm_wire_num(p, &n) || **p != ':' || n == 0 || n >= PATH_MAX)
		return -EINVAL;
	*s = *p + 1;
	if (strnlen(*s, n) != n)
		return -EINVAL;
	*len = n;
	*p = *s + n;
	return 0;
}

/* Parse one entry at *p and add it to t; 0, -EINVAL or -ENOSPC. */
static int pm_wire_entry(struct pm_table *t, const char **p)
{
	const char *g, *h;
	size_t glen, hlen;
	unsigned int flags;
	int r;

	if (pm_wire_num(p, &flags) || pm_wire_str(p, &g, &glen) || pm_wire_str(p, &h, &hlen))
		return -EINVAL;
	r = pm_table_add_n(t, g, glen, h, hlen, flags);
	return r == -ENOSPC ? r : r ? -EINVAL : 0;
}

/*
 * Rebuild t from wire, copying the strings into arena (caller-owned, kept alive as long as t;
 * strlen(wire) + 1 bytes always suffice). Entries are validated as pm_table_add does. Returns
 * 0, -EINVAL for any malformed input (bad magic, syntax, number, path or flags; trailing
 * bytes), or -ENOSPC (more than PM_MAX_ENTRIES entries or arena too small); on error t holds
 * the entries before the bad one and should not be used.
 */
int pm_wire_decode(struct pm_table *t, char *arena, size_t arena_size, const char *wire)
{
	size_t mlen = strlen(PM_WIRE_MAGIC);
	const char *p = wire;
	int r = 0;

	pm_table_init(t, arena, arena_size);
	if (strncmp(p, PM_WIRE_MAGIC, mlen) != 0)
		return -EINVAL;
	for (p += mlen; r == 0 && *p;)
		r = pm_wire_entry(t, &p);
	return r;
}
