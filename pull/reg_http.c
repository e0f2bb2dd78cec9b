/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_http.c - the registry client's HTTP transport: libcurl handles, redirects, retries. */
#include "pull/reg_http.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pull/reg_auth.h"

#define REG_MAX_REDIRECTS 5
#define REG_MAX_BODY (32L << 20)   /* manifests and tokens: the spec caps manifests at 4 MiB */
#define REG_MAX_FILE (16L << 20)   /* credentials, CA bundles */
#define REG_MAX_RETRY_AFTER 30000L /* ms: never wait longer for one retry */

/* ---- small helpers ------------------------------------------------------------------- */

/* Monotonic milliseconds. */
int64_t reg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Read the whole file at path, NUL-terminated; child of mem_ctx. */
char *reg_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t *len, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	char *buf;
	size_t n = 0;

	if (fd < 0 || fstat(fd, &sb) < 0) {
		udc_fail_sys(e, "%s", path);
		return NULL;
	}
	if (sb.st_size > REG_MAX_FILE) {
		udc_fail(e, EFBIG, "%s: file too large", path);
		return NULL;
	}
	buf = talloc_size(mem_ctx, (size_t)sb.st_size + 1);
	if (!buf) {
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	while (n < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)sb.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- facts a client learns about hosts ----------------------------------------------- */

static int fact_match(const struct reg_host_fact *f, int kind, const char *host, const char *scope)
{
	if (f->kind != kind || strcasecmp(f->host, host) != 0)
		return 0;
	if (!f->scope || !scope)
		return !f->scope && !scope;
	return strcmp(f->scope, scope) == 0;
}

/* The fact of kind about (host, scope), NULL when none; owned by c. */
const char *reg_fact_get(struct reg_client *c, int kind, const char *host, const char *scope)
{
	for (size_t i = 0; i < c->n_facts; i++)
		if (fact_match(&c->facts[i], kind, host, scope))
			return c->facts[i].value;
	return NULL;
}

/* Record (replacing) a fact about (host, scope); value NULL forgets it. 0/-ENOMEM. */
int reg_fact_set(struct reg_client *c, int kind, const char *host, const char *scope,
		 const char *value)
{
	struct reg_host_fact *f = NULL, *grown;

	for (size_t i = 0; i < c->n_facts && !f; i++)
		if (fact_match(&c->facts[i], kind, host, scope))
			f = &c->facts[i];
	if (f && !value) {
		talloc_free(f->value);
		f->value = NULL;
		f->kind = -1; /* never matches again */
		return 0;
	}
	if (!f && !value)
		return 0;
	if (!f) {
		grown = talloc_realloc(c, c->facts, struct reg_host_fact, c->n_facts + 1);
		if (!grown)
			return -ENOMEM;
		c->facts = grown;
		f = &c->facts[c->n_facts++];
		*f = (struct reg_host_fact){.kind = kind};
		f->host = talloc_strdup(c->facts, host);
		f->scope = scope ? talloc_strdup(c->facts, scope) : NULL;
	}
	talloc_free(f->value);
	f->value = talloc_strdup(c->facts, value);
	return f->host && f->value && (!scope || f->scope) ? 0 : -ENOMEM;
}

/* ---- the client -------------------------------------------------------------------- */

/* The default CA bundle libcurl would use, NULL when it has none (CA path only). */
static const char *default_cainfo(void)
{
	const char *path = NULL;
#if LIBCURL_VERSION_NUM >= 0x075400
	CURL *h = curl_easy_init();

	if (h && curl_easy_getinfo(h, CURLINFO_CAINFO, &path) != CURLE_OK)
		path = NULL;
	/* the string is static in libcurl, it survives the handle */
	curl_easy_cleanup(h);
#endif
	return path;
}

/* ca_file adds to the system's CAs (CURLOPT_CAINFO alone would replace them): hand curl one
 * PEM blob holding both. Without a default bundle (CA path only) curl gets ca_file itself. */
static int load_ca(struct reg_client *c, struct udc_error *e)
{
	const char *sys = default_cainfo();
	size_t slen = 0, alen = 0;
	char *extra = reg_read_file(c, c->o.ca_file, &alen, e);
	char *bundle = sys && access(sys, R_OK) == 0 ? reg_read_file(c, sys, &slen, e) : NULL;

	if (!extra)
		return udc_wrap(e, "CA file");
	if (!bundle) {
		c->ca_path_only = 1;
		talloc_free(extra);
		return 0;
	}
	c->ca_blob = talloc_asprintf(c, "%s\n%s\n", bundle, extra);
	talloc_free(bundle);
	talloc_free(extra);
	if (!c->ca_blob)
		return udc_fail(e, ENOMEM, "out of memory");
	c->ca_len = strlen(c->ca_blob);
	return 0;
}

static int copy_opts(struct reg_client *c, const struct reg_client_opts *o)
{
	c->o = *o;
	c->o.cred_file = o->cred_file ? talloc_strdup(c, o->cred_file) : NULL;
	c->o.docker_config = o->docker_config ? talloc_strdup(c, o->docker_config) : NULL;
	c->o.ca_file = o->ca_file ? talloc_strdup(c, o->ca_file) : NULL;
	c->o.user_agent = talloc_strdup(c, o->user_agent ? o->user_agent : "udockerc");
	if (c->o.max_parallel <= 0)
		c->o.max_parallel = 4;
	if (c->o.timeout <= 0)
		c->o.timeout = 30;
	if (c->o.attempts <= 0)
		c->o.attempts = 4;
	if (c->o.retry_delay_ms <= 0)
		c->o.retry_delay_ms = 500;
	if ((o->cred_file && !c->o.cred_file) || (o->docker_config && !c->o.docker_config) ||
	    (o->ca_file && !c->o.ca_file) || !c->o.user_agent)
		return -ENOMEM;
	return 0;
}

/* A new client, child of mem_ctx; see reg_http.h. */
struct reg_client *reg_client_new(TALLOC_CTX *mem_ctx, const struct reg_client_opts *o,
				  struct udc_error *e)
{
	struct reg_client *c;

	/* reference-counted by libcurl; its globals are not ours to free per client */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		udc_fail(e, EIO, "cannot initialise libcurl");
		return NULL;
	}
	c = talloc_zero(mem_ctx, struct reg_client);
	if (!c || copy_opts(c, o) < 0 || !(c->x = reg_xfer_new(c, c))) {
		talloc_free(c);
		udc_fail(e, ENOMEM, "out of memory");
		return NULL;
	}
	if (c->o.ca_file && load_ca(c, e) < 0) {
		talloc_free(c);
		return NULL;
	}
	return c;
}

