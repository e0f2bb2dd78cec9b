/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_archive_load.c - load an image archive: stage and verify blobs, check layers, commit. */
#include "pull/reg_archive.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/img_ref.h"
#include "common/layer_scan.h"
#include "common/own.h"
#include "pull/reg_manifest.h"
#include "pull/reg_ref.h"

#define ARCHIVE_MAX_JSON (16 << 20) /* manifests, indexes and configs are small */

/* The staged blob taken from archive file name, or NULL. */
static struct reg_archive_blob *blob_find(struct reg_archive_load *ld, const char *name)
{
	for (size_t i = 0; i < ld->nblobs; i++)
		if (!strcmp(ld->blobs[i].src, name))
			return &ld->blobs[i];
	return NULL;
}

/* Hash an extracted file and link it into the stage under its digest (no copy). */
static int stage_linked(struct reg_archive_load *ld, const char *name, char hex[65], uint64_t *size,
			struct udc_error *e)
{
	if (digest_file_at(ld->dirfd, name, hex, size, e) < 0)
		return udc_wrap(e, "%s", ld->label);
	if (linkat(ld->dirfd, name, ld->st->fd, hex, 0) < 0 && errno != EEXIST)
		return udc_fail_sys(e, "%s: %s: cannot stage", ld->label, name);
	return 0;
}

/* Copy a file of the user's directory into the stage, hashing it. */
static int stage_copied(struct reg_archive_load *ld, const char *name, char hex[65], uint64_t *size,
			struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = openat(ld->dirfd, name, O_RDONLY | O_CLOEXEC);
	char what[512];

	snprintf(what, sizeof(what), "%s: %s", ld->label, name);
	if (fd < 0)
		return udc_fail_sys(e, "%s", what);
	return repo_layer_stage_fd(ld->st, fd, what, hex, size, e);
}

/* Remember that name was staged as hex. */
static int blob_remember(struct reg_archive_load *ld, const char *name, const char *hex,
			 uint64_t size, struct udc_error *e)
{
	struct reg_archive_blob *b =
	    talloc_realloc(ld, ld->blobs, struct reg_archive_blob, ld->nblobs + 1);

	if (!b)
		return udc_fail(e, ENOMEM, "out of memory");
	ld->blobs = b;
	b = &b[ld->nblobs];
	b->src = talloc_strdup(ld->blobs, name);
	memcpy(b->hex, hex, 65);
	b->size = size;
	if (!b->src)
		return udc_fail(e, ENOMEM, "out of memory");
	ld->nblobs++;
	return 0;
}

/* Stage archive file name as stage/<sha256>, checking the digest its name promises. */
int reg_archive_blob_stage(struct reg_archive_load *ld, const char *name, const char *want_hex,
			   char hex[65], uint64_t *size, struct udc_error *e)
{
	struct reg_archive_blob *b = blob_find(ld, name);
	int r;

	hex[0] = '\0';
	*size = 0;
	if (!reg_archive_name_safe(name))
		return udc_fail(e, EPERM, "%s: '%s' is outside the archive", ld->label, name);
	if (b) {
		memcpy(hex, b->hex, 65);
		*size = b->size;
		return 0;
	}
	if (faccessat(ld->dirfd, name, F_OK, 0) < 0)
		return udc_fail_sys(e, "%s: %s", ld->label, name);
	r = ld->extracted ? stage_linked(ld, name, hex, size, e)
			  : stage_copied(ld, name, hex, size, e);
	if (r < 0)
		return r;
	if (want_hex && strcmp(hex, want_hex) != 0)
		return udc_fail(e, EBADMSG, "%s: blob sha256:%s: digest mismatch (got sha256:%s)",
				ld->label, want_hex, hex);
	return blob_remember(ld, name, hex, *size, e);
}

