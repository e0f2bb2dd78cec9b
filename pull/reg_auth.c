/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_auth.c - answer registry 401 challenges: Bearer tokens from any realm, Basic, login. */
#include "pull/reg_auth.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

/* ---- WWW-Authenticate ------------------------------------------------------------------ */

static const char *skip_sep(const char *p, int commas)
{
	while (*p == ' ' || *p == '\t' || (commas && *p == ','))
		p++;
	return p;
}

static size_t token_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !strchr(" \t,=\"", p[n]))
		n++;
	return n;
}

/* A quoted-string (backslash escapes) or a token at *p, advancing *p; NULL when malformed. */
static char *param_value(TALLOC_CTX *mem_ctx, const char **p)
{
	const char *s = *p;
	char *v;
	size_t n = 0;

	if (*s != '"') {
		n = token_len(s);
		*p = s + n;
		return talloc_strndup(mem_ctx, s, n);
	}
	v = talloc_array(mem_ctx, char, strlen(s));
	for (s++; v && *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		v[n++] = *s;
	}
	if (!v || *s != '"')
		return NULL; /* unterminated, or ENOMEM: both refuse the header */
	v[n] = '\0';
	*p = s + 1;
	return v;
}

static void set_param(struct reg_challenge *c, const char *name, size_t len, char *v)
{
	if (len == 5 && strncasecmp(name, "realm", 5) == 0)
		c->realm = v;
	else if (len == 7 && strncasecmp(name, "service", 7) == 0)
		c->service = v;
	else if (len == 5 && strncasecmp(name, "scope", 5) == 0)
		c->scope = v;
	else if (len == 5 && strncasecmp(name, "error", 5) == 0)
		c->error = v;
	else
		talloc_free(v);
}

static int add_challenge(TALLOC_CTX *mem_ctx, struct reg_challenge **ch, size_t *n, const char *s,
			 size_t len)
{
	struct reg_challenge *grown = talloc_realloc(mem_ctx, *ch, struct reg_challenge, *n + 1);

	if (!grown)
		return -ENOMEM;
	*ch = grown;
	grown[*n] = (struct reg_challenge){.scheme = talloc_strndup(grown, s, len)};
	return grown[(*n)++].scheme ? 0 : -ENOMEM;
}

/* Parse the challenges of one WWW-Authenticate value, appending to *ch. 0/-EINVAL/-ENOMEM. */
int reg_auth_parse(TALLOC_CTX *mem_ctx, const char *value, struct reg_challenge **ch, size_t *n)
{
	const char *p = value;

	for (;;) {
		size_t len;
		const char *q;
		char *v;

		p = skip_sep(p, 1);
		if (!*p)
			return 0;
		len = token_len(p);
		if (len == 0)
			return -EINVAL;
		q = skip_sep(p + len, 0);
		if (*q != '=' || *n == 0) {
			/* a token not followed by '=' starts a new challenge */
			if (add_challenge(mem_ctx, ch, n, p, len) < 0)
				return -ENOMEM;
			p = q;
			continue;
		}
		q = skip_sep(q + 1, 0);
		if (!(v = param_value(*ch, &q)))
			return -EINVAL;
		set_param(&(*ch)[*n - 1], p, len, v);
		p = skip_sep(q, 0);
		if (*p && *p != ',')
			return -EINVAL;
	}
}

/* ---- the token cache ------------------------------------------------------------------- */

/* "repository:<repository>:pull", child of mem_ctx; NULL for a NULL repository. */
char *reg_auth_scope(TALLOC_CTX *mem_ctx, const char *repository)
{
	return repository ? talloc_asprintf(mem_ctx, "repository:%s:pull", repository) : NULL;
}

/* A cached token for (host, scope), else the host's Basic credentials, else NULL. */
const char *reg_auth_cached(struct reg_client *c, const char *host, const char *scope)
{
	const char *v = reg_fact_get(c, REG_FACT_TOKEN, host, scope);

	return v ? v : reg_fact_get(c, REG_FACT_BASIC, host, NULL);
}

/* Forget the token of (host, scope) and the host's Basic credentials. */
void reg_auth_forget(struct reg_client *c, const char *host, const char *scope)
{
	reg_fact_set(c, REG_FACT_TOKEN, host, scope, NULL);
	reg_fact_set(c, REG_FACT_BASIC, host, NULL, NULL);
}

/* ---- Bearer ---------------------------------------------------------------------------- */

/* realm?service=..&scope=.. with both values URL-encoded; child of mem_ctx. */
static char *token_url(TALLOC_CTX *mem_ctx, CURL *h, const struct reg_challenge *ch,
		       const char *scope)
{
	char *svc = ch->service ? curl_easy_escape(h, ch->service, 0) : NULL;
	char *sc = scope ? curl_easy_escape(h, scope, 0) : NULL;
	char *url = talloc_strdup(mem_ctx, ch->realm);
	char sep = strchr(ch->realm, '?') ? '&' : '?';

	if (url && svc) {
		url = talloc_asprintf_append(url, "%cservice=%s", sep, svc);
		sep = '&';
	}
	if (url && sc)
		url = talloc_asprintf_append(url, "%cscope=%s", sep, sc);
	curl_free(svc);
	curl_free(sc);
	return url;
}

/* The "token" (else "access_token") of a realm's JSON answer, child of mem_ctx. */
static char *token_from_json(TALLOC_CTX *mem_ctx, const char *body, size_t len)
{
	json_t *j = json_loadb(body ? body : "", len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "token"));
	char *tok;

	if (!t || !*t)
		t = json_string_value(json_object_get(j, "access_token"));
	tok = t && *t ? talloc_asprintf(mem_ctx, "Bearer %s", t) : NULL;
	json_decref(j);
	return tok;
}

