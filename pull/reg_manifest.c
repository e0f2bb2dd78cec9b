/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_manifest.c - parse and validate manifests and indexes, pick a platform, check digests. */
#include "pull/reg_manifest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/own.h"
#include "pull/reg_ref.h"

/* clang-format off */
static const struct {
	const char *type;
	int kind;
} manifest_types[] = {
	{ REG_MT_OCI_INDEX, REG_MANIFEST_INDEX },
	{ REG_MT_OCI_MANIFEST, REG_MANIFEST_IMAGE },
	{ REG_MT_DOCKER_LIST, REG_MANIFEST_INDEX },
	{ REG_MT_DOCKER_MANIFEST, REG_MANIFEST_IMAGE },
	{ REG_MT_SCHEMA1, REG_MANIFEST_SCHEMA1 },
	{ REG_MT_SCHEMA1_SIGNED, REG_MANIFEST_SCHEMA1 },
};
/* clang-format on */

/* Every layer type a pull can unpack; foreign (Windows) and non-distributable layers are
 * accepted but flagged, since their blobs may live outside the registry. */
/* clang-format off */
static const struct {
	const char *type;
	int compression, foreign;
} layer_types[] = {
	{ "application/vnd.oci.image.layer.v1.tar", REG_LAYER_TAR, 0 },
	{ "application/vnd.oci.image.layer.v1.tar+gzip", REG_LAYER_GZIP, 0 },
	{ "application/vnd.oci.image.layer.v1.tar+zstd", REG_LAYER_ZSTD, 0 },
	{ "application/vnd.docker.image.rootfs.diff.tar", REG_LAYER_TAR, 0 },
	{ "application/vnd.docker.image.rootfs.diff.tar.gzip", REG_LAYER_GZIP, 0 },
	{ "application/vnd.docker.image.rootfs.diff.tar.zstd", REG_LAYER_ZSTD, 0 },
	{ "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", REG_LAYER_GZIP, 1 },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar", REG_LAYER_TAR, 1 },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", REG_LAYER_GZIP, 1 },
	{ "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", REG_LAYER_ZSTD, 1 },
};
/* clang-format on */

#define NELEM(a) (sizeof(a) / sizeof(*(a)))

/* The Accept value for manifests: without the index and OCI types registries answer 404 or
 * convert to schema1 (notes/registry.md). */
const char *reg_manifest_accept(void)
{
	return REG_MT_OCI_INDEX ", " REG_MT_OCI_MANIFEST ", " REG_MT_DOCKER_LIST
				", " REG_MT_DOCKER_MANIFEST;
}

/* 1 when media type t, maybe with blanks and "; parameters", is known (case-insensitive). */
static int type_is(const char *t, const char *known)
{
	size_t n;

	if (!t)
		return 0;
	t += strspn(t, " \t");
	n = strcspn(t, "; \t");
	return n == strlen(known) && !strncasecmp(t, known, n);
}

/* The canonical spelling of a known manifest media type, or NULL. */
static const char *known_type(const char *t)
{
	for (size_t i = 0; i < NELEM(manifest_types); i++)
		if (type_is(t, manifest_types[i].type))
			return manifest_types[i].type;
	return NULL;
}

static int kind_of_type(const char *t)
{
	for (size_t i = 0; i < NELEM(manifest_types); i++)
		if (type_is(t, manifest_types[i].type))
			return manifest_types[i].kind;
	return REG_MANIFEST_UNKNOWN;
}

/* The media type a body without a known mediaType has, judged by its fields (umoci omits it). */
static const char *type_of_shape(json_t *body)
{
	json_t *v = json_object_get(body, "schemaVersion");

	if (json_is_integer(v) && json_integer_value(v) == 1)
		return REG_MT_SCHEMA1;
	if (json_object_get(body, "manifests"))
		return REG_MT_OCI_INDEX;
	if (json_object_get(body, "config") || json_object_get(body, "layers"))
		return REG_MT_OCI_MANIFEST;
	return NULL;
}

/* Content-Type if known, else the body's mediaType if known, else its shape; NULL if none. */
static const char *media_type_of(const char *content_type, json_t *body)
{
	const char *t = known_type(content_type);

	if (t || !json_is_object(body))
		return t;
	t = known_type(json_string_value(json_object_get(body, "mediaType")));
	return t ? t : type_of_shape(body);
}

/* Classify a manifest (see reg_manifest.h); returns a REG_MANIFEST_* value. */
int reg_manifest_kind(const char *content_type, json_t *body)
{
	return kind_of_type(media_type_of(content_type, body));
}

/* Parse len bytes of JSON that must be an object into *out (a new reference). 0 / -errno. */
static int load_object(const char *body, size_t len, const char *what, json_t **out,
		       struct udc_error *e)
{
	json_error_t jerr;