/* The number of tries per request. */
int reg_client_attempts(const struct reg_client *c)
{
	return c->o.attempts;
}

/* The number of blob transfers at once. */
int reg_client_parallel(const struct reg_client *c)
{
	return c->o.max_parallel;
}

/* The shared easy handle of c. */
struct reg_xfer *reg_client_xfer(struct reg_client *c)
{
	return c->x;
}

/* ---- one easy handle ------------------------------------------------------------------ */

static int xfer_destructor(struct reg_xfer *x)
{
	curl_slist_free_all(x->hdrs);
	if (x->h)
		curl_easy_cleanup(x->h);
	return 0;
}

/* A new easy handle for c, child of mem_ctx; NULL on ENOMEM. */
struct reg_xfer *reg_xfer_new(TALLOC_CTX *mem_ctx, struct reg_client *c)
{
	struct reg_xfer *x = talloc_zero(mem_ctx, struct reg_xfer);

	if (!x)
		return NULL;
	x->c = c;
	x->h = curl_easy_init();
	talloc_set_destructor(x, xfer_destructor);
	if (!x->h) {
		talloc_free(x);
		return NULL;
	}
	return x;
}

/* Forget the previous answer: a new status line starts a new one. */
static int xfer_new_answer(struct reg_xfer *x, long status)
{
	talloc_free(x->resp);
	x->resp = talloc_new(x);
	x->status = status;
	x->content_type = x->docker_digest = x->content_range = x->retry_after = NULL;
	x->www_auth = NULL;
	x->n_www_auth = 0;
	x->body = NULL;
	x->len = 0;
	x->truncated = 0;
	return x->resp ? 0 : -ENOMEM;
}

