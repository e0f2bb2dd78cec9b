/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_reg_manifest.c - table-driven tests of manifest parsing, platform choice and digests. */
#include "pull/reg_manifest.h"
#include "tests/unit/tap.h"

#include <sys/utsname.h>

#define H1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define H4 "sha256:4444444444444444444444444444444444444444444444444444444444444444"
#define H5 "sha256:5555555555555555555555555555555555555555555555555555555555555555"
#define H6 "sha256:6666666666666666666666666666666666666666666666666666666666666666"
#define H7 "sha256:7777777777777777777777777777777777777777777777777777777777777777"

#define CT_DOCKER "application/vnd.docker.distribution.manifest.v2+json"
#define CT_OCI "application/vnd.oci.image.manifest.v1+json"
#define CT_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define CT_INDEX "application/vnd.oci.image.index.v1+json"
#define CT_S1 "application/vnd.docker.distribution.manifest.v1+prettyjws"

#define DOCKER_CFG "application/vnd.docker.container.image.v1+json"
#define OCI_CFG "application/vnd.oci.image.config.v1+json"
#define DOCKER_GZ "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define OCI_GZ "application/vnd.oci.image.layer.v1.tar+gzip"

/* clang-format off */
/* A descriptor with the given media type, digest and size (as JSON text). */
#define DESC(mt, dg, size) "{\"mediaType\": \"" mt "\", \"digest\": \"" dg "\", \"size\": " size "}"
/* An index entry for os/arch with an optional variant member (", \"variant\": \"v7\""). */
#define ENTRY(mt, dg, os, arch, variant)                                                           \
	"{\"mediaType\": \"" mt "\", \"digest\": \"" dg "\", \"size\": 528, "                      \
	"\"platform\": {\"architecture\": \"" arch "\", \"os\": \"" os "\"" variant "}}"
#define V(v) ", \"variant\": \"" v "\""

/* docker.io/library/busybox:1.36 amd64, as the registry serves it. */
static const char docker_v2[] = "{\n"
				"   \"schemaVersion\": 2,\n"
				"   \"mediaType\": \"" CT_DOCKER "\",\n"
				"   \"config\": " DESC(DOCKER_CFG, H1, "1457") ",\n"
				"   \"layers\": [\n"
				"      " DESC(DOCKER_GZ, H2, "2219949") "\n"
				"   ]\n"
				"}";

static const char oci_v1[] = "{\"schemaVersion\": 2, \"mediaType\": \"" CT_OCI "\", "
			     "\"config\": " DESC(OCI_CFG, H1, "581") ", \"layers\": ["
			     DESC(OCI_GZ, H2, "30") ", "
			     DESC("application/vnd.oci.image.layer.v1.tar", H3, "10240") ", "
			     DESC("application/vnd.oci.image.layer.v1.tar+zstd", H4, "99") "], "
			     "\"annotations\": {\"org.opencontainers.image.created\": \"2024\"}}";

/* umoci writes no mediaType in the manifest itself. */
static const char umoci[] = "{\"schemaVersion\":2,\"config\":" DESC(OCI_CFG, H1, "1034")
			    ",\"layers\":[" DESC(OCI_GZ, H2, "1882") "," DESC(OCI_GZ, H3, "171")
			    "]}";

/* A Windows-style manifest with a foreign layer, and an OCI non-distributable one. */
static const char foreign[] =
	"{\"schemaVersion\": 2, \"mediaType\": \"" CT_DOCKER "\", \"config\": "
	DESC(DOCKER_CFG, H1, "1000") ", \"layers\": [{\"mediaType\": "
	"\"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip\", \"digest\": \"" H2 "\", "
	"\"size\": 1234, \"urls\": [\"https://mcr.microsoft.com/v2/x/blobs/" H2 "\"]}, "
	DESC("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", H3, "5") ", "
	DESC(DOCKER_GZ, H4, "6") "]}";

/* An OCI index whose FIRST entry is arm64 (no variant), then amd64, arm/v7, arm/v6 and a
 * buildx attestation manifest (unknown/unknown). */
