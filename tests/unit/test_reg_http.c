/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_reg_http.c - reg_get, authentication, redirects, retries, errors and credentials,
 * against tests/helpers/fake_registry.py on loopback. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs_tree.h"
#include "pull/reg_auth.h"
#include "pull/reg_http.h"
#include "tests/unit/helper_fake.h"
#include "tests/unit/tap.h"

/* The fake registry: tests/unit/helper_fake.c. */

/* ---- fixtures -------------------------------------------------------------------------- */

static char tmpdir[512];
static char hostport[64];
static struct fake fk;

static struct reg_client *client(TALLOC_CTX *ctx, const char *cred_file, const char *docker)
{
	struct reg_client_opts o = {.cred_file = cred_file,
				    .docker_config = docker,
				    .user_agent = "udockerc/test",
				    .timeout = 5,
				    .attempts = 3,
				    .retry_delay_ms = 10};
	struct udc_error e;
	struct reg_client *c = reg_client_new(ctx, &o, &e);

	if (!c)
		printf("# reg_client_new: %s\n", e.msg);
	return c;
}

static struct reg_target target(const char *repo)
{
	return (struct reg_target){.host = hostport, .repository = repo, .scheme = "http"};
}

static char *path_in(TALLOC_CTX *ctx, const char *name)
{
	return talloc_asprintf(ctx, "%s/%s", tmpdir, name);
}

/* ---- WWW-Authenticate parsing ----------------------------------------------------------- */

static const struct {
	const char *value;
	int ret;
	size_t n;
	const char *scheme, *realm, *service, *scope; /* of the last challenge */
} parse_cases[] = {
    {"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
     "scope=\"repository:library/busybox:pull\"",
     0, 1, "Bearer", "https://auth.docker.io/token", "registry.docker.io",
     "repository:library/busybox:pull"},
    {"Basic realm=\"fake registry, with comma\"", 0, 1, "Basic", "fake registry, with comma", NULL,
     NULL},
    {"Basic realm=\"a\", Bearer "
     "realm=\"http://x/t\",service=\"s\",scope=\"repository:a:pull,push\"",
     0, 2, "Bearer", "http://x/t", "s", "repository:a:pull,push"},
    {"bearer  realm = \"x\\\"y\" , error=\"insufficient_scope\"", 0, 1, "bearer", "x\"y", NULL,
     NULL},
    {"Bearer realm=tok,service=svc", 0, 1, "Bearer", "tok", "svc", NULL},
    {"Bearer realm=\"unterminated", -EINVAL, 1, "Bearer", NULL, NULL, NULL},
    {"", 0, 0, NULL, NULL, NULL, NULL},
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases); i++) {
		TALLOC_CTX *ctx = talloc_new(NULL);
		struct reg_challenge *ch = NULL;
		size_t n = 0;
		int r = reg_auth_parse(ctx, parse_cases[i].value, &ch, &n);

		is_int(r, parse_cases[i].ret, "parse[%zu]: return", i);
		is_int((long)n, (long)parse_cases[i].n, "parse[%zu]: challenges", i);
		if (r == 0 && n > 0) {
			is_str(ch[n - 1].scheme, parse_cases[i].scheme, "parse[%zu]: scheme", i);
			is_str(ch[n - 1].realm, parse_cases[i].realm, "parse[%zu]: realm", i);
			is_str(ch[n - 1].service, parse_cases[i].service, "parse[%zu]: service", i);
			is_str(ch[n - 1].scope, parse_cases[i].scope, "parse[%zu]: scope", i);
		}
		talloc_free(ctx);
	}
}

/* ---- reg_get ------------------------------------------------------------------------------ */

static void test_manifest(TALLOC_CTX *ctx)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("open/busybox");
	struct reg_response resp;
	struct udc_error e;
	int r = reg_get(c, &t, "manifests/latest", "application/vnd.oci.image.manifest.v1+json", 0,
			ctx, &resp, &e);

	is_int(r, 0, "GET manifest: %s", r ? e.msg : "ok");
	is_int(resp.status, 200, "GET manifest: status 200");
	is_str(resp.content_type, "application/vnd.oci.image.manifest.v1+json",
	       "GET manifest: Content-Type");
	ok(resp.docker_digest && strncmp(resp.docker_digest, "sha256:", 7) == 0,
	   "GET manifest: Docker-Content-Digest");
	ok(resp.body && strstr(resp.body, "\"accept\": \"application/vnd.oci.image.manifest"),
	   "GET manifest: the Accept header reached the registry");
	is_int(LOG_COUNT(&fk, "\"ua\": \"udockerc/test\"", "manifests/latest"), 1,
	       "GET manifest: User-Agent udockerc/<version>");
	r = reg_get(c, &t, "manifests/latest", NULL, 1, ctx, &resp, &e);
	is_int(r, 0, "HEAD manifest: %s", r ? e.msg : "ok");
	ok(resp.len == 0 && resp.body && !*resp.body && resp.docker_digest,
	   "HEAD manifest: headers, no body");
}

