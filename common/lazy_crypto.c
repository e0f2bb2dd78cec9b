/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lazy_crypto.c - the libcrypto functions udockerc calls, bound at first use (lazy.h). */
#include <openssl/evp.h>

#include "common/lazy.h"

#ifndef LAZY_CRYPTO_SONAME
#define LAZY_CRYPTO_SONAME "libcrypto.so.3"
#endif
#define LAZY_LIB LAZY_CRYPTO_SONAME

/* clang-format off */
LAZY_FN(int, EVP_DecodeBlock, (unsigned char *a0, const unsigned char *a1, int a2), (a0, a1, a2))
LAZY_FN(int, EVP_Digest, (const void *a0, size_t a1, unsigned char *a2, unsigned int *a3, const EVP_MD *a4, ENGINE *a5), (a0, a1, a2, a3, a4, a5))
LAZY_FN(int, EVP_DigestFinal_ex, (EVP_MD_CTX *a0, unsigned char *a1, unsigned int *a2), (a0, a1, a2))
LAZY_FN(int, EVP_DigestInit_ex, (EVP_MD_CTX *a0, const EVP_MD *a1, ENGINE *a2), (a0, a1, a2))
LAZY_FN(int, EVP_DigestUpdate, (EVP_MD_CTX *a0, const void *a1, size_t a2), (a0, a1, a2))
LAZY_FN(int, EVP_EncodeBlock, (unsigned char *a0, const unsigned char *a1, int a2), (a0, a1, a2))
LAZY_VOID(EVP_MD_CTX_free, (EVP_MD_CTX *a0), (a0))
LAZY_FN(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
LAZY_FN(const EVP_MD *, EVP_sha256, (void), ())
/* clang-format on */