static const char oci_index[] =
	"{\"schemaVersion\": 2, \"mediaType\": \"" CT_INDEX "\", \"manifests\": ["
	ENTRY(CT_OCI, H1, "linux", "arm64", "") ", "
	ENTRY(CT_OCI, H2, "linux", "amd64", "") ", "
	ENTRY(CT_OCI, H3, "linux", "arm", V("v7")) ", "
	ENTRY(CT_OCI, H4, "linux", "arm", V("v6")) ", "
	ENTRY(CT_OCI, H5, "unknown", "unknown", "") "]}";

/* A Docker manifest list like busybox's: arm/v6 listed before arm/v7, arm64 with v8, 386. */
static const char docker_list[] =
	"{\"manifests\": ["
	ENTRY(CT_DOCKER, H1, "linux", "amd64", "") ", "
	ENTRY(CT_DOCKER, H2, "linux", "arm", V("v6")) ", "
	ENTRY(CT_DOCKER, H3, "linux", "arm", V("v7")) ", "
	ENTRY(CT_DOCKER, H4, "linux", "arm64", V("v8")) ", "
	ENTRY(CT_DOCKER, H5, "linux", "386", "") ", "
	ENTRY(CT_DOCKER, H6, "windows", "amd64", "") ", "
	ENTRY(CT_DOCKER, H7, "linux", "ppc64le", "") "], "
	"\"mediaType\": \"" CT_LIST "\", \"schemaVersion\": 2}";

static const char schema1[] =
	"{\"schemaVersion\": 1, \"name\": \"library/busybox\", \"tag\": \"latest\", "
	"\"architecture\": \"amd64\", \"fsLayers\": [{\"blobSum\": \"" H1 "\"}], "
	"\"history\": [{\"v1Compatibility\": \"{}\"}], \"signatures\": []}";

#define BAD_LAYER(desc)                                                                            \
	"{\"schemaVersion\": 2, \"config\": " DESC(OCI_CFG, H1, "1") ", \"layers\": [" DESC(      \
		OCI_GZ, H2, "2") ", " desc "]}"

