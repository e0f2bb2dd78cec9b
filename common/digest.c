/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest.c - sha256 of streams and files, computed while copying. */
#include "common/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

/* Write all of buf to fd, retrying short writes; 0 / -errno. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void hex_encode(const unsigned char *md, unsigned int len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[(size_t)len * 2] = '\0';
}

/* Hash loop; the context is owned by the caller. */
static int copy_loop(EVP_MD_CTX *md, int in_fd, int out_fd, const char *what, uint64_t *size,
		     struct udc_error *e)
{
	char buf[1 << 16]; /* on the stack: thread-local storage would cost every thread 64 kB */
	ssize_t n;
	int r;

	*size = 0;
	for (;;) {
		n = read(in_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return udc_fail_sys(e, "%s: read", what);
		if (n == 0)
			return 0;
		if (!EVP_DigestUpdate(md, buf, (size_t)n))
			return udc_fail(e, EIO, "%s: sha256 failed", what);
		if (out_fd >= 0 && (r = write_all(out_fd, buf, (size_t)n)) < 0)
			return udc_fail(e, -r, "%s: write: %s", what, strerror(-r));
		*size += (uint64_t)n;
	}
}

/* Read in_fd to EOF, copying to out_fd when >= 0; hex gets the sha256. 0 / -errno. */
int digest_copy_fd(int in_fd, int out_fd, const char *what, char hex[DIGEST_HEX_LEN + 1],
		   uint64_t *size, struct udc_error *e)
{
	unsigned char md_out[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r;

	if (!md)
		return udc_fail(e, ENOMEM, "%s: out of memory", what);
	if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return udc_fail(e, EIO, "%s: sha256 unavailable", what);
	}
	r = copy_loop(md, in_fd, out_fd, what, size, e);
	if (r == 0 && !EVP_DigestFinal_ex(md, md_out, &len))
		r = udc_fail(e, EIO, "%s: sha256 failed", what);
	EVP_MD_CTX_free(md);
	if (r == 0)
		hex_encode(md_out, len, hex);
	return r;
}

/* sha256 of the file name under dirfd. 0 / -errno. */
int digest_file_at(int dirfd, const char *name, char hex[DIGEST_HEX_LEN + 1], uint64_t *size,
		   struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return udc_fail_sys(e, "%s", name);
	return digest_copy_fd(fd, -1, name, hex, size, e);
}

/* 1 when s is exactly 64 lowercase hex digits. */
int digest_hex_valid(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n == DIGEST_HEX_LEN && s[n] == '\0';
}