static int add_www_auth(struct reg_xfer *x, const char *v)
{
	char **grown = talloc_realloc(x->resp, x->www_auth, char *, x->n_www_auth + 1);

	if (!grown)
		return -ENOMEM;
	x->www_auth = grown;
	grown[x->n_www_auth] = talloc_strdup(x->resp, v);
	return grown[x->n_www_auth++] ? 0 : -ENOMEM;
}

/* Keep the headers the client needs from one "Name: value" line. */
static int xfer_header(struct reg_xfer *x, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len), *v;
	char *value;
	size_t nlen;

	if (!colon)
		return 0;
	nlen = (size_t)(colon - line);
	for (v = colon + 1; v < line + len && (*v == ' ' || *v == '\t'); v++)
		;
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	value = talloc_strndup(x->resp, v, line + len > v ? (size_t)(line + len - v) : 0);
	if (!value)
		return -ENOMEM;
#define IS(name) (nlen == sizeof(name) - 1 && strncasecmp(line, name, nlen) == 0)
	if (IS("Content-Type"))
		x->content_type = value;
	else if (IS("Docker-Content-Digest"))
		x->docker_digest = value;
	else if (IS("Content-Range"))
		x->content_range = value;
	else if (IS("Retry-After"))
		x->retry_after = value;
	else if (IS("WWW-Authenticate"))
		return add_www_auth(x, value);
#undef IS
	return 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct reg_xfer *x = arg;
	size_t len = size * n;
	int r;

	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', len);

		r = xfer_new_answer(x, sp ? strtol(sp + 1, NULL, 10) : 0);
	} else {
		r = x->resp ? xfer_header(x, p, len) : 0;
	}
	if (r < 0) {
		x->sink_err = r;
		return 0;
	}
	return len;
}

/* Keep a body in memory, up to max_body bytes (the rest is dropped, truncated set). */
static int body_append(struct reg_xfer *x, const char *p, size_t n)
{
	size_t room = x->len < x->max_body ? x->max_body - x->len : 0;
	char *grown;

	if (n > room) {
		x->truncated = 1;
		n = room;
	}
	if (n == 0)
		return 0;
	grown = talloc_realloc(x->resp, x->body, char, x->len + n + 1);
	if (!grown)
		return -ENOMEM;
	memcpy(grown + x->len, p, n);
	x->len += n;
	grown[x->len] = '\0';
	x->body = grown;
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct reg_xfer *x = arg;
	size_t len = size * n;
	int r;

	if (!x->resp && xfer_new_answer(x, 0) < 0)
		r = -ENOMEM;
	else if (x->sink && x->status >= 200 && x->status < 300)
		r = x->sink(x->sink_arg, p, len);
	else
		r = body_append(x, p, len);
	if (r < 0) {
		x->sink_err = r;
		return 0;
	}
	return len;
}

static int xfer_headers(struct reg_xfer *x, const struct reg_xfer_req *rq)
{
	/* "Accept:" alone removes curl's default "* / *": the registry reads the header */
	char *accept =
	    talloc_asprintf(x, "Accept:%s%s", rq->accept ? " " : "", rq->accept ? rq->accept : "");
	char *auth = rq->auth ? talloc_asprintf(x, "Authorization: %s", rq->auth) : NULL;
	char range[48];
	int r = accept && (auth || !rq->auth) ? 0 : -ENOMEM;

	curl_slist_free_all(x->hdrs);
	x->hdrs = r == 0 ? curl_slist_append(NULL, accept) : NULL;
	if (x->hdrs && auth && !curl_slist_append(x->hdrs, auth))
		r = -ENOMEM;
	snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)rq->range_from);
	if (x->hdrs && rq->range_from > 0 && !curl_slist_append(x->hdrs, range))
		r = -ENOMEM;
	talloc_free(accept);
	talloc_free(auth);
	return x->hdrs ? r : -ENOMEM;
}

