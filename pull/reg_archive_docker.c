/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_docker.c - the images of a docker-save archive, from its manifest.json. */
#include "pull/reg_archive.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/own.h"

#define MT_DOCKER_TAR "application/vnd.docker.image.rootfs.diff.tar"
#define MT_DOCKER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_ZSTD "application/vnd.docker.image.rootfs.diff.tar.zstd"

/* The digest a file name promises ("blobs/sha256/<hex>", or "<hex>.json" for a config), in
 * hex; NULL when the name promises none (old Docker's "<id>/layer.tar"). */
static const char *promised_hex(const char *name, int config, char hex[65])
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	size_t n = strlen(base);

	if (!strncmp(name, "blobs/sha256/", 13) && digest_hex_valid(name + 13)) {
		memcpy(hex, name + 13, 65);
		return hex;
	}
	if (config && n == 69 && !strcmp(base + 64, ".json")) {
		memcpy(hex, base, 64);
		hex[64] = '\0';
		return digest_hex_valid(hex) ? hex : NULL;
	}
	return NULL;
}

/* The media type of a staged layer, from its first bytes (Docker stores plain tars). */
static const char *layer_media_type(struct reg_archive_load *ld, const char *hex)
{
	UDC_AUTOCLOSE int fd = openat(ld->st->fd, hex, O_RDONLY | O_CLOEXEC);
	unsigned char m[4] = {0};

	if (fd >= 0 && read(fd, m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m[0] == 0x1f && m[1] == 0x8b)
			return MT_DOCKER_GZIP;
		if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
			return MT_DOCKER_ZSTD;
	}
	return MT_DOCKER_TAR;
}

/* Stage the layers of manifest entry j. */
static int plan_layers(struct reg_archive_load *ld, struct reg_archive_image *img, json_t *j,
		       size_t idx, struct udc_error *e)
{
	json_t *layers = json_object_get(j, "Layers");
	char want[65];

	if (!json_is_array(layers))
		return udc_fail(e, EBADMSG, "%s: manifest.json[%zu]: no Layers array", ld->label,
				idx);
	img->nlayers = json_array_size(layers);
	img->layers = talloc_zero_array(ld, struct reg_archive_layer, img->nlayers + 1);
	if (!img->layers)
		return udc_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < img->nlayers; i++) {
		const char *name = json_string_value(json_array_get(layers, i));
		struct reg_archive_layer *l = &img->layers[i];

		if (!name)
			return udc_fail(e, EBADMSG,
					"%s: manifest.json[%zu]: Layers[%zu] is not a "
					"string",
					ld->label, idx, i);
		if (reg_archive_blob_stage(ld, name, promised_hex(name, 0, want), l->hex, &l->size,
					   e) < 0)
			return -e->code;
		l->media_type = layer_media_type(ld, l->hex);
	}
	return 0;
}

/* The names of manifest entry j (RepoTags), else load's NAME, else an error. */
static int plan_names(struct reg_archive_load *ld, struct reg_archive_image *img, json_t *j,
		      size_t idx, struct udc_error *e)
{
	json_t *tags = json_object_get(j, "RepoTags"), *t;
	size_t i;

	json_array_foreach(tags, i, t)
	{
		if (!json_is_string(t))
			return udc_fail(e, EBADMSG,
					"%s: manifest.json[%zu]: RepoTags[%zu] is not a "
					"string",
					ld->label, idx, i);
		if (reg_archive_add_ref(ld, img, json_string_value(t), e) < 0)
			return -e->code;
	}
	if (img->nrefs == 0 && ld->name)
		return reg_archive_add_ref(ld, img, ld->name, e);
	if (img->nrefs == 0)
		return udc_fail(e, EBADMSG,
				"no image name in %s: manifest.json[%zu] (use save's "
				"RepoTags or an OCI ref.name annotation)",
				ld->label, idx);
	return 0;
}

/* One entry of manifest.json: {Config, RepoTags, Layers}. */
static int plan_entry(struct reg_archive_load *ld, json_t *j, size_t idx, struct udc_error *e)
{
	struct reg_archive_image *img = reg_archive_image_new(ld, e);
	const char *config = json_string_value(json_object_get(j, "Config"));
	char want[65];

	if (!img)
		return -e->code;
	if (!json_is_object(j) || !config)
		return udc_fail(e, EBADMSG, "%s: manifest.json[%zu]: no Config", ld->label, idx);
	if (plan_names(ld, img, j, idx, e) < 0 || plan_layers(ld, img, j, idx, e) < 0)
		return -e->code;
	return reg_archive_config(ld, img, config, promised_hex(config, 1, want), e);
}

/* Plan the images of manifest.json. */
int reg_archive_docker_plan(struct reg_archive_load *ld, struct udc_error *e)
{
	size_t len, i;
	char *body = reg_archive_read(ld, ld, "manifest.json", NULL, &len, e);
	json_error_t jerr;
	json_t *list, *j;

	if (!body)
		return -e->code;
	list = own_json(ld, json_loadb(body, len, 0, &jerr));
	if (!list)
		return udc_fail(e, EBADMSG, "%s: manifest.json: line %d: %s", ld->label, jerr.line,
				jerr.text);
	if (!json_is_array(list))
		return udc_fail(e, EBADMSG, "%s: manifest.json is not an array", ld->label);
	json_array_foreach(list, i, j) if (plan_entry(ld, j, i, e) < 0) return -e->code;
	return 0;
}
