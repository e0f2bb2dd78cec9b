/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_save.c - write images as a docker-save archive (manifest.json, layer.tar). */
#include "pull/reg_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/img_ref.h"
#include "common/own.h"
#include "pull/reg_http.h"
#include "pull/reg_manifest.h"
#include "pull/reg_ref.h"

struct save_layer {
	const char *hex; /* the stored blob */
	char diff[65];	 /* sha256 of its uncompressed bytes: the diff_id, the layer.tar's name */
	uint64_t usize;
};

struct save_image {
	char **tags; /* RepoTags */
	size_t ntags;
	char *config; /* the config file's exact bytes */
	size_t config_len;
	char config_hex[65];
	size_t *layers; /* indexes into save.layers */
	size_t nlayers;
};

struct save {
	struct repo *r;
	const char *what; /* the output, for errors */
	struct save_layer *layers;
	size_t nlayers;
	struct save_image *imgs;
	size_t nimgs;
};

/* The index of stored layer hex in s->layers, computing its diff_id the first time. */
static ssize_t layer_index(struct save *s, const char *hex, struct udc_error *e)
{
	struct save_layer *l;
	char *path, what[80];

	for (size_t i = 0; i < s->nlayers; i++)
		if (!strcmp(s->layers[i].hex, hex))
			return (ssize_t)i;
	l = talloc_realloc(s, s->layers, struct save_layer, s->nlayers + 1);
	if (!l)
		return udc_fail(e, ENOMEM, "out of memory");
	s->layers = l;
	l = &l[s->nlayers];
	l->hex = talloc_strdup(s->layers, hex);
	path = repo_layer_path(s, s->r, hex);
	snprintf(what, sizeof(what), "layer sha256:%s", hex);
	if (!l->hex || !path)
		return udc_fail(e, ENOMEM, "out of memory");
	if (reg_archive_diff_id(path, what, l->diff, &l->usize, e) < 0)
		return -e->code;
	talloc_free(path);
	return (ssize_t)s->nlayers++;
}

/* The layers of record rec into img->layers. */
static int image_layers(struct save *s, struct save_image *img, json_t *rec, const char *ref,
			struct udc_error *e)
{
	json_t *layers = json_object_get(rec, "layers"), *l;
	const char *d;
	ssize_t k;
	size_t i;

	img->nlayers = json_array_size(layers);
	img->layers = talloc_zero_array(s, size_t, img->nlayers + 1);
	if (!img->layers)
		return udc_fail(e, ENOMEM, "out of memory");
	json_array_foreach(layers, i, l)
	{
		d = json_string_value(json_object_get(l, "digest"));
		if (!reg_digest_valid(d))
			return udc_fail(e, EBADMSG, "image %s: malformed layer entry %zu", ref, i);
		k = layer_index(s, d + 7, e);
		if (k < 0)
			return udc_wrap(e, "image %s", ref);
		img->layers[i] = (size_t)k;
	}
	return 0;
}

/* The stored config blob's bytes, checked against its digest and the layers' diff_ids. */
static int stored_config(struct save *s, struct save_image *img, const char *digest,
			 const char *ref, struct udc_error *e)
{
	char *path = repo_layer_path(s, s->r, digest + 7);
	json_t *cfg, *ids;

	img->config = path ? reg_read_file(s, path, &img->config_len, e) : NULL;
	if (!img->config || reg_digest_check(digest, img->config, img->config_len, e) < 0)
		return udc_wrap(e, "image %s: config", ref);
	memcpy(img->config_hex, digest + 7, 65);
	cfg = own_json(s, json_loadb(img->config, img->config_len, 0, NULL));
	ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	if (json_array_size(ids) != img->nlayers)
		return udc_fail(e, EBADMSG, "image %s: config %s: %zu diff_ids for %zu layers", ref,
				digest, json_array_size(ids), img->nlayers);
	for (size_t i = 0; i < img->nlayers; i++) {
		const struct save_layer *l = &s->layers[img->layers[i]];
		const char *id = json_string_value(json_array_get(ids, i));

		if (!id || strncmp(id, "sha256:", 7) != 0 || strcmp(id + 7, l->diff) != 0)
			return udc_fail(e, EBADMSG,
					"image %s: layer sha256:%s: uncompressed digest "
					"sha256:%s is not the config's diff_id %s",
					ref, l->hex, l->diff, id ? id : "(none)");
	}
	return 0;
}

