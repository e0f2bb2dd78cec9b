/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pm_wire.c - the serialised table: round trips, exact encodings, malformed inputs. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/pm.h"
#include "tests/unit/tap.h"

/* One entry of a test table; a NULL guest ends the list. */
struct spec {
	const char *guest;
	const char *host;
	unsigned int flags;
};

/* A table to encode and the exact wire string expected. */
struct enc_row {
	const char *name;
	struct spec ent[6];
	const char *wire;
};

static const struct enc_row enc_rows[] = {
    {"empty table", {{NULL, NULL, 0}}, "pm1"},
    {"root only", {{"/", "/c/rootfs", PM_ROOT}, {NULL, NULL, 0}}, "pm1 1 1:/ 9:/c/rootfs"},
    {"standard",
     {{"/", "/r", PM_ROOT},
      {"/data", "/scratch", PM_VOLUME},
      {"/ro", "/srv", PM_VOLUME | PM_RDONLY},
      {"/proc", "/proc", PM_IDENTITY},
      {NULL, NULL, 0}},
     "pm1 1 1:/ 2:/r 2 5:/data 8:/scratch 10 3:/ro 4:/srv 4 5:/proc 5:/proc"},
    {"odd bytes in paths",
     {{"/a b:c", "/x 9:/y", PM_VOLUME}, {"/nl\n=", "/t\tz", PM_VOLUME}, {NULL, NULL, 0}},
     "pm1 2 6:/a b:c 7:/x 9:/y 2 5:/nl\n= 4:/t\tz"},
    {"replaced entry is gone",
     {{"/x", "/old", PM_VOLUME}, {"/x", "/new", PM_VOLUME}, {NULL, NULL, 0}},
     "pm1 2 2:/x 4:/new"},
};

static char arena[8192], arena2[8192];

static int build(struct pm_table *t, const struct spec *s)
{
	int r = 0;

	pm_table_init(t, arena, sizeof(arena));
	for (; r == 0 && s->guest; s++)
		r = pm_table_add(t, s->guest, s->host, s->flags);
	return r;
}

/* Same entries, same order, same flags? */
static int same_table(const struct pm_table *a, const struct pm_table *b)
{
	unsigned int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->ent[i].guest, b->ent[i].guest) != 0 ||
		    strcmp(a->ent[i].host, b->ent[i].host) != 0 ||
		    a->ent[i].flags != b->ent[i].flags || a->by_guest[i] != b->by_guest[i] ||
		    a->by_host[i] != b->by_host[i])
			return 0;
	return 1;
}

static void test_encode_rows(void)
{
	struct pm_table t, u;
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(enc_rows) / sizeof(enc_rows[0]); i++) {
		const struct enc_row *e = &enc_rows[i];
		int n;

		if (!is_int(build(&t, e->ent), 0, "%s: built", e->name))
			continue;
		n = pm_wire_encode(&t, buf, sizeof(buf));
		is_int(n, (long)strlen(e->wire), "%s: encoded length", e->name);
		is_str(n >= 0 ? buf : NULL, e->wire, "%s: encoding", e->name);
		is_int(pm_wire_decode(&u, arena2, strlen(buf) + 1, buf), 0,
		       "%s: decodes into strlen + 1 bytes of arena", e->name);
		ok(same_table(&t, &u), "%s: round trip gives the same table", e->name);
	}
}

/* Mapping through a decoded table answers as the original does (same-host tie order too). */
static void test_decoded_maps(void)
{
	static const struct spec s[] = {
	    {"/", "/r", PM_ROOT},
	    {"/a", "/same", PM_VOLUME},
	    {"/b", "/same", PM_VOLUME},
	    {"/a/b", "/v", PM_VOLUME},
	    {NULL, NULL, 0},
	};
	static const char *const hosts[] = {"/same/x", "/r/a", "/v/y", "/r/b/c"};
	char buf[512], g1[PATH_MAX], g2[PATH_MAX];
	struct pm_table t, u;
	size_t i;

	build(&t, s);
	pm_wire_encode(&t, buf, sizeof(buf));
	pm_wire_decode(&u, arena2, sizeof(arena2), buf);
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		int r1 = pm_map_host(&t, hosts[i], g1, NULL),
		    r2 = pm_map_host(&u, hosts[i], g2, NULL);

		ok(r1 == r2 && (r1 || strcmp(g1, g2) == 0), "decoded table maps '%s' the same",
		   hosts[i]);
	}
}