static void test_bearer(TALLOC_CTX *ctx)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("bearer/busybox");
	struct reg_response resp;
	struct udc_error e;
	int r;

	fake_log_clear(&fk);
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "bearer: GET with a token: %s", r ? e.msg : "ok");
	is_int(LOG_COUNT(&fk,
			 "/token?service=fake-registry&scope=repository%3Abearer%2Fbusybox%3Apull",
			 "\"auth\": null"),
	       1, "bearer: realm asked with service and URL-encoded scope, anonymously");
	is_int(LOG_COUNT(&fk, "manifests/latest", "Bearer tok.repository:bearer/busybox:pull"), 1,
	       "bearer: request retried with the token");
	r = reg_get(c, &t, "manifests/v2", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "bearer: second GET: %s", r ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "/token?"), 1, "bearer: token cached per (host, scope)");
	is_int(LOG_COUNT(&fk, "manifests/v2", "\"auth\": null"), 0,
	       "bearer: cached token sent at once");

	t = target("bearer/at-only");
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "bearer: realm answering access_token only: %s", r ? e.msg : "ok");
	t = target("multi/x");
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "bearer: Basic and Bearer challenges in one header: %s", r ? e.msg : "ok");
}

static void test_private(TALLOC_CTX *ctx)
{
	char *cred = path_in(ctx, "creds.json"), *want;
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("bearer/private");
	struct reg_response resp;
	struct udc_error e;
	int r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);

	want = talloc_asprintf(ctx, "%s: authentication failed (HTTP 401)", hostport);
	is_int(r, -EACCES, "private, no credentials: -EACCES");
	ok(strncmp(e.msg, want, strlen(want)) == 0, "private, no credentials: '%s'", e.msg);
	is_int(reg_cred_store(cred, hostport, "fixture", "secret", &e), 0, "cred_store");
	c = client(ctx, cred, NULL);
	fake_log_clear(&fk);
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "private, stored credentials: %s", r ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "/token?", "Basic Zml4dHVyZTpzZWNyZXQ="), 1,
	       "private: Basic credentials sent to the realm");
	is_int(reg_cred_store(cred, hostport, "fixture", "wrong", &e), 0, "cred_store: replace");
	c = client(ctx, cred, NULL);
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, -EACCES, "private, wrong password: -EACCES");
	ok(strncmp(e.msg, want, strlen(want)) == 0, "private, wrong password: '%s'", e.msg);
	unlink(cred);
}

static void test_basic(TALLOC_CTX *ctx)
{
	char *cred = path_in(ctx, "basic.json");
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("basic/busybox");
	struct reg_response resp;
	struct udc_error e;
	int r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);

	is_int(r, -EACCES, "basic, no credentials: -EACCES");
	ok(strstr(e.msg, hostport) && strstr(e.msg, "HTTP 401"), "basic, no credentials: '%s'",
	   e.msg);
	reg_cred_store(cred, hostport, "fixture", "secret", &e);
	c = client(ctx, cred, NULL);
	fake_log_clear(&fk);
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "basic, stored credentials: %s", r ? e.msg : "ok");
	r = reg_get(c, &t, "manifests/second", NULL, 0, ctx, &resp, &e);
	is_int(LOG_COUNT(&fk, "manifests/second", "\"auth\": \"Basic "), 1,
	       "basic: credentials sent at once the second time");
	is_int(LOG_COUNT(&fk, "manifests/second"), 1, "basic: no anonymous try the second time");
	unlink(cred);
}