/* A config for an imported image: its record's config plus rootfs.diff_ids. */
static int synthesized_config(struct save *s, struct save_image *img, json_t *rec,
			      struct udc_error *e)
{
	json_t *cfg = own_json(s, json_deep_copy(json_object_get(rec, "config")));
	json_t *ids = json_array();
	char digest[REG_DIGEST_LEN + 1];

	if (!cfg)
		cfg = own_json(s, json_object());
	for (size_t i = 0; ids && i < img->nlayers; i++) {
		snprintf(digest, sizeof(digest), "sha256:%s", s->layers[img->layers[i]].diff);
		json_array_append_new(ids, json_string(digest));
	}
	if (!cfg || !ids ||
	    json_object_set_new(cfg, "rootfs",
				json_pack("{s:s, s:o}", "type", "layers", "diff_ids", ids)) < 0)
		return udc_fail(e, ENOMEM, "out of memory");
	img->config = own_str(s, json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS));
	if (!img->config)
		return udc_fail(e, ENOMEM, "out of memory");
	img->config_len = strlen(img->config);
	if (reg_digest_compute(img->config, img->config_len, digest, e) < 0)
		return -e->code;
	memcpy(img->config_hex, digest + 7, 65);
	return 0;
}

/* The image already planned with this config, or NULL. */
static struct save_image *same_config(struct save *s, const char *hex)
{
	for (size_t i = 0; i + 1 < s->nimgs; i++)
		if (!strcmp(s->imgs[i].config_hex, hex))
			return &s->imgs[i];
	return NULL;
}

/* Add tag to img's RepoTags (a digest reference has no tag: Docker writes none). */
static int add_tag(struct save *s, struct save_image *img, const char *ref, struct udc_error *e)
{
	char **t;

	if (strchr(ref, '@'))
		return 0;
	for (size_t i = 0; i < img->ntags; i++)
		if (!strcmp(img->tags[i], ref))
			return 0;
	t = talloc_realloc(s, img->tags, char *, img->ntags + 1);
	if (!t || !(t[img->ntags] = talloc_strdup(t, ref)))
		return udc_fail(e, ENOMEM, "out of memory");
	img->tags = t;
	img->ntags++;
	return 0;
}

/* Plan image name: its layers, its config bytes, its tag. */
static int plan_image(struct save *s, const char *name, struct udc_error *e)
{
	struct img_ref *ref = img_ref_parse(s, name, e);
	char *str = ref ? img_ref_str(s, ref) : NULL;
	json_t *rec = str ? repo_image_get(s, s->r, str, e) : NULL;
	const char *cd = json_string_value(json_object_get(rec, "config_digest"));
	struct save_image *img = talloc_realloc(s, s->imgs, struct save_image, s->nimgs + 1), *same;
	int r;

	if (!rec)
		return -e->code;
	if (!img)
		return udc_fail(e, ENOMEM, "out of memory");
	s->imgs = img;
	img = &img[s->nimgs++];
	memset(img, 0, sizeof(*img));
	r = image_layers(s, img, rec, str, e);
	if (r == 0 && cd && !reg_digest_valid(cd))
		r = udc_fail(e, EBADMSG, "image %s: malformed config_digest", str);
	if (r == 0)
		r = cd ? stored_config(s, img, cd, str, e) : synthesized_config(s, img, rec, e);
	if (r < 0)
		return r;
	same = same_config(s, img->config_hex);
	if (same)
		s->nimgs--; /* another tag of an image already planned */
	return add_tag(s, same ? same : img, str, e);
}

/* Translate the writer's state into e ("Write error: No space left on device"). */
static int write_failed(struct save *s, struct archive *w, struct udc_error *e)
{
	const char *msg = archive_error_string(w);
	int code = archive_errno(w) > 0 ? archive_errno(w) : EIO;

	if (msg && strstr(msg, strerror(code)))
		return udc_fail(e, code, "%s: %s", s->what, msg);
	return udc_fail(e, code, "%s: %s: %s", s->what, msg ? msg : "write failed", strerror(code));
}

/* Write the header of an entry: a directory (size < 0) or a regular file of size bytes. */
static int put_header(struct save *s, struct archive *w, const char *name, int64_t size,
		      struct udc_error *e)
{
	struct archive_entry *ent = archive_entry_new();
	int r;

