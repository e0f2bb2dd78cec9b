/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_blob.h - parallel, resumable, verified blob downloads into the repository's layer store. */
#ifndef UDC_REG_BLOB_H
#define UDC_REG_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/repo.h"
#include "pull/reg_http.h"

/* One blob to fetch: its descriptor from the manifest. */
struct reg_blob_job {
	const char *digest; /* "sha256:<64 hex>" */
	int64_t size;	    /* descriptor size; < 0: unknown (no size check) */
	const char *label;  /* for the caller's progress display; not used here */
};

/* The state a progress call reports. */
enum reg_blob_state {
	REG_BLOB_WAITING, /* another process is downloading it: waiting for its lock */
	REG_BLOB_RUNNING, /* bytes arriving (at most ~10 calls a second per job) */
	REG_BLOB_DONE,	  /* verified and in layers/ (downloaded here or by another process) */
	REG_BLOB_EXISTS,  /* already in layers/: nothing downloaded */
	REG_BLOB_FAILED,  /* this job failed; reg_blobs_fetch returns the error */
};

/* Called per job with the bytes it has (done) out of total (the descriptor size). */
typedef void (*reg_progress_fn)(void *arg, size_t job, int64_t done, int64_t total, int state);

/* Download the n blobs of t's repository into r's layers/<hex>, at most max_parallel at once
 * (libcurl multi interface). A blob already in layers/ is not fetched again. Each blob streams
 * into tmp/blobs/<hex>.partial (flock'ed while written: concurrent pulls of one blob wait for
 * each other, never append to one file) while its sha256 is computed; an existing partial is
 * resumed with a Range request. On success the partial is fsync'ed and renamed to
 * layers/<hex>; a digest mismatch or an oversized blob deletes it; a short or broken transfer
 * keeps it for the next fetch. The caller holds REPO_LOCK_LAYERS_SHARED for the whole call, so
 * that rmi's garbage collection cannot run meanwhile. progress may be NULL. Stops at the first
 * failure: 0, or -errno plus e naming the digest (and the URL and status). */
int reg_blobs_fetch(struct reg_client *c, const struct reg_target *t, struct repo *r,
		    const struct reg_blob_job *jobs, size_t n, reg_progress_fn progress, void *arg,
		    struct udc_error *e);

#endif