static void test_redirect(TALLOC_CTX *ctx, const char *hex)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("bearer/redirect");
	char *path = talloc_asprintf(ctx, "blobs/sha256:%s", hex);
	struct reg_response resp;
	struct udc_error e;
	int r;

	fake_log_clear(&fk);
	r = reg_get(c, &t, path, NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "redirect to another port: %s", r ? e.msg : "ok");
	is_int((long)resp.len, 4096, "redirect: whole body from the CDN");
	is_int(LOG_COUNT(&fk, "\"srv\": \"cdn\"", "\"method\": \"GET\""), 1, "redirect: CDN asked");
	is_int(LOG_COUNT(&fk, "\"srv\": \"cdn\"", "\"auth\": null", "\"method\": \"GET\""), 1,
	       "redirect: no Authorization sent to another port");
	t = target("bearer/sameredirect");
	fake_log_clear(&fk);
	r = reg_get(c, &t, path, NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "redirect on the same origin: %s", r ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "/data/", "Bearer tok."), 1,
	       "redirect: Authorization kept on the same origin");
}

static void test_retry(TALLOC_CTX *ctx)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("flaky/busybox");
	struct reg_response resp;
	struct udc_error e;
	int r;

	fake_log_clear(&fk);
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "500 then 200: retried: %s", r ? e.msg : "ok");
	is_int(LOG_COUNT(&fk, "flaky/busybox/manifests/latest"), 2, "500 then 200: two requests");
	t = target("flaky429/busybox");
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, 0, "429 then 200: retried: %s", r ? e.msg : "ok");
	t = target("always500/busybox");
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, -EIO, "503 forever: -EIO");
	ok(strstr(e.msg,
		  "/v2/always500/busybox/manifests/latest: HTTP 503: UNAVAILABLE: try later") !=
	       NULL,
	   "503 forever: '%s'", e.msg);
	is_int(resp.status, 503, "503 forever: status reported");
	is_int(LOG_COUNT(&fk, "always500/busybox"), 3, "503 forever: attempts bounded (3)");
	t = target("open/busybox");
	fake_log_clear(&fk);
	r = reg_get(c, &t, "manifests/missing", NULL, 0, ctx, &resp, &e);
	is_int(LOG_COUNT(&fk, "manifests/missing"), 1, "404: never retried");
}

static void test_errors(TALLOC_CTX *ctx)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = target("open/busybox");
	struct reg_response resp;
	struct udc_error e;
	char *want;
	int r = reg_get(c, &t, "manifests/missing", NULL, 0, ctx, &resp, &e);

	want = talloc_asprintf(ctx,
			       "http://%s/v2/open/busybox/manifests/missing: HTTP 404: "
			       "MANIFEST_UNKNOWN: manifest unknown",
			       hostport);
	is_int(r, -ENOENT, "404 JSON: -ENOENT");
	is_str(e.msg, want, "404 JSON: message");
	t = target("Bad_Name");
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, -ENOENT, "404 text: -ENOENT");
	ok(strstr(e.msg, "/v2/Bad_Name/manifests/latest: HTTP 404: 404 page not found") != NULL,
	   "404 text: '%s'", e.msg);
	t = (struct reg_target){.host = "127.0.0.1:1", .repository = "x", .scheme = "http"};
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	is_int(r, -ECONNREFUSED, "connection refused: -ECONNREFUSED");
	ok(strstr(e.msg, "http://127.0.0.1:1/v2/x/manifests/latest") != NULL,
	   "connection refused: URL named: '%s'", e.msg);
}

static void test_scheme(TALLOC_CTX *ctx)
{
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = {.host = hostport, .repository = "open/busybox", .insecure_ok = 1};
	struct reg_response resp;
	struct udc_error e;
	int r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);

	is_int(r, 0, "scheme NULL, insecure_ok: falls back to http: %s", r ? e.msg : "ok");
	ok(resp.url && strncmp(resp.url, "http://", 7) == 0, "scheme fallback: answered on http");
	c = client(ctx, NULL, NULL);
	t.insecure_ok = 0;
	r = reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e);
	ok(r < 0 && strstr(e.msg, "https://"), "scheme NULL, not insecure_ok: https only: '%s'",
	   e.msg);
}

/* A self-signed certificate for 127.0.0.1: verified with ca_file, refused without, accepted
 * when insecure. */
