/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_blob.c - download blobs in parallel (libcurl multi), hashing, resuming, renaming. */
#include "pull/reg_blob.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "pull/reg_auth.h"

#define BLOB_MAX_REDIRECTS 5
#define BLOB_REPORT_MS 100 /* progress: at most ~10 calls a second per job */
#define BLOB_LOCK_POLL_MS 200

enum blob_phase { B_PENDING, B_ACTIVE, B_FINISHED, B_DUP };

struct fetch;

struct blob {
	struct fetch *f;
	size_t idx;
	const struct reg_blob_job *job;
	char hex[DIGEST_HEX_LEN + 1];
	char partial[DIGEST_HEX_LEN + 16]; /* "<hex>.partial" under tmp/blobs */
	int fd;				   /* the partial, flock'ed; -1 before */
	EVP_MD_CTX *md;			   /* sha256 of the partial's have bytes */
	int64_t have;
	int64_t had; /* bytes the partial held when this fetch took it (what an earlier one left) */
	struct reg_xfer *x;
	struct reg_xfer_req rq; /* the current request (rq.url: after redirects) */
	char *url0;		/* the blob's URL on the registry */
	int attempt, hops, reauthed, decided, waiting;
	int64_t not_before, last_report;
	enum blob_phase phase;
	size_t dup_of;
};

struct fetch {
	struct reg_client *c;
	const struct reg_target *t;
	struct repo *r;
	CURLM *m;
	struct blob **b;
	size_t n;
	int running;
	char *scope;
	int tmpfd, layersfd;
	reg_progress_fn progress;
	void *arg;
	struct udc_error *e;
	int failed;
};

/* ---- owners ---------------------------------------------------------------------------- */

static int blob_destructor(struct blob *b)
{
	if (b->fd >= 0)
		close(b->fd); /* releases the flock */
	EVP_MD_CTX_free(b->md);
	return 0;
}

/* A partial this fetch holds locked and started itself goes when the fetch ends without it:
 * empty (nothing to resume), or cut short because another blob failed (the failure is the
 * registry's answer, not an interruption). A partial an earlier fetch left stays, and so does
 * one whose own transfer broke (FAILED): the next pull resumes those. */
static void drop_own_partial(struct fetch *f, struct blob *b)
{
	struct stat st;

	if (!b || b->fd < 0 || f->tmpfd < 0 || b->had > 0 || fstat(b->fd, &st) < 0)
		return;
	if (st.st_size == 0 || b->phase == B_ACTIVE)
		unlinkat(f->tmpfd, b->partial, 0);
}

/* Runs before the blobs (talloc frees children after the parent's destructor): detach every
 * easy handle, then the multi handle goes. */
static int fetch_destructor(struct fetch *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->b[i] && f->b[i]->phase == B_ACTIVE)
			curl_multi_remove_handle(f->m, f->b[i]->x->h);
		drop_own_partial(f, f->b[i]);
	}
	if (f->m)
		curl_multi_cleanup(f->m);
	if (f->tmpfd >= 0)
		close(f->tmpfd);
	if (f->layersfd >= 0)
		close(f->layersfd);
	return 0;
}

/* ---- reporting ------------------------------------------------------------------------- */

static void report(struct blob *b, int state)
{
	struct fetch *f = b->f;

	b->last_report = reg_now_ms();
	if (f->progress)
		f->progress(f->arg, b->idx, b->have, b->job->size, state);
}

/* Record the first failure (e already filled by the caller into f->e). */
static int blob_fail(struct blob *b, int r)
{
	b->phase = B_FINISHED;
	b->f->failed = 1;
	report(b, REG_BLOB_FAILED);
	return r;
}

static void hex_of(const unsigned char *md, unsigned int len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * (size_t)len] = '\0';
}

/* ---- the partial file ------------------------------------------------------------------ */

static int md_reset(struct blob *b)
{
	if (!b->md && !(b->md = EVP_MD_CTX_new()))
		return -ENOMEM;
	return EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) ? 0 : -EIO;
}

/* Empty the partial: the next bytes start the blob again. */
static int restart(struct blob *b)
{
	struct udc_error *e = b->f->e;

	b->have = 0;
	if (ftruncate(b->fd, 0) < 0)
		return udc_fail_sys(e, "blob sha256:%s: %s", b->hex, b->partial);
	return md_reset(b) < 0 ? udc_fail(e, EIO, "blob sha256:%s: sha256 failed", b->hex) : 0;
}