	if (!ent)
		return udc_fail(e, ENOMEM, "out of memory");
	archive_entry_set_pathname(ent, name);
	archive_entry_set_filetype(ent, size < 0 ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(ent, size < 0 ? 0755 : 0644);
	archive_entry_set_size(ent, size < 0 ? 0 : size);
	archive_entry_set_mtime(ent, 0, 0); /* the same images give the same archive */
	r = archive_write_header(w, ent);
	archive_entry_free(ent);
	return r == ARCHIVE_OK ? 0 : write_failed(s, w, e);
}

/* Write len bytes of buf as the data of the current entry. */
static int put_data(struct save *s, struct archive *w, const void *buf, size_t len,
		    struct udc_error *e)
{
	la_ssize_t n = len ? archive_write_data(w, buf, len) : 0;

	return n == (la_ssize_t)len ? 0 : write_failed(s, w, e);
}

/* A regular file name holding buf. */
static int put_file(struct save *s, struct archive *w, const char *name, const char *buf,
		    size_t len, struct udc_error *e)
{
	if (put_header(s, w, name, (int64_t)len, e) < 0)
		return -e->code;
	return put_data(s, w, buf, len, e);
}

/* <diff_id>/ and <diff_id>/layer.tar: the stored layer, decompressed on the way. */
static int put_layer(struct save *s, struct archive *w, const struct save_layer *l,
		     struct udc_error *e)
{
	char buf[1 << 16]; /* on the stack: thread-local storage would cost every thread 64 kB */
	char name[80], what[80];
	struct reg_archive_raw *raw;
	uint64_t done = 0;
	ssize_t n = 0;
	int r;

	snprintf(name, sizeof(name), "%s/", l->diff);
	if (put_header(s, w, name, -1, e) < 0)
		return -e->code;
	snprintf(name, sizeof(name), "%s/layer.tar", l->diff);
	snprintf(what, sizeof(what), "layer sha256:%s", l->hex);
	if (put_header(s, w, name, (int64_t)l->usize, e) < 0)
		return -e->code;
	raw = reg_archive_raw_open(s, repo_layer_path(s, s->r, l->hex), what, e);
	r = raw ? 0 : -e->code;
	while (r == 0 && (n = reg_archive_raw_read(raw, buf, sizeof(buf), e)) > 0) {
		done += (uint64_t)n;
		r = done > l->usize ? udc_fail(e, EIO, "%s: changed while being saved", what)
				    : put_data(s, w, buf, (size_t)n, e);
	}
	if (r == 0 && n < 0)
		r = (int)n;
	if (r == 0 && done != l->usize)
		r = udc_fail(e, EIO, "%s: changed while being saved", what);
	talloc_free(raw);
	return r;
}

/* manifest.json: [{Config, RepoTags, Layers}] per image. */
static json_t *manifest_json(const struct save *s)
{
	json_t *list = json_array(), *tags, *layers;
	char name[96];

	for (size_t k = 0; list && k < s->nimgs; k++) {
		const struct save_image *img = &s->imgs[k];

		tags = json_array();
		layers = json_array();
		for (size_t i = 0; tags && i < img->ntags; i++)
			json_array_append_new(tags, json_string(img->tags[i]));
		for (size_t i = 0; layers && i < img->nlayers; i++) {
			snprintf(name, sizeof(name), "%s/layer.tar",
				 s->layers[img->layers[i]].diff);
			json_array_append_new(layers, json_string(name));
		}
		snprintf(name, sizeof(name), "%s.json", img->config_hex);
		json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "Config", name, "RepoTags",
						      tags, "Layers", layers));
	}
	return list;
}

/* repositories (old Docker): {"name": {"tag": "<id of the top layer>"}}. */
static json_t *repositories_json(const struct save *s)
{
	json_t *repos = json_object(), *tags;
	char name[512];

	for (size_t k = 0; repos && k < s->nimgs; k++) {
		const struct save_image *img = &s->imgs[k];

		for (size_t i = 0; img->nlayers && i < img->ntags; i++) {
			char *colon;

			snprintf(name, sizeof(name), "%s", img->tags[i]);
			colon = strrchr(name, ':');
			if (!colon || strchr(colon, '/'))
				continue;
			*colon = '\0';
			tags = json_object_get(repos, name);
			if (!tags)
				json_object_set_new(repos, name, tags = json_object());
			json_object_set_new(
			    tags, colon + 1,
			    json_string(s->layers[img->layers[img->nlayers - 1]].diff));
		}
	}
	return repos;
}

