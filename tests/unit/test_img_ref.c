/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_img_ref.c - table-driven tests of image reference parsing. */
#include "common/img_ref.h"
#include "tests/unit/tap.h"

static const struct {
	const char *in, *name, *tag; /* name NULL: must be rejected; tag NULL: digest form */
} rows[] = {
	{ "busybox", "busybox", "latest" },
	{ "myimg:1.0", "myimg", "1.0" },
	{ "library/debian:bookworm-slim", "library/debian", "bookworm-slim" },
	{ "127.0.0.1:5000/x/y:2", "127.0.0.1:5000/x/y", "2" },
	{ "localhost/img", "localhost/img", "latest" },
	{ "quay.io/org/tool", "quay.io/org/tool", "latest" },
	{ "a_b__c-d---e.f", "a_b__c-d---e.f", "latest" },
	{ "img:_under", "img", "_under" },
	{ "Upper", NULL, NULL },
	{ "", NULL, NULL },
	{ "img:", NULL, NULL },
	{ "img:-bad", NULL, NULL },
	{ "a/../b", NULL, NULL },
	{ "-img", NULL, NULL },
	{ "img-", NULL, NULL },
	{ "a//b", NULL, NULL },
	{ "img@sha256:0000", NULL, NULL },
	{ "img@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "img",
	  NULL },
	{ "x/y@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	  NULL },
	{ "img@md5:0123456789abcdef0123456789abcdef", NULL, NULL },
	{ "img:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	  NULL },
	{ "host:99999999/x", NULL, NULL },
	{ "a___b", NULL, NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		struct udc_error e = { 0 };
		struct img_ref *r = img_ref_parse(NULL, rows[i].in, &e);

		if (!rows[i].name) {
			ok(r == NULL && e.code == EINVAL && strstr(e.msg, "invalid image name"),
			   "'%s' is rejected (%s)", rows[i].in, e.msg);
		} else if (ok(r != NULL, "'%s' parses", rows[i].in)) {
			is_str(r->name, rows[i].name, "'%s' name", rows[i].in);
			is_str(r->tag, rows[i].tag, "'%s' tag", rows[i].in);
			if (!rows[i].tag)
				is_str(img_ref_str(r, r), rows[i].in, "'%s' round trip", rows[i].in);
		}
		talloc_free(r);
	}
	return done();
}
