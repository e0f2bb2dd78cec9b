/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_reg_blob.c - reg_blobs_fetch: parallel downloads, resume, digests, sizes, concurrent
 * processes, against tests/helpers/fake_registry.py on loopback. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs_tree.h"
#include "common/repo.h"
#include "pull/reg_blob.h"
#include "pull/reg_http.h"
#include "tests/unit/helper_fake.h"
#include "tests/unit/tap.h"

/* The fake registry: tests/unit/helper_fake.c. */

/* ---- fixtures -------------------------------------------------------------------------- */

#define NBLOBS 5
#define BIG 300000 /* blob 0: big enough for several write callbacks */
#define SMALL 65536

static char tmpdir[512];
static char hostport[64];
static struct fake fk;
static char hexes[NBLOBS][65];
static char digests[NBLOBS][80];
static int64_t sizes[NBLOBS];
static char blobfiles[NBLOBS][600];

struct progress {
	int calls[5];	/* by state */
	int64_t done;	/* last done of job 0 */
	int last_state; /* of job 0 */
};

static void on_progress(void *arg, size_t job, int64_t done_bytes, int64_t total, int state)
{
	struct progress *p = arg;

	(void)total;
	if (state >= 0 && state < 5)
		p->calls[state]++;
	if (job == 0) {
		p->done = done_bytes;
		p->last_state = state;
	}
}

static struct reg_client *client(TALLOC_CTX *ctx, int attempts, int parallel)
{
	struct reg_client_opts o = {.user_agent = "udockerc/test",
				    .timeout = 5,
				    .attempts = attempts,
				    .retry_delay_ms = 10,
				    .max_parallel = parallel};
	struct udc_error e;

	return reg_client_new(ctx, &o, &e);
}

static struct reg_target target(const char *repo)
{
	return (struct reg_target){.host = hostport, .repository = repo, .scheme = "http"};
}

static struct repo *new_repo(TALLOC_CTX *ctx, const char *name)
{
	char *dir = talloc_asprintf(ctx, "%s/%s", tmpdir, name);
	struct udc_error e;
	struct repo *r = repo_open(ctx, dir, &e);

	if (!r)
		printf("# repo_open: %s\n", e.msg);
	return r;
}

static struct reg_blob_job job(int i)
{
	return (struct reg_blob_job){.digest = digests[i], .size = sizes[i], .label = "layer"};
}

/* Size of the file name under the repository, -1 when missing. */
static long long repo_file_size(struct repo *r, const char *dir, const char *hex,
				const char *suffix)
{
	char name[160];
	struct stat sb;

	snprintf(name, sizeof(name), "%s/%s%s", dir, hex, suffix);
	return fstatat(r->fd, name, &sb, 0) == 0 ? (long long)sb.st_size : -1;
}

static long long layer_size(struct repo *r, int i)
{
	return repo_file_size(r, "layers", hexes[i], "");
}

static long long partial_size(struct repo *r, int i)
{
	return repo_file_size(r, "tmp/blobs", hexes[i], ".partial");
}

static int write_file(const char *path, const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ok_ = fd >= 0 && write(fd, data, n) == (ssize_t)n;

	if (fd >= 0)
		close(fd);
	return ok_ ? 0 : -1;
}

/* Seed tmp/blobs/<hex>.partial with n bytes: the blob's own first bytes, or garbage. */
static void seed_partial(struct repo *r, int i, size_t n, int garbage)
{
	char *path = talloc_asprintf(NULL, "%s/tmp/blobs/%s.partial", r->dir, hexes[i]);
	char *data = talloc_zero_size(path, n);
	int fd = open(blobfiles[i], O_RDONLY | O_CLOEXEC);

	mkdirat(r->fd, "tmp/blobs", 0755);
	if (fd >= 0 && !garbage && read(fd, data, n) != (ssize_t)n)
		printf("# short read of %s\n", blobfiles[i]);
	if (fd >= 0)
		close(fd);
	write_file(path, data, n);
	talloc_free(path);
}