	*out = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return udc_fail(e, EBADMSG, "%s: malformed JSON at line %d column %d: %s", what,
				jerr.line, jerr.column, jerr.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return udc_fail(e, EBADMSG, "%s: not a JSON object", what);
	}
	return 0;
}

/* Validate a descriptor {mediaType, digest, size} and copy it into out (strings on mem_ctx). */
static int parse_descriptor(TALLOC_CTX *mem_ctx, json_t *d, const char *what, const char *where,
			    struct reg_descriptor *out, struct udc_error *e)
{
	const char *mt = json_string_value(json_object_get(d, "mediaType"));
	const char *digest = json_string_value(json_object_get(d, "digest"));
	json_t *size = json_object_get(d, "size");

	if (!json_is_object(d))
		return udc_fail(e, EBADMSG, "%s: %s is not an object", what, where);
	if (!mt || !*mt)
		return udc_fail(e, EBADMSG, "%s: %s has no mediaType", what, where);
	if (!reg_digest_valid(digest))
		return udc_fail(e, EBADMSG, "%s: %s: digest '%.80s' is not sha256:<64 hex>", what,
				where, digest ? digest : "(none)");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return udc_fail(e, EBADMSG, "%s: %s: size is not a non-negative integer", what,
				where);
	out->media_type = talloc_strdup(mem_ctx, mt);
	out->digest = talloc_strdup(mem_ctx, digest);
	out->size = (int64_t)json_integer_value(size);
	if (!out->media_type || !out->digest)
		return udc_fail(e, ENOMEM, "%s: out of memory", what);
	return 0;
}

static int check_schema2(json_t *json, const char *what, struct udc_error *e)
{
	json_t *v = json_object_get(json, "schemaVersion");

	if (!json_is_integer(v) || json_integer_value(v) != 2)
		return udc_fail(e, EBADMSG, "%s: schemaVersion is not 2", what);
	return 0;
}

/* Look up a layer's media type: set compression and the foreign flag, or refuse it. */
static int classify_layer(struct reg_descriptor *d, const char *what, size_t i, struct udc_error *e)
{
	for (size_t k = 0; k < NELEM(layer_types); k++) {
		if (type_is(d->media_type, layer_types[k].type)) {
			d->compression = layer_types[k].compression;
			d->foreign = layer_types[k].foreign;
			return 0;
		}
	}
	return udc_fail(e, ENOTSUP, "%s: layers[%zu]: unsupported media type '%.120s'", what, i,
			d->media_type);
}

