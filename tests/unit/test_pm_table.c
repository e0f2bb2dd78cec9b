/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pm_table.c - table-driven tests of the prefix table: add, map guest->host, host->guest. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/pm.h"
#include "tests/unit/tap.h"

/* One table entry of a test table; a NULL guest ends the list. */
struct spec {
	const char *guest;
	const char *host;
	unsigned int flags;
};

/* The table most rows use: a rootfs, volumes (one shadowing a rootfs dir), identity binds. */
static const struct spec std_table[] = {
    {"/", "/c/rootfs", PM_ROOT},
    {"/data", "/scratch", PM_VOLUME},
    {"/data/ro", "/srv/ro", PM_VOLUME | PM_RDONLY},
    {"/proc", "/proc", PM_IDENTITY},
    {"/dev", "/dev", PM_IDENTITY},
    {"/etc/resolv.conf", "/etc/resolv.conf", PM_IDENTITY},
    {"/mnt/home", "/c/rootfs/home", PM_VOLUME}, /* a second way into the rootfs */
    {"/x", "/first", PM_VOLUME},
    {"/x", "/second", PM_VOLUME}, /* same guest path: last added wins */
    {"/a", "/same", PM_VOLUME},
    {"/b", "/same", PM_VOLUME}, /* same host path: last added wins in reverse */
    {NULL, NULL, 0},
};

static char arena[8192];

static int build(struct pm_table *t, const struct spec *s)
{
	int r = 0;

	pm_table_init(t, arena, sizeof(arena));
	for (; r == 0 && s->guest; s++)
		r = pm_table_add(t, s->guest, s->host, s->flags);
	return r;
}

/* A mapping row: input path, expected output or -errno, expected flags (when mapped). */
struct map_row {
	const char *in;
	const char *out;
	int err;
	unsigned int flags;
};

static const struct map_row guest_rows[] = {
    {"/", "/c/rootfs", 0, PM_ROOT | PM_MOUNTPOINT},
    {"/bin/sh", "/c/rootfs/bin/sh", 0, PM_ROOT},
    {"/data", "/scratch", 0, PM_VOLUME | PM_MOUNTPOINT},
    {"/data/", "/scratch/", 0, PM_VOLUME | PM_MOUNTPOINT},
    {"/data/x/y", "/scratch/x/y", 0, PM_VOLUME},
    {"/database", "/c/rootfs/database", 0, PM_ROOT}, /* prefix only at a '/' boundary */
    {"/dat", "/c/rootfs/dat", 0, PM_ROOT},
    {"/data/ro", "/srv/ro", 0, PM_VOLUME | PM_RDONLY | PM_MOUNTPOINT},
    {"/data/ro/f", "/srv/ro/f", 0, PM_VOLUME | PM_RDONLY},
    {"/data/rox", "/scratch/rox", 0, PM_VOLUME},
    {"/proc/self/exe", "/proc/self/exe", 0, PM_IDENTITY},
    {"/etc/resolv.conf", "/etc/resolv.conf", 0, PM_IDENTITY | PM_MOUNTPOINT},
    {"/etc/resolv.conf.d", "/c/rootfs/etc/resolv.conf.d", 0, PM_ROOT},
    {"/etc/hosts", "/c/rootfs/etc/hosts", 0, PM_ROOT},
    {"/x/f", "/second/f", 0, PM_VOLUME},
    {"/mnt/home/u", "/c/rootfs/home/u", 0, PM_VOLUME},
    {"relative", NULL, -EINVAL, 0},
    {"", NULL, -EINVAL, 0},
};

/* Reverse rows: the longest host prefix whose guest path leads back to the host path. */
static const struct map_row host_rows[] = {
    {"/c/rootfs", "/", 0, PM_ROOT | PM_MOUNTPOINT},
    {"/c/rootfs/bin/sh", "/bin/sh", 0, PM_ROOT},
    {"/c/rootfsx", NULL, -ENOENT, 0},
    {"/scratch/x", "/data/x", 0, PM_VOLUME},
    {"/scratch", "/data", 0, PM_VOLUME | PM_MOUNTPOINT},
    {"/srv/ro/f", "/data/ro/f", 0, PM_VOLUME | PM_RDONLY},
    {"/proc/1/cwd", "/proc/1/cwd", 0, PM_IDENTITY},
    {"/etc/resolv.conf", "/etc/resolv.conf", 0, PM_IDENTITY | PM_MOUNTPOINT},
    {"/etc/passwd", NULL, -ENOENT, 0}, /* host file outside every entry */
    {"/usr/bin", NULL, -ENOENT, 0},
    {"/c/rootfs/home/u", "/mnt/home/u", 0, PM_VOLUME}, /* longest host prefix */
    {"/c/rootfs/data/x", NULL, -ENOENT, 0},	       /* rootfs dir hidden under /data */
    {"/c/rootfs/proc", NULL, -ENOENT, 0},
    {"/c/rootfs/data/ro", NULL, -ENOENT, 0},
    {"/scratch/ro/f", NULL, -ENOENT, 0}, /* volume dir hidden under /data/ro */
    {"/first/f", NULL, -ENOENT, 0},	 /* replaced entry */
    {"/second/f", "/x/f", 0, PM_VOLUME},
    {"/same/f", "/b/f", 0, PM_VOLUME},
    {"relative", NULL, -EINVAL, 0},
};

