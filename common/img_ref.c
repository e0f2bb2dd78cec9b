/* SPDX-License-Identifier: GPL-2.0-or-later */
/* img_ref.c - parse and validate local image references NAME[:TAG] (Docker's grammar). */
#include "common/img_ref.h"

#include <ctype.h>
#include <string.h>

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A path component: [a-z0-9]+ separated by '.', '_', '__' or runs of '-'. */
static int component_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && is_lower_alnum(s[i]))
			i++, run++;
		if (run == 0)
			return 0;
		if (i == n)
			return 1;
		if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
			i++;
		else if (s[i] == '_')
			i += 2;
		else
			while (i < n && s[i] == '-')
				i++;
		if (i == n)
			return 0; /* a separator cannot end a component */
	}
	return 0;
}

/* A registry host: letters, digits, '.', '-', optional :port. */
static int host_valid(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;

	if (hn == 0)
		return 0;
	for (size_t i = 0; i < hn; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	if (colon) {
		size_t pn = n - hn - 1;

		if (pn == 0 || pn > 5 || strspn(colon + 1, "0123456789") < pn)
			return 0;
	}
	return 1;
}

static int name_valid(const char *name)
{
	const char *p = name, *slash;
	int first = 1;

	if (!*name || strlen(name) > 255)
		return 0;
	for (;; first = 0) {
		slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int host = first && slash && (memchr(p, '.', n) || memchr(p, ':', n) ||
					      (n == 9 && !strncmp(p, "localhost", 9)));

		if (host ? !host_valid(p, n) : !component_valid(p, n))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

static int tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return 0;
	return 1;
}

/* Split s at '@' (digest) or at the last ':' after the last '/' (tag). */
static int split_ref(struct img_ref *ref, const char *s)
{
	const char *at = strchr(s, '@');
	const char *slash = strrchr(s, '/');
	const char *colon = strrchr(slash ? slash : s, ':');

	if (at) {
		ref->name = talloc_strndup(ref, s, (size_t)(at - s));
		ref->digest = talloc_strdup(ref, at + 1);
		return ref->name && ref->digest ? 0 : -ENOMEM;
	}
	ref->name = colon ? talloc_strndup(ref, s, (size_t)(colon - s)) : talloc_strdup(ref, s);
	ref->tag = talloc_strdup(ref, colon ? colon + 1 : "latest");
	return ref->name && ref->tag ? 0 : -ENOMEM;
}

static int digest_valid(const char *d)
{
	return strncmp(d, "sha256:", 7) == 0 && strlen(d + 7) == 64 &&
	       strspn(d + 7, "0123456789abcdef") == 64;
}

/* Parse s as NAME[:TAG] or NAME@sha256:HEX. */
struct img_ref *img_ref_parse(TALLOC_CTX *mem_ctx, const char *s, struct udc_error *e)
{
	struct img_ref *ref = talloc_zero(mem_ctx, struct img_ref);

	if (!ref || split_ref(ref, s) < 0) {
		talloc_free(ref);
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	if (!name_valid(ref->name) || (ref->tag && !tag_valid(ref->tag)) ||
	    (ref->digest && !digest_valid(ref->digest))) {
		talloc_free(ref);
		udc_fail(e, EINVAL, "invalid image name '%s'", s);
		return NULL;
	}
	return ref;
}

/* "name:tag" or "name@sha256:...", child of mem_ctx. */
char *img_ref_str(TALLOC_CTX *mem_ctx, const struct img_ref *ref)
{
	if (ref->digest)
		return talloc_asprintf(mem_ctx, "%s@%s", ref->name, ref->digest);
	return talloc_asprintf(mem_ctx, "%s:%s", ref->name, ref->tag);
}
