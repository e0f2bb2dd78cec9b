/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_oci.c - the images of an OCI image layout, from its index.json. */
#include "pull/reg_archive.h"

#include <stdio.h>
#include <string.h>

#include "common/own.h"
#include "pull/reg_manifest.h"

#define ANN_REF_NAME "org.opencontainers.image.ref.name"
#define ANN_CONTAINERD_NAME "io.containerd.image.name" /* Docker 25+ writes the full name here */
#define MAX_NESTING 4

/* The names of index entry j. ref.name is a tag ("latest") or a full name ("busybox",
 * "example.com/x:1"); a bare word is a tag of load's NAME when one was given, else a name. */
static int oci_names(struct reg_archive_load *ld, struct reg_archive_image *img, json_t *j,
		     size_t idx, struct udc_error *e)
{
	json_t *ann = json_object_get(j, "annotations");
	const char *full = json_string_value(json_object_get(ann, ANN_CONTAINERD_NAME));
	const char *tag = json_string_value(json_object_get(ann, ANN_REF_NAME));
	char *s;

	if (full && *full)
		return reg_archive_add_ref(ld, img, full, e);
	if (tag && *tag && (strpbrk(tag, "/:@") || !ld->name))
		return reg_archive_add_ref(ld, img, tag, e);
	if (ld->name) {
		s = tag && *tag ? talloc_asprintf(ld, "%s:%s", ld->name, tag)
				: talloc_strdup(ld, ld->name);
		return s ? reg_archive_add_ref(ld, img, s, e)
			 : udc_fail(e, ENOMEM, "out of memory");
	}
	return udc_fail(e, EBADMSG,
			"no image name in %s: index.json manifests[%zu] (use save's "
			"RepoTags or an OCI ref.name annotation)",
			ld->label, idx);
}

/* "blobs/sha256/<hex>" of a validated digest. */
static const char *blob_name(char buf[96], const char *digest)
{
	snprintf(buf, 96, "blobs/sha256/%s", digest + 7);
	return buf;
}

/* Stage the config and layers of image manifest m. */
static int plan_image(struct reg_archive_load *ld, struct reg_archive_image *img,
		      const struct reg_manifest *m, struct udc_error *e)
{
	char name[96];

	img->nlayers = m->nlayers;
	img->layers = talloc_zero_array(ld, struct reg_archive_layer, m->nlayers + 1);
	if (!img->layers)
		return udc_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < m->nlayers; i++) {
		struct reg_archive_layer *l = &img->layers[i];

		if (reg_archive_blob_stage(ld, blob_name(name, m->layers[i].digest),
					   m->layers[i].digest + 7, l->hex, &l->size, e) < 0)
			return -e->code;
		l->media_type = talloc_strdup(ld, m->layers[i].media_type);
		if (!l->media_type)
			return udc_fail(e, ENOMEM, "out of memory");
	}
	return reg_archive_config(ld, img, blob_name(name, m->config.digest), m->config.digest + 7,
				  e);
}

/* The manifest d names: an image is staged, an index is followed to the host's platform. */
static int plan_descriptor(struct reg_archive_load *ld, struct reg_archive_image *img,
			   const struct reg_descriptor *d, int depth, struct udc_error *e)
{
	char name[96], *what = talloc_asprintf(ld, "%s: %s", ld->label, d->digest);
	size_t len;
	char *body =
	    what ? reg_archive_read(ld, ld, blob_name(name, d->digest), d->digest, &len, e) : NULL;
	struct reg_manifest *m =
	    body ? reg_manifest_parse(ld, d->media_type, body, len, what, e) : NULL;
	struct reg_platform host;

	if (!what)
		return udc_fail(e, ENOMEM, "out of memory");
	if (!m)
		return -e->code;
	if (m->kind == REG_MANIFEST_IMAGE) {
		img->manifest_digest = talloc_strdup(ld, d->digest);
		return plan_image(ld, img, m, e);
	}
	if (depth >= MAX_NESTING)
		return udc_fail(e, EBADMSG, "%s: indexes nested too deep", what);
	reg_platform_host(&host);
	d = reg_manifest_pick(m, &host, e);
	if (!d)
		return udc_wrap(e, "%s", what);
	return plan_descriptor(ld, img, d, depth + 1, e);
}

/* 1 when the media type is one of the manifests or indexes an image can be loaded from. */
static int loadable(const char *media_type)
{
	return !strcmp(media_type, REG_MT_OCI_MANIFEST) || !strcmp(media_type, REG_MT_OCI_INDEX) ||
	       !strcmp(media_type, REG_MT_DOCKER_MANIFEST) ||
	       !strcmp(media_type, REG_MT_DOCKER_LIST);
}

/* The layout must say it is one: oci-layout with an imageLayoutVersion. */
static int check_layout(struct reg_archive_load *ld, struct udc_error *e)
{
	size_t len;
	char *body = reg_archive_read(ld, ld, "oci-layout", NULL, &len, e);
	json_t *j = body ? own_json(body, json_loadb(body, len, 0, NULL)) : NULL;

	if (!body)
		return -e->code;
	if (!json_is_string(json_object_get(j, "imageLayoutVersion")))
		return udc_fail(e, EBADMSG, "%s: oci-layout: no imageLayoutVersion", ld->label);
	talloc_free(body);
	return 0;
}

/* Plan the images of index.json. */
int reg_archive_oci_plan(struct reg_archive_load *ld, struct udc_error *e)
{
	size_t len;
	char *body =
	    check_layout(ld, e) == 0 ? reg_archive_read(ld, ld, "index.json", NULL, &len, e) : NULL;
	char *what = talloc_asprintf(ld, "%s: index.json", ld->label);
	struct reg_manifest *idx =
	    body && what ? reg_manifest_parse(ld, NULL, body, len, what, e) : NULL;
	json_t *entries = idx ? json_object_get(idx->json, "manifests") : NULL;
	struct reg_archive_image *img;

	if (!idx)
		return body && !what ? udc_fail(e, ENOMEM, "out of memory") : -e->code;
	if (idx->kind != REG_MANIFEST_INDEX)
		return udc_fail(e, EBADMSG, "%s is not an image index", what);
	for (size_t i = 0; i < idx->nmanifests; i++) {
		if (!loadable(idx->manifests[i].media_type))
			continue;
		img = reg_archive_image_new(ld, e);
		if (!img || oci_names(ld, img, json_array_get(entries, i), i, e) < 0 ||
		    plan_descriptor(ld, img, &idx->manifests[i], 0, e) < 0)
			return -e->code;
	}
	return 0;
}