/* Hash the bytes a previous fetch left in the partial, to resume after them. */
static int rehash(struct blob *b, int64_t size)
{
	char buf[1 << 16];
	int64_t off = 0;

	if (md_reset(b) < 0)
		return udc_fail(b->f->e, EIO, "blob sha256:%s: sha256 failed", b->hex);
	while (off < size) {
		ssize_t n = pread(b->fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return udc_fail_sys(b->f->e, "blob sha256:%s: %s", b->hex, b->partial);
		if (n == 0 || !EVP_DigestUpdate(b->md, buf, (size_t)n))
			break;
		off += n;
	}
	b->have = off;
	return 0;
}

/* Continue after what a previous fetch left in the partial (hashed again), or start empty. */
static int resume(struct blob *b)
{
	struct stat sb;

	if (fstat(b->fd, &sb) < 0)
		return udc_fail_sys(b->f->e, "blob sha256:%s: %s", b->hex, b->partial);
	if (b->job->size >= 0 && sb.st_size > b->job->size)
		return restart(b);
	b->had = sb.st_size;
	return rehash(b, sb.st_size);
}

/* 1 when fd still is the file named partial (not unlinked or replaced since it was opened). */
static int still_named(struct blob *b, int fd)
{
	struct stat a, n;

	return fstat(fd, &a) == 0 && fstatat(b->f->tmpfd, b->partial, &n, 0) == 0 &&
	       a.st_dev == n.st_dev && a.st_ino == n.st_ino;
}

static int in_layers(struct blob *b)
{
	return faccessat(b->f->layersfd, b->hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Open and lock the partial. 1: locked (b->fd); 0: another process holds it, try later;
 * 2: the blob appeared in layers/ meanwhile; -errno plus e. */
static int open_locked(struct blob *b)
{
	struct udc_error *e = b->f->e;

	for (int tries = 0; tries < 100; tries++) {
		int fd = openat(b->f->tmpfd, b->partial, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return udc_fail_sys(e, "blob sha256:%s: tmp/blobs/%s", b->hex, b->partial);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int err = errno;

			close(fd);
			if (err == EWOULDBLOCK || err == EINTR)
				return 0;
			errno = err;
			return udc_fail_sys(e, "blob sha256:%s: lock %s", b->hex, b->partial);
		}
		if (in_layers(b)) {
			/* the holder finished; drop the empty file we may have just created */
			if (still_named(b, fd))
				unlinkat(b->f->tmpfd, b->partial, 0);
			close(fd);
			return 2;
		}
		if (still_named(b, fd)) {
			b->fd = fd;
			return 1;
		}
		close(fd); /* deleted after a mismatch while we waited: open the new one */
	}
	return udc_fail(e, EBUSY, "blob sha256:%s: %s keeps changing", b->hex, b->partial);
}

/* ---- finishing ------------------------------------------------------------------------- */

/* The partial holds the whole blob: check the digest, fsync, rename into layers/. */
static int commit(struct blob *b)
{
	struct fetch *f = b->f;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char got[2 * EVP_MAX_MD_SIZE + 1];

	if (!EVP_DigestFinal_ex(b->md, md, &len))
		return blob_fail(b, udc_fail(f->e, EIO, "blob sha256:%s: sha256 failed", b->hex));
	hex_of(md, len, got);
	if (strcmp(got, b->hex) != 0) {
		unlinkat(f->tmpfd, b->partial, 0);
		return blob_fail(b, udc_fail(f->e, EBADMSG,
					     "blob sha256:%s: digest mismatch (got sha256:%s)",
					     b->hex, got));
	}
	if (fsync(b->fd) < 0 || renameat(f->tmpfd, b->partial, f->layersfd, b->hex) < 0)
		return blob_fail(b, udc_fail_sys(f->e, "blob sha256:%s: cannot store", b->hex));
	fsync(f->layersfd);
	close(b->fd);
	b->fd = -1;
	b->phase = B_FINISHED;
	report(b, REG_BLOB_DONE);
	return 0;
}

/* ---- the body sink --------------------------------------------------------------------- */

/* The first bytes of a 2xx answer: 206 must continue where the partial ends, 200 restarts. */
static int decide(struct blob *b)
{
	struct reg_xfer *x = b->x;
	long long from = -1;

	b->decided = 1;
	if (x->status != 206)
		return b->have > 0 ? restart(b) : 0;
	if (!x->content_range || sscanf(x->content_range, "bytes %lld-", &from) != 1 ||
	    from != b->have)
		return udc_fail(b->f->e, ERANGE,
				"blob sha256:%s: %s: Content-Range '%s' does not "
				"continue at %lld",
				b->hex, x->url, x->content_range ? x->content_range : "",
				(long long)b->have);
	return 0;
}

static int sink(void *arg, const char *p, size_t n)
{
	struct blob *b = arg;
	int64_t size = b->job->size;
	int r;

	if (!b->decided && (r = decide(b)) < 0)
		return r;
	if (size >= 0 && b->have + (int64_t)n > size)
		return udc_fail(b->f->e, EFBIG,
				"blob sha256:%s: larger than its descriptor size "
				"(%lld bytes)",
				b->hex, (long long)size);
	while (n > 0) {
		ssize_t w = pwrite(b->fd, p, n, b->have);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return udc_fail_sys(b->f->e, "blob sha256:%s: %s", b->hex, b->partial);
		if (!EVP_DigestUpdate(b->md, p, (size_t)w))
			return udc_fail(b->f->e, EIO, "blob sha256:%s: sha256 failed", b->hex);
		b->have += w;
		p += w;
		n -= (size_t)w;
	}
	if (reg_now_ms() - b->last_report >= BLOB_REPORT_MS)
		report(b, REG_BLOB_RUNNING);
	return 0;
}

/* ---- requests -------------------------------------------------------------------------- */

/* Hand the current request to the multi handle. */
static int send_req(struct blob *b)
{
	struct fetch *f = b->f;
	int r;

	b->x->sink = sink;
	b->x->sink_arg = b;
	b->rq.range_from = b->have;
	b->decided = 0;
	r = reg_xfer_setup(b->x, &b->rq, f->e);
	if (r == 0 && curl_multi_add_handle(f->m, b->x->h) != CURLM_OK)
		r = udc_fail(f->e, ENOMEM, "blob sha256:%s: cannot start the transfer", b->hex);
	if (r < 0)
		return blob_fail(b, r);
	b->phase = B_ACTIVE;
	f->running++;
	return 0;
}

/* A new attempt from the registry's URL (after a retry delay, or at once). */
static int from_origin(struct blob *b, int64_t delay)
{
	b->rq.url = b->url0;
	b->rq.auth = reg_auth_cached(b->f->c, b->f->t->host, b->f->scope);
	b->hops = 0;
	b->not_before = reg_now_ms() + delay;
	b->phase = B_PENDING;
	return 0;
}

/* Take the lock and the partial's bytes, then send; or wait for another process. */
static int start(struct blob *b)
{
	int r;

	if (b->fd < 0) {
		r = open_locked(b);
		if (r < 0)
			return blob_fail(b, r);
		if (r == 0) {
			if (!b->waiting)
				report(b, REG_BLOB_WAITING);
			b->waiting = 1;
			b->not_before = reg_now_ms() + BLOB_LOCK_POLL_MS;
			return 0;
		}
		if (r == 2) {
			b->have = b->job->size;
			b->phase = B_FINISHED;
			report(b, REG_BLOB_DONE);
			return 0;
		}
		if (resume(b) < 0)
			return blob_fail(b, -b->f->e->code);
		if (b->have > 0 && b->have == b->job->size)
			return commit(b); /* a previous fetch got every byte but was killed */
	}
	return send_req(b);
}

/* ---- outcomes -------------------------------------------------------------------------- */

static int retry_or_fail(struct blob *b, int r)
{
	int attempts = reg_client_attempts(b->f->c);

	if (++b->attempt >= attempts)
		return blob_fail(b, r);
	return from_origin(b, reg_retry_delay(b->f->c, b->x, b->attempt));
}

static int on_transport_error(struct blob *b, CURLcode rc)
{
	struct fetch *f = b->f;
	int r;

	if (rc == CURLE_WRITE_ERROR && b->x->sink_err == -EFBIG) {
		unlinkat(f->tmpfd, b->partial, 0);
		return blob_fail(b, -EFBIG);
	}
	if (rc == CURLE_WRITE_ERROR && b->x->sink_err == -ERANGE)
		return restart(b) < 0 ? blob_fail(b, -f->e->code) : retry_or_fail(b, -ERANGE);
	if (rc == CURLE_WRITE_ERROR && b->x->sink_err < 0)
		return blob_fail(b, b->x->sink_err); /* e filled by the sink */
	r = reg_xfer_fail_curl(b->x, rc, b->x->url, f->e);
	if (b->job->size >= 0)
		udc_wrap(f->e, "blob sha256:%s: incomplete (%lld of %lld bytes)", b->hex,
			 (long long)b->have, (long long)b->job->size);
	else
		udc_wrap(f->e, "blob sha256:%s", b->hex);
	return reg_curl_retryable(rc) ? retry_or_fail(b, r) : blob_fail(b, r);
}

static int on_redirect(struct blob *b)
{
	const char *next = NULL;
	struct fetch *f = b->f;
	char *copy;

	if (curl_easy_getinfo(b->x->h, CURLINFO_REDIRECT_URL, &next) != CURLE_OK || !next)
		return blob_fail(b, udc_fail(f->e, EPROTO,
					     "blob sha256:%s: %s: HTTP %ld without "
					     "Location",
					     b->hex, b->x->url, b->x->status));
	if (++b->hops > BLOB_MAX_REDIRECTS)
		return blob_fail(b, udc_fail(f->e, ELOOP, "blob sha256:%s: %s: too many redirects",
					     b->hex, b->url0));
	if (!(copy = talloc_strdup(b, next)))
		return blob_fail(b, udc_fail(f->e, ENOMEM, "out of memory"));
	/* pre-signed CDN URLs must not get the registry's Authorization header */
	if (!reg_same_origin(b->url0, copy))
		b->rq.auth = NULL;
	b->rq.url = copy;
	return send_req(b);
}

static int on_unauthorized(struct blob *b)
{
	struct fetch *f = b->f;
	struct reg_xfer *x = b->x;
	int r;

	if (b->reauthed)
		return blob_fail(b, udc_fail(f->e, EACCES,
					     "blob sha256:%s: %s: authentication "
					     "failed (HTTP 401)",
					     b->hex, f->t->host));
	b->reauthed = 1;
	reg_auth_forget(f->c, f->t->host, f->scope);
	r = reg_auth_answer(f->c, f->t->host, f->scope, NULL, x->www_auth, x->n_www_auth,
			    &b->rq.auth, f->e);
	if (r < 0)
		return blob_fail(b, udc_wrap(f->e, "blob sha256:%s", b->hex));
	from_origin(b, 0);
	return start(b);
}

static int on_answer(struct blob *b)
{
	struct fetch *f = b->f;
	long st = b->x->status;
	int r;

	if (st == 301 || st == 302 || st == 303 || st == 307 || st == 308)
		return on_redirect(b);
	if (st == 401)
		return on_unauthorized(b);
	if (st == 416)
		return restart(b) < 0 ? blob_fail(b, -f->e->code) : retry_or_fail(b, -ERANGE);
	if (st < 200 || st > 299) {
		r = reg_xfer_fail_status(b->x, b->x->url, f->e);
		udc_wrap(f->e, "blob sha256:%s", b->hex);
		return reg_status_retryable(st) ? retry_or_fail(b, r) : blob_fail(b, r);
	}
	if (!b->decided && (r = decide(b)) < 0)
		return blob_fail(b, r);
	if (b->job->size >= 0 && b->have < b->job->size) {
		r = udc_fail(f->e, EPIPE, "blob sha256:%s: %s: short body (%lld of %lld bytes)",
			     b->hex, b->x->url, (long long)b->have, (long long)b->job->size);
		return retry_or_fail(b, r);
	}
	return commit(b);
}

/* A transfer ended: decide what comes next for its blob. */
static void on_done(struct fetch *f, CURLMsg *msg)
{
	struct reg_xfer *x = NULL;
	struct blob *b;

	curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
	b = x->sink_arg;
	curl_multi_remove_handle(f->m, msg->easy_handle);
	f->running--;
	b->phase = B_PENDING;
	if (msg->data.result != CURLE_OK)
		on_transport_error(b, msg->data.result);
	else
		on_answer(b);
}

/* ---- the loop ---------------------------------------------------------------------------- */

/* Start what may start; the time until the next pending blob may start (ms, -1: none). */
static long start_ready(struct fetch *f)
{
	int64_t now = reg_now_ms(), wait = -1;

	for (size_t i = 0; i < f->n && !f->failed; i++) {
		struct blob *b = f->b[i];

		if (b->phase != B_PENDING)
			continue;
		if (b->not_before <= now && f->running < reg_client_parallel(f->c)) {
			start(b);
			now = reg_now_ms();
		}
		if (b->phase == B_PENDING && (wait < 0 || b->not_before - now < wait))
			wait = b->not_before > now ? b->not_before - now : 0;
	}
	return (long)wait;
}

static int run(struct fetch *f)
{
	for (;;) {
		long wait = start_ready(f);
		int still = 0, left = 0;
		CURLMsg *msg;

		if (f->failed)
			return -f->e->code;
		if (f->running == 0 && wait < 0)
			return 0;
		if (curl_multi_perform(f->m, &still) != CURLM_OK)
			return udc_fail(f->e, EIO, "blob download: libcurl multi failed");
		while (!f->failed && (msg = curl_multi_info_read(f->m, &left)))
			if (msg->msg == CURLMSG_DONE)
				on_done(f, msg);
		if (f->failed)
			return -f->e->code;
		if (wait < 0 || wait > BLOB_REPORT_MS)
			wait = BLOB_REPORT_MS;
		if (f->running > 0 || wait > 0)
			curl_multi_poll(f->m, NULL, 0, (int)wait, NULL);
	}
}

/* ---- setup ------------------------------------------------------------------------------- */

static int open_dirs(struct fetch *f)
{
	struct repo *r = f->r;

	if (mkdirat(r->fd, "tmp/blobs", 0755) < 0 && errno != EEXIST)
		return udc_fail_sys(f->e, "repository %s: tmp/blobs", r->dir);
	f->tmpfd = openat(r->fd, "tmp/blobs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->tmpfd < 0)
		return udc_fail_sys(f->e, "repository %s: tmp/blobs", r->dir);
	f->layersfd = openat(r->fd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->layersfd < 0)
		return udc_fail_sys(f->e, "repository %s: layers", r->dir);
	return 0;
}

static struct blob *blob_new(struct fetch *f, const char *base, size_t i,
			     const struct reg_blob_job *job)
{
	struct blob *b = talloc_zero(f, struct blob);

	if (!b)
		return NULL;
	b->fd = -1;
	talloc_set_destructor(b, blob_destructor);
	b->f = f;
	b->idx = i;
	b->job = job;
	memcpy(b->hex, job->digest + 7, DIGEST_HEX_LEN + 1);
	snprintf(b->partial, sizeof(b->partial), "%s.partial", b->hex);
	b->url0 = talloc_asprintf(b, "%s/v2/%s/blobs/%s", base, f->t->repository, job->digest);
	b->x = reg_xfer_new(b, f->c);
	if (!b->url0 || !b->x)
		return NULL;
	from_origin(b, 0);
	return b;
}

/* Build the blob list: invalid digests refused, duplicates and present layers settled. */
static int add_blobs(struct fetch *f, const struct reg_blob_job *jobs)
{
	char *base = reg_base_url(f, f->c, f->t);

	for (size_t i = 0; i < f->n; i++) {
		struct blob *b;

		if (strncmp(jobs[i].digest, "sha256:", 7) != 0 ||
		    !digest_hex_valid(jobs[i].digest + 7))
			return udc_fail(f->e, EINVAL, "blob %s: not a sha256 digest",
					jobs[i].digest);
		if (!base || !(b = f->b[i] = blob_new(f, base, i, &jobs[i])))
			return udc_fail(f->e, ENOMEM, "out of memory");
		for (size_t k = 0; k < i && b->phase != B_DUP; k++)
			if (strcmp(f->b[k]->hex, b->hex) == 0) {
				b->phase = B_DUP;
				b->dup_of = k;
			}
		if (b->phase != B_DUP && in_layers(b)) {
			b->have = jobs[i].size;
			b->phase = B_FINISHED;
			report(b, REG_BLOB_EXISTS);
		}
	}
	return 0;
}

static void report_dups(struct fetch *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct blob *b = f->b[i];

		if (b->phase == B_DUP) {
			b->have = f->b[b->dup_of]->have;
			report(b, REG_BLOB_DONE);
		}
	}
}

/* Download the blobs into r's layer store; see reg_blob.h. */
int reg_blobs_fetch(struct reg_client *c, const struct reg_target *t, struct repo *r,
		    const struct reg_blob_job *jobs, size_t n, reg_progress_fn progress, void *arg,
		    struct udc_error *e)
{
	struct fetch *f = talloc_zero(NULL, struct fetch);
	int ret;

	if (!f)
		return udc_fail(e, ENOMEM, "out of memory");
	*f = (struct fetch){.c = c,
			    .t = t,
			    .r = r,
			    .n = n,
			    .tmpfd = -1,
			    .layersfd = -1,
			    .progress = progress,
			    .arg = arg,
			    .e = e};
	talloc_set_destructor(f, fetch_destructor);
	f->m = curl_multi_init();
	f->b = talloc_zero_array(f, struct blob *, n + 1);
	f->scope = reg_auth_scope(f, t->repository);
	if (!f->m || !f->b || !f->scope)
		ret = udc_fail(e, ENOMEM, "out of memory");
	else
		ret = reg_probe_scheme(c, t, e);
	if (ret == 0)
		ret = open_dirs(f);
	if (ret == 0)
		ret = add_blobs(f, jobs);
	if (ret == 0)
		ret = run(f);
	if (ret == 0)
		report_dups(f);
	talloc_free(f);
	return ret;
}
