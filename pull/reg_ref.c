/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_ref.c - resolve a pull name (Docker's reference grammar) to registry, repository and tag. */
#include "pull/reg_ref.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/digest.h"

#define NAME_MAX_LEN 255 /* Docker's NameTotalLengthMax, applied to the name shown locally */
#define TAG_MAX_LEN 128

/* The "reason" the helpers below return when an allocation failed: reported as ENOMEM. */
static const char oom[] = "out of memory";

/* The parts of a name as written, before Docker Hub normalisation (all children of one tmp). */
struct parts {
	char *host; /* NULL when the name has no registry component */
	char *path;
	char *tag;
	char *digest;
};

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* 1 when s is "sha256:" followed by 64 lowercase hex digits. */
int reg_digest_valid(const char *s)
{
	return s && strncmp(s, "sha256:", 7) == 0 && digest_hex_valid(s + 7);
}

/* A path component: [a-z0-9]+ joined by exactly one of '.', '_', '__' or a run of '-'. */
static int component_valid(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		size_t start = i;

		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == start)
			return 0;
		if (i == n)
			return 1;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return 0;
	}
}

/* Length of the host in "host[:port]" or "[v6]:port" (the bracketed part for IPv6). */
static size_t host_len(const char *s, size_t n)
{
	const char *end;

	if (n > 0 && s[0] == '[') {
		end = memchr(s, ']', n);
		return end ? (size_t)(end - s) + 1 : n;
	}
	end = memchr(s, ':', n);
	return end ? (size_t)(end - s) : n;
}

/* A DNS name: labels of [A-Za-z0-9] with inner '-', joined by single dots. */
static int dns_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i;

		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
			i++;
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return 0;
		if (i < n && (s[i] != '.' || ++i == n))
			return 0;
	}
	return n > 0;
}

/* "host[:port]" or "[ipv6][:port]", port 1..65535 (Docker's domain grammar). */
static int host_valid(const char *s, size_t n)
{
	size_t hn = host_len(s, n), pn = n - hn;
	const char *port = s + hn;
	int ok;

	if (hn > 0 && s[0] == '[')
		ok = hn > 2 && s[hn - 1] == ']' &&
		     strspn(s + 1, "0123456789abcdefABCDEF:") == hn - 2;
	else
		ok = dns_valid(s, hn);
	if (!ok || pn == 0)
		return ok;
	if (pn < 2 || pn > 6 || port[0] != ':' || strspn(port + 1, "0123456789") != pn - 1)
		return 0;
	return atoi(port + 1) >= 1 && atoi(port + 1) <= 65535;
}

static int tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > TAG_MAX_LEN || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return 0;
	return 1;
}