static const struct {
	const char *name, *content_type, *body;
	int kind;		 /* 0: rejected */
	int code;		 /* errno when rejected */
	const char *msg;	 /* substring of the message when rejected, else the media type */
	size_t count;		 /* layers or index entries */
} rows[] = {
	{ "docker schema2", CT_DOCKER, docker_v2, REG_MANIFEST_IMAGE, 0, CT_DOCKER, 1 },
	{ "docker schema2, charset parameter", CT_DOCKER "; charset=utf-8", docker_v2,
	  REG_MANIFEST_IMAGE, 0, CT_DOCKER, 1 },
	{ "docker schema2, generic Content-Type", "application/json", docker_v2,
	  REG_MANIFEST_IMAGE, 0, CT_DOCKER, 1 },
	{ "oci manifest", CT_OCI, oci_v1, REG_MANIFEST_IMAGE, 0, CT_OCI, 3 },
	{ "umoci, no mediaType", CT_OCI, umoci, REG_MANIFEST_IMAGE, 0, CT_OCI, 2 },
	{ "umoci, no mediaType, no Content-Type", NULL, umoci, REG_MANIFEST_IMAGE, 0, CT_OCI, 2 },
	{ "umoci, octet-stream", "application/octet-stream", umoci, REG_MANIFEST_IMAGE, 0, CT_OCI,
	  2 },
	{ "foreign layers", CT_DOCKER, foreign, REG_MANIFEST_IMAGE, 0, CT_DOCKER, 3 },
	{ "oci index", CT_INDEX, oci_index, REG_MANIFEST_INDEX, 0, CT_INDEX, 5 },
	{ "docker list", CT_LIST, docker_list, REG_MANIFEST_INDEX, 0, CT_LIST, 7 },
	{ "docker list, text/plain", "text/plain", docker_list, REG_MANIFEST_INDEX, 0, CT_LIST,
	  7 },
	{ "index, no mediaType", NULL,
	  "{\"schemaVersion\": 2, \"manifests\": [" ENTRY(CT_OCI, H1, "linux", "amd64", "") "]}",
	  REG_MANIFEST_INDEX, 0, CT_INDEX, 1 },
	{ "empty index", CT_INDEX, "{\"schemaVersion\": 2, \"manifests\": []}",
	  REG_MANIFEST_INDEX, 0, CT_INDEX, 0 },
	{ "no layers at all (empty array)", CT_OCI,
	  "{\"schemaVersion\": 2, \"config\": " DESC(OCI_CFG, H1, "1") ", \"layers\": []}",
	  REG_MANIFEST_IMAGE, 0, CT_OCI, 0 },
	/* rejected */
	{ "schema1 signed", CT_S1, schema1, 0, ENOTSUP, "schema1 manifests are not supported", 0 },
	{ "schema1 by shape", "application/json", schema1, 0, ENOTSUP, "schema1", 0 },
	{ "malformed JSON", CT_OCI, "{\"schemaVersion\": 2,\n \"config\": }", 0, EBADMSG,
	  "malformed JSON at line 2 column", 0 },
	{ "truncated JSON", CT_OCI, "{\"schemaVersion\": 2", 0, EBADMSG, "malformed JSON", 0 },
	{ "empty body", CT_OCI, "", 0, EBADMSG, "malformed JSON", 0 },
	{ "not an object", CT_OCI, "[1, 2]", 0, EBADMSG, "not a JSON object", 0 },
	{ "duplicate key", CT_OCI,
	  "{\"schemaVersion\": 2, \"config\": " DESC(OCI_CFG, H1, "1") ", \"layers\": [], "
	  "\"layers\": []}",
	  0, EBADMSG, "duplicate", 0 },
	{ "empty object", "application/json", "{}", 0, EBADMSG,
	  "not an image manifest or index", 0 },
	{ "schemaVersion 3", CT_OCI,
	  "{\"schemaVersion\": 3, \"config\": " DESC(OCI_CFG, H1, "1") ", \"layers\": []}", 0,
	  EBADMSG, "schemaVersion is not 2", 0 },
	{ "no schemaVersion", CT_DOCKER,
	  "{\"config\": " DESC(DOCKER_CFG, H1, "1") ", \"layers\": []}", 0, EBADMSG,
	  "schemaVersion", 0 },
	{ "missing layers", CT_OCI,
	  "{\"schemaVersion\": 2, \"config\": " DESC(OCI_CFG, H1, "1") "}",
	  0, EBADMSG, "no layers array", 0 },
	{ "layers not an array", CT_OCI,
	  "{\"schemaVersion\": 2, \"config\": " DESC(OCI_CFG, H1, "1") ", \"layers\": {}}", 0,
	  EBADMSG, "no layers array", 0 },
	{ "missing config", CT_OCI, "{\"schemaVersion\": 2, \"layers\": []}", 0, EBADMSG,
	  "config is not an object", 0 },
	{ "short layer digest", CT_OCI, BAD_LAYER(DESC(OCI_GZ, "sha256:abcd", "3")), 0, EBADMSG,
	  "layers[1]: digest 'sha256:abcd'", 0 },
	{ "uppercase digest", CT_OCI,
	  BAD_LAYER(DESC(OCI_GZ,
			 "sha256:AAAA111111111111111111111111111111111111111111111111111111111111",
			 "3")),
	  0, EBADMSG, "layers[1]: digest", 0 },
	{ "sha512 digest", CT_OCI,
	  BAD_LAYER(DESC(OCI_GZ, "sha512:1111111111111111111111111111111111111111111111111111111"
				 "1111111111111111111111111111111111111111111111111111111111111"
				 "111111111111",
			 "3")),
	  0, EBADMSG, "is not sha256", 0 },
	{ "digest not a string", CT_OCI,
	  BAD_LAYER("{\"mediaType\": \"" OCI_GZ "\", \"digest\": 5, \"size\": 3}"), 0, EBADMSG,
	  "digest '(none)'", 0 },
	{ "negative size", CT_OCI, BAD_LAYER(DESC(OCI_GZ, H3, "-1")), 0, EBADMSG,
	  "layers[1]: size is not a non-negative integer", 0 },
	{ "fractional size", CT_OCI, BAD_LAYER(DESC(OCI_GZ, H3, "1.5")), 0, EBADMSG,
	  "size is not", 0 },
	{ "size as a string", CT_OCI, BAD_LAYER(DESC(OCI_GZ, H3, "\"12\"")), 0, EBADMSG,
	  "size is not", 0 },
	{ "missing size", CT_OCI,
	  BAD_LAYER("{\"mediaType\": \"" OCI_GZ "\", \"digest\": \"" H3 "\"}"), 0, EBADMSG,
	  "size is not", 0 },
	{ "layer without mediaType", CT_OCI, BAD_LAYER("{\"digest\": \"" H3 "\", \"size\": 1}"), 0,
	  EBADMSG, "layers[1] has no mediaType", 0 },
	{ "layer not an object", CT_OCI, BAD_LAYER("\"" H3 "\""), 0, EBADMSG,
	  "layers[1] is not an object", 0 },
	{ "unknown layer type", CT_OCI, BAD_LAYER(DESC("application/vnd.example.layer", H3, "3")),
	  0, ENOTSUP, "layers[1]: unsupported media type 'application/vnd.example.layer'", 0 },
	{ "helm chart", CT_OCI,
	  "{\"schemaVersion\": 2, \"config\": "
	  DESC("application/vnd.cncf.helm.config.v1+json", H1, "1") ", \"layers\": ["
	  DESC("application/vnd.cncf.helm.chart.content.v1.tar+gzip", H2, "2") "]}",
	  0, ENOTSUP, "not a container image (config media type", 0 },
	{ "bad config digest", CT_DOCKER,
	  "{\"schemaVersion\": 2, \"config\": " DESC(DOCKER_CFG, "md5:abc", "1")
	  ", \"layers\": []}",
	  0, EBADMSG, "config: digest", 0 },
	{ "Content-Type and mediaType disagree", CT_OCI,
	  "{\"schemaVersion\": 2, \"mediaType\": \"" CT_INDEX "\", \"manifests\": []}", 0, EBADMSG,
	  "is not an image manifest", 0 },
	{ "index without manifests", CT_INDEX, "{\"schemaVersion\": 2, \"manifests\": 3}", 0,
	  EBADMSG, "no manifests array", 0 },
	{ "index entry with a bad digest", CT_INDEX,
	  "{\"schemaVersion\": 2, \"manifests\": [" ENTRY(CT_OCI, H1, "linux", "amd64", "") ", "
	  ENTRY(CT_OCI, "sha256:xyz", "linux", "arm64", "") "]}",
	  0, EBADMSG, "manifests[1]: digest 'sha256:xyz'", 0 },
	{ "index entry with a negative size", CT_LIST,
	  "{\"schemaVersion\": 2, \"manifests\": [" DESC(CT_DOCKER, H1, "-528") "]}", 0, EBADMSG,
	  "manifests[0]: size", 0 },
	{ "index platform without os", CT_INDEX,
	  "{\"schemaVersion\": 2, \"manifests\": [{\"mediaType\": \"" CT_OCI "\", \"digest\": \"" H1
	  "\", \"size\": 1, \"platform\": {\"architecture\": \"amd64\"}}]}",
	  0, EBADMSG, "manifests[0]: bad platform os", 0 },
	{ "index platform variant too long", CT_INDEX,
	  "{\"schemaVersion\": 2, \"manifests\": ["
	  ENTRY(CT_OCI, H1, "linux", "arm", V("v7v7v7v7v7v7v7v7v7v7v7v7v7v7v7v7v7")) "]}",
	  0, EBADMSG, "bad platform variant", 0 },
};
/* clang-format on */

