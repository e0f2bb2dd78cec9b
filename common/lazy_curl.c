/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lazy_curl.c - the libcurl functions udockerc calls, bound at first use (lazy.h). */
#define CURL_DISABLE_TYPECHECK /* curl.h's checking macros would rename our definitions */
#include <curl/curl.h>
#include <stdarg.h>

#include "common/lazy.h"

#ifndef LAZY_CURL_SONAME
#define LAZY_CURL_SONAME "libcurl.so.4"
#endif
#define LAZY_LIB LAZY_CURL_SONAME

/* clang-format off */
LAZY_VOID(curl_easy_cleanup, (CURL *a0), (a0))
LAZY_FN(char *, curl_easy_escape, (CURL *a0, const char *a1, int a2), (a0, a1, a2))
LAZY_FN(CURL *, curl_easy_init, (void), ())
LAZY_FN(CURLcode, curl_easy_perform, (CURL *a0), (a0))
LAZY_VOID(curl_easy_reset, (CURL *a0), (a0))
LAZY_FN(const char *, curl_easy_strerror, (CURLcode a0), (a0))
LAZY_VOID(curl_free, (void *a0), (a0))
LAZY_FN(CURLcode, curl_global_init, (long a0), (a0))
LAZY_FN(CURLMcode, curl_multi_add_handle, (CURLM *a0, CURL *a1), (a0, a1))
LAZY_FN(CURLMcode, curl_multi_cleanup, (CURLM *a0), (a0))
LAZY_FN(CURLMsg *, curl_multi_info_read, (CURLM *a0, int *a1), (a0, a1))
LAZY_FN(CURLM *, curl_multi_init, (void), ())
LAZY_FN(CURLMcode, curl_multi_perform, (CURLM *a0, int *a1), (a0, a1))
LAZY_FN(CURLMcode, curl_multi_poll, (CURLM *a0, struct curl_waitfd *a1, unsigned int a2, int a3, int *a4), (a0, a1, a2, a3, a4))
LAZY_FN(CURLMcode, curl_multi_remove_handle, (CURLM *a0, CURL *a1), (a0, a1))
LAZY_FN(struct curl_slist *, curl_slist_append, (struct curl_slist *a0, const char *a1), (a0, a1))
LAZY_VOID(curl_slist_free_all, (struct curl_slist *a0), (a0))
LAZY_FN(CURLU *, curl_url, (void), ())
LAZY_VOID(curl_url_cleanup, (CURLU *a0), (a0))
LAZY_FN(CURLUcode, curl_url_get, (CURLU *a0, CURLUPart a1, char **a2, unsigned int a3), (a0, a1, a2, a3))
LAZY_FN(CURLUcode, curl_url_set, (CURLU *a0, CURLUPart a1, const char *a2, unsigned int a3), (a0, a1, a2, a3))
/* clang-format on */

/*
 * The two variadic ones take exactly one more argument: a long, a pointer or a curl_off_t for
 * setopt, a pointer for getinfo. On the LP64 ABIs udockerc builds for (x86_64, aarch64) all of
 * them travel in the same kind of register, so it is passed on as a pointer-sized value.
 */
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
	static CURLcode (*fp)(CURL *, CURLoption, ...);
	CURLcode (*f)(CURL *, CURLoption, ...) = __atomic_load_n(&fp, __ATOMIC_ACQUIRE);
	va_list ap;
	void *v;

	_Static_assert(sizeof(void *) == sizeof(long) && sizeof(curl_off_t) == sizeof(long),
		       "curl_easy_setopt's forwarding needs an LP64 ABI");
	if (!f) {
		f = (CURLcode(*)(CURL *, CURLoption, ...))lazy_sym(LAZY_LIB, "curl_easy_setopt");
		__atomic_store_n(&fp, f, __ATOMIC_RELEASE);
	}
	va_start(ap, o);
	v = va_arg(ap, void *);
	va_end(ap);
	return f(h, o, v);
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
	static CURLcode (*fp)(CURL *, CURLINFO, ...);
	CURLcode (*f)(CURL *, CURLINFO, ...) = __atomic_load_n(&fp, __ATOMIC_ACQUIRE);
	va_list ap;
	void *v;

	if (!f) {
		f = (CURLcode(*)(CURL *, CURLINFO, ...))lazy_sym(LAZY_LIB, "curl_easy_getinfo");
		__atomic_store_n(&fp, f, __ATOMIC_RELEASE);
	}
	va_start(ap, i);
	v = va_arg(ap, void *);
	va_end(ap);
	return f(h, i, v);
}