/* Every buffer size short of the full encoding is -ENOSPC; never an overflow (ASan). */
static void test_encode_small(void)
{
	struct pm_table t;
	char full[256], small[256];
	int n, k, bad = 0;

	build(&t, enc_rows[2].ent);
	n = pm_wire_encode(&t, full, sizeof(full));
	for (k = 0; k <= n; k++)
		bad += pm_wire_encode(&t, small, (size_t)k) != -ENOSPC;
	is_int(bad, 0, "every buffer shorter than %d + 1 bytes gives -ENOSPC", n);
	is_int(pm_wire_encode(&t, small, (size_t)n + 1), n, "exactly %d + 1 bytes suffice", n);
}

/* Malformed inputs, each must give the errno in the row. */
struct bad_row {
	const char *wire;
	int err;
	const char *why;
};

static const struct bad_row bad_rows[] = {
    {"", -EINVAL, "empty"},
    {"pm2 1 1:/ 2:/r", -EINVAL, "wrong magic"},
    {"PM1", -EINVAL, "magic is case-sensitive"},
    {"pm1 ", -EINVAL, "trailing space"},
    {"pm1x", -EINVAL, "junk after magic"},
    {"pm1 1 1:/ 2:/r ", -EINVAL, "trailing space after an entry"},
    {"pm1 1 1:/ 2:/rX", -EINVAL, "bytes beyond the host length"},
    {"pm1 1 1:/ 3:/r", -EINVAL, "host length beyond the end"},
    {"pm1 1 1:/", -EINVAL, "missing host"},
    {"pm1 1", -EINVAL, "missing guest"},
    {"pm1  1 1:/ 2:/r", -EINVAL, "double space"},
    {"pm1 1 1/ 2:/r", -EINVAL, "missing colon"},
    {"pm1 1 0: 2:/r", -EINVAL, "zero length"},
    {"pm1 1 01:/ 2:/r", -EINVAL, "leading zero"},
    {"pm1 +1 1:/ 2:/r", -EINVAL, "sign"},
    {"pm1 -1 1:/ 2:/r", -EINVAL, "negative"},
    {"pm1 1 1:/ 99999999999999999999:/r", -EINVAL, "length overflow"},
    {"pm1 1 1:/ 65536:/r", -EINVAL, "length over the limit"},
    {"pm1 4294967297 1:/ 2:/r", -EINVAL, "flags overflow"},
    {"pm1 0 1:/ 2:/r", -EINVAL, "no kind flag"},
    {"pm1 3 1:/ 2:/r", -EINVAL, "two kind flags"},
    {"pm1 256 1:/ 2:/r", -EINVAL, "result-only flag"},
    {"pm1 2 1:/ 2:/r", 0, "a volume at / is allowed"},
    {"pm1 1 2:/a 2:/r", -EINVAL, "root not at /"},
    {"pm1 4 2:/a 2:/b", -EINVAL, "identity with host != guest"},
    {"pm1 2 1:a 2:/r", -EINVAL, "relative guest"},
    {"pm1 2 2:/a 1:r", -EINVAL, "relative host"},
    {"pm1 2 5:/a/.. 2:/r", -EINVAL, "dot-dot in guest"},
    {"pm1 1 1:/ 2:/r 2 2:/a 2:/b", 0, "two valid entries"},
    {"pm1 1 1:/ 2:/r 2 2:/a 2:/b x", -EINVAL, "junk after valid entries"},
    {"pm1 1 1:/ 2:/r\n", -EINVAL, "trailing newline"},
};

static void test_malformed(void)
{
	struct pm_table t;
	size_t i;

	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++)
		is_int(pm_wire_decode(&t, arena2, sizeof(arena2), bad_rows[i].wire),
		       bad_rows[i].err, "decode: %s", bad_rows[i].why);
}

/* Too many entries, or too little arena: -ENOSPC, not -EINVAL. */
static void test_capacity(void)
{
	char wire[8192], small[8];
	struct pm_table t;
	size_t o;
	int i;

	o = (size_t)snprintf(wire, sizeof(wire), "pm1");
	for (i = 0; i <= PM_MAX_ENTRIES && o < sizeof(wire); i++)
		o += (size_t)snprintf(wire + o, sizeof(wire) - o, " 2 4:/v%02d 2:/h", i);
	is_int(pm_wire_decode(&t, arena2, sizeof(arena2), wire), -ENOSPC, "%d entries: -ENOSPC",
	       PM_MAX_ENTRIES + 1);
	is_int(pm_wire_decode(&t, small, sizeof(small), "pm1 1 1:/ 9:/c/rootfs"), -ENOSPC,
	       "arena too small: -ENOSPC");
}

int main(void)
{
	test_encode_rows();
	test_decoded_maps();
	test_encode_small();
	test_malformed();
	test_capacity();
	return done();
}