static void test_parse_rows(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		struct udc_error e = {0};
		struct reg_manifest *m = reg_manifest_parse(
		    NULL, rows[i].content_type, rows[i].body, strlen(rows[i].body), "img:1", &e);

		if (!rows[i].kind) {
			ok(m == NULL && e.code == rows[i].code && strstr(e.msg, rows[i].msg) &&
			       !strncmp(e.msg, "img:1: ", 7),
			   "%s: rejected (%s)", rows[i].name, e.msg);
		} else if (ok(m != NULL, "%s: parses (%s)", rows[i].name, e.msg) && m) {
			is_int(m->kind, rows[i].kind, "%s: kind", rows[i].name);
			is_str(m->media_type, rows[i].msg, "%s: media type", rows[i].name);
			is_int((long)(m->kind == REG_MANIFEST_IMAGE ? m->nlayers : m->nmanifests),
			       (long)rows[i].count, "%s: count", rows[i].name);
		}
		talloc_free(m);
	}
}

/* The fields of the parsed documents, beyond their kind. */
static void test_parse_fields(void)
{
	struct udc_error e = {0};
	struct reg_manifest *m =
	    reg_manifest_parse(NULL, CT_DOCKER, docker_v2, strlen(docker_v2), "busybox", &e);

	if (ok(m != NULL, "docker schema2 parses") && m) {
		is_str(m->config.digest, H1, "config digest");
		is_str(m->config.media_type, DOCKER_CFG, "config media type");
		is_int((long)m->config.size, 1457, "config size");
		is_str(m->layers[0].digest, H2, "layer digest");
		is_int((long)m->layers[0].size, 2219949, "layer size");
		is_int(m->layers[0].compression, REG_LAYER_GZIP, "layer is gzip");
		ok(json_is_object(m->json), "the JSON document is kept");
	}
	talloc_free(m);
	m = reg_manifest_parse(NULL, CT_OCI, oci_v1, strlen(oci_v1), "x", &e);
	if (ok(m != NULL, "oci manifest parses") && m) {
		is_int(m->layers[1].compression, REG_LAYER_TAR, "plain tar layer");
		is_int(m->layers[2].compression, REG_LAYER_ZSTD, "zstd layer");
		is_int(m->layers[0].foreign, 0, "ordinary layer is not foreign");
	}
	talloc_free(m);
	m = reg_manifest_parse(NULL, CT_DOCKER, foreign, strlen(foreign), "x", &e);
	if (ok(m != NULL, "foreign layers parse") && m) {
		is_int(m->layers[0].foreign, 1, "docker foreign layer flagged");
		is_int(m->layers[1].foreign, 1, "oci nondistributable layer flagged");
		is_int(m->layers[2].foreign, 0, "ordinary layer not flagged");
	}
	talloc_free(m);
}

