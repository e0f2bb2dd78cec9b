/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tar_write.c - write a directory tree as a tar archive with libarchive. */
#include "common/tar_write.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>

/* Translate a libarchive failure into e. */
static int ar_fail(struct archive *a, const char *what, struct udc_error *e)
{
	int code = archive_errno(a) > 0 ? archive_errno(a) : EIO;
	const char *msg = archive_error_string(a);

	if (!msg || archive_errno(a) <= 0)
		return udc_fail(e, code, "%s: %s", what, msg ? msg : strerror(code));
	return udc_fail(e, code, "%s: %s: %s", what, msg, strerror(code));
}

/* Copy the data of the current disk entry into the archive. */
static int copy_data(struct archive *disk, struct archive *out, const char *what,
		     struct udc_error *e)
{
	char buf[1 << 16]; /* on the stack: thread-local storage would cost every thread 64 kB */
	la_ssize_t n;

	while ((n = archive_read_data(disk, buf, sizeof(buf))) > 0)
		if (archive_write_data(out, buf, (size_t)n) != n)
			return ar_fail(out, what, e);
	return n == 0 ? 0 : ar_fail(disk, what, e);
}

/* Write one entry: its name made relative ("./x"), links resolved, then its data. */
static int write_entry(struct archive *disk, struct archive *out, struct archive_entry *ent,
		       struct archive_entry_linkresolver *lr, size_t skip, const char *what,
		       struct udc_error *e)
{
	struct archive_entry *spare = NULL;
	const char *path = archive_entry_pathname(ent);
	char rel[4096];
	int r = 0;

	snprintf(rel, sizeof(rel), ".%s", path + skip);
	archive_entry_copy_pathname(ent, rel);
	archive_entry_linkify(lr, &ent, &spare);
	if (ent && archive_write_header(out, ent) != ARCHIVE_OK)
		return ar_fail(out, what, e);
	if (ent && archive_entry_size(ent) > 0)
		r = copy_data(disk, out, what, e);
	if (r == 0 && spare && archive_write_header(out, spare) != ARCHIVE_OK)
		r = ar_fail(out, what, e);
	return r;
}

static int walk(struct archive *disk, struct archive *out, const char *dir, const char *what,
		struct udc_error *e)
{
	struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
	struct archive_entry *ent = archive_entry_new();
	size_t skip = strlen(dir);
	int r = 0, st;

	if (!lr || !ent) {
		r = udc_fail(e, ENOMEM, "%s: out of memory", what);
		goto out;
	}
	archive_entry_linkresolver_set_strategy(lr, archive_format(out));
	while ((st = archive_read_next_header2(disk, ent)) != ARCHIVE_EOF) {
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			r = ar_fail(disk, dir, e);
			break;
		}
		archive_read_disk_descend(disk);
		r = write_entry(disk, out, ent, lr, skip, what, e);
		if (r < 0)
			break;
	}
out:
	if (lr)
		archive_entry_linkresolver_free(lr);
	archive_entry_free(ent);
	return r;
}

/* Write the tree at dir as a pax archive on out_fd. */
int tar_write_tree(const char *dir, int out_fd, const char *what, struct udc_error *e)
{
	struct archive *disk = archive_read_disk_new();
	struct archive *out = archive_write_new();
	int r;

	if (!disk || !out) {
		r = udc_fail(e, ENOMEM, "%s: out of memory", what);
		goto out;
	}
	archive_read_disk_set_standard_lookup(disk);
	archive_read_disk_set_symlink_physical(disk);
	archive_write_set_format_pax_restricted(out);
	archive_write_set_bytes_in_last_block(out, 1);
	if (archive_write_open_fd(out, out_fd) != ARCHIVE_OK) {
		r = ar_fail(out, what, e);
		goto out;
	}
	if (archive_read_disk_open(disk, dir) != ARCHIVE_OK) {
		r = ar_fail(disk, dir, e);
		goto out;
	}
	r = walk(disk, out, dir, what, e);
	if (archive_write_close(out) != ARCHIVE_OK && r == 0)
		r = ar_fail(out, what, e);
out:
	archive_read_free(disk);
	archive_write_free(out);
	return r;
}