static void test_tls(TALLOC_CTX *ctx)
{
	char *cert = path_in(ctx, "cert.pem"), *key = path_in(ctx, "key.pem");
	char *cmd =
	    talloc_asprintf(ctx,
			    "openssl req -x509 -newkey ec -pkeyopt "
			    "ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
			    "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s "
			    ">/dev/null 2>&1",
			    key, cert);
	const char *args[] = {"--tls", cert, key, NULL};
	struct reg_client_opts o = {.timeout = 5, .attempts = 1};
	struct fake f2 = {0};
	struct reg_response resp;
	struct udc_error e;
	char hp[64];
	struct reg_target t = {.host = hp, .repository = "open/x", .scheme = "https"};
	struct reg_client *c;
	int r;

	if (system(cmd) != 0) {
		skip("openssl cannot make a test certificate: no TLS test");
		return;
	}
	if (fake_start(&f2, tmpdir, "tls", args) < 0) {
		ok(0, "tls: fake registry started");
		return;
	}
	snprintf(hp, sizeof(hp), "127.0.0.1:%d", f2.port);
	c = reg_client_new(ctx, &o, &e);
	r = c ? reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e) : -1;
	is_int(r, -EPROTO, "tls: unknown CA refused: %s", e.msg);
	ok(strstr(e.msg, "https://") != NULL, "tls: the error names the URL");
	o.ca_file = cert;
	c = reg_client_new(ctx, &o, &e);
	r = c ? reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e) : -1;
	is_int(r, 0, "tls: ca_file trusted: %s", r ? e.msg : "ok");
	o.ca_file = NULL;
	o.insecure = 1;
	c = reg_client_new(ctx, &o, &e);
	r = c ? reg_get(c, &t, "manifests/latest", NULL, 0, ctx, &resp, &e) : -1;
	is_int(r, 0, "tls: insecure skips verification: %s", r ? e.msg : "ok");
	o.insecure = 0;
	o.ca_file = path_in(ctx, "missing.pem");
	ok(reg_client_new(ctx, &o, &e) == NULL && strstr(e.msg, "missing.pem"),
	   "tls: an unreadable ca_file is an error naming it");
	fake_stop(&f2);
}

static void test_login(TALLOC_CTX *ctx, const char *mode)
{
	const char *args[] = {"--v2-auth", mode, NULL};
	struct fake f2 = {0};
	char hp[64];
	struct reg_client *c = client(ctx, NULL, NULL);
	struct reg_target t = {.host = hp, .scheme = "http"};
	struct udc_error e;
	int r;

	if (fake_start(&f2, tmpdir, mode, args) < 0) {
		ok(0, "login %s: fake registry started", mode);
		return;
	}
	snprintf(hp, sizeof(hp), "127.0.0.1:%d", f2.port);
	r = reg_login_check(c, &t, "fixture", "secret", &e);
	is_int(r, 0, "login %s: right credentials: %s", mode, r ? e.msg : "ok");
	r = reg_login_check(c, &t, "fixture", "nope", &e);
	is_int(r, -EACCES, "login %s: wrong password: -EACCES", mode);
	ok(strstr(e.msg, hp) && strstr(e.msg, "HTTP 401"), "login %s: '%s'", mode, e.msg);
	fake_stop(&f2);
}

/* ---- credentials --------------------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

static void test_cred_docker(TALLOC_CTX *ctx)
{
	char *docker = path_in(ctx, "config.json"), *u = NULL, *p = NULL;
	struct udc_error e;
	int r;

	/* fixture:secret, other:pw */
	write_text(docker, "{\"credsStore\": \"desktop\", \"auths\": {"
			   "\"https://index.docker.io/v1/\": {\"auth\": \"Zml4dHVyZTpzZWNyZXQ=\"},"
			   "\"https://quay.io\": {\"auth\": \"b3RoZXI6cHc=\"},"
			   "\"ghcr.io\": {\"identitytoken\": \"xyz\", \"auth\": \"b3RoZXI6cHc=\"},"
			   "\"helped.example\": {}}}");
	r = reg_cred_lookup(ctx, NULL, docker, "registry-1.docker.io", &u, &p, &e);
	is_int(r, 0, "docker config: Docker Hub's v1 key means registry-1.docker.io");
	is_str(u, "fixture", "docker config: user");
	is_str(p, "secret", "docker config: password");
	r = reg_cred_lookup(ctx, NULL, docker, "quay.io", &u, &p, &e);
	ok(r == 0 && !strcmp(u, "other") && !strcmp(p, "pw"), "docker config: https:// key");
	is_int(reg_cred_lookup(ctx, NULL, docker, "ghcr.io", &u, &p, &e), -ENOENT,
	       "docker config: identitytoken entry ignored");
	is_int(reg_cred_lookup(ctx, NULL, docker, "helped.example", &u, &p, &e), -ENOENT,
	       "docker config: credential-helper entry ignored");
	write_text(docker, "not json");
	is_int(reg_cred_lookup(ctx, NULL, docker, "quay.io", &u, &p, &e), -ENOENT,
	       "docker config: unreadable file ignored");
}