static void test_kind(void)
{
	json_t *umoci_j = json_loads(umoci, 0, NULL), *list_j = json_loads(docker_list, 0, NULL);

	is_int(reg_manifest_kind(CT_DOCKER, NULL), REG_MANIFEST_IMAGE, "kind: Content-Type only");
	is_int(reg_manifest_kind(CT_INDEX, umoci_j), REG_MANIFEST_INDEX,
	       "kind: Content-Type wins over the body");
	is_int(reg_manifest_kind("APPLICATION/VND.OCI.IMAGE.INDEX.V1+JSON", NULL),
	       REG_MANIFEST_INDEX, "kind: media types compare case-insensitively");
	is_int(reg_manifest_kind("application/json", list_j), REG_MANIFEST_INDEX,
	       "kind: body mediaType");
	is_int(reg_manifest_kind(NULL, umoci_j), REG_MANIFEST_IMAGE, "kind: shape (umoci)");
	is_int(reg_manifest_kind(CT_S1, NULL), REG_MANIFEST_SCHEMA1, "kind: schema1 signed");
	is_int(reg_manifest_kind("application/vnd.docker.distribution.manifest.v1+json", NULL),
	       REG_MANIFEST_SCHEMA1, "kind: schema1 unsigned");
	is_int(reg_manifest_kind("application/json", NULL), REG_MANIFEST_UNKNOWN, "kind: unknown");
	is_str(
	    reg_manifest_accept(),
	    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
	    "application/vnd.docker.distribution.manifest.list.v2+json, "
	    "application/vnd.docker.distribution.manifest.v2+json",
	    "Accept lists the four modern types");
	json_decref(umoci_j);
	json_decref(list_j);
}

