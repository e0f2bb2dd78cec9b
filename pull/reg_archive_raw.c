/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_raw.c - read a stored layer decompressed (libarchive's raw format and filters). */
#include "pull/reg_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>

struct reg_archive_raw {
	struct archive *a;
	const char *what;
	int eof; /* the input had no data at all */
};

static int raw_destructor(struct reg_archive_raw *raw)
{
	archive_read_free(raw->a);
	return 0;
}

/* Translate libarchive's state into e. */
static int raw_failed(struct reg_archive_raw *raw, struct udc_error *e)
{
	const char *msg = archive_error_string(raw->a);

	return udc_fail(e, archive_errno(raw->a) > 0 ? archive_errno(raw->a) : EBADMSG, "%s: %s",
			raw->what, msg ? msg : "unreadable layer");
}

/* Open path for decompressed reading; child of mem_ctx. */
struct reg_archive_raw *reg_archive_raw_open(TALLOC_CTX *mem_ctx, const char *path,
					     const char *what, struct udc_error *e)
{
	struct reg_archive_raw *raw = talloc_zero(mem_ctx, struct reg_archive_raw);
	struct archive_entry *ent;
	int r;

	if (!raw || !(raw->a = archive_read_new())) {
		talloc_free(raw);
		udc_fail(e, ENOMEM, "%s: out of memory", what);
		return NULL;
	}
	talloc_set_destructor(raw, raw_destructor);
	raw->what = talloc_strdup(raw, what);
	archive_read_support_filter_gzip(raw->a);
	archive_read_support_filter_zstd(raw->a);
	archive_read_support_format_raw(raw->a);
	r = archive_read_open_filename(raw->a, path, 1 << 16);
	if (r == ARCHIVE_OK)
		r = archive_read_next_header(raw->a, &ent);
	if (r == ARCHIVE_EOF)
		raw->eof = 1;
	else if (r != ARCHIVE_OK) {
		raw_failed(raw, e);
		talloc_free(raw);
		return NULL;
	}
	return raw;
}

/* Read up to len decompressed bytes: the count, 0 at the end, -errno plus e. */
ssize_t reg_archive_raw_read(struct reg_archive_raw *raw, void *buf, size_t len,
			     struct udc_error *e)
{
	la_ssize_t n;

	if (raw->eof)
		return 0;
	n = archive_read_data(raw->a, buf, len);
	if (n < 0)
		return raw_failed(raw, e);
	return n;
}

static void hex_of(const unsigned char *md, char hex[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(hex + (size_t)2 * i, 3, "%02x", md[i]);
}

/* Hash every decompressed byte of raw. */
static int hash_all(struct reg_archive_raw *raw, EVP_MD_CTX *md, uint64_t *size,
		    struct udc_error *e)
{
	char buf[1 << 16]; /* on the stack: thread-local storage would cost every thread 64 kB */
	ssize_t n;

	*size = 0;
	while ((n = reg_archive_raw_read(raw, buf, sizeof(buf), e)) > 0) {
		if (!EVP_DigestUpdate(md, buf, (size_t)n))
			return udc_fail(e, EIO, "%s: sha256 failed", raw->what);
		*size += (uint64_t)n;
	}
	return n < 0 ? (int)n : 0;
}

/* sha256 and size of the decompressed bytes of path. */
int reg_archive_diff_id(const char *path, const char *what, char hex[65], uint64_t *size,
			struct udc_error *e)
{
	struct reg_archive_raw *raw = reg_archive_raw_open(NULL, path, what, e);
	EVP_MD_CTX *md = raw ? EVP_MD_CTX_new() : NULL;
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int olen = 0;
	int r = raw ? 0 : -e->code;

	if (raw && (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)))
		r = udc_fail(e, EIO, "%s: sha256 failed", what);
	if (r == 0)
		r = hash_all(raw, md, size, e);
	if (r == 0 && (!EVP_DigestFinal_ex(md, out, &olen) || olen != 32))
		r = udc_fail(e, EIO, "%s: sha256 failed", what);
	if (r == 0)
		hex_of(out, hex);
	EVP_MD_CTX_free(md);
	talloc_free(raw);
	return r;
}