static int make_blobs(void)
{
	for (int i = 0; i < NBLOBS; i++) {
		size_t n = i == 0 ? BIG : SMALL;
		char *data = talloc_size(NULL, n);
		struct udc_error e;
		uint64_t size;
		int fd, r;

		for (size_t k = 0; k < n; k++)
			data[k] = (char)((k * 2654435761u) >> (13 + i));
		snprintf(blobfiles[i], sizeof(blobfiles[i]), "%s/blob%d", tmpdir, i);
		r = write_file(blobfiles[i], data, n);
		talloc_free(data);
		fd = open(blobfiles[i], O_RDONLY | O_CLOEXEC);
		if (r < 0 || fd < 0 || digest_copy_fd(fd, -1, "blob", hexes[i], &size, &e) < 0)
			return -1;
		close(fd);
		sizes[i] = (int64_t)size;
		snprintf(digests[i], sizeof(digests[i]), "sha256:%s", hexes[i]);
	}
	return 0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void test_fetch(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "fetch");
	struct reg_client *c = client(ctx, 3, 4);
	struct reg_target t = target("open/busybox");
	struct reg_blob_job jobs[] = {job(0), job(1), job(1)};
	struct progress p = {0};
	struct udc_error e;
	uint64_t size;
	int ret;

	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 3, on_progress, &p, &e);
	is_int(ret, 0, "fetch: %s", ret ? e.msg : "ok");
	is_int(repo_layer_verify(r, hexes[0], &size, &e), 0, "fetch: layers/<hex> verifies");
	is_int((long)size, BIG, "fetch: whole blob");
	is_int(layer_size(r, 1), SMALL, "fetch: second blob stored");
	is_int(partial_size(r, 0), -1, "fetch: no partial left");
	is_int(p.last_state, REG_BLOB_DONE, "fetch: progress ends with DONE");
	is_int((long)p.done, BIG, "fetch: progress reports every byte");
	is_int(p.calls[REG_BLOB_DONE], 3, "fetch: one DONE per job (the duplicate too)");
	is_int(LOG_COUNT(&fk, hexes[1], "\"method\": \"GET\""), 1,
	       "fetch: a digest listed twice is downloaded once");
	fake_log_clear(&fk);
	memset(&p, 0, sizeof(p));
	ret = reg_blobs_fetch(c, &t, r, jobs, 2, on_progress, &p, &e);
	is_int(ret, 0, "fetch again: %s", ret ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "/blobs/"), 0, "fetch again: nothing downloaded");
	is_int(p.calls[REG_BLOB_EXISTS], 2, "fetch again: progress says EXISTS");
}

static void test_parallel(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "parallel");
	struct reg_client *c = client(ctx, 3, 2);
	struct reg_target t = target("open/slow");
	struct reg_blob_job jobs[] = {job(1), job(2), job(3), job(4)};
	struct udc_error e;
	int ret;

	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 4, NULL, NULL, &e);
	is_int(ret, 0, "parallel: %s", ret ? e.msg : "ok");
	ok(layer_size(r, 1) == SMALL && layer_size(r, 4) == SMALL, "parallel: every blob stored");
	ok(LOG_COUNT(&fk, "\"active\": 2") > 0, "parallel: two downloads at once");
	is_int(LOG_COUNT(&fk, "\"active\": 3"), 0, "parallel: never more than max_parallel");
}

static void test_auth_redirect(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "redirect");
	struct reg_client *c = client(ctx, 3, 4);
	struct reg_target t = target("bearer/redirect");
	struct reg_blob_job jobs[] = {job(0), job(1)};
	struct udc_error e;
	int ret;

	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 2, NULL, NULL, &e);
	is_int(ret, 0, "bearer + CDN redirect: %s", ret ? e.msg : "ok");
	is_int(layer_size(r, 0), BIG, "bearer + CDN redirect: stored");
	is_int(LOG_COUNT(&fk, "\"srv\": \"cdn\"", "\"method\": \"GET\""), 2,
	       "bearer + CDN redirect: CDN served both");
	is_int(LOG_COUNT(&fk, "\"srv\": \"cdn\"", "\"method\": \"GET\"", "\"auth\": null"), 2,
	       "bearer + CDN redirect: no Authorization to the CDN");
	is_int(LOG_COUNT(&fk, "/v2/bearer/redirect/blobs/", "Bearer tok."), 2,
	       "bearer + CDN redirect: the registry got the token");
}