static void check_rows(const struct pm_table *t, const struct map_row *rows, size_t n, int host)
{
	char out[PATH_MAX];
	unsigned int flags;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct map_row *w = &rows[i];
		int r =
		    host ? pm_map_host(t, w->in, out, &flags) : pm_map_guest(t, w->in, out, &flags);
		const char *what = host ? "host->guest" : "guest->host";

		if (!is_int(r, w->err, "%s '%s': result", what, w->in) || r)
			continue;
		is_str(out, w->out, "%s '%s' -> '%s'", what, w->in, w->out);
		is_int(flags, w->flags, "%s '%s': flags", what, w->in);
	}
}

/* Host "/" as a volume source and an identity "/": no doubled or missing slashes. */
static void test_root_edges(void)
{
	struct pm_table t;
	char out[PATH_MAX];

	pm_table_init(&t, arena, sizeof(arena));
	ok(pm_table_add(&t, "/", "/r", PM_ROOT) == 0, "root added");
	ok(pm_table_add(&t, "/host", "/", PM_VOLUME) == 0, "host / as a volume");
	ok(pm_map_guest(&t, "/host", out, NULL) == 0 && strcmp(out, "/") == 0, "/host -> /");
	ok(pm_map_guest(&t, "/host/etc", out, NULL) == 0 && strcmp(out, "/etc") == 0,
	   "/host/etc -> /etc");
	ok(pm_map_host(&t, "/etc", out, NULL) == 0 && strcmp(out, "/host/etc") == 0,
	   "/etc -> /host/etc");
	ok(pm_map_host(&t, "/r/x", out, NULL) == 0 && strcmp(out, "/x") == 0,
	   "/r/x -> /x: the longer host prefix wins");
	ok(pm_map_host(&t, "/", out, NULL) == 0 && strcmp(out, "/host") == 0, "/ -> /host");
	pm_table_init(&t, arena, sizeof(arena));
	is_int(pm_map_guest(&t, "/x", out, NULL), -ENOENT, "empty table: -ENOENT");
	ok(pm_table_add(&t, "/", "/", PM_IDENTITY) == 0, "identity /");
	ok(pm_map_guest(&t, "/", out, NULL) == 0 && strcmp(out, "/") == 0, "/ -> /");
	ok(pm_map_guest(&t, "/a/b", out, NULL) == 0 && strcmp(out, "/a/b") == 0, "/a/b -> /a/b");
	ok(pm_map_host(&t, "/a/b", out, NULL) == 0 && strcmp(out, "/a/b") == 0, "rev /a/b");
}

/* pm_table_add rows: what is accepted, how it is cleaned, which errors. */
struct add_row {
	const char *guest;
	const char *host;
	unsigned int flags;
	int err;
	const char *clean_guest;
	const char *clean_host;
};

static const struct add_row add_rows[] = {
    {"/", "/r/", PM_ROOT, 0, "/", "/r"},
    {"//", "//r//x//", PM_ROOT, 0, "/", "/r/x"},
    {"/data/", "/scratch//a/", PM_VOLUME | PM_RDONLY, 0, "/data", "/scratch/a"},
    {"/proc", "/proc", PM_IDENTITY, 0, "/proc", "/proc"},
    {"/proc/", "/proc", PM_IDENTITY, 0, "/proc", "/proc"},
    {"/proc", "/sys", PM_IDENTITY, -EINVAL, NULL, NULL},
    {"/data", "/r", PM_ROOT, -EINVAL, NULL, NULL},
    {"data", "/r", PM_VOLUME, -EINVAL, NULL, NULL},
    {"/data", "r", PM_VOLUME, -EINVAL, NULL, NULL},
    {"", "/r", PM_VOLUME, -EINVAL, NULL, NULL},
    {"/a/../b", "/r", PM_VOLUME, -EINVAL, NULL, NULL},
    {"/a/./b", "/r", PM_VOLUME, -EINVAL, NULL, NULL},
    {"/a", "/r/..", PM_VOLUME, -EINVAL, NULL, NULL},
    {"/a", "/r", 0, -EINVAL, NULL, NULL},
    {"/a", "/r", PM_VOLUME | PM_IDENTITY, -EINVAL, NULL, NULL},
    {"/a", "/r", PM_VOLUME | PM_MOUNTPOINT, -EINVAL, NULL, NULL},
    {"/a", "/r", PM_VOLUME | 0x40, -EINVAL, NULL, NULL},
};