static void xfer_tls(struct reg_xfer *x)
{
	struct reg_client *c = x->c;

	if (c->o.insecure) {
		curl_easy_setopt(x->h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(x->h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (c->ca_blob) {
		struct curl_blob blob = {
		    .data = c->ca_blob, .len = c->ca_len, .flags = CURL_BLOB_NOCOPY};

		curl_easy_setopt(x->h, CURLOPT_CAINFO_BLOB, &blob);
	} else if (c->ca_path_only) {
		curl_easy_setopt(x->h, CURLOPT_CAINFO, c->o.ca_file);
	}
}

/* Reset x and set it up for rq. 0/-errno. */
int reg_xfer_setup(struct reg_xfer *x, const struct reg_xfer_req *rq, struct udc_error *e)
{
	struct reg_client *c = x->c;
	char *url = talloc_strdup(x, rq->url);
	CURL *h = x->h;

	if (!url || xfer_headers(x, rq) < 0 || xfer_new_answer(x, 0) < 0)
		return udc_fail(e, ENOMEM, "out of memory");
	talloc_free(x->url);
	x->url = url;
	x->err[0] = '\0';
	x->sink_err = 0;
	x->max_body = x->sink ? (size_t)64 * 1024 : (size_t)REG_MAX_BODY;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->o.user_agent);
	/* redirects are ours: the Authorization header must not follow them off-origin */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->o.timeout);
	/* a stalled transfer (under 1 byte/s for timeout seconds) fails instead of hanging */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->o.timeout);
	curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	if (rq->head)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	xfer_tls(x);
	return 0;
}

/* ---- outcomes ------------------------------------------------------------------------ */

/* 1 when rc is worth retrying (resets, timeouts, truncated bodies). */
int reg_curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* 1 for 5xx and 429. */
int reg_status_retryable(long status)
{
	return status == 429 || (status >= 500 && status <= 599);
}

/* The delay before retry n: retry_delay_ms * 2^(n-1), or a short Retry-After in seconds. */
long reg_retry_delay(struct reg_client *c, const struct reg_xfer *x, int n)
{
	long d = c->o.retry_delay_ms << (n > 1 ? (n - 1 > 10 ? 10 : n - 1) : 0);

	if (x && x->retry_after && isdigit((unsigned char)x->retry_after[0])) {
		long ra = strtol(x->retry_after, NULL, 10) * 1000;

		if (ra > d)
			d = ra;
	}
	return d > REG_MAX_RETRY_AFTER ? REG_MAX_RETRY_AFTER : d;
}

static int curl_errno(CURLcode rc)
{
	switch (rc) {
	case CURLE_OUT_OF_MEMORY:
		return ENOMEM;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return EHOSTUNREACH;
	case CURLE_COULDNT_CONNECT:
		return ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return ETIMEDOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return EPROTO;
	default:
		return reg_curl_retryable(rc) ? ECONNRESET : EIO;
	}
}

/* "url: <curl's message>"; returns -errno. */
int reg_xfer_fail_curl(struct reg_xfer *x, CURLcode rc, const char *url, struct udc_error *e)
{
	if (rc == CURLE_WRITE_ERROR && x->sink_err < 0)
		return udc_fail(e, -x->sink_err, "%s: %s", url, strerror(-x->sink_err));
	return udc_fail(e, curl_errno(rc), "%s: %s", url,
			x->err[0] ? x->err : curl_easy_strerror(rc));
}

/* The first line of a text body, if it reads like a message. */
static char *text_summary(TALLOC_CTX *mem_ctx, const char *body, size_t len)
{
	size_t n = 0;

	while (len > 0 && isspace((unsigned char)*body)) {
		body++;
		len--;
	}
	if (len == 0 || *body == '<' || *body == '{')
		return NULL;
	while (n < len && n < 160 && body[n] != '\n' && body[n] != '\r') {
		if (!isprint((unsigned char)body[n]))
			return NULL;
		n++;
	}
	return talloc_strndup(mem_ctx, body, n);
}