/* clang-format off */
static const struct {
	const char *index, *want, *digest; /* digest NULL: no match, msg must appear */
	const char *msg;
} picks[] = {
	{ oci_index, "linux/amd64", H2, NULL },
	{ oci_index, "linux/arm64", H1, NULL },
	{ oci_index, "linux/arm64/v8", H1, NULL },
	{ oci_index, "linux/aarch64", H1, NULL },
	{ oci_index, "linux/arm/v7", H3, NULL },
	{ oci_index, "linux/arm/v6", H4, NULL },
	{ oci_index, "linux/arm", H3, NULL },
	{ oci_index, "linux/arm/v8", H3, NULL },
	{ oci_index, "linux/arm/v5", NULL, "no image for platform linux/arm/v5 (available: "
					   "linux/arm64, linux/amd64, linux/arm/v7, linux/arm/v6, "
					   "unknown/unknown)" },
	{ oci_index, "linux/riscv64", NULL, "no image for platform linux/riscv64" },
	{ oci_index, "windows/amd64", NULL, "no image for platform windows/amd64" },
	{ oci_index, "linux/arm64/v9", NULL, "linux/arm64/v9" },
	{ docker_list, "linux/amd64", H1, NULL },
	{ docker_list, "linux/arm/v7", H3, NULL },
	{ docker_list, "linux/arm/v6", H2, NULL },
	{ docker_list, "linux/arm64", H4, NULL },
	{ docker_list, "linux/386", H5, NULL },
	{ docker_list, "windows/amd64", H6, NULL },
	{ docker_list, "linux/ppc64le", H7, NULL },
	{ docker_list, "linux/amd64/v3", H1, NULL },
	{ docker_list, "linux/s390x", NULL, "windows/amd64, linux/ppc64le)" },
	{ "{\"schemaVersion\": 2, \"manifests\": [" DESC(CT_OCI, H1, "5") "]}", "linux/amd64", NULL,
	  "(available: (none))" },
	{ "{\"schemaVersion\": 2, \"manifests\": []}", "linux/amd64", NULL, "(available: none)" },
	{ "{\"schemaVersion\": 2, \"manifests\": [" ENTRY(CT_S1, H1, "linux", "amd64", "") "]}",
	  "linux/amd64", NULL, "no image for platform linux/amd64" },
	{ "{\"schemaVersion\": 2, \"manifests\": ["
	  ENTRY(CT_OCI, H1, "linux", "amd64", V("v2")) ", "
	  ENTRY(CT_OCI, H2, "linux", "amd64", "") "]}", "linux/amd64", H2, NULL },
};
/* clang-format on */

static void test_pick(void)
{
	for (size_t i = 0; i < sizeof(picks) / sizeof(*picks); i++) {
		struct udc_error e = {0};
		struct reg_platform want;
		struct reg_manifest *m = reg_manifest_parse(NULL, NULL, picks[i].index,
							    strlen(picks[i].index), "idx", &e);
		const struct reg_descriptor *d = NULL;

		reg_platform_parse(picks[i].want, &want, &e);
		if (m)
			d = reg_manifest_pick(m, &want, &e);
		if (picks[i].digest)
			is_str(d ? d->digest : e.msg, picks[i].digest, "pick %zu %s", i,
			       picks[i].want);
		else
			ok(m && !d && e.code == ENOENT && strstr(e.msg, picks[i].msg),
			   "pick %zu %s: none (%s)", i, picks[i].want, e.msg);
		talloc_free(m);
	}
}

static void test_pick_not_index(void)
{
	struct udc_error e = {0};
	struct reg_platform want;
	struct reg_manifest *m = reg_manifest_parse(NULL, CT_OCI, umoci, strlen(umoci), "x", &e);

	reg_platform_parse("linux/amd64", &want, &e);
	ok(m && reg_manifest_pick(m, &want, &e) == NULL && e.code == EINVAL,
	   "pick on an image manifest fails (%s)", e.msg);
	talloc_free(m);
}