static void test_errors(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "errors");
	struct reg_client *c = client(ctx, 3, 4);
	struct reg_target t = target("open/busybox");
	const char *unknown =
	    "sha256:0000000000000000000000000000000000000000000000000000000000000000";
	struct reg_blob_job jobs[] = {{.digest = unknown, .size = 10}};
	struct udc_error e;
	char *want;
	int ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);

	want = talloc_asprintf(ctx,
			       "blob %s: http://%s/v2/open/busybox/blobs/%s: HTTP 404: "
			       "BLOB_UNKNOWN: blob unknown to registry",
			       unknown, hostport, unknown);
	is_int(ret, -ENOENT, "404: -ENOENT");
	is_str(e.msg, want, "404: names the digest and the URL");
	jobs[0].digest = "sha256:abc";
	is_int(reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e), -EINVAL, "bad digest: -EINVAL");

	t = target("open/wrong");
	jobs[0] = job(0);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	want = talloc_asprintf(ctx, "blob %s: digest mismatch (got sha256:", digests[0]);
	is_int(ret, -EBADMSG, "wrong digest: -EBADMSG");
	ok(strncmp(e.msg, want, strlen(want)) == 0, "wrong digest: '%s'", e.msg);
	ok(partial_size(r, 0) == -1 && layer_size(r, 0) == -1,
	   "wrong digest: partial deleted, nothing stored");

	t = target("open/big");
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, -EFBIG, "bigger than the descriptor: -EFBIG");
	ok(strstr(e.msg, digests[0]) && strstr(e.msg, "larger than its descriptor size"),
	   "bigger than the descriptor: '%s'", e.msg);
	ok(partial_size(r, 0) == -1 && layer_size(r, 0) == -1,
	   "bigger than the descriptor: nothing kept");

	t = target("open/busybox");
	jobs[0].size = sizes[0] + 10;
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, -EPIPE, "shorter than the descriptor: -EPIPE");
	ok(strstr(e.msg, digests[0]) && strstr(e.msg, "short body"),
	   "shorter than the descriptor: '%s'", e.msg);
	is_int(layer_size(r, 0), -1, "shorter than the descriptor: nothing stored");
}

static void test_truncated(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "trunc");
	struct reg_client *c = client(ctx, 2, 4);
	struct reg_target t = target("open/trunc");
	struct reg_blob_job jobs[] = {job(0)};
	struct progress p = {0};
	struct udc_error e;
	int ret;

	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, on_progress, &p, &e);
	is_int(ret, -ECONNRESET, "truncated body: -ECONNRESET");
	ok(strstr(e.msg, digests[0]) && strstr(e.msg, "incomplete"), "truncated body: '%s'", e.msg);
	is_int(partial_size(r, 0), BIG / 2, "truncated body: partial kept");
	is_int(layer_size(r, 0), -1, "truncated body: nothing stored");
	is_int(LOG_COUNT(&fk, "open/trunc/blobs"), 2, "truncated body: retried (attempts 2)");
	is_int(p.last_state, REG_BLOB_FAILED, "truncated body: progress says FAILED");
}

static void test_resume(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "resume");
	struct reg_client *c = client(ctx, 1, 4);
	struct reg_target t = target("open/half");
	struct reg_blob_job jobs[] = {job(0)};
	struct udc_error e;
	char range[64];
	int ret;

	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	ok(ret < 0, "resume: first fetch cut at half: '%s'", e.msg);
	is_int(partial_size(r, 0), BIG / 2, "resume: half kept in tmp/blobs/<hex>.partial");
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, 0, "resume: second fetch: %s", ret ? e.msg : "ok");
	snprintf(range, sizeof(range), "\"range\": \"bytes=%d-\"", BIG / 2);
	is_int(LOG_COUNT(&fk, "open/half/blobs", range), 1, "resume: asked Range: bytes=<half>-");
	is_int(layer_size(r, 0), BIG, "resume: whole blob stored");
	is_int(partial_size(r, 0), -1, "resume: partial gone");

	/* a server that ignores Range: start over */
	seed_partial(r, 1, 1000, 0);
	t = target("open/norange");
	jobs[0] = job(1);
	fake_log_clear(&fk);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, 0, "resume, Range ignored (200): starts over: %s", ret ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "\"range\": \"bytes=1000-\""), 1, "resume, Range ignored: asked");
	is_int(layer_size(r, 1), SMALL, "resume, Range ignored: whole blob stored");

	/* garbage in the partial: the existing bytes are hashed, so the digest catches it */
	seed_partial(r, 2, 1000, 1);
	t = target("open/busybox");
	jobs[0] = job(2);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, -EBADMSG, "resume over a corrupt partial: digest mismatch");
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, 0, "resume over a corrupt partial: next fetch works: %s", ret ? e.msg : "ok");

	/* a partial longer than the descriptor is dropped */
	seed_partial(r, 3, SMALL + 100, 1);
	jobs[0] = job(3);
	ret = reg_blobs_fetch(c, &t, r, jobs, 1, NULL, NULL, &e);
	is_int(ret, 0, "partial longer than the blob: started over: %s", ret ? e.msg : "ok");
}