/* "CODE: message; CODE: message" from {"errors":[...]}, or the first line of a text body. */
char *reg_error_summary(TALLOC_CTX *mem_ctx, const char *body, size_t len)
{
	json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL, *err;
	char *s = NULL;
	size_t i;

	if (!j)
		return body ? text_summary(mem_ctx, body, len) : NULL;
	json_array_foreach(json_object_get(j, "errors"), i, err)
	{
		const char *code = json_string_value(json_object_get(err, "code"));
		const char *msg = json_string_value(json_object_get(err, "message"));

		if (i == 3)
			break;
		s = talloc_asprintf_append(s ? s : talloc_strdup(mem_ctx, ""), "%s%s%s%s",
					   i ? "; " : "", code ? code : "", code && msg ? ": " : "",
					   msg ? msg : "");
	}
	json_decref(j);
	return s && *s ? s : NULL;
}

static int status_errno(long status)
{
	switch (status) {
	case 400:
		return EINVAL;
	case 401:
	case 403:
		return EACCES;
	case 404:
		return ENOENT;
	case 405:
		return EPERM;
	case 429:
		return EBUSY;
	case 416:
		return ERANGE;
	default:
		return status >= 500 ? EIO : EPROTO;
	}
}

/* "url: HTTP 404: CODE: message"; returns -errno. */
int reg_xfer_fail_status(struct reg_xfer *x, const char *url, struct udc_error *e)
{
	char *sum = reg_error_summary(NULL, x->body, x->len);
	int r = udc_fail(e, status_errno(x->status), "%s: HTTP %ld%s%s", url, x->status,
			 sum ? ": " : "", sum ? sum : "");

	talloc_free(sum);
	return r;
}

/* ---- URLs ---------------------------------------------------------------------------- */

static char *url_part(CURLU *u, CURLUPart what, unsigned flags)
{
	char *s = NULL;

	return curl_url_get(u, what, &s, flags) == CURLUE_OK ? s : NULL;
}

/* 1 when a and b have the same scheme, host and port. */
int reg_same_origin(const char *a, const char *b)
{
	CURLU *ua = curl_url(), *ub = curl_url();
	int same = 0;

	if (ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK) {
		CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};

		same = 1;
		for (size_t i = 0; i < 3 && same; i++) {
			char *pa = url_part(ua, parts[i], CURLU_DEFAULT_PORT);
			char *pb = url_part(ub, parts[i], CURLU_DEFAULT_PORT);

			same = pa && pb && strcasecmp(pa, pb) == 0;
			curl_free(pa);
			curl_free(pb);
		}
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

/* "<scheme>://host": the scheme t names, else the one learnt for the host, else https. */
char *reg_base_url(TALLOC_CTX *mem_ctx, struct reg_client *c, const struct reg_target *t)
{
	const char *scheme =
	    t->scheme ? t->scheme : reg_fact_get(c, REG_FACT_SCHEME, t->host, NULL);

	return talloc_asprintf(mem_ctx, "%s://%s", scheme ? scheme : "https", t->host);
}

/* ---- synchronous requests ------------------------------------------------------------- */

static int is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Perform rq, following up to REG_MAX_REDIRECTS redirects; the Authorization header is only
 * sent to the origin of rq->url. *rc gets the transport result. 0, or -errno for a loop. */
static int run_redirects(struct reg_xfer *x, const struct reg_xfer_req *rq, CURLcode *rc,
			 struct udc_error *e)
{
	struct reg_xfer_req cur = *rq;
	char *next = NULL;
	int r = 0;

	for (int hops = 0;; hops++) {
		if ((r = reg_xfer_setup(x, &cur, e)) < 0)
			break;
		*rc = curl_easy_perform(x->h);
		if (*rc != CURLE_OK || !is_redirect(x->status))
			break;
		if (curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &cur.url) != CURLE_OK ||
		    !cur.url)
			break; /* a 3xx without Location: the caller sees the status */
		if (hops == REG_MAX_REDIRECTS) {
			r = udc_fail(e, ELOOP, "%s: too many redirects", rq->url);
			break;
		}
		talloc_free(next);
		if (!(next = talloc_strdup(x, cur.url))) {
			r = udc_fail(e, ENOMEM, "out of memory");
			break;
		}
		cur.url = next;
		if (!reg_same_origin(rq->url, next))
			cur.auth = NULL;
	}
	talloc_free(next);
	return r;
}

