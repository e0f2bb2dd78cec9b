/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_reg_ref.c - table-driven tests of pull name resolution (Docker's reference grammar). */
#include "common/img_ref.h"
#include "pull/reg_ref.h"
#include "tests/unit/tap.h"

#define HUB REG_DOCKER_HUB
#define HEX "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
#define DIG "sha256:" HEX
#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X250 X50 X50 X50 X50 X50

/* clang-format off */
static const struct {
	const char *in, *override;
	const char *registry, *repository, *tag, *digest, *scheme; /* registry NULL: rejected */
	int insecure;
	const char *local; /* or, for a rejected row, a word the message must contain */
} rows[] = {
	/* Docker Hub */
	{ "busybox", NULL, HUB, "library/busybox", "latest", NULL, NULL, 0, "busybox:latest" },
	{ "busybox:1.36", NULL, HUB, "library/busybox", "1.36", NULL, NULL, 0, "busybox:1.36" },
	{ "library/busybox", NULL, HUB, "library/busybox", "latest", NULL, NULL, 0,
	  "busybox:latest" },
	{ "user/img", NULL, HUB, "user/img", "latest", NULL, NULL, 0, "user/img:latest" },
	{ "user/img:v2", NULL, HUB, "user/img", "v2", NULL, NULL, 0, "user/img:v2" },
	{ "docker.io/busybox", NULL, HUB, "library/busybox", "latest", NULL, NULL, 0,
	  "busybox:latest" },
	{ "docker.io/library/busybox:1.0", NULL, HUB, "library/busybox", "1.0", NULL, NULL, 0,
	  "busybox:1.0" },
	{ "index.docker.io/user/img:2", NULL, HUB, "user/img", "2", NULL, NULL, 0,
	  "user/img:2" },
	{ "docker.io/library/a/b", NULL, HUB, "library/a/b", "latest", NULL, NULL, 0,
	  "library/a/b:latest" },
	{ "localhost", NULL, HUB, "library/localhost", "latest", NULL, NULL, 0,
	  "localhost:latest" },
	{ "localhost:5000", NULL, HUB, "library/localhost", "5000", NULL, NULL, 0,
	  "localhost:5000" },
	{ "a_b__c-d---e.f", NULL, HUB, "library/a_b__c-d---e.f", "latest", NULL, NULL, 0,
	  "a_b__c-d---e.f:latest" },
	{ "img:_Tag.1-x", NULL, HUB, "library/img", "_Tag.1-x", NULL, NULL, 0, "img:_Tag.1-x" },
	{ X250 "xxxxx", NULL, HUB, "library/" X250 "xxxxx", "latest", NULL, NULL, 0,
	  X250 "xxxxx:latest" },
	/* other registries */
	{ "quay.io/x/y", NULL, "quay.io", "x/y", "latest", NULL, NULL, 0, "quay.io/x/y:latest" },
	{ "ghcr.io/org/a/b:1", NULL, "ghcr.io", "org/a/b", "1", NULL, NULL, 0,
	  "ghcr.io/org/a/b:1" },
	{ "Registry.Example.com/img", NULL, "Registry.Example.com", "img", "latest", NULL, NULL,
	  0, "Registry.Example.com/img:latest" },
	{ "127.0.0.1:5000/img", NULL, "127.0.0.1:5000", "img", "latest", NULL, NULL, 1,
	  "127.0.0.1:5000/img:latest" },
	{ "127.1.2.3/img:t", NULL, "127.1.2.3", "img", "t", NULL, NULL, 1, "127.1.2.3/img:t" },
	{ "128.0.0.1/img", NULL, "128.0.0.1", "img", "latest", NULL, NULL, 0,
	  "128.0.0.1/img:latest" },
	{ "localhost/img", NULL, "localhost", "img", "latest", NULL, NULL, 1,
	  "localhost/img:latest" },
	{ "localhost:5000/a/b:tag", NULL, "localhost:5000", "a/b", "tag", NULL, NULL, 1,
	  "localhost:5000/a/b:tag" },
	{ "[::1]:5000/img", NULL, "[::1]:5000", "img", "latest", NULL, NULL, 1,
	  "[::1]:5000/img:latest" },
	{ "[fe80::1]/img", NULL, "[fe80::1]", "img", "latest", NULL, NULL, 0,
	  "[fe80::1]/img:latest" },
	{ "my-host:443/img", NULL, "my-host:443", "img", "latest", NULL, NULL, 0,
	  "my-host:443/img:latest" },
	/* digests */
	{ "img@" DIG, NULL, HUB, "library/img", NULL, DIG, NULL, 0, "img@" DIG },
	{ "img:1.0@" DIG, NULL, HUB, "library/img", "1.0", DIG, NULL, 0, "img:1.0" },
	{ "quay.io/x/y@" DIG, NULL, "quay.io", "x/y", NULL, DIG, NULL, 0, "quay.io/x/y@" DIG },
	{ "127.0.0.1:5000/img:2@" DIG, NULL, "127.0.0.1:5000", "img", "2", DIG, NULL, 1,
	  "127.0.0.1:5000/img:2" },
	/* --registry=URL */
	{ "busybox", "https://registry.example.com:5000", "registry.example.com:5000", "busybox",
	  "latest", NULL, "https", 0, "registry.example.com:5000/busybox:latest" },
	{ "busybox", "http://127.0.0.1:5000/", "127.0.0.1:5000", "busybox", "latest", NULL,
	  "http", 1, "127.0.0.1:5000/busybox:latest" },
	{ "x/y:1", "127.0.0.1:5000", "127.0.0.1:5000", "x/y", "1", NULL, NULL, 1,
	  "127.0.0.1:5000/x/y:1" },
	{ "busybox", "HTTPS://index.docker.io", HUB, "library/busybox", "latest", NULL, "https",
	  0, "busybox:latest" },
	{ "docker.io/busybox", "https://" HUB, HUB, "library/busybox", "latest", NULL, "https", 0,
	  "busybox:latest" },
	{ "127.0.0.1:5000/img", "http://127.0.0.1:5000", "127.0.0.1:5000", "img", "latest", NULL,
	  "http", 1, "127.0.0.1:5000/img:latest" },
	{ "img", "http://[::1]:5000", "[::1]:5000", "img", "latest", NULL, "http", 1,
	  "[::1]:5000/img:latest" },
	/* rejected names */
	{ "", NULL, NULL, NULL, NULL, NULL, NULL, 0, "empty" },
	{ "Busybox", NULL, NULL, NULL, NULL, NULL, NULL, 0, "must be lowercase" },
	{ "user/Img", NULL, NULL, NULL, NULL, NULL, NULL, 0, "must be lowercase" },
	{ "img:", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad tag" },
	{ "img:-x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad tag" },
	{ "img:.x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad tag" },
	{ "img:a b", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad tag" },
	{ "img:" X50 X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL, NULL, NULL, NULL, NULL, NULL, 0,
	  "bad tag" },
	{ "a//b", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "/a", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "a/", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "a/../b", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "-img", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "img-", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "img_", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "a___b", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "a..b", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "a:b:c", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ " img", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "quay.io/", NULL, NULL, NULL, NULL, NULL, NULL, 0, "empty repository" },
	{ "quay..io/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "-quay.io/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "bad_host.io/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "quay.io:99999/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "quay.io:0/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "quay.io:/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "[::1/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "[]/x", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad path component" },
	{ "img@sha256:abc", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad digest" },
	{ "img@sha256:" "A3ED95CAEB02FFE68CDD9FD84406680AE93D633CB16422D00E8A7C22955B46D4", NULL,
	  NULL, NULL, NULL, NULL, NULL, 0, "bad digest" },
	{ "img@sha512:" HEX HEX, NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad digest" },
	{ "img@", NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad digest" },
	{ "img@" DIG "@" DIG, NULL, NULL, NULL, NULL, NULL, NULL, 0, "bad digest" },
	{ "@" DIG, NULL, NULL, NULL, NULL, NULL, NULL, 0, "empty repository" },
	{ X250 "xxxxxx", NULL, NULL, NULL, NULL, NULL, NULL, 0, "longer than 255" },
	{ "quay.io/" X250, NULL, NULL, NULL, NULL, NULL, NULL, 0, "longer than 255" },
	/* rejected --registry values */
	{ "busybox", "ftp://host", NULL, NULL, NULL, NULL, NULL, 0, "scheme" },
	{ "busybox", "https://host/v2/", NULL, NULL, NULL, NULL, NULL, 0, "no path" },
	{ "busybox", "https://", NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "busybox", "", NULL, NULL, NULL, NULL, NULL, 0, "bad registry host" },
	{ "busybox", "http://bad_host:5000", NULL, NULL, NULL, NULL, NULL, 0,
	  "bad registry host" },
	{ "quay.io/x", "http://127.0.0.1:5000", NULL, NULL, NULL, NULL, NULL, 0,
	  "differs from --registry" },
};
/* clang-format on */

/* One accepted row: every field, then the derived strings. */
static void check_row(size_t i, const struct reg_ref *r)
{
	char *local = reg_ref_local_name(NULL, r), *url = reg_ref_url(NULL, r, NULL);
	char *want_url = talloc_asprintf(NULL, "%s://%s", rows[i].scheme ? rows[i].scheme : "https",
					 rows[i].registry);

	is_str(r->registry, rows[i].registry, "row %zu registry", i);
	is_str(r->repository, rows[i].repository, "row %zu repository", i);
	is_str(r->tag, rows[i].tag, "row %zu tag", i);
	is_str(r->digest, rows[i].digest, "row %zu digest", i);
	is_str(r->scheme, rows[i].scheme, "row %zu scheme", i);
	is_int(r->insecure_ok, rows[i].insecure, "row %zu insecure_ok", i);
	is_str(local, rows[i].local, "row %zu local name", i);
	is_str(url, want_url, "row %zu url", i);
	is_str(reg_ref_reference(r), r->digest ? r->digest : r->tag, "row %zu reference", i);
	talloc_free(local);
	talloc_free(url);
	talloc_free(want_url);
}

/* The local name of a tag pull must be one the local name parser (img_ref) accepts as is. */
static void check_local_parses(size_t i, const struct reg_ref *r)
{
	struct udc_error e = {0};
	char *local = reg_ref_local_name(NULL, r);
	struct img_ref *ir;

	if (!r->tag || strchr(r->registry, '[')) {
		skip("row %zu: img_ref takes neither digests nor IPv6 hosts", i);
		talloc_free(local);
		return;
	}
	ir = img_ref_parse(local, local, &e);
	if (ok(ir != NULL, "row %zu: img_ref accepts '%s' (%s)", i, local, e.msg))
		is_str(img_ref_str(ir, ir), local, "row %zu: img_ref round trip", i);
	talloc_free(local);
}

static void test_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		struct udc_error e = {0};
		struct reg_ref *r = reg_ref_parse(NULL, rows[i].in, rows[i].override, &e);

		if (!rows[i].registry) {
			ok(r == NULL && e.code == EINVAL && strstr(e.msg, rows[i].local),
			   "row %zu '%.40s' (--registry=%s) rejected: %s", i, rows[i].in,
			   rows[i].override ? rows[i].override : "", e.msg);
		} else if (ok(r != NULL, "row %zu '%.40s' parses (%s)", i, rows[i].in, e.msg) &&
			   r) {
			check_row(i, r);
			check_local_parses(i, r);
		}
		talloc_free(r);
	}
}

static void test_messages(void)
{
	struct udc_error e = {0};
	struct reg_ref *r;
	char *s;

	ok(reg_ref_parse(NULL, "Bad", NULL, &e) == NULL, "'Bad' is refused");
	is_str(e.msg, "invalid image name 'Bad': repository name must be lowercase",
	       "the message names the input and the reason");
	r = reg_ref_parse(NULL, "img:1.0@" DIG, NULL, &e);
	s = r ? reg_ref_str(r, r) : NULL;
	is_str(s, "img:1.0@" DIG, "reg_ref_str keeps tag and digest");
	talloc_free(r);
	r = reg_ref_parse(NULL, "quay.io/x/y", "http://quay.io", &e);
	s = r ? reg_ref_url(r, r, "https") : NULL;
	is_str(s, "https://quay.io", "reg_ref_url: an explicit scheme wins over ref->scheme");
	talloc_free(r);
}

int main(void)
{
	test_rows();
	test_messages();
	return done();
}