/* Check every '/'-separated component of path; NULL when valid, else the reason. */
static const char *path_problem(const char *path)
{
	const char *p = path;

	for (;;) {
		size_t n = strcspn(p, "/");

		if (!component_valid(p, n)) {
			for (size_t i = 0; i < n; i++)
				if (isupper((unsigned char)p[i]))
					return "repository name must be lowercase";
			return "bad path component";
		}
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

/* Docker treats the first component as a registry when it has a '.' or a ':' or is localhost. */
static int first_is_host(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !strncmp(s, "localhost", 9));
}

/* Split s into host, path, tag and digest and validate each; NULL or the reason. */
static const char *split_name(TALLOC_CTX *tmp, char *s, struct parts *p)
{
	char *at = strchr(s, '@'), *slash, *colon;

	if (at) {
		*at = '\0';
		p->digest = at + 1;
		if (!reg_digest_valid(p->digest))
			return "bad digest (want sha256:<64 lowercase hex>)";
	}
	slash = strrchr(s, '/');
	colon = strrchr(slash ? slash : s, ':');
	if (colon) {
		*colon = '\0';
		p->tag = colon + 1;
		if (!tag_valid(p->tag))
			return "bad tag";
	}
	slash = strchr(s, '/');
	if (slash && first_is_host(s, (size_t)(slash - s))) {
		p->host = talloc_strndup(tmp, s, (size_t)(slash - s));
		s = slash + 1;
		if (!p->host)
			return oom;
		if (!host_valid(p->host, strlen(p->host)))
			return "bad registry host";
	}
	p->path = s;
	return *s ? path_problem(s) : "empty repository name";
}

/* Parse --registry=URL into *host and *scheme (NULL for a bare host); NULL or the reason. */
static const char *split_override(TALLOC_CTX *tmp, const char *url, char **host, char **scheme)
{
	size_t n;

	*scheme = NULL;
	if (!strncasecmp(url, "https://", 8) || !strncasecmp(url, "http://", 7)) {
		*scheme = talloc_strdup(tmp, url[4] == ':' ? "http" : "https");
		if (!*scheme)
			return oom;
		url = strstr(url, "://") + 3;
	} else if (strstr(url, "://")) {
		return "scheme must be http or https";
	}
	n = strlen(url);
	if (n > 0 && url[n - 1] == '/')
		n--;
	if (memchr(url, '/', n))
		return "a registry URL has no path";
	*host = talloc_strndup(tmp, url, n);
	if (!*host)
		return oom;
	if (!host_valid(*host, n))
		return "bad registry host";
	return NULL;
}

static int is_hub_alias(const char *host)
{
	return !strcasecmp(host, "docker.io") || !strcasecmp(host, "index.docker.io") ||
	       !strcasecmp(host, REG_DOCKER_HUB);
}

/* localhost, 127.0.0.0/8 or ::1, with or without a port: Docker allows plain HTTP there. */
static int host_is_loopback(const char *hostport)
{
	size_t hn = host_len(hostport, strlen(hostport));
	char host[64];
	struct in6_addr a6;
	struct in_addr a4;

	if (hn >= sizeof(host))
		return 0;
	memcpy(host, hostport, hn);
	host[hn] = '\0';
	if (!strcasecmp(host, "localhost"))
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (hn > 2 && host[0] == '[') {
		host[hn - 1] = '\0';
		return inet_pton(AF_INET6, host + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return 0;
}

/* The repository name as Docker shows it: Hub's "library/" dropped, other registries' host kept. */
static char *familiar_name(TALLOC_CTX *mem_ctx, const struct reg_ref *ref)
{
	const char *repo = ref->repository;

	if (strcmp(ref->registry, REG_DOCKER_HUB) != 0)
		return talloc_asprintf(mem_ctx, "%s/%s", ref->registry, repo);
	if (!strncmp(repo, "library/", 8) && !strchr(repo + 8, '/'))
		repo += 8;
	return talloc_strdup(mem_ctx, repo);
}

/* Fill ref from the validated parts and the override; NULL or the reason (EINVAL). */
static const char *resolve(struct reg_ref *ref, struct parts *p, char *ohost, char *oscheme)
{
	const char *host = ohost ? ohost : p->host;
	int hub = !host || is_hub_alias(host);

	if (ohost && p->host && strcasecmp(ohost, p->host) != 0 &&
	    !(is_hub_alias(ohost) && is_hub_alias(p->host)))
		return "its registry differs from --registry";
	ref->registry = talloc_strdup(ref, hub ? REG_DOCKER_HUB : host);
	if (hub && !strchr(p->path, '/'))
		ref->repository = talloc_asprintf(ref, "library/%s", p->path);
	else
		ref->repository = talloc_strdup(ref, p->path);
	ref->tag = p->tag || !p->digest ? talloc_strdup(ref, p->tag ? p->tag : "latest") : NULL;
	ref->digest = p->digest ? talloc_strdup(ref, p->digest) : NULL;
	ref->scheme = oscheme ? talloc_steal(ref, oscheme) : NULL;
	if (!ref->registry || !ref->repository || ((p->tag || !p->digest) && !ref->tag) ||
	    (p->digest && !ref->digest))
		return oom;
	ref->insecure_ok = host_is_loopback(ref->registry);
	return NULL;
}

/* Check the length Docker limits, on the name the image will be shown under. */
static const char *length_problem(TALLOC_CTX *tmp, const struct reg_ref *ref)
{
	char *shown = familiar_name(tmp, ref);

	if (!shown)
		return oom;
	return strlen(shown) > NAME_MAX_LEN ? "longer than 255 characters" : NULL;
}

/* Parse a pull name; see reg_ref.h. The result is a child of mem_ctx; NULL plus e on failure. */
struct reg_ref *reg_ref_parse(TALLOC_CTX *mem_ctx, const char *name, const char *registry_override,
			      struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	struct parts p = {0};
	struct reg_ref *ref = tmp ? talloc_zero(tmp, struct reg_ref) : NULL;
	char *buf = tmp ? talloc_strdup(tmp, name) : NULL, *ohost = NULL, *oscheme = NULL;
	const char *why = ref && buf ? NULL : oom;

	if (!why && registry_override) {
		why = split_override(tmp, registry_override, &ohost, &oscheme);
		if (why && why != oom) {
			udc_fail(e, EINVAL, "invalid registry URL '%s': %s", registry_override,
				 why);
			goto fail;
		}
	}
	if (!why)
		why = split_name(tmp, buf, &p);
	if (!why)
		why = resolve(ref, &p, ohost, oscheme);
	if (!why)
		why = length_problem(tmp, ref);
	if (why) {
		udc_fail(e, why == oom ? ENOMEM : EINVAL, "invalid image name '%s': %s", name, why);
		goto fail;
	}
	talloc_steal(mem_ctx, ref);
	talloc_free(tmp);
	return ref;
fail:
	talloc_free(tmp);
	return NULL;
}

/* Local name "familiar:tag", or "familiar@digest" for a digest-only pull; child of mem_ctx. */
char *reg_ref_local_name(TALLOC_CTX *mem_ctx, const struct reg_ref *ref)
{
	char *name = familiar_name(NULL, ref), *s = NULL;

	if (name)
		s = talloc_asprintf(mem_ctx, "%s%s%s", name, ref->tag ? ":" : "@",
				    ref->tag ? ref->tag : ref->digest);
	talloc_free(name);
	return s;
}

/* "scheme://registry", child of mem_ctx; scheme NULL means ref->scheme, else https. */
char *reg_ref_url(TALLOC_CTX *mem_ctx, const struct reg_ref *ref, const char *scheme)
{
	if (!scheme)
		scheme = ref->scheme ? ref->scheme : "https";
	return talloc_asprintf(mem_ctx, "%s://%s", scheme, ref->registry);
}

/* The manifest reference: the digest when pinned, else the tag; points into ref. */
const char *reg_ref_reference(const struct reg_ref *ref)
{
	return ref->digest ? ref->digest : ref->tag;
}

/* "name[:tag][@digest]" for messages, child of mem_ctx. */
char *reg_ref_str(TALLOC_CTX *mem_ctx, const struct reg_ref *ref)
{
	char *name = familiar_name(NULL, ref), *s = NULL;

	if (name)
		s = talloc_asprintf(mem_ctx, "%s%s%s%s%s", name, ref->tag ? ":" : "",
				    ref->tag ? ref->tag : "", ref->digest ? "@" : "",
				    ref->digest ? ref->digest : "");
	talloc_free(name);
	return s;
}