/* Read all of fd (at most ARCHIVE_MAX_JSON bytes) into a NUL-terminated buffer. */
static char *read_fd(TALLOC_CTX *mem_ctx, int fd, const char *what, size_t *len,
		     struct udc_error *e)
{
	struct stat sb;
	char *buf;
	ssize_t n;

	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size > ARCHIVE_MAX_JSON) {
		udc_fail(e, EBADMSG, "%s: not a regular file of at most 16 MiB", what);
		return NULL;
	}
	buf = talloc_size(mem_ctx, (size_t)sb.st_size + 1);
	if (!buf) {
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	for (*len = 0; *len < (size_t)sb.st_size; *len += (size_t)n) {
		n = read(fd, buf + *len, (size_t)sb.st_size - *len);
		if (n <= 0) {
			udc_fail(e, n < 0 ? errno : EIO, "%s: read failed", what);
			talloc_free(buf);
			return NULL;
		}
	}
	buf[*len] = '\0';
	return buf;
}

/* The bytes of archive file name (a JSON document), checked against want_digest. */
char *reg_archive_read(TALLOC_CTX *mem_ctx, struct reg_archive_load *ld, const char *name,
		       const char *want_digest, size_t *len, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;
	char *buf;

	if (!reg_archive_name_safe(name)) {
		udc_fail(e, EPERM, "%s: '%s' is outside the archive", ld->label, name);
		return NULL;
	}
	fd = openat(ld->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		udc_fail_sys(e, "%s: %s", ld->label, name);
		return NULL;
	}
	buf = read_fd(mem_ctx, fd, name, len, e);
	if (buf && want_digest && reg_digest_check(want_digest, buf, *len, e) < 0) {
		talloc_free(buf);
		buf = NULL;
	}
	if (!buf)
		udc_wrap(e, "%s", ld->label);
	return buf;
}

/* Stage and parse the config blob of img. */
int reg_archive_config(struct reg_archive_load *ld, struct reg_archive_image *img, const char *name,
		       const char *want_hex, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = -1;
	uint64_t size;
	size_t len;
	char *body;
	json_error_t jerr;

	if (reg_archive_blob_stage(ld, name, want_hex, img->config_hex, &size, e) < 0)
		return -e->code;
	fd = openat(ld->st->fd, img->config_hex, O_RDONLY | O_CLOEXEC);
	body = fd >= 0 ? read_fd(ld, fd, name, &len, e) : NULL;
	if (!body)
		return fd < 0 ? udc_fail_sys(e, "%s: %s", ld->label, name)
			      : udc_wrap(e, "%s", ld->label);
	if (reg_config_check(body, len, img->nlayers, e) < 0)
		return udc_wrap(e, "%s: config %s", ld->label, name);
	img->config = own_json(ld, json_loadb(body, len, 0, &jerr));
	talloc_free(body);
	if (!img->config)
		return udc_fail(e, EBADMSG, "%s: config %s: %s", ld->label, name, jerr.text);
	return 0;
}

/* Add the reference s to img->refs as Docker shows it ("docker.io/library/x:1" -> "x:1"). */
int reg_archive_add_ref(struct reg_archive_load *ld, struct reg_archive_image *img, const char *s,
			struct udc_error *e)
{
	struct reg_ref *ref = reg_ref_parse(ld, s, NULL, e);
	char *local = ref ? reg_ref_local_name(ld, ref) : NULL;
	char **refs;

	if (ref && !local)
		return udc_fail(e, ENOMEM, "out of memory");
	if (!local || !img_ref_parse(ld, local, e))
		return udc_wrap(e, "%s: image name", ld->label);
	refs = talloc_realloc(ld, img->refs, char *, img->nrefs + 1);
	if (!refs)
		return udc_fail(e, ENOMEM, "out of memory");
	img->refs = refs;
	refs[img->nrefs++] = talloc_steal(refs, local);
	return 0;
}

/* A new, empty image in ld->imgs. */
struct reg_archive_image *reg_archive_image_new(struct reg_archive_load *ld, struct udc_error *e)
{
	struct reg_archive_image *imgs =
	    talloc_realloc(ld, ld->imgs, struct reg_archive_image, ld->nimgs + 1);

