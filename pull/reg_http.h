/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_http.h - the registry client's HTTP transport (libcurl): requests, redirects, retries. */
#ifndef UDC_REG_HTTP_H
#define UDC_REG_HTTP_H

#include <curl/curl.h>
#include <stdint.h>
#include <talloc.h>

#include "common/error.h"

struct reg_client_opts {
	const char *cred_file;	   /* udockerc's credentials file, may be NULL */
	const char *docker_config; /* ~/.docker/config.json or NULL */
	int insecure;		   /* skip TLS verification */
	const char *ca_file;	   /* extra CA bundle (PEM), added to the system's, or NULL */
	int max_parallel;	   /* blob downloads at once; 0: 4 */
	const char *user_agent;	   /* "udockerc/<version>"; NULL: "udockerc" */
	long timeout;		   /* seconds: connect timeout and low-speed window; 0: 30 */
	int attempts;		   /* tries per request on 5xx/429/resets; 0: 4 */
	long retry_delay_ms;	   /* first backoff delay, doubled each time; 0: 500 */
};

struct reg_target {
	const char *host;	/* "127.0.0.1:5000", "registry-1.docker.io" */
	const char *repository; /* "library/busybox"; NULL for registry-wide requests (/v2/) */
	const char *scheme;	/* "https", "http" or NULL: https, then http when insecure_ok */
	int insecure_ok;	/* the registry may be plain HTTP (loopback, --insecure) */
};

struct reg_response {
	long status;
	char *url;	     /* the URL that answered (after redirects) */
	char *content_type;  /* NULL when absent */
	char *docker_digest; /* Docker-Content-Digest, NULL when absent */
	char *body;	     /* NUL-terminated (HEAD: "") */
	size_t len;
};

struct reg_client;

/* A new client (a child of mem_ctx) holding the options, the connection cache, the token cache
 * and the scheme each host answered on. Not thread-safe: one client per thread. NULL plus e. */
struct reg_client *reg_client_new(TALLOC_CTX *mem_ctx, const struct reg_client_opts *o,
				  struct udc_error *e);

/* GET (HEAD when head) <scheme>://host/v2/<repository>/<path>, or /v2/ when path is NULL, with
 * Accept: accept (may be NULL). Authenticates on a 401 (anonymous first, then a Bearer token or
 * Basic credentials), follows redirects (Authorization only on the same origin), retries 5xx,
 * 429 and resets with backoff. out's strings are children of mem_ctx; out->status is set
 * whenever an answer came. 0 for a 2xx answer; otherwise -errno plus e naming the URL, the
 * status and the registry's error (-ENOENT for 404, -EACCES for 401/403). */
int reg_get(struct reg_client *c, const struct reg_target *t, const char *path, const char *accept,
	    int head, TALLOC_CTX *mem_ctx, struct reg_response *out, struct udc_error *e);

/* GET url as it is, without registry authentication (a Docker index's /v1/search): 0 for a 2xx
 * answer, else -errno plus e naming the URL and status. out's strings are children of
 * mem_ctx. */
int reg_get_url(struct reg_client *c, const char *url, const char *accept, TALLOC_CTX *mem_ctx,
		struct reg_response *out, struct udc_error *e);

/* ---- internal to pull/reg_*.c ------------------------------------------------------- */

/* What a client learnt about a host: the scheme it answers on, a Bearer token's Authorization
 * value for (host, scope), or the Basic one valid for every scope of the host. */
struct reg_host_fact {
	char *host;
	char *scope;
	char *value; /* "https"/"http" (REG_FACT_SCHEME) or an Authorization value */
	int kind;
};
enum { REG_FACT_SCHEME, REG_FACT_TOKEN, REG_FACT_BASIC };

struct reg_client {
	struct reg_client_opts o; /* strings are children of the client */
	char *ca_blob;		  /* system bundle + ca_file (PEM) when ca_file is set */
	size_t ca_len;
	int ca_path_only;   /* no readable default bundle: hand curl ca_file itself */
	struct reg_xfer *x; /* the handle for synchronous requests */
	struct reg_host_fact *facts;
	size_t n_facts;
};

