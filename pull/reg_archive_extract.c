/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_extract.c - unpack an image archive (a tar) into a private stage directory. */
#include "pull/reg_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1 when name is relative, not empty and has no ".." component. */
int reg_archive_name_safe(const char *name)
{
	const char *p = name;

	if (!name || !*name || *name == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		p += strspn(p, "/");
	}
	return 1;
}

/* The entry name without leading "./" (and "/" runs after it). */
static const char *strip_dot(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		for (name += 2; *name == '/';)
			name++;
	return strcmp(name, ".") ? name : "";
}

/* mkdir -p of name (every component when last, else all but the last) under dfd. */
static int mkdirs_at(int dfd, const char *name, int last, const char *label, struct udc_error *e)
{
	char buf[4096];
	size_t n = strlen(name);

	if (n >= sizeof(buf))
		return udc_fail(e, ENAMETOOLONG, "%s: entry '%.100s...': name too long", label,
				name);
	memcpy(buf, name, n + 1);
	for (char *p = buf; (p = strchr(p + 1, '/'));) {
		*p = '\0';
		if (mkdirat(dfd, buf, 0700) < 0 && errno != EEXIST)
			return udc_fail_sys(e, "%s: entry '%s'", label, name);
		*p = '/';
	}
	if (last && mkdirat(dfd, buf, 0700) < 0 && errno != EEXIST)
		return udc_fail_sys(e, "%s: entry '%s'", label, name);
	return 0;
}

/* Translate libarchive's state into e. */
static int archive_failed(struct archive *a, const char *label, struct udc_error *e)
{
	const char *msg = archive_error_string(a);

	return udc_fail(e, archive_errno(a) > 0 ? archive_errno(a) : EBADMSG, "%s: %s", label,
			msg ? msg : "unreadable archive");
}

/* Write the data of the current entry to the regular file name under dfd. */
static int extract_file(struct archive *a, int dfd, const char *name, const char *label,
			struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;

	unlinkat(dfd, name, 0); /* a later entry of the same name replaces it, as tar does */
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return udc_fail_sys(e, "%s: entry '%s'", label, name);
	if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK)
		return archive_failed(a, label, e);
	return 0;
}

/* Extract one entry: directories, regular files, hard links to earlier files. */
static int extract_entry(struct archive *a, struct archive_entry *ent, int dfd, const char *label,
			 struct udc_error *e)
{
	const char *name = strip_dot(archive_entry_pathname(ent) ?: "");
	const char *hl = archive_entry_hardlink(ent);

	if (!*name)
		return 0;
	if (!reg_archive_name_safe(name))
		return udc_fail(e, EPERM, "%s: entry '%s' escapes the archive", label, name);
	if (hl && !reg_archive_name_safe(strip_dot(hl)))
		return udc_fail(e, EPERM, "%s: hard link '%s' -> '%s' escapes the archive", label,
				name, hl);
	if (mkdirs_at(dfd, name, archive_entry_filetype(ent) == AE_IFDIR, label, e) < 0)
		return -e->code;
	if (hl) {
		unlinkat(dfd, name, 0);
		if (linkat(dfd, strip_dot(hl), dfd, name, 0) < 0)
			return udc_fail_sys(e, "%s: hard link '%s' -> '%s'", label, name, hl);
		return 0;
	}
	if (archive_entry_filetype(ent) == AE_IFREG)
		return extract_file(a, dfd, name, label, e);
	return 0; /* directories were made; symlinks and devices are not needed */
}

/* Read every entry of the open archive into dfd. */
static int extract_all(struct archive *a, int dfd, const char *label, struct udc_error *e)
{
	struct archive_entry *ent;
	int r, n = 0;

	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		n++;
		if (extract_entry(a, ent, dfd, label, e) < 0)
			return -e->code;
	}
	if (r != ARCHIVE_EOF)
		return archive_failed(a, label, e);
	if (n == 0)
		return udc_fail(e, EBADMSG, "%s: not an image archive (an empty tar)", label);
	return 0;
}

/* Extract the tar on in_fd into stage/<sub> (a new directory). */
int reg_archive_extract(struct repo_stage *st, int in_fd, const char *sub, const char *label,
			struct udc_error *e)
{
	UDC_AUTOCLOSE int dfd = -1;
	struct archive *a;
	int r;

	if (mkdirat(st->fd, sub, 0700) < 0)
		return udc_fail_sys(e, "%s: cannot stage", label);
	dfd = openat(st->fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return udc_fail_sys(e, "%s: cannot stage", label);
	a = archive_read_new();
	if (!a)
		return udc_fail(e, ENOMEM, "%s: out of memory", label);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, in_fd, 1 << 16) != ARCHIVE_OK)
		r = archive_failed(a, label, e);
	else
		r = extract_all(a, dfd, label, e);
	archive_read_free(a);
	return r;
}