/* One logical request with redirects and retries; 0 once an answer is in x. */
int reg_xfer_run(struct reg_xfer *x, const struct reg_xfer_req *rq, struct udc_error *e)
{
	int attempts = x->c->o.attempts;

	for (int n = 1;; n++) {
		CURLcode rc = CURLE_OK;
		int r = run_redirects(x, rq, &rc, e);

		if (r < 0)
			return r;
		if (rc == CURLE_OK && !reg_status_retryable(x->status))
			return 0;
		if (n >= attempts || (rc != CURLE_OK && !reg_curl_retryable(rc)))
			return rc == CURLE_OK ? 0 : reg_xfer_fail_curl(x, rc, x->url, e);
		sleep_ms(reg_retry_delay(x->c, rc == CURLE_OK ? x : NULL, n));
	}
}

/* GET https://host/v2/ once to learn whether the host speaks https (or only http). */
int reg_probe_scheme(struct reg_client *c, const struct reg_target *t, struct udc_error *e)
{
	struct reg_xfer_req rq = {0};
	char url[512];
	int r;

	if (t->scheme || reg_fact_get(c, REG_FACT_SCHEME, t->host, NULL))
		return 0;
	snprintf(url, sizeof(url), "https://%s/v2/", t->host);
	rq.url = url;
	r = reg_xfer_run(c->x, &rq, e);
	if (r < 0 && t->insecure_ok) {
		struct udc_error e2;

		snprintf(url, sizeof(url), "http://%s/v2/", t->host);
		/* an https-only server answers plain HTTP with 400: keep the TLS error then */
		if (reg_xfer_run(c->x, &rq, &e2) < 0)
			return r;
		if (c->x->status == 400)
			return r;
		r = reg_fact_set(c, REG_FACT_SCHEME, t->host, NULL, "http");
	} else if (r == 0) {
		r = reg_fact_set(c, REG_FACT_SCHEME, t->host, NULL, "https");
	}
	return r == -ENOMEM ? udc_fail(e, ENOMEM, "out of memory") : r;
}

/* Copy the answer in x into out, strings children of mem_ctx. */
static int fill_response(struct reg_xfer *x, TALLOC_CTX *mem_ctx, struct reg_response *out)
{
	out->status = x->status;
	out->url = talloc_strdup(mem_ctx, x->url);
	out->content_type = x->content_type ? talloc_strdup(mem_ctx, x->content_type) : NULL;
	out->docker_digest = x->docker_digest ? talloc_strdup(mem_ctx, x->docker_digest) : NULL;
	out->body = talloc_memdup(mem_ctx, x->body ? x->body : "", x->len + 1);
	out->len = x->len;
	if (!out->url || !out->body || (x->content_type && !out->content_type) ||
	    (x->docker_digest && !out->docker_digest))
		return -ENOMEM;
	return 0;
}

static char **copy_strv(TALLOC_CTX *mem_ctx, char *const *v, size_t n)
{
	char **copy = talloc_array(mem_ctx, char *, n + 1);

	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = talloc_strdup(copy, v[i])))
			return NULL;
	if (copy)
		copy[n] = NULL;
	return copy;
}

/* The request, then on a 401 the challenge answered and the request again. */
static int get_authed(struct reg_client *c, const struct reg_target *t,
		      const struct reg_creds *creds, const char *scope, struct reg_xfer_req *rq,
		      struct udc_error *e)
{
	struct reg_xfer *x = c->x;
	size_t n;
	char **www;
	int r = reg_xfer_run(x, rq, e);