	if (!imgs) {
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	ld->imgs = imgs;
	memset(&imgs[ld->nimgs], 0, sizeof(*imgs));
	return &imgs[ld->nimgs++];
}

/* 1 when layers/<hex> exists already. */
static int in_repo(struct repo *r, const char *hex)
{
	char rel[80];

	snprintf(rel, sizeof(rel), "layers/%s", hex);
	return faccessat(r->fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Check layer i of img: a complete tar that stays in its root, the config's diff_id. */
static int check_layer(TALLOC_CTX *tmp, struct reg_archive_load *ld,
		       const struct reg_archive_image *img, size_t i, struct udc_error *e)
{
	const char *hex = img->layers[i].hex;
	char *path = talloc_asprintf(tmp, "%s/%s/%s", ld->st->repo->dir, ld->st->name, hex);
	char *what = talloc_asprintf(tmp, "sha256:%s", hex);
	json_t *ids = json_object_get(json_object_get(img->config, "rootfs"), "diff_ids");
	const char *want = json_string_value(json_array_get(ids, i));
	char got[65];
	uint64_t size;

	if (!path || !what)
		return udc_fail(e, ENOMEM, "out of memory");
	if (layer_scan(path, what, e) < 0)
		return udc_wrap(e, "%s", ld->label);
	if (!want)
		return 0;
	if (reg_archive_diff_id(path, what, got, &size, e) < 0)
		return udc_wrap(e, "%s: layer", ld->label);
	if (strcmp(want + 7, got) != 0)
		return udc_fail(e, EBADMSG,
				"%s: layer %s: uncompressed digest sha256:%s is not "
				"the config's diff_id %s",
				ld->label, what, got, want);
	return 0;
}

/* Check every layer this load adds (each distinct blob once). */
static int check_layers(struct reg_archive_load *ld, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char **seen = talloc_zero_array(tmp, const char *, ld->nblobs + 1);
	size_t nseen = 0;
	int r = seen ? 0 : udc_fail(e, ENOMEM, "out of memory");

	for (size_t k = 0; r == 0 && k < ld->nimgs; k++) {
		for (size_t i = 0; r == 0 && i < ld->imgs[k].nlayers; i++) {
			const char *hex = ld->imgs[k].layers[i].hex;
			size_t j = 0;

			while (j < nseen && strcmp(seen[j], hex) != 0)
				j++;
			if (j < nseen || in_repo(ld->st->repo, hex))
				continue;
			if (nseen < ld->nblobs)
				seen[nseen++] = hex;
			r = check_layer(tmp, ld, &ld->imgs[k], i, e);
		}
	}
	talloc_free(tmp);
	return r;
}

/* The record of a loaded image, as reg_pull writes it (config_digest: save writes it back). */
static json_t *image_record(const char *ref, const struct reg_archive_image *img,
			    const char *source)
{
	json_t *layers = json_array(), *rec;
	char created[32], digest[80];
	time_t now = time(NULL);
	struct tm tm;

	for (size_t i = 0; layers && i < img->nlayers; i++) {
		snprintf(digest, sizeof(digest), "sha256:%s", img->layers[i].hex);
		json_array_append_new(layers, json_pack("{s:s, s:I, s:s}", "digest", digest, "size",
							(json_int_t)img->layers[i].size,
							"mediaType", img->layers[i].media_type));
	}
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(digest, sizeof(digest), "sha256:%s", img->config_hex);
	rec = json_pack("{s:s, s:s, s:b, s:o, s:O, s:s, s:s}", "ref", ref, "created", created,
			"protected", 0, "layers", layers, "config", img->config, "config_digest",
			digest, "source", source);
	if (rec && img->manifest_digest)
		json_object_set_new(rec, "manifest_digest", json_string(img->manifest_digest));
	return rec;
}

struct load_commit {
	const char **added;    /* blobs this load put into layers/, NULL-terminated */
	const char **replaced; /* blobs of the records it replaced, NULL-terminated */
	size_t nreplaced;
	char **refs;  /* every name written, in order */
	json_t **old; /* the record each replaced, or NULL */
	size_t nput;
};

/* Remember the blobs of the record old (about to be replaced). */
static int note_replaced(struct load_commit *c, json_t *old)
{
	json_t *l;
	size_t i, n = json_array_size(json_object_get(old, "layers")) + 1;
	const char *d, **rep = talloc_realloc(c, c->replaced, const char *, c->nreplaced + n + 1);

	if (!rep)
		return -ENOMEM;
	c->replaced = rep;
	json_array_foreach(json_object_get(old, "layers"), i,
			   l) if ((d = json_string_value(json_object_get(l, "digest"))) &&
				  strlen(d) > 7) rep[c->nreplaced++] = d + 7;
	if ((d = json_string_value(json_object_get(old, "config_digest"))) && strlen(d) > 7)
		rep[c->nreplaced++] = d + 7;
	rep[c->nreplaced] = NULL;
	return 0;
}

/* Write the record of ref, remembering the one it replaces. Caller holds META. */
static int put_record(struct load_commit *c, struct reg_archive_load *ld, const char *ref,
		      const struct reg_archive_image *img, struct udc_error *e)
{
	struct repo *r = ld->st->repo;
	json_t *old = repo_image_get(c, r, ref, e);
	json_t *rec = own_json(c, image_record(ref, img, ld->label));

	if (!old && e->code != ENOENT)
		return udc_wrap(e, "%s", ld->label);
	if (!rec || (old && note_replaced(c, old) < 0))
		return udc_fail(e, ENOMEM, "out of memory");
	c->refs[c->nput] = talloc_strdup(c->refs, ref);
	c->old[c->nput] = old;
	if (!c->refs[c->nput])
		return udc_fail(e, ENOMEM, "out of memory");
	if (repo_image_put(r, ref, rec, e) < 0)
		return udc_wrap(e, "%s", ld->label);
	c->nput++;
	return 0;
}

/* Put back the records put_record replaced (a later one failed). Caller holds META. */
static void undo_records(struct load_commit *c, struct repo *r)
{
	struct udc_error ignored;

	while (c->nput-- > 0) {
		if (c->old[c->nput])
			repo_image_put(r, c->refs[c->nput], c->old[c->nput], &ignored);
		else
			repo_image_del(r, c->refs[c->nput], &ignored);
	}
}

/* Move every staged blob into layers/, noting those that were not there. Caller holds META. */
static int commit_blobs(struct load_commit *c, struct reg_archive_load *ld, struct udc_error *e)
{
	size_t n = 0;

	c->added = talloc_zero_array(c, const char *, ld->nblobs + 1);
	if (!c->added)
		return udc_fail(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < ld->nblobs; i++) {
		const char *hex = ld->blobs[i].hex;
		int dup = 0;

		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(c->added[k], hex);
		if (dup || in_repo(ld->st->repo, hex))
			continue;
		if (repo_layer_commit(ld->st, hex, e) < 0)
			return udc_wrap(e, "%s", ld->label);
		c->added[n++] = hex;
	}
	return 0;
}

/* Commit blobs, then records, under LAYERS_SHARED and META; records undone on failure. */
static int commit_all(struct load_commit *c, struct reg_archive_load *ld, size_t nrefs,
		      struct udc_error *e)
{
	void *l1 = repo_lock(NULL, ld->st->repo, REPO_LOCK_LAYERS_SHARED, e);
	void *l2 = l1 ? repo_lock(l1, ld->st->repo, REPO_LOCK_META, e) : NULL;
	int r = l2 ? 0 : -e->code;

	c->refs = talloc_zero_array(c, char *, nrefs + 1);
	c->old = talloc_zero_array(c, json_t *, nrefs + 1);
	if (r == 0 && (!c->refs || !c->old))
		r = udc_fail(e, ENOMEM, "out of memory");
	if (r == 0)
		r = commit_blobs(c, ld, e);
	for (size_t k = 0; r == 0 && k < ld->nimgs; k++)
		for (size_t j = 0; r == 0 && j < ld->imgs[k].nrefs; j++)
			r = put_record(c, ld, ld->imgs[k].refs[j], &ld->imgs[k], e);
	if (r < 0 && c->refs && c->old)
		undo_records(c, ld->st->repo);
	talloc_free(l1);
	return r;
}

/* Every name once across the archive, and at least one image. Returns the name count. */
static ssize_t check_names(struct reg_archive_load *ld, struct udc_error *e)
{
	size_t n = 0;

	if (ld->nimgs == 0)
		return udc_fail(e, EBADMSG, "%s: the archive holds no image", ld->label);
	for (size_t k = 0; k < ld->nimgs; k++)
		for (size_t j = 0; j < ld->imgs[k].nrefs; j++, n++)
			for (size_t k2 = 0; k2 <= k; k2++)
				for (size_t j2 = 0; j2 < (k2 == k ? j : ld->imgs[k2].nrefs); j2++)
					if (!strcmp(ld->imgs[k].refs[j], ld->imgs[k2].refs[j2]))
						return udc_fail(e, EEXIST,
								"%s: two images named %s",
								ld->label, ld->imgs[k].refs[j]);
	return (ssize_t)n;
}

/* Plan, check and commit the archive rooted at ld->dirfd. */
static int load_dir(TALLOC_CTX *mem_ctx, struct reg_archive_load *ld, char ***refs, size_t *n,
		    struct udc_error *e)
{
	struct load_commit *c = talloc_zero(NULL, struct load_commit);
	int docker = faccessat(ld->dirfd, "manifest.json", F_OK, 0) == 0;
	ssize_t nrefs;
	int r;

	if (!c)
		return udc_fail(e, ENOMEM, "out of memory");
	if (!docker && faccessat(ld->dirfd, "index.json", F_OK, 0) < 0)
		r = udc_fail(e, EBADMSG,
			     "%s: not an image archive (no manifest.json or index.json)",
			     ld->label);
	else
		r = docker ? reg_archive_docker_plan(ld, e) : reg_archive_oci_plan(ld, e);
	nrefs = r == 0 ? check_names(ld, e) : -1;
	if (r == 0 && nrefs < 0)
		r = (int)nrefs;
	if (r == 0)
		r = check_layers(ld, e);
	if (r == 0)
		r = commit_all(c, ld, (size_t)nrefs, e);
	if (r < 0 && c->added)
		repo_layer_drop_unused(ld->st->repo, c->added, NULL);
	if (r == 0 && c->replaced) /* a tag moved: its old blobs go unless still used */
		repo_layer_drop_unused(ld->st->repo, c->replaced, NULL);
	if (r == 0) {
		*refs = talloc_steal(mem_ctx, c->refs);
		*n = c->nput;
	}
	talloc_free(c);
	return r;
}

/* Open src: a directory is read in place, a tar file (or stdin) is extracted first. */
static int open_source(struct reg_archive_load *ld, const char *src, struct udc_error *e)
{
	int fd = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	struct stat sb;
	int r;

	if (fd < 0 || fstat(fd, &sb) < 0) {
		r = udc_fail_sys(e, "%s", ld->label);
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (S_ISDIR(sb.st_mode)) {
		ld->dirfd = fd;
		return own_fd(ld, fd) ? 0 : udc_fail(e, ENOMEM, "out of memory");
	}
	r = reg_archive_extract(ld->st, fd, "archive", ld->label, e);
	close(fd);
	if (r < 0)
		return r;
	ld->dirfd = openat(ld->st->fd, "archive", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ld->dirfd < 0 || !own_fd(ld, ld->dirfd))
		return udc_fail_sys(e, "%s: cannot stage", ld->label);
	ld->extracted = 1;
	return 0;
}

/* Load every image of src into r; see reg_archive.h. */
int reg_archive_load(TALLOC_CTX *mem_ctx, struct repo *r, const char *src, const char *name,
		     char ***refs, size_t *n, struct udc_error *e)
{
	struct reg_archive_load *ld = talloc_zero(NULL, struct reg_archive_load);
	int ret;

	if (!ld || !(ld->label = strcmp(src, "-") ? talloc_strdup(ld, src) : "stdin")) {
		talloc_free(ld);
		return udc_fail(e, ENOMEM, "out of memory");
	}
	ld->dirfd = -1;
	ld->name = name;
	ld->st = repo_stage_new(ld, r, e);
	if (!ld->st) {
		talloc_free(ld);
		return -e->code;
	}
	ret = open_source(ld, src, e);
	if (ret == 0)
		ret = load_dir(mem_ctx, ld, refs, n, e);
	talloc_free(ld);
	return ret;
}
