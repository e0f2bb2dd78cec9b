/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm_rdonly.c - `:ro` entries as read-only mounts: which writes fail, and with what (P and F). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "common/pm.h"

/*
 * Each table entry stands for a mount: a read-only one refuses, with EROFS, what the kernel's
 * mnt_want_write() refuses, in the kernel's order of checks (a missing file is ENOENT first, an
 * existing one EEXIST first for the calls that create, rename or link across mounts EXDEV
 * first). Both engines find the guest path and the file's type their own way and ask here.
 */

int pm_ro_any(const struct pm_table *t)
{
	unsigned int i;

	for (i = 0; t && i < t->n; i++)
		if (t->ent[i].flags & PM_RDONLY)
			return 1;
	return 0;
}

int pm_ro_entry(const struct pm_table *t, int ent)
{
	return ent >= 0 && (t->ent[ent].flags & PM_RDONLY);
}

int pm_ro_parent(const struct pm_table *t, const char *guest)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(guest, '/');
	size_t n;

	if (!slash)
		return -1;
	n = slash == guest ? 1 : (size_t)(slash - guest);
	memcpy(dir, guest, n);
	dir[n] = '\0';
	return pm_entry_of(t, dir);
}

int pm_ro_open(const struct pm_table *t, const char *guest, unsigned long flags, long type)
{
	if (!pm_ro_entry(t, pm_entry_of(t, guest)))
		return 0;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return type == S_IFDIR ? -EROFS : 0;
	if (type == -ENOENT)
		return (flags & O_CREAT) ? -EROFS : 0;
	/* directories: EISDIR; symlinks (O_NOFOLLOW): ELOOP; devices, fifos, sockets: writable */
	if (type != S_IFREG || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) ? -EROFS : 0;
}

int pm_ro_new(const struct pm_table *t, const char *guest, long type)
{
	return pm_ro_entry(t, pm_ro_parent(t, guest)) && type == -ENOENT ? -EROFS : 0;
}

int pm_ro_del(const struct pm_table *t, const char *guest)
{
	char host[PATH_MAX];
	unsigned int fl = 0;

	if (pm_map_guest(t, guest, host, &fl) == 0 && (fl & PM_MOUNTPOINT) && (fl & PM_RDONLY))
		return -EBUSY;
	return pm_ro_entry(t, pm_ro_parent(t, guest)) ? -EROFS : 0;
}

int pm_ro_attr(const struct pm_table *t, const char *guest, long type, int truncate)
{
	if (!pm_ro_entry(t, pm_entry_of(t, guest)))
		return 0;
	return type >= 0 && !(truncate && type == S_IFDIR) ? -EROFS : 0;
}

int pm_ro_xdev(const struct pm_table *t, int e1, int e2)
{
	return e1 >= 0 && e2 >= 0 && e1 != e2 && (pm_ro_entry(t, e1) || pm_ro_entry(t, e2));
}
