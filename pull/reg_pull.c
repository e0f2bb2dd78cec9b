/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_pull.c - pull one image: manifest (through an index), config and layers into the repo. */
#include "pull/reg_pull.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/layer_scan.h"
#include "common/log.h"
#include "common/own.h"

/* The target (host, repository, scheme) for ref. */
void reg_pull_target(const struct reg_ref *ref, int insecure, struct reg_target *t)
{
	t->host = ref->registry;
	t->repository = ref->repository;
	t->scheme = ref->scheme;
	t->insecure_ok = ref->insecure_ok || insecure;
}

/* GET manifests/<reference>, check its digest when known, parse it. */
static struct reg_manifest *get_manifest(TALLOC_CTX *mem_ctx, struct reg_client *c,
					 const struct reg_target *t, const char *reference,
					 const char *want_digest, const char *what, char **digest,
					 struct udc_error *e)
{
	char path[512], got[REG_DIGEST_LEN + 1];
	struct reg_response resp;

	snprintf(path, sizeof(path), "manifests/%s", reference);
	if (reg_get(c, t, path, reg_manifest_accept(), 0, mem_ctx, &resp, e) < 0)
		return NULL;
	if (want_digest && reg_digest_check(want_digest, resp.body, resp.len, e) < 0)
		return NULL;
	if (reg_digest_compute(resp.body, resp.len, got, e) < 0)
		return NULL;
	*digest = talloc_strdup(mem_ctx, got);
	return reg_manifest_parse(mem_ctx, resp.content_type, resp.body, resp.len, what, e);
}

/* The image manifest of ref for platform want, through an index when there is one. */
int reg_pull_manifest(TALLOC_CTX *mem_ctx, struct reg_client *c, const struct reg_ref *ref,
		      const struct reg_target *t, const struct reg_platform *want,
		      struct reg_manifest **m, char **digest, struct udc_error *e)
{
	char *what = reg_ref_str(mem_ctx, ref);
	const struct reg_descriptor *d;

	*m = get_manifest(mem_ctx, c, t, reg_ref_reference(ref), ref->digest, what, digest, e);
	if (!*m)
		return -e->code;
	if ((*m)->kind != REG_MANIFEST_INDEX)
		return 0;
	d = reg_manifest_pick(*m, want, e);
	if (!d)
		return -e->code;
	*m = get_manifest(mem_ctx, c, t, d->digest, d->digest, what, digest, e);
	if (!*m)
		return -e->code;
	if ((*m)->kind != REG_MANIFEST_IMAGE)
		return udc_fail(e, EBADMSG, "%s: index entry %s is not an image manifest", what,
				d->digest);
	return 0;
}

/* The blob jobs of m: config first, then each distinct layer. */
static struct reg_blob_job *blob_jobs(TALLOC_CTX *mem_ctx, const struct reg_manifest *m,
				      size_t *n)
{
	struct reg_blob_job *jobs = talloc_zero_array(mem_ctx, struct reg_blob_job, m->nlayers + 1);

	*n = 0;
	if (!jobs)
		return NULL;
	jobs[(*n)++] = (struct reg_blob_job){ m->config.digest, m->config.size, "config" };
	for (size_t i = 0; i < m->nlayers; i++) {
		size_t k = 0;

		while (k < *n && strcmp(jobs[k].digest, m->layers[i].digest) != 0)
			k++;
		if (k == *n)
			jobs[(*n)++] = (struct reg_blob_job){ m->layers[i].digest, m->layers[i].size,
							      m->layers[i].digest };
	}
	return jobs;
}