/* One libcurl easy handle and the last answer it got; freeing it cleans the handle up. */
struct reg_xfer {
	struct reg_client *c;
	CURL *h;
	struct curl_slist *hdrs;
	char err[CURL_ERROR_SIZE];
	char *url;	  /* the URL of the current request */
	TALLOC_CTX *resp; /* per-answer allocations below, renewed at each status line */
	long status;	  /* of the last status line seen, 0 before */
	char *content_type, *docker_digest, *content_range, *retry_after;
	char **www_auth; /* every WWW-Authenticate value */
	size_t n_www_auth;
	char *body;	      /* non-2xx bodies, and 2xx ones when there is no sink */
	size_t len, max_body; /* bytes past max_body are dropped and set truncated */
	int truncated;
	/* Body of 2xx answers when set: 0 to go on, -errno (with sink_e filled) to abort. */
	int (*sink)(void *arg, const char *p, size_t n);
	void *sink_arg;
	int sink_err;
};

/* The request one xfer makes: what reg_xfer_setup turns into libcurl options. */
struct reg_xfer_req {
	const char *url;
	const char *accept; /* NULL: none */
	const char *auth;   /* "Bearer ...", "Basic ...", NULL: none */
	int head;
	int64_t range_from; /* > 0: Range: bytes=N- */
};

/* A new easy handle for c, child of mem_ctx; NULL on ENOMEM. */
struct reg_xfer *reg_xfer_new(TALLOC_CTX *mem_ctx, struct reg_client *c);
/* Reset x and set it up for rq (TLS, timeouts, user agent, headers, no redirects). 0/-errno. */
int reg_xfer_setup(struct reg_xfer *x, const struct reg_xfer_req *rq, struct udc_error *e);
/* One synchronous logical request: follows redirects (dropping rq->auth off-origin) and retries
 * with backoff. 0 once an answer (any status) is in x; -errno plus e on transport failure. */
int reg_xfer_run(struct reg_xfer *x, const struct reg_xfer_req *rq, struct udc_error *e);
/* Fill e for a transport failure of url: "url: <curl message>"; returns -errno. */
int reg_xfer_fail_curl(struct reg_xfer *x, CURLcode rc, const char *url, struct udc_error *e);
/* Fill e for the non-2xx answer in x: "url: HTTP 404: CODE: message"; returns -errno. */
int reg_xfer_fail_status(struct reg_xfer *x, const char *url, struct udc_error *e);
/* 1 when rc is worth retrying (resets, timeouts, truncated bodies). */
int reg_curl_retryable(CURLcode rc);
/* 1 when status is worth retrying (5xx, 429). */
int reg_status_retryable(long status);
/* The delay before attempt number n (1 = first retry), in ms: backoff or Retry-After. */
long reg_retry_delay(struct reg_client *c, const struct reg_xfer *x, int n);
/* The number of tries per request. */
int reg_client_attempts(const struct reg_client *c);
/* The number of blob transfers at once. */
int reg_client_parallel(const struct reg_client *c);
/* The shared easy handle of c (token requests, reg_get). */
struct reg_xfer *reg_client_xfer(struct reg_client *c);
/* 1 when a and b have the same scheme, host and port. */
int reg_same_origin(const char *a, const char *b);
/* The base URL "<scheme>://host" for t (the scheme learnt for the host, else t's), child of
 * mem_ctx; NULL on ENOMEM. */
char *reg_base_url(TALLOC_CTX *mem_ctx, struct reg_client *c, const struct reg_target *t);
/* Resolve the scheme of t->host once: try https, fall back to http when t->insecure_ok and
 * https fails at the transport level. 0/-errno. */
int reg_probe_scheme(struct reg_client *c, const struct reg_target *t, struct udc_error *e);
/* One-line summary of a registry error body ("CODE: message; CODE: message" or the first line
 * of a text body), child of mem_ctx; NULL when there is nothing to say. */
char *reg_error_summary(TALLOC_CTX *mem_ctx, const char *body, size_t len);
/* The fact of kind about (host, scope) c holds, NULL when none; owned by c. */
const char *reg_fact_get(struct reg_client *c, int kind, const char *host, const char *scope);
/* Record (replacing) a fact; value NULL forgets it. 0/-ENOMEM. */
int reg_fact_set(struct reg_client *c, int kind, const char *host, const char *scope,
		 const char *value);
/* The whole file at path (NUL-terminated, at most 16 MiB), child of mem_ctx; NULL plus e. */
char *reg_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t *len, struct udc_error *e);
/* Monotonic milliseconds. */
int64_t reg_now_ms(void);

#endif
