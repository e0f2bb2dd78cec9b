/* SPDX-License-Identifier: GPL-2.0-or-later */
/* layer_scan.c - check a layer tarball end to end before it enters the repository. */
#include "common/layer_scan.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

/* 1 when the path has a ".." component. The unpacker refuses every such entry (not only
 * those that climb out of the root), so the scan refuses the same set. */
static int has_dotdot(const char *path)
{
	while (*path) {
		size_t n = strcspn(path, "/");

		if (n == 2 && path[0] == '.' && path[1] == '.')
			return 1;
		path += n;
		path += strspn(path, "/");
	}
	return 0;
}

/* Check one entry's name and hard-link target. */
static int check_entry(struct archive_entry *ent, const char *label, struct udc_error *e)
{
	const char *name = archive_entry_pathname(ent);
	const char *hl = archive_entry_hardlink(ent);

	if (!name)
		return udc_fail(e, EBADMSG, "layer %s: entry without a name", label);
	if (has_dotdot(name))
		return udc_fail(e, EPERM, "layer %s: entry '%s' escapes the root", label, name);
	if (hl && has_dotdot(hl))
		return udc_fail(e, EPERM, "layer %s: hard link '%s' -> '%s' escapes the root", label,
				name, hl);
	return 0;
}

/* Translate libarchive's state into e. */
static int archive_failed(struct archive *a, const char *label, struct udc_error *e)
{
	const char *msg = archive_error_string(a);
	int code = archive_errno(a) > 0 ? archive_errno(a) : EBADMSG;

	return udc_fail(e, code, "layer %s: %s", label, msg ? msg : "unreadable tar archive");
}

static int scan_entries(struct archive *a, const char *label, struct udc_error *e)
{
	struct archive_entry *ent;
	int r, n = 0;

	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		n++;
		if (check_entry(ent, label, e) < 0)
			return -e->code;
		if (archive_read_data_skip(a) != ARCHIVE_OK)
			return archive_failed(a, label, e);
	}
	if (r != ARCHIVE_EOF)
		return archive_failed(a, label, e);
	if (n == 0)
		return udc_fail(e, EBADMSG, "layer %s: not a tar archive (no entries)", label);
	return 0;
}

/* Read the whole tarball at path and check every entry. */
int layer_scan(const char *path, const char *label, struct udc_error *e)
{
	struct archive *a = archive_read_new();
	int r;

	if (!a)
		return udc_fail(e, ENOMEM, "layer %s: out of memory", label);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK)
		r = archive_failed(a, label, e);
	else
		r = scan_entries(a, label, e);
	archive_read_free(a);
	return r;
}