/* A child process fetching blob 0 from repo/dir; exit status 0 on success. */
static pid_t fetch_child(const char *dir, const char *repo)
{
	pid_t pid = fork();

	if (pid == 0) {
		TALLOC_CTX *ctx = talloc_new(NULL);
		struct udc_error e;
		struct repo *r = repo_open(ctx, dir, &e);
		struct reg_client *c = client(ctx, 3, 4);
		struct reg_target t = target(repo);
		struct reg_blob_job jobs[] = {job(0)};
		struct progress p = {0};
		int ret = r && c ? reg_blobs_fetch(c, &t, r, jobs, 1, on_progress, &p, &e) : -1;

		if (ret < 0)
			printf("# child: %s\n", e.msg);
		fflush(stdout);
		_exit(ret < 0 ? 1 : p.calls[REG_BLOB_WAITING] ? 10 : 0);
	}
	return pid;
}

static int child_status(pid_t pid)
{
	int st = -1;

	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_processes(TALLOC_CTX *ctx)
{
	struct repo *r = new_repo(ctx, "procs");
	pid_t pids[4];
	int bad = 0, fd;
	uint64_t size;
	struct udc_error e;
	char *partial, *layer;

	fflush(stdout);
	for (int i = 0; i < 4; i++)
		pids[i] = fetch_child(r->dir, "open/slow");
	for (int i = 0; i < 4; i++)
		bad += child_status(pids[i]) % 10 != 0;
	is_int(bad, 0, "4 processes, one blob: all succeed");
	is_int(repo_layer_verify(r, hexes[0], &size, &e), 0, "4 processes: one consistent copy");
	is_int(partial_size(r, 0), -1, "4 processes: no partial left");

	/* a process holding the partial's lock: the fetch waits, then finds the layer */
	r = new_repo(ctx, "lockwait");
	partial = talloc_asprintf(ctx, "%s/tmp/blobs/%s.partial", r->dir, hexes[0]);
	layer = talloc_asprintf(ctx, "%s/layers/%s", r->dir, hexes[0]);
	mkdirat(r->fd, "tmp/blobs", 0755);
	fd = open(partial, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ok(fd >= 0 && flock(fd, LOCK_EX) == 0, "lock wait: test holds the partial's lock");
	fflush(stdout);
	pids[0] = fetch_child(r->dir, "open/busybox");
	usleep(500 * 1000);
	fake_log_clear(&fk);
	/* as a finished writer would: the layer appears, the partial goes, the lock is freed */
	ok(link(blobfiles[0], layer) == 0, "lock wait: the layer appears meanwhile");
	unlink(partial);
	close(fd);
	is_int(child_status(pids[0]), 10, "lock wait: reported WAITING, then done");
	is_int(LOG_COUNT(&fk, "/blobs/"), 0, "lock wait: the waiter downloaded nothing");
	is_int(partial_size(r, 0), -1, "lock wait: no partial left");
}

int main(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const char *args[2 * NBLOBS + 1];
	struct udc_error e;

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_reg_blob.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir) || make_blobs() < 0)
		return 1;
	for (int i = 0; i < NBLOBS; i++) {
		args[2 * i] = "--blob";
		args[2 * i + 1] = blobfiles[i];
	}
	args[2 * NBLOBS] = NULL;
	if (!have_python3()) {
		skip("python3 is missing: no fake registry for the blob tests");
	} else if (fake_start(&fk, tmpdir, "main", args) < 0) {
		ok(0, "fake registry started");
	} else {
		snprintf(hostport, sizeof(hostport), "127.0.0.1:%d", fk.port);
		test_fetch(ctx);
		test_parallel(ctx);
		test_auth_redirect(ctx);
		test_errors(ctx);
		test_truncated(ctx);
		test_resume(ctx);
		test_processes(ctx);
		fake_stop(&fk);
	}
	fs_rmtree_at(AT_FDCWD, tmpdir, &e);
	talloc_free(ctx);
	return done();
}
