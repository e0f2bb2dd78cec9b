/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest.h - sha256 of streams and files, computed while copying (OpenSSL libcrypto). */
#ifndef UDC_DIGEST_H
#define UDC_DIGEST_H

#include <stdint.h>

#include "common/error.h"

#define DIGEST_HEX_LEN 64

/* Read in_fd to EOF, writing every byte to out_fd (unless out_fd < 0); hex receives the sha256
 * (65 bytes, lowercase), *size the byte count. what names the input in errors. 0 / -errno. */
int digest_copy_fd(int in_fd, int out_fd, const char *what, char hex[DIGEST_HEX_LEN + 1],
		   uint64_t *size, struct udc_error *e);
/* sha256 of the file name under dirfd (see digest_copy_fd). */
int digest_file_at(int dirfd, const char *name, char hex[DIGEST_HEX_LEN + 1], uint64_t *size,
		   struct udc_error *e);
/* 1 when s is 64 lowercase hex digits. */
int digest_hex_valid(const char *s);

#endif