static int parse_layers(struct reg_manifest *m, const char *what, struct udc_error *e)
{
	json_t *layers = json_object_get(m->json, "layers");
	char where[40];
	int r;

	if (!json_is_array(layers))
		return udc_fail(e, EBADMSG, "%s: manifest has no layers array", what);
	m->nlayers = json_array_size(layers);
	m->layers = talloc_zero_array(m, struct reg_descriptor, m->nlayers ? m->nlayers : 1);
	if (!m->layers)
		return udc_fail(e, ENOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < m->nlayers; i++) {
		snprintf(where, sizeof(where), "layers[%zu]", i);
		r = parse_descriptor(m, json_array_get(layers, i), what, where, &m->layers[i], e);
		if (r == 0)
			r = classify_layer(&m->layers[i], what, i, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* An image manifest: schemaVersion 2, a container image config, known layer types. */
static int parse_image(struct reg_manifest *m, const char *what, struct udc_error *e)
{
	int r = check_schema2(m->json, what, e);

	if (r == 0)
		r = parse_descriptor(m, json_object_get(m->json, "config"), what, "config",
				     &m->config, e);
	if (r < 0)
		return r;
	if (!type_is(m->config.media_type, REG_MT_DOCKER_CONFIG) &&
	    !type_is(m->config.media_type, REG_MT_OCI_CONFIG))
		return udc_fail(e, ENOTSUP,
				"%s: not a container image (config media type '%.120s')", what,
				m->config.media_type);
	return parse_layers(m, what, e);
}

/* Copy one platform string field; -EBADMSG when missing (and required) or too long. */
static int platform_field(char *dst, size_t size, json_t *pl, const char *key, int required,
			  const char *what, const char *where, struct udc_error *e)
{
	const char *s = json_string_value(json_object_get(pl, key));

	if (!s && !required && !json_object_get(pl, key))
		return 0;
	if (!s || (required && !*s) || strlen(s) >= size)
		return udc_fail(e, EBADMSG, "%s: %s: bad platform %s", what, where, key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* An index entry's optional platform {os, architecture, variant}. */
static int parse_platform(json_t *pl, struct reg_platform *p, const char *what, const char *where,
			  struct udc_error *e)
{
	int r;

	memset(p, 0, sizeof(*p));
	if (!pl)
		return 0;
	if (!json_is_object(pl))
		return udc_fail(e, EBADMSG, "%s: %s: platform is not an object", what, where);
	r = platform_field(p->os, sizeof(p->os), pl, "os", 1, what, where, e);
	if (r == 0)
		r = platform_field(p->arch, sizeof(p->arch), pl, "architecture", 1, what, where, e);
	if (r == 0)
		r = platform_field(p->variant, sizeof(p->variant), pl, "variant", 0, what, where,
				   e);
	return r;
}

/* An index: schemaVersion 2 and a manifests array of descriptors with platforms. */
static int parse_index(struct reg_manifest *m, const char *what, struct udc_error *e)
{
	json_t *list = json_object_get(m->json, "manifests"), *entry;
	char where[40];
	int r = check_schema2(m->json, what, e);

	if (r < 0)
		return r;
	if (!json_is_array(list))
		return udc_fail(e, EBADMSG, "%s: index has no manifests array", what);
	m->nmanifests = json_array_size(list);
	m->manifests =
	    talloc_zero_array(m, struct reg_descriptor, m->nmanifests ? m->nmanifests : 1);
	if (!m->manifests)
		return udc_fail(e, ENOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < m->nmanifests; i++) {
		entry = json_array_get(list, i);
		snprintf(where, sizeof(where), "manifests[%zu]", i);
		r = parse_descriptor(m, entry, what, where, &m->manifests[i], e);
		if (r == 0)
			r = parse_platform(json_object_get(entry, "platform"),
					   &m->manifests[i].platform, what, where, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *kind_name(int kind)
{
	return kind == REG_MANIFEST_INDEX ? "an index" : "an image manifest";
}

/* Decide the kind; refuse schema1, unknown documents and a mediaType contradicting it. */
static int check_kind(struct reg_manifest *m, const char *content_type, const char *what,
		      struct udc_error *e)
{
	const char *mt = media_type_of(content_type, m->json);
	const char *body_mt = json_string_value(json_object_get(m->json, "mediaType"));

	m->kind = kind_of_type(mt);
	if (m->kind == REG_MANIFEST_SCHEMA1)
		return udc_fail(e, ENOTSUP, "%s: schema1 manifests are not supported", what);
	if (m->kind == REG_MANIFEST_UNKNOWN)
		return udc_fail(e, EBADMSG,
				"%s: not an image manifest or index (Content-Type %.100s)", what,
				content_type ? content_type : "none");
	if (body_mt && kind_of_type(body_mt) != m->kind)
		return udc_fail(e, EBADMSG,
				"%s: mediaType '%.100s' is not %s (Content-Type %.100s)", what,
				body_mt, kind_name(m->kind), mt);
	m->media_type = talloc_strdup(m, mt);
	return m->media_type ? 0 : udc_fail(e, ENOMEM, "%s: out of memory", what);
}

/* Parse and validate a manifest or index; see reg_manifest.h. Child of mem_ctx, NULL plus e. */
struct reg_manifest *reg_manifest_parse(TALLOC_CTX *mem_ctx, const char *content_type,
					const char *body, size_t len, const char *what,
					struct udc_error *e)
{
	struct reg_manifest *m = talloc_zero(mem_ctx, struct reg_manifest);
	json_t *json = NULL;
	int r;

	if (!m) {
		udc_fail(e, ENOMEM, "%s: out of memory", what);
		return NULL;
	}
	r = load_object(body, len, what, &json, e);
	if (r == 0 && !(m->json = own_json(m, json)))
		r = udc_fail(e, ENOMEM, "%s: out of memory", what);
	if (r == 0)
		r = check_kind(m, content_type, what, e);
	if (r == 0)
		r = m->kind == REG_MANIFEST_INDEX ? parse_index(m, what, e)
						  : parse_image(m, what, e);
	if (r < 0) {
		talloc_free(m);
		return NULL;
	}
	return m;
}

/* The variant to compare: arm64 without one is v8, as Docker and containerd treat it. */
static const char *effective_variant(const struct reg_platform *p)
{
	if (!p->variant[0] && !strcmp(p->arch, "arm64"))
		return "v8";
	return p->variant;
}

/* How well an entry's platform suits want: 0 not at all, higher is better. */
static int platform_score(const struct reg_platform *want, const struct reg_platform *have)
{
	const char *wv = effective_variant(want), *hv = effective_variant(have);
	int wn, hn;

	if (strcmp(want->os, have->os) != 0 || strcmp(want->arch, have->arch) != 0)
		return 0;
	if (!strcmp(wv, hv))
		return 100;
	if (!*wv || !*hv)
		return 50;
	/* an ARMv7 CPU runs ARMv6 and ARMv5 code: the closest lower variant will do */
	if (strcmp(want->arch, "arm") != 0 || wv[0] != 'v' || hv[0] != 'v')
		return 0;
	wn = atoi(wv + 1);
	hn = atoi(hv + 1);
	return hn > 0 && hn < wn && hn < 40 ? 10 + hn : 0;
}

/* "linux/amd64, linux/arm/v7, ..." of the index's entries, into buf. */
static void list_platforms(const struct reg_manifest *index, char *buf, size_t size)
{
	size_t used = 0;
	char one[100];

	snprintf(buf, size, "none");
	for (size_t i = 0; i < index->nmanifests && used < size; i++) {
		reg_platform_str(&index->manifests[i].platform, one, sizeof(one));
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", one);
	}
}

/* The best index entry for want (ties: the first); points into index, NULL plus e. */
const struct reg_descriptor *reg_manifest_pick(const struct reg_manifest *index,
					       const struct reg_platform *want, struct udc_error *e)
{
	const struct reg_descriptor *best = NULL;
	int best_score = 0, s;
	char w[100], avail[400];

	if (index->kind != REG_MANIFEST_INDEX || !want->os[0] || !want->arch[0]) {
		udc_fail(e, EINVAL, "no platform to pick (not an index, or no platform wanted)");
		return NULL;
	}
	for (size_t i = 0; i < index->nmanifests; i++) {
		const struct reg_descriptor *d = &index->manifests[i];

		if (kind_of_type(d->media_type) != REG_MANIFEST_IMAGE &&
		    kind_of_type(d->media_type) != REG_MANIFEST_INDEX)
			continue;
		s = platform_score(want, &d->platform);
		if (s > best_score) {
			best = d;
			best_score = s;
		}
	}
	if (!best) {
		list_platforms(index, avail, sizeof(avail));
		udc_fail(e, ENOENT, "no image for platform %s (available: %s)",
			 reg_platform_str(want, w, sizeof(w)), avail);
	}
	return best;
}

/* "sha256:<hex>" of body into out; 0 / -EIO. */
int reg_digest_compute(const char *body, size_t len, char out[REG_DIGEST_LEN + 1],
		       struct udc_error *e)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(body ? body : "", body ? len : 0, md, &n, EVP_sha256(), NULL) || n != 32)
		return udc_fail(e, EIO, "sha256 failed");
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n; i++) {
		out[7 + 2 * i] = digits[md[i] >> 4];
		out[7 + 2 * i + 1] = digits[md[i] & 15];
	}
	out[REG_DIGEST_LEN] = '\0';
	return 0;
}

/* Compare the sha256 of body with digest; 0, -EINVAL (bad digest) or -EBADMSG (mismatch). */
int reg_digest_check(const char *digest, const char *body, size_t len, struct udc_error *e)
{
	char got[REG_DIGEST_LEN + 1];
	int r;

	if (!reg_digest_valid(digest))
		return udc_fail(e, EINVAL, "'%.80s' is not a sha256 digest",
				digest ? digest : "(none)");
	r = reg_digest_compute(body, len, got, e);
	if (r < 0)
		return r;
	if (strcmp(got, digest) != 0)
		return udc_fail(e, EBADMSG, "%s: digest mismatch (got %s)", digest, got);
	return 0;
}

/* rootfs.diff_ids, when present: an array of digests, one per manifest layer. */
static int check_diff_ids(json_t *rootfs, size_t nlayers, struct udc_error *e)
{
	json_t *ids = json_object_get(rootfs, "diff_ids");
	const char *id;

	if (!rootfs || !ids)
		return 0;
	if (!json_is_array(ids))
		return udc_fail(e, EBADMSG, "image config: rootfs.diff_ids is not an array");
	for (size_t i = 0; i < json_array_size(ids); i++) {
		id = json_string_value(json_array_get(ids, i));
		if (!reg_digest_valid(id))
			return udc_fail(e, EBADMSG,
					"image config: rootfs.diff_ids[%zu] is not a sha256 digest",
					i);
	}
	if (json_array_size(ids) != nlayers)
		return udc_fail(e, EBADMSG, "image config: %zu rootfs.diff_ids for %zu layers",
				json_array_size(ids), nlayers);
	return 0;
}

/* Check an image config against its manifest's layer count; 0 / -EBADMSG. */
int reg_config_check(const char *body, size_t len, size_t nlayers, struct udc_error *e)
{
	json_t *json, *rootfs;
	int r = load_object(body, len, "image config", &json, e);

	if (r < 0)
		return r;
	rootfs = json_object_get(json, "rootfs");
	if (rootfs && !json_is_object(rootfs))
		r = udc_fail(e, EBADMSG, "image config: rootfs is not an object");
	else
		r = check_diff_ids(rootfs, nlayers, e);
	json_decref(json);
	return r;
}