static void test_cred(TALLOC_CTX *ctx)
{
	char *cred = path_in(ctx, "sub/credentials.json"), *u = NULL, *p = NULL, *text;
	struct udc_error e;
	struct stat sb;
	size_t len;
	int r;

	is_int(reg_cred_lookup(ctx, cred, NULL, "a.example", &u, &p, &e), -ENOENT,
	       "cred: no file, -ENOENT");
	r = reg_cred_store(cred, "a.example", "alice", "pa:ss", &e);
	is_int(r, 0, "cred: store creates the file: %s", r ? e.msg : "ok");
	ok(stat(cred, &sb) == 0 && (sb.st_mode & 0777) == 0600, "cred: mode 0600");
	reg_cred_store(cred, "b.example:5000", "bob", "pw", &e);
	text = reg_read_file(ctx, cred, &len, &e);
	ok(text && strstr(text, "\"auths\"") && strstr(text, "\"b.example:5000\""),
	   "cred: Docker's format");
	r = reg_cred_lookup(ctx, cred, NULL, "a.example", &u, &p, &e);
	ok(r == 0 && !strcmp(u, "alice") && !strcmp(p, "pa:ss"), "cred: lookup (':' in password)");
	is_int(reg_cred_remove(cred, "a.example", &e), 0, "cred: remove");
	is_int(reg_cred_lookup(ctx, cred, NULL, "a.example", &u, &p, &e), -ENOENT,
	       "cred: removed entry gone");
	is_int(reg_cred_remove(cred, "a.example", &e), -ENOENT, "cred: remove again: -ENOENT");
	is_int(reg_cred_remove(cred, NULL, &e), 0, "cred: remove all");
	is_int(reg_cred_lookup(ctx, cred, NULL, "b.example:5000", &u, &p, &e), -ENOENT,
	       "cred: all gone");
	write_text(cred, "{broken");
	ok(reg_cred_lookup(ctx, cred, NULL, "a.example", &u, &p, &e) == -EINVAL &&
	       strstr(e.msg, "credentials.json"),
	   "cred: a broken udockerc file is an error naming it: '%s'", e.msg);
}

int main(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	char blob[PATH_MAX], hex[65] = "";
	const char *args[] = {"--blob", blob, NULL};
	struct udc_error e;

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_reg_http.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return 1;
	test_parse();
	test_cred(ctx);
	test_cred_docker(ctx);
	snprintf(blob, sizeof(blob), "%s/blob", tmpdir);
	{
		char data[4096];
		uint64_t size;
		int fd;

		for (size_t i = 0; i < sizeof(data); i++)
			data[i] = (char)(i * 7 + i / 13);
		write_text(blob, "");
		fd = open(blob, O_RDWR | O_CLOEXEC);
		if (fd < 0 || write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
			return 1;
		lseek(fd, 0, SEEK_SET);
		digest_copy_fd(fd, -1, blob, hex, &size, &e);
		close(fd);
	}
	if (!have_python3()) {
		skip("python3 is missing: no fake registry for the network tests");
	} else if (fake_start(&fk, tmpdir, "main", args) < 0) {
		ok(0, "fake registry started");
	} else {
		snprintf(hostport, sizeof(hostport), "127.0.0.1:%d", fk.port);
		test_manifest(ctx);
		test_bearer(ctx);
		test_private(ctx);
		test_basic(ctx);
		test_redirect(ctx, hex);
		test_retry(ctx);
		test_errors(ctx);
		test_scheme(ctx);
		test_login(ctx, "basic");
		test_login(ctx, "bearer");
		test_tls(ctx);
		fake_stop(&fk);
	}
	fs_rmtree_at(AT_FDCWD, tmpdir, &e);
	talloc_free(ctx);
	return done();
}