	if (r < 0 || x->status != 401)
		return r;
	n = x->n_www_auth;
	if (!(www = copy_strv(NULL, x->www_auth, n)))
		return udc_fail(e, ENOMEM, "out of memory");
	if (rq->auth)
		reg_auth_forget(c, t->host, scope);
	r = reg_auth_answer(c, t->host, scope, creds, www, n, &rq->auth, e);
	talloc_free(www);
	if (r == 0)
		r = reg_xfer_run(x, rq, e);
	if (r == 0 && x->status == 401) {
		char *sum = reg_error_summary(NULL, x->body, x->len);

		r = udc_fail(e, EACCES, "%s: authentication failed (HTTP 401)%s%s", t->host,
			     sum ? ": " : "", sum ? sum : "");
		talloc_free(sum);
		reg_auth_forget(c, t->host, scope);
	}
	return r;
}

/* Copy the answer in x into out: 0 for a complete 2xx answer, else -errno plus e. */
static int take_answer(struct reg_xfer *x, TALLOC_CTX *mem_ctx, struct reg_response *out,
		       struct udc_error *e)
{
	if (fill_response(x, mem_ctx, out) < 0)
		return udc_fail(e, ENOMEM, "out of memory");
	if (x->status < 200 || x->status > 299)
		return reg_xfer_fail_status(x, x->url, e);
	if (x->truncated)
		return udc_fail(e, EFBIG, "%s: answer larger than %ld bytes", x->url, REG_MAX_BODY);
	return 0;
}

/* reg_get with explicit credentials (NULL: the stored ones). */
int reg_get_as(struct reg_client *c, const struct reg_target *t, const struct reg_creds *creds,
	       const char *path, const char *accept, int head, TALLOC_CTX *mem_ctx,
	       struct reg_response *out, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *base, *scope = path ? reg_auth_scope(tmp, t->repository) : NULL;
	struct reg_xfer_req rq = {.accept = accept, .head = head};
	int r;

	memset(out, 0, sizeof(*out));
	if (path && !t->repository) {
		talloc_free(tmp);
		return udc_fail(e, EINVAL, "%s: %s: no repository given", t->host, path);
	}
	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	r = reg_probe_scheme(c, t, e);
	base = r == 0 ? reg_base_url(tmp, c, t) : NULL;
	if (base)
		rq.url = path ? talloc_asprintf(tmp, "%s/v2/%s/%s", base, t->repository, path)
			      : talloc_asprintf(tmp, "%s/v2/", base);
	if (r == 0 && (!rq.url || (path && !scope)))
		r = udc_fail(e, ENOMEM, "out of memory");
	if (r == 0) {
		rq.auth = reg_auth_cached(c, t->host, scope);
		r = get_authed(c, t, creds, scope, &rq, e);
	}
	if (r == 0)
		r = take_answer(c->x, mem_ctx, out, e);
	talloc_free(tmp);
	return r;
}

/* GET url as it is (no registry authentication): the Docker index's search API. */
int reg_get_url(struct reg_client *c, const char *url, const char *accept, TALLOC_CTX *mem_ctx,
		struct reg_response *out, struct udc_error *e)
{
	struct reg_xfer_req rq = {.url = url, .accept = accept};
	int r;

	memset(out, 0, sizeof(*out));
	r = reg_xfer_run(c->x, &rq, e);
	if (r == 0)
		r = take_answer(c->x, mem_ctx, out, e);
	return r;
}

/* GET or HEAD /v2/<repository>/<path> (or /v2/) with the stored credentials; see reg_http.h. */
int reg_get(struct reg_client *c, const struct reg_target *t, const char *path, const char *accept,
	    int head, TALLOC_CTX *mem_ctx, struct reg_response *out, struct udc_error *e)
{
	return reg_get_as(c, t, NULL, path, accept, head, mem_ctx, out, e);
}