/* A JSON document as the file name. */
static int put_json(struct save *s, struct archive *w, const char *name, json_t *j,
		    struct udc_error *e)
{
	char *text = j ? own_str(s, json_dumps(j, JSON_COMPACT)) : NULL;

	json_decref(j);
	if (!text)
		return udc_fail(e, ENOMEM, "out of memory");
	return put_file(s, w, name, text, strlen(text), e);
}

/* Every entry of the archive: layers once each, configs once each, then the indexes. */
static int put_all(struct save *s, struct archive *w, struct udc_error *e)
{
	char name[80];
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->nlayers; i++) {
		size_t k = 0;

		while (k < i && strcmp(s->layers[k].diff, s->layers[i].diff) != 0)
			k++;
		if (k == i) /* two stored blobs (gzip and plain) may hold one tar */
			r = put_layer(s, w, &s->layers[i], e);
	}
	for (size_t i = 0; r == 0 && i < s->nimgs; i++) {
		snprintf(name, sizeof(name), "%s.json", s->imgs[i].config_hex);
		r = put_file(s, w, name, s->imgs[i].config, s->imgs[i].config_len, e);
	}
	if (r == 0)
		r = put_json(s, w, "manifest.json", manifest_json(s), e);
	if (r == 0)
		r = put_json(s, w, "repositories", repositories_json(s), e);
	return r;
}

/* Write the planned archive on fd. */
static int write_archive(struct save *s, int fd, struct udc_error *e)
{
	struct archive *w = archive_write_new();
	int r;

	if (!w)
		return udc_fail(e, ENOMEM, "out of memory");
	if (archive_write_set_format_pax_restricted(w) != ARCHIVE_OK ||
	    archive_write_add_filter_none(w) != ARCHIVE_OK ||
	    archive_write_open_fd(w, fd) != ARCHIVE_OK)
		r = write_failed(s, w, e);
	else
		r = put_all(s, w, e);
	if (archive_write_close(w) != ARCHIVE_OK && r == 0)
		r = write_failed(s, w, e);
	archive_write_free(w);
	return r;
}

/* Write images names[0..n) as a docker-save archive on out_fd. */
int reg_archive_save(struct repo *r, const char *const *names, size_t n, int out_fd,
		     const char *what, struct udc_error *e)
{
	struct save *s = talloc_zero(NULL, struct save);
	void *lock = s ? repo_lock(s, r, REPO_LOCK_LAYERS_SHARED, e) : NULL;
	int ret = lock ? 0 : (s ? -e->code : udc_fail(e, ENOMEM, "out of memory"));

	if (ret == 0) {
		s->r = r;
		s->what = what;
	}
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = plan_image(s, names[i], e);
	if (ret == 0)
		ret = write_archive(s, out_fd, e);
	talloc_free(s);
	return ret;
}

/* reg_archive_save into file, atomically when it is a regular file. */
int reg_archive_save_file(struct repo *r, const char *const *names, size_t n, const char *file,
			  struct udc_error *e)
{
	char *tmp;
	struct stat sb;
	int fd, ret;

	if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode))
		return udc_fail(e, EEXIST, "output file already exists: %s", file);
	if (stat(file, &sb) == 0) {
		fd = open(file, O_WRONLY | O_CLOEXEC);
		ret = fd < 0 ? udc_fail_sys(e, "%s", file)
			     : reg_archive_save(r, names, n, fd, file, e);
		if (fd >= 0 && close(fd) < 0 && ret == 0)
			ret = udc_fail_sys(e, "%s", file);
		return ret;
	}
	tmp = talloc_asprintf(NULL, "%s.tmp-%d", file, (int)getpid());
	fd = tmp ? open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
	if (fd < 0) {
		ret = tmp ? udc_fail_sys(e, "%s", file) : udc_fail(e, ENOMEM, "out of memory");
		talloc_free(tmp);
		return ret;
	}
	ret = reg_archive_save(r, names, n, fd, file, e);
	if (ret == 0 && fsync(fd) < 0)
		ret = udc_fail_sys(e, "%s", file);
	if (close(fd) < 0 && ret == 0)
		ret = udc_fail_sys(e, "%s", file);
	if (ret == 0 && rename(tmp, file) < 0)
		ret = udc_fail_sys(e, "%s", file);
	if (ret < 0)
		unlink(tmp);
	talloc_free(tmp);
	return ret;
}