/* The hex digests of jobs not yet in layers/ (what this pull adds), NULL-terminated. */
static const char **new_blobs(TALLOC_CTX *mem_ctx, struct repo *r, const struct reg_blob_job *jobs,
			      size_t n)
{
	const char **hexes = talloc_zero_array(mem_ctx, const char *, n + 1);
	size_t k = 0;
	char rel[80];

	for (size_t i = 0; hexes && i < n; i++) {
		snprintf(rel, sizeof(rel), "layers/%s", jobs[i].digest + 7);
		if (faccessat(r->fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			hexes[k++] = jobs[i].digest + 7;
	}
	return hexes;
}

/* Read and check the config blob; the parsed JSON is owned by mem_ctx. */
static json_t *read_config(TALLOC_CTX *mem_ctx, struct repo *r, const struct reg_manifest *m,
			   struct udc_error *e)
{
	char *path = repo_layer_path(mem_ctx, r, m->config.digest + 7);
	size_t len;
	char *body = path ? reg_read_file(mem_ctx, path, &len, e) : NULL;
	json_error_t jerr;
	json_t *j;

	if (!body || reg_config_check(body, len, m->nlayers, e) < 0)
		return NULL;
	j = own_json(mem_ctx, json_loadb(body, len, 0, &jerr));
	if (!j)
		udc_fail(e, EBADMSG, "config %s: %s", m->config.digest, jerr.text);
	return j;
}

/* Check every layer this pull added end to end (complete tar, no entry escaping). */
static int scan_new_layers(TALLOC_CTX *mem_ctx, struct repo *r, const struct reg_manifest *m,
			   const char *const *added, struct udc_error *e)
{
	for (size_t i = 0; i < m->nlayers; i++) {
		const char *hex = m->layers[i].digest + 7;
		int is_new = 0;

		for (const char *const *a = added; *a && !is_new; a++)
			is_new = !strcmp(*a, hex);
		if (is_new && layer_scan(repo_layer_path(mem_ctx, r, hex), m->layers[i].digest, e) < 0)
			return -e->code;
	}
	return 0;
}

/* The image record of a pulled image. */
static json_t *pulled_record(const char *local, const struct reg_manifest *m, json_t *config,
			     const char *manifest_digest, const char *source)
{
	json_t *layers = json_array();
	char created[32];
	time_t now = time(NULL);
	struct tm tm;

	for (size_t i = 0; layers && i < m->nlayers; i++)
		json_array_append_new(layers, json_pack("{s:s, s:I, s:s}", "digest",
							m->layers[i].digest, "size",
							(json_int_t)m->layers[i].size, "mediaType",
							m->layers[i].media_type ?: ""));
	gmtime_r(&now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s, s:s, s:b, s:o, s:O, s:s, s:s, s:s}", "ref", local, "created",
			 created, "protected", 0, "layers", layers, "config", config,
			 "config_digest", m->config.digest, "manifest_digest", manifest_digest,
			 "source", source);
}

/* The hex digests of the blobs of the record local replaces (NULL-terminated), or NULL. */
static const char **replaced_blobs(TALLOC_CTX *mem_ctx, struct repo *r, const char *local)
{
	json_t *old = repo_image_get(mem_ctx, r, local, NULL);
	json_t *layers = old ? json_object_get(old, "layers") : NULL;
	const char **hexes = old ? talloc_zero_array(mem_ctx, const char *,
						      json_array_size(layers) + 2)
				 : NULL;
	size_t n = 0;
	const char *d;

	if (!hexes)
		return NULL;
	for (size_t i = 0; i < json_array_size(layers); i++)
		if ((d = json_string_value(json_object_get(json_array_get(layers, i), "digest"))) &&
		    strlen(d) > 7)
			hexes[n++] = d + 7;
	if ((d = json_string_value(json_object_get(old, "config_digest"))) && strlen(d) > 7)
		hexes[n++] = d + 7;
	return hexes;
}

/* Write the record under META; *replaced gets the blobs of the record it replaced. */
static int commit_image(TALLOC_CTX *mem_ctx, struct repo *r, const char *local, json_t *rec,
			const char ***replaced, struct udc_error *e)
{
	void *lock = repo_lock(mem_ctx, r, REPO_LOCK_META, e);
	int ret = lock ? 0 : -e->code;

	if (ret == 0)
		*replaced = replaced_blobs(mem_ctx, r, local);
	if (ret == 0)
		ret = repo_image_put(r, local, rec, e);
	talloc_free(lock);
	return ret;
}

/* The local name: as Docker shows the reference; with --registry, the name as typed (as
 * udocker stores it, so that `pull --registry=R busybox` then `create busybox` works). */
static char *local_name(TALLOC_CTX *mem_ctx, const char *name, const char *registry,
			const struct reg_ref *ref)
{
	struct reg_ref *typed = registry ? reg_ref_parse(mem_ctx, name, NULL, NULL) : NULL;

	return reg_ref_local_name(mem_ctx, typed && !strcmp(typed->registry, REG_DOCKER_HUB)
						   ? typed
						   : ref);
}

struct pull_state {
	struct repo *r;
	struct reg_client *c;
	struct reg_ref *ref;
	struct reg_target t;
	struct reg_manifest *m;
	char *digest, *local;
	const char **added, **replaced;
};

/* Download, check and record the image of s->m. The caller holds LAYERS_SHARED. */
static int fetch_and_record(TALLOC_CTX *tmp, struct pull_state *s, const struct reg_pull_opts *o,
			    struct udc_error *e)
{
	size_t n;
	struct reg_blob_job *jobs = blob_jobs(tmp, s->m, &n);
	json_t *config, *rec;
	char *source;

	if (!jobs || !(s->added = new_blobs(tmp, s->r, jobs, n)))
		return udc_fail(e, ENOMEM, "out of memory");
	if (o->announce)
		o->announce(o->progress_arg, jobs, n);
	if (reg_blobs_fetch(s->c, &s->t, s->r, jobs, n, o->progress, o->progress_arg, e) < 0)
		return -e->code;
	if (!(config = read_config(tmp, s->r, s->m, e)))
		return -e->code;
	if (scan_new_layers(tmp, s->r, s->m, s->added, e) < 0)
		return -e->code;
	source = talloc_asprintf(tmp, "%s/%s", s->ref->registry, s->ref->repository);
	rec = own_json(tmp, pulled_record(s->local, s->m, config, s->digest, source ?: ""));
	if (!rec)
		return udc_fail(e, ENOMEM, "out of memory");
	return commit_image(tmp, s->r, s->local, rec, &s->replaced, e);
}

/* Pull name into the repository r. */
int reg_pull(TALLOC_CTX *mem_ctx, struct repo *r, struct reg_client *c, const char *name,
	     const struct reg_pull_opts *o, char **local, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct pull_state s = { .r = r, .c = c };
	struct reg_platform want;
	void *lock = NULL;
	int ret = -EINVAL;

	reg_platform_host(&want);
	if (o->platform && reg_platform_parse(o->platform, &want, e) < 0)
		goto out;
	s.ref = reg_ref_parse(tmp, name, o->registry, e);
	if (!s.ref)
		goto out;
	reg_pull_target(s.ref, o->insecure, &s.t);
	s.local = local_name(tmp, name, o->registry, s.ref);
	ret = reg_pull_manifest(tmp, c, s.ref, &s.t, &want, &s.m, &s.digest, e);
	if (ret == 0 && !(lock = repo_lock(tmp, r, REPO_LOCK_LAYERS_SHARED, e)))
		ret = -EIO;
	if (ret == 0)
		ret = fetch_and_record(tmp, &s, o, e);
	talloc_free(lock);
	if (ret < 0 && s.added)
		repo_layer_drop_unused(r, s.added, NULL);
	if (ret == 0 && s.replaced) /* a tag moved: its old blobs go unless still used */
		repo_layer_drop_unused(r, s.replaced, NULL);
	if (ret < 0)
		udc_wrap(e, "pull %s", name);
	if (ret == 0)
		*local = talloc_strdup(mem_ctx, s.local);
out:
	talloc_free(tmp);
	return ret;
}