/* clang-format off */
static const struct {
	const char *in, *os, *arch, *variant; /* os NULL: rejected */
} platforms[] = {
	{ "linux/amd64", "linux", "amd64", "" },
	{ "linux/arm64/v8", "linux", "arm64", "v8" },
	{ "linux/arm64", "linux", "arm64", "v8" },
	{ "linux/arm64/8", "linux", "arm64", "v8" },
	{ "linux/aarch64", "linux", "arm64", "v8" },
	{ "linux/arm", "linux", "arm", "v7" },
	{ "linux/arm/v6", "linux", "arm", "v6" },
	{ "linux/arm/7", "linux", "arm", "v7" },
	{ "linux/armhf", "linux", "arm", "v7" },
	{ "linux/armel", "linux", "arm", "v6" },
	{ "linux/x86_64", "linux", "amd64", "" },
	{ "linux/i686", "linux", "386", "" },
	{ "linux/amd64/v3", "linux", "amd64", "v3" },
	{ "LINUX/AMD64", "linux", "amd64", "" },
	{ "windows/amd64", "windows", "amd64", "" },
	{ "linux/riscv64", "linux", "riscv64", "" },
	{ "", NULL, NULL, NULL },
	{ "linux", NULL, NULL, NULL },
	{ "linux/", NULL, NULL, NULL },
	{ "/amd64", NULL, NULL, NULL },
	{ "linux/amd64/", NULL, NULL, NULL },
	{ "linux/amd64/v8/x", NULL, NULL, NULL },
	{ "linux/am d64", NULL, NULL, NULL },
	{ "linux/abcdefghijabcdefghijabcdefghijab", NULL, NULL, NULL },
};
/* clang-format on */

static void test_platform_parse(void)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(*platforms); i++) {
		struct udc_error e = {0};
		struct reg_platform p;
		int r = reg_platform_parse(platforms[i].in, &p, &e);

		if (!platforms[i].os) {
			ok(r == -EINVAL && strstr(e.msg, "invalid platform"),
			   "platform '%s' rejected", platforms[i].in);
			continue;
		}
		if (!is_int(r, 0, "platform '%s' parses (%s)", platforms[i].in, e.msg))
			continue;
		is_str(p.os, platforms[i].os, "'%s' os", platforms[i].in);
		is_str(p.arch, platforms[i].arch, "'%s' arch", platforms[i].in);
		is_str(p.variant, platforms[i].variant, "'%s' variant", platforms[i].in);
	}
}

/* clang-format off */
static const struct {
	const char *machine, *str;
} machines[] = {
	{ "x86_64", "linux/amd64" }, { "aarch64", "linux/arm64/v8" }, { "armv7l", "linux/arm/v7" },
	{ "armv6l", "linux/arm/v6" }, { "armv8l", "linux/arm/v8" }, { "i686", "linux/386" },
	{ "ppc64le", "linux/ppc64le" }, { "s390x", "linux/s390x" }, { "riscv64", "linux/riscv64" },
	{ "mips64", "linux/mips64" },
};
/* clang-format on */

static void test_platform_host(void)
{
	struct reg_platform p, q;
	char buf[100], buf2[100];
	struct utsname u;

	for (size_t i = 0; i < sizeof(machines) / sizeof(*machines); i++) {
		reg_platform_from_machine(machines[i].machine, &p);
		is_str(reg_platform_str(&p, buf, sizeof(buf)), machines[i].str, "uname %s",
		       machines[i].machine);
	}
	reg_platform_host(&p);
	uname(&u);
	reg_platform_from_machine(u.machine, &q);
	is_str(reg_platform_str(&p, buf, sizeof(buf)), reg_platform_str(&q, buf2, sizeof(buf2)),
	       "host platform from uname (%s)", u.machine);
	memset(&p, 0, sizeof(p));
	is_str(reg_platform_str(&p, buf, sizeof(buf)), "(none)", "empty platform prints (none)");
}

