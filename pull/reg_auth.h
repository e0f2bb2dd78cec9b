/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_auth.h - registry authentication: challenges, Bearer tokens, Basic, stored credentials. */
#ifndef UDC_REG_AUTH_H
#define UDC_REG_AUTH_H

#include <stddef.h>
#include <talloc.h>

#include "common/error.h"
#include "pull/reg_http.h"

/* One challenge of a WWW-Authenticate header. */
struct reg_challenge {
	char *scheme;  /* "Bearer", "Basic", ... as sent */
	char *realm;   /* NULL when absent */
	char *service; /* NULL when absent */
	char *scope;   /* NULL when absent */
	char *error;   /* "insufficient_scope", ... NULL when absent */
};

/* Explicit credentials (login), overriding the stored ones. */
struct reg_creds {
	const char *user;
	const char *password;
};

/* reg_auth.c */
/* Parse a WWW-Authenticate value holding one or more challenges (quoted values may hold commas
 * and backslash escapes) and append them to *ch (a talloc array, children of mem_ctx; *ch may
 * be NULL at first), *n counting them. 0, -EINVAL for a malformed value, -ENOMEM. */
int reg_auth_parse(TALLOC_CTX *mem_ctx, const char *value, struct reg_challenge **ch, size_t *n);
/* The Authorization value c already has for (host, scope): a cached token, else Basic
 * credentials the host asked for before; NULL when none (anonymous). Owned by c. */
const char *reg_auth_cached(struct reg_client *c, const char *host, const char *scope);
/* Answer the 401 challenges www (n values) of host for scope: fetch a Bearer token from the
 * realm (with Basic credentials when the user has some for host), or take Basic credentials;
 * cache the result for the client's life. *auth gets the Authorization value (owned by c).
 * creds NULL: the stored ones. 0; -EACCES "host: authentication failed (HTTP 401)". */
int reg_auth_answer(struct reg_client *c, const char *host, const char *scope,
		    const struct reg_creds *creds, char *const *www, size_t n, const char **auth,
		    struct udc_error *e);
/* Forget what c cached for (host, scope) (a token the registry refused). */
void reg_auth_forget(struct reg_client *c, const char *host, const char *scope);
/* "repository:<repository>:pull", child of mem_ctx; NULL for a NULL repository. */
char *reg_auth_scope(TALLOC_CTX *mem_ctx, const char *repository);
/* Authenticate against t->host's /v2/ with user and password (t->repository is ignored): 0 when
 * the registry accepts them (or needs none), -EACCES for wrong credentials, else -errno. */
int reg_login_check(struct reg_client *c, const struct reg_target *t, const char *user,
		    const char *password, struct udc_error *e);
/* reg_get with explicit credentials (NULL: stored ones); see reg_get. */
int reg_get_as(struct reg_client *c, const struct reg_target *t, const struct reg_creds *creds,
	       const char *path, const char *accept, int head, TALLOC_CTX *mem_ctx,
	       struct reg_response *out, struct udc_error *e);

/* reg_cred.c: the credentials file, Docker's format {"auths": {"host": {"auth": b64}}} */
/* Store user:password for host in cred_file (created mode 0600, replaced atomically). 0/-errno */
int reg_cred_store(const char *cred_file, const char *host, const char *user, const char *password,
		   struct udc_error *e);
/* Remove host's entry (host NULL: every entry) from cred_file. 0, -ENOENT when there was none. */
int reg_cred_remove(const char *cred_file, const char *host, struct udc_error *e);
/* The credentials for host: cred_file first, then docker_config's "auths" (keys "host",
 * "https://host", "https://host/v1/"; Docker Hub's "https://index.docker.io/v1/"); identity
 * tokens and credential helpers are skipped. Either file may be NULL or missing. *user and
 * *password are children of mem_ctx. 0, -ENOENT when none, -errno for an unreadable cred_file. */
int reg_cred_lookup(TALLOC_CTX *mem_ctx, const char *cred_file, const char *docker_config,
		    const char *host, char **user, char **password, struct udc_error *e);
/* "Basic base64(user:password)", child of mem_ctx; NULL on ENOMEM. */
char *reg_cred_basic(TALLOC_CTX *mem_ctx, const char *user, const char *password);
/* The canonical registry host for a credentials key or host name ("https://index.docker.io/v1/"
 * and "docker.io" give "registry-1.docker.io"), child of mem_ctx. */
char *reg_cred_host(TALLOC_CTX *mem_ctx, const char *key);

#endif
