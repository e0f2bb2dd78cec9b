/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pm_chroot.c - pm_table_chroot (the view after a guest chroot) and pm_entry_of. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "common/pm.h"
#include "tests/unit/tap.h"

static char arena[4096], arena2[4096 + PATH_MAX], arena3[4096 + PATH_MAX];

static void map(const struct pm_table *t, const char *guest, int want_r, const char *want_host)
{
	char host[PATH_MAX];
	int r = pm_map_guest(t, guest, host, NULL);

	if (is_int(r, want_r, "map %s", guest) && r == 0)
		is_str(host, want_host, "map %s", guest);
}

static void back(const struct pm_table *t, const char *host, int want_r, const char *want_guest)
{
	char guest[PATH_MAX];
	int r = pm_map_host(t, host, guest, NULL);

	if (is_int(r, want_r, "back %s", host) && r == 0)
		is_str(guest, want_guest, "back %s", host);
}

int main(void)
{
	struct pm_table t, c, n;
	unsigned int flags = 0;
	char host[PATH_MAX];

	pm_table_init(&t, arena, sizeof(arena));
	ok(pm_table_add(&t, "/", "/c/root", PM_ROOT) == 0 &&
	       pm_table_add(&t, "/proc", "/proc", PM_IDENTITY) == 0 &&
	       pm_table_add(&t, "/srv/jail/data", "/vol", PM_VOLUME) == 0 &&
	       pm_table_add(&t, "/srv/ro", "/rovol", PM_VOLUME | PM_RDONLY) == 0 &&
	       pm_table_add(&t, "/srv/jailx", "/other", PM_VOLUME) == 0,
	   "source table");
	is_int(pm_table_chroot(&c, arena2, sizeof(arena2), &t, "/srv/jail"), 0, "chroot /srv/jail");
	map(&c, "/", 0, "/c/root/srv/jail");
	map(&c, "/bin/sh", 0, "/c/root/srv/jail/bin/sh");
	map(&c, "/data/x", 0, "/vol/x");
	/* the host's /proc is out of sight */
	map(&c, "/proc/self", 0, "/c/root/srv/jail/proc/self");
	back(&c, "/c/root/srv/jail/etc", 0, "/etc");
	back(&c, "/vol/y", 0, "/data/y");
	back(&c, "/c/root/etc", -ENOENT, "");
	back(&c, "/other/z", -ENOENT, ""); /* /srv/jailx is not below /srv/jail */
	is_int(pm_table_chroot(&n, arena3, sizeof(arena3), &c, "/data/"), 0, "nested chroot /data");
	map(&n, "/x", 0, "/vol/x");
	pm_map_guest(&n, "/", host, &flags);
	ok((flags & PM_KIND_MASK) == PM_ROOT, "a volume as the new root is the root entry");
	is_int(pm_table_chroot(&n, arena3, sizeof(arena3), &t, "/srv/ro/sub"), 0,
	       "chroot read-only");
	pm_map_guest(&n, "/f", host, &flags);
	ok(flags & PM_RDONLY, "a read-only volume stays read-only as the root");
	is_str(host, "/rovol/sub/f", "read-only root maps");
	is_int(pm_table_chroot(&n, arena3, 8, &t, "/srv/jail"), -ENOSPC, "arena too small");
	is_int(pm_table_chroot(&n, arena3, sizeof(arena3), &t, "srv"), -EINVAL, "relative root");

	ok(pm_entry_of(&t, "/srv/jail/data/x") == pm_entry_of(&t, "/srv/jail/data"),
	   "entry_of: same volume");
	ok(pm_entry_of(&t, "/srv/jail/data/x") != pm_entry_of(&t, "/srv/jail"),
	   "entry_of: a volume is another mount than the root");
	ok(pm_entry_of(&t, "/etc") == pm_entry_of(&t, "/"), "entry_of: both on the root");
	is_int(pm_entry_of(&t, "etc"), -1, "entry_of: relative");
	return done();
}
