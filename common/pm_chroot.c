/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_chroot.c - the path map a chroot(2) inside the guest leaves: a table rooted deeper. */
#include <errno.h>
#include <string.h>

#include "common/pm.h"

/* Is guest strictly below root (canonical; root "/" has rlen 0 here)? */
static int pm_below(const char *guest, const char *root, size_t rlen)
{
	return strncmp(guest, root, rlen) == 0 && guest[rlen] == '/' && guest[rlen + 1];
}

/*
 * Fill dst (arena of arena_size bytes, caller-owned) with the view of src seen after
 * chroot(root): root (a canonical guest directory of src) becomes "/" on the host directory src
 * maps it to (read-only if its entry is), and every entry of src below root keeps its host at
 * the guest path below the new "/"; entries elsewhere (the host's /proc, other volumes) are out
 * of sight, as a real chroot leaves them. Returns 0, -EINVAL (root not absolute), -ENOENT (src
 * does not map root), -ENAMETOOLONG or -ENOSPC (arena too small: src->arena_used + PATH_MAX
 * always suffices).
 */
int pm_table_chroot(struct pm_table *dst, char *arena, size_t arena_size,
		    const struct pm_table *src, const char *root)
{
	char host[PATH_MAX];
	unsigned int i, flags;
	size_t rlen;
	int r;

	if (root[0] != '/')
		return -EINVAL;
	rlen = strlen(root);
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	r = pm_map_guest(src, rlen ? root : "/", host, &flags);
	if (r)
		return r;
	pm_table_init(dst, arena, arena_size);
	r = pm_table_add(dst, "/", host, PM_ROOT | (flags & PM_RDONLY));
	for (i = 0; r == 0 && i < src->n; i++) {
		const struct pm_entry *e = &src->ent[i];

		if (pm_below(e->guest, root, rlen))
			r = pm_table_add(dst, e->guest + rlen, e->host, e->flags);
	}
	return r;
}