/* clang-format off */
#define SHA_ABC "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/* clang-format on */
#define SHA_EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void test_digest(void)
{
	struct udc_error e = {0};
	char out[REG_DIGEST_LEN + 1];

	is_int(reg_digest_check(SHA_ABC, "abc", 3, &e), 0, "sha256 of 'abc' matches");
	is_int(reg_digest_check(SHA_EMPTY, "", 0, &e), 0, "sha256 of nothing matches");
	is_int(reg_digest_check(SHA_ABC, "abd", 3, &e), -EBADMSG, "one changed byte: mismatch");
	is_str(e.msg,
	       SHA_ABC ": digest mismatch (got sha256:"
		       "a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9)",
	       "the mismatch names both digests");
	is_int(reg_digest_check(SHA_ABC, "abc", 2, &e), -EBADMSG, "length is respected");
	is_int(reg_digest_check("sha256:BA7816BF", "abc", 3, &e), -EINVAL, "malformed digest");
	is_int(reg_digest_check(NULL, "abc", 3, &e), -EINVAL, "no digest");
	is_int(reg_digest_compute(docker_v2, strlen(docker_v2), out, &e), 0, "compute");
	is_int(reg_digest_check(out, docker_v2, strlen(docker_v2), &e), 0,
	       "a computed digest checks");
}

/* clang-format off */
#define CFG(rootfs) "{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": {}" rootfs "}"

static const struct {
	const char *name, *body;
	size_t nlayers;
	const char *msg; /* NULL: accepted */
} configs[] = {
	{ "two diff_ids, two layers",
	  CFG(", \"rootfs\": {\"type\": \"layers\", \"diff_ids\": [\"" H1 "\", \"" H2 "\"]}"), 2,
	  NULL },
	{ "no rootfs", CFG(""), 3, NULL },
	{ "rootfs without diff_ids", CFG(", \"rootfs\": {\"type\": \"layers\"}"), 1, NULL },
	{ "zero layers", CFG(", \"rootfs\": {\"type\": \"layers\", \"diff_ids\": []}"), 0, NULL },
	{ "three diff_ids, two layers",
	  CFG(", \"rootfs\": {\"diff_ids\": [\"" H1 "\", \"" H2 "\", \"" H3 "\"]}"), 2,
	  "image config: 3 rootfs.diff_ids for 2 layers" },
	{ "one diff_id, two layers", CFG(", \"rootfs\": {\"diff_ids\": [\"" H1 "\"]}"), 2,
	  "1 rootfs.diff_ids for 2 layers" },
	{ "bad diff_id", CFG(", \"rootfs\": {\"diff_ids\": [\"" H1 "\", \"sha256:x\"]}"), 2,
	  "rootfs.diff_ids[1] is not a sha256 digest" },
	{ "diff_ids not an array", CFG(", \"rootfs\": {\"diff_ids\": \"" H1 "\"}"), 1,
	  "not an array" },
	{ "rootfs not an object", CFG(", \"rootfs\": []"), 1, "rootfs is not an object" },
	{ "malformed", "{\"os\": \"linux\",", 1, "image config: malformed JSON at line 1" },
	{ "not an object", "[]", 0, "not a JSON object" },
};
/* clang-format on */

static void test_config(void)
{
	for (size_t i = 0; i < sizeof(configs) / sizeof(*configs); i++) {
		struct udc_error e = {0};
		int r = reg_config_check(configs[i].body, strlen(configs[i].body),
					 configs[i].nlayers, &e);

		if (configs[i].msg)
			ok(r == -EBADMSG && strstr(e.msg, configs[i].msg),
			   "config %s: rejected (%s)", configs[i].name, e.msg);
		else
			is_int(r, 0, "config %s: accepted (%s)", configs[i].name, e.msg);
	}
}

int main(void)
{
	test_parse_rows();
	test_parse_fields();
	test_kind();
	test_pick();
	test_pick_not_index();
	test_platform_parse();
	test_platform_host();
	test_digest();
	test_config();
	return done();
}