static void test_add(void)
{
	char name[NAME_MAX + 3] = "/", longp[PATH_MAX + 1];
	struct pm_table t;
	char small[16];
	size_t i;

	for (i = 0; i < sizeof(add_rows) / sizeof(add_rows[0]); i++) {
		const struct add_row *a = &add_rows[i];

		pm_table_init(&t, arena, sizeof(arena));
		if (!is_int(pm_table_add(&t, a->guest, a->host, a->flags), a->err, "add '%s' '%s'",
			    a->guest, a->host) ||
		    a->err) {
			is_int(t.n, 0, "add '%s': table unchanged", a->guest);
			continue;
		}
		is_str(t.ent[0].guest, a->clean_guest, "add '%s': guest cleaned", a->guest);
		is_str(t.ent[0].host, a->clean_host, "add '%s': host cleaned", a->host);
	}
	memset(name + 1, 'n', NAME_MAX + 1);
	name[NAME_MAX + 2] = '\0';
	pm_table_init(&t, arena, sizeof(arena));
	is_int(pm_table_add(&t, name, "/r", PM_VOLUME), -ENAMETOOLONG, "component > NAME_MAX");
	memset(longp, 'a', PATH_MAX);
	longp[0] = '/';
	longp[PATH_MAX] = '\0';
	is_int(pm_table_add(&t, "/a", longp, PM_VOLUME), -ENAMETOOLONG, "path >= PATH_MAX");
	pm_table_init(&t, small, sizeof(small));
	is_int(pm_table_add(&t, "/", "/rootfs", PM_ROOT), 0, "fits a 16-byte arena");
	is_int(pm_table_add(&t, "/data", "/scratch", PM_VOLUME), -ENOSPC, "arena full: -ENOSPC");
	is_int(t.n, 1, "arena full: table unchanged");
}

static void test_capacity(void)
{
	struct pm_table t;
	char g[32];
	int i, r = 0;

	pm_table_init(&t, arena, sizeof(arena));
	for (i = 0; r == 0 && i < PM_MAX_ENTRIES; i++) {
		snprintf(g, sizeof(g), "/v%d", i);
		r = pm_table_add(&t, g, "/h", PM_VOLUME);
	}
	is_int(r, 0, "%d entries fit", PM_MAX_ENTRIES);
	is_int(pm_table_add(&t, "/one-more", "/h", PM_VOLUME), -ENOSPC, "table full: -ENOSPC");
	is_int(pm_table_add(&t, "/v3", "/h2", PM_VOLUME), 0, "a replacement fits a full table");
	is_int(t.n, PM_MAX_ENTRIES, "still full");
}

/* A guest path that maps to a host path maps back to the same guest path. */
static void test_round_trip(const struct pm_table *t)
{
	static const char *const paths[] = {"/",       "/bin", "/data", "/data/ro/x",
					    "/proc/1", "/x/y", "/b/z",	"/mnt/home/u/f"};
	char h[PATH_MAX], g[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int r = pm_map_guest(t, paths[i], h, NULL);

		if (r == 0)
			r = pm_map_host(t, h, g, NULL);
		ok(r == 0 && strcmp(g, paths[i]) == 0, "round trip '%s' via '%s'", paths[i], h);
	}
}

int main(void)
{
	struct pm_table t;
	char buf[PATH_MAX];

	if (!is_int(build(&t, std_table), 0, "standard table built"))
		return done();
	is_int(t.n, 10, "re-adding /x replaced the older entry");
	check_rows(&t, guest_rows, sizeof(guest_rows) / sizeof(guest_rows[0]), 0);
	check_rows(&t, host_rows, sizeof(host_rows) / sizeof(host_rows[0]), 1);
	test_round_trip(&t);
	strcpy(buf, "/data/x");
	ok(pm_map_guest(&t, buf, buf, NULL) == 0 && strcmp(buf, "/scratch/x") == 0,
	   "pm_map_guest in place");
	test_root_edges();
	test_add();
	test_capacity();
	return done();
}