/* GET the realm for a token; *value gets "Bearer <token>" (child of mem_ctx). */
static int fetch_token(struct reg_client *c, const char *host, const struct reg_challenge *ch,
		       const char *scope, const char *basic, TALLOC_CTX *mem_ctx, char **value,
		       struct udc_error *e)
{
	struct reg_xfer *x = reg_client_xfer(c);
	struct reg_xfer_req rq = {.accept = "application/json", .auth = basic};
	char *url = token_url(mem_ctx, x->h, ch, ch->scope ? ch->scope : scope);
	int r;

	if (!url)
		return udc_fail(e, ENOMEM, "out of memory");
	rq.url = url;
	r = reg_xfer_run(x, &rq, e);
	if (r == 0 && (x->status == 401 || x->status == 403)) {
		char *sum = reg_error_summary(mem_ctx, x->body, x->len);

		return udc_fail(e, EACCES, "%s: authentication failed (HTTP %ld)%s%s", host,
				x->status, sum ? ": " : "", sum ? sum : "");
	}
	if (r == 0 && (x->status < 200 || x->status > 299))
		return reg_xfer_fail_status(x, url, e);
	if (r < 0)
		return udc_wrap(e, "%s: token", host);
	*value = token_from_json(mem_ctx, x->body, x->len);
	if (!*value)
		return udc_fail(e, EPROTO, "%s: no token in the answer of %s", host, ch->realm);
	return 0;
}

/* ---- answering a 401 ------------------------------------------------------------------- */

static const struct reg_challenge *pick(const struct reg_challenge *ch, size_t n,
					const char *scheme)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(ch[i].scheme, scheme) == 0 &&
		    (ch[i].realm || strcasecmp(scheme, "Basic") == 0))
			return &ch[i];
	return NULL;
}

/* "Basic ..." for the user's credentials for host, NULL when they have none (*r = 0) or on
 * failure (*r = -errno, e filled). */
static char *user_basic(struct reg_client *c, TALLOC_CTX *mem_ctx, const char *host,
			const struct reg_creds *creds, int *r, struct udc_error *e)
{
	char *user = NULL, *pass = NULL, *v;

	*r = 0;
	if (creds)
		return reg_cred_basic(mem_ctx, creds->user, creds->password);
	*r = reg_cred_lookup(mem_ctx, c->o.cred_file, c->o.docker_config, host, &user, &pass, e);
	if (*r == -ENOENT)
		*r = 0;
	if (*r < 0 || !user)
		return NULL;
	v = reg_cred_basic(mem_ctx, user, pass);
	if (!v)
		*r = udc_fail(e, ENOMEM, "out of memory");
	return v;
}

static int answer(struct reg_client *c, TALLOC_CTX *tmp, const char *host, const char *scope,
		  const struct reg_creds *creds, const struct reg_challenge *ch, size_t n,
		  const char **auth, struct udc_error *e)
{
	const struct reg_challenge *bearer = pick(ch, n, "Bearer"), *basic = pick(ch, n, "Basic");
	int r;
	char *cred = user_basic(c, tmp, host, creds, &r, e), *token = NULL;

	if (r < 0)
		return udc_wrap(e, "%s: credentials", host);
	if (bearer) {
		r = fetch_token(c, host, bearer, scope, cred, tmp, &token, e);
		if (r == 0 && reg_fact_set(c, REG_FACT_TOKEN, host, scope, token) < 0)
			r = udc_fail(e, ENOMEM, "out of memory");
		*auth = r == 0 ? reg_fact_get(c, REG_FACT_TOKEN, host, scope) : NULL;
		return r;
	}
	if (!basic)
		return udc_fail(e, EACCES,
				"%s: authentication failed (HTTP 401): no supported "
				"challenge",
				host);
	if (!cred)
		return udc_fail(e, EACCES, "%s: authentication failed (HTTP 401): no credentials",
				host);
	if (reg_fact_set(c, REG_FACT_BASIC, host, NULL, cred) < 0)
		return udc_fail(e, ENOMEM, "out of memory");
	*auth = reg_fact_get(c, REG_FACT_BASIC, host, NULL);
	return 0;
}

/* Answer the 401 challenges of host for scope; *auth (owned by c) to send next. */
int reg_auth_answer(struct reg_client *c, const char *host, const char *scope,
		    const struct reg_creds *creds, char *const *www, size_t n, const char **auth,
		    struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct reg_challenge *ch = NULL;
	size_t nch = 0;
	int r = tmp ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = reg_auth_parse(tmp, www[i], &ch, &nch);
	if (r == -ENOMEM)
		r = udc_fail(e, ENOMEM, "out of memory");
	else if (r < 0 || nch == 0)
		r = udc_fail(e, EACCES, "%s: authentication failed (HTTP 401): %s challenge", host,
			     nch ? "malformed" : "no");
	else
		r = answer(c, tmp, host, scope, creds, ch, nch, auth, e);
	talloc_free(tmp);
	return r;
}

/* ---- login ----------------------------------------------------------------------------- */

/* Authenticate against /v2/ with user and password: 0, -EACCES for wrong ones. */
int reg_login_check(struct reg_client *c, const struct reg_target *t, const char *user,
		    const char *password, struct udc_error *e)
{
	struct reg_target root = *t;
	struct reg_creds cr = {.user = user, .password = password};
	struct reg_response resp;
	TALLOC_CTX *tmp = talloc_new(NULL);
	int r;

	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	root.repository = NULL;
	/* what the client knew must not answer for the credentials under test */
	reg_auth_forget(c, t->host, NULL);
	r = reg_get_as(c, &root, &cr, NULL, NULL, 0, tmp, &resp, e);
	talloc_free(tmp);
	return r;
}
