/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_cred.c - the credentials file (Docker's config.json format): store, remove, look up. */
#include "pull/reg_auth.h"

#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/own.h"

#define DOCKER_HUB "registry-1.docker.io"

/* ---- base64 ---------------------------------------------------------------------------- */

/* "Basic base64(user:password)", child of mem_ctx. */
char *reg_cred_basic(TALLOC_CTX *mem_ctx, const char *user, const char *password)
{
	char *plain = talloc_asprintf(mem_ctx, "%s:%s", user, password ? password : "");
	size_t n = plain ? strlen(plain) : 0;
	char *out = plain ? talloc_size(mem_ctx, 6 + 4 * ((n + 2) / 3) + 1) : NULL;

	if (out) {
		memcpy(out, "Basic ", 7); /* the base64 goes after the blank */
		EVP_EncodeBlock((unsigned char *)out + 6, (const unsigned char *)plain, (int)n);
	}
	talloc_free(plain);
	return out;
}

/* Decode base64 s into a NUL-terminated string, child of mem_ctx; NULL when invalid. */
static char *b64_decode(TALLOC_CTX *mem_ctx, const char *s)
{
	size_t n = strlen(s), pad = 0;
	char *out;
	int len;

	if (n == 0 || n % 4 != 0 || n > (1 << 20))
		return NULL;
	out = talloc_size(mem_ctx, n / 4 * 3 + 1);
	if (!out)
		return NULL;
	len = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	if (len < 0) {
		talloc_free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes */
	for (size_t i = n; i > 0 && s[i - 1] == '=' && pad < 2; i--)
		pad++;
	out[(size_t)len - pad] = '\0';
	return out;
}

/* ---- keys -------------------------------------------------------------------------------- */

/* The host a credentials key names: scheme and path dropped, Docker Hub's aliases unified. */
char *reg_cred_host(TALLOC_CTX *mem_ctx, const char *key)
{
	const char *p = key;
	size_t n;

	if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	n = strcspn(p, "/");
	if ((n == 15 && strncasecmp(p, "index.docker.io", n) == 0) ||
	    (n == 9 && strncasecmp(p, "docker.io", n) == 0) ||
	    (n == 23 && strncasecmp(p, "registry.hub.docker.com", n) == 0))
		return talloc_strdup(mem_ctx, DOCKER_HUB);
	return talloc_strndup(mem_ctx, p, n);
}

static int same_host(const char *key, const char *host)
{
	char *a = reg_cred_host(NULL, key), *b = reg_cred_host(NULL, host);
	int same = a && b && strcasecmp(a, b) == 0;

	talloc_free(a);
	talloc_free(b);
	return same;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* The JSON object in path (owned by mem_ctx); NULL with e->code ENOENT when missing. */
static json_t *load(TALLOC_CTX *mem_ctx, const char *path, struct udc_error *e)
{
	size_t len;
	char *text = reg_read_file(mem_ctx, path, &len, e);
	json_error_t je;
	json_t *j;

	if (!text)
		return NULL;
	j = json_loadb(text, len, 0, &je);
	talloc_free(text);
	if (!j || !json_is_object(j)) {
		udc_fail(e, EINVAL, "%s: line %d: %s", path, j ? 1 : je.line,
			 j ? "not a JSON object" : je.text);
		json_decref(j);
		return NULL;
	}
	return own_json(mem_ctx, j);
}

/* user and password of one "auths" entry; 0, -ENOENT when it holds none we can use. */
static int entry_creds(TALLOC_CTX *mem_ctx, json_t *ent, char **user, char **password)
{
	const char *auth = json_string_value(json_object_get(ent, "auth"));
	const char *tok = json_string_value(json_object_get(ent, "identitytoken"));
	char *plain, *colon;

	if (tok && *tok)
		return -ENOENT; /* an OAuth refresh token: Docker's own flow, not supported */
	if (!auth || !*auth) {
		const char *u = json_string_value(json_object_get(ent, "username"));
		const char *p = json_string_value(json_object_get(ent, "password"));

		if (!u || !p)
			return -ENOENT;
		*user = talloc_strdup(mem_ctx, u);
		*password = talloc_strdup(mem_ctx, p);
		return *user && *password ? 0 : -ENOMEM;
	}
	plain = b64_decode(mem_ctx, auth);
	colon = plain ? strchr(plain, ':') : NULL;
	if (!colon)
		return -ENOENT;
	*colon = '\0';
	*user = plain;
	*password = talloc_strdup(mem_ctx, colon + 1);
	return *password ? 0 : -ENOMEM;
}

/* Look host up in the "auths" of root. 0, -ENOENT, -ENOMEM. */
static int lookup_in(TALLOC_CTX *mem_ctx, json_t *root, const char *host, char **user,
		     char **password)
{
	json_t *ent;
	const char *key;

	json_object_foreach(json_object_get(root, "auths"), key, ent)
	{
		int r;

		if (!same_host(key, host))
			continue;
		r = entry_creds(mem_ctx, ent, user, password);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

/* cred_file, then docker_config; see reg_auth.h. */
int reg_cred_lookup(TALLOC_CTX *mem_ctx, const char *cred_file, const char *docker_config,
		    const char *host, char **user, char **password, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct udc_error ignored;
	json_t *j;
	int r = -ENOENT;

	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	j = cred_file ? load(tmp, cred_file, e) : NULL;
	if (cred_file && !j && e->code != ENOENT) {
		talloc_free(tmp);
		return -e->code;
	}
	if (j)
		r = lookup_in(mem_ctx, j, host, user, password);
	/* Docker's file is the user's business: unreadable or odd means "nothing there" */
	j = r == -ENOENT && docker_config ? load(tmp, docker_config, &ignored) : NULL;
	if (j)
		r = lookup_in(mem_ctx, j, host, user, password);
	talloc_free(tmp);
	if (r == -ENOMEM)
		return udc_fail(e, ENOMEM, "out of memory");
	if (r == -ENOENT)
		return udc_fail(e, ENOENT, "%s: no credentials", host);
	return r;
}

/* ---- writing ------------------------------------------------------------------------------ */

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Create the parent directory of path (one level, 0700) when it is missing. */
static int make_parent(const char *path, struct udc_error *e)
{
	char *copy = talloc_strdup(NULL, path);
	int r = 0;

	if (!copy)
		return udc_fail(e, ENOMEM, "out of memory");
	if (mkdir(dirname(copy), 0700) < 0 && errno != EEXIST)
		r = udc_fail_sys(e, "%s", copy);
	talloc_free(copy);
	return r;
}

/* Fill the temporary file fd (named tmp): mode 0600, text, fsync. */
static int save_fd(int fd, const char *tmp, const char *text, struct udc_error *e)
{
	int r;

	if (fchmod(fd, 0600) < 0)
		return udc_fail_sys(e, "%s", tmp);
	if ((r = write_all(fd, text, strlen(text))) < 0 || (r = write_all(fd, "\n", 1)) < 0)
		return udc_fail(e, -r, "%s: %s", tmp, strerror(-r));
	if (fsync(fd) < 0)
		return udc_fail_sys(e, "%s", tmp);
	return 0;
}

/* Write root to path: a 0600 temporary file beside it, fsync'ed, renamed over it. */
static int save(const char *path, json_t *root, struct udc_error *e)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	char *tmp = talloc_asprintf(NULL, "%s.XXXXXX", path);
	int fd = -1, r;

	if (!text || !tmp) {
		free(text);
		talloc_free(tmp);
		return udc_fail(e, ENOMEM, "out of memory");
	}
	r = make_parent(path, e);
	if (r == 0 && (fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		r = udc_fail_sys(e, "%s", path);
	if (fd >= 0)
		r = save_fd(fd, tmp, text, e);
	if (r == 0 && rename(tmp, path) < 0)
		r = udc_fail_sys(e, "%s", path);
	if (fd >= 0)
		close(fd);
	if (r < 0 && fd >= 0)
		unlink(tmp);
	free(text);
	talloc_free(tmp);
	return r;
}

/* The object in cred_file, or a new {"auths": {}} when the file is missing; *auths its map. */
static json_t *load_or_new(TALLOC_CTX *mem_ctx, const char *cred_file, json_t **auths,
			   struct udc_error *e)
{
	json_t *root = load(mem_ctx, cred_file, e);

	if (!root && e->code == ENOENT)
		root = own_json(mem_ctx, json_object());
	if (!root)
		return e->code ? NULL : (udc_fail(e, ENOMEM, "out of memory"), NULL);
	*auths = json_object_get(root, "auths");
	if (!json_is_object(*auths)) {
		*auths = json_object();
		if (json_object_set_new(root, "auths", *auths) < 0) {
			udc_fail(e, ENOMEM, "out of memory");
			return NULL;
		}
	}
	return root;
}

/* Store user:password for host in cred_file (0600, atomic). 0/-errno. */
int reg_cred_store(const char *cred_file, const char *host, const char *user, const char *password,
		   struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	json_t *auths = NULL, *root = tmp ? load_or_new(tmp, cred_file, &auths, e) : NULL;
	char *basic = root ? reg_cred_basic(tmp, user, password) : NULL;
	int r;

	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	if (!root) {
		talloc_free(tmp);
		return -e->code;
	}
	if (!basic || json_object_set_new(auths, host, json_pack("{s:s}", "auth", basic + 6)) < 0)
		r = udc_fail(e, ENOMEM, "out of memory");
	else
		r = save(cred_file, root, e);
	talloc_free(tmp);
	return r;
}

/* Drop the entries of host (NULL: all) from auths; the number dropped. */
static size_t drop_hosts(json_t *auths, const char *host)
{
	const char *key;
	json_t *v;
	void *it;
	size_t n = 0;

	json_object_foreach_safe(auths, it, key, v)
	{
		(void)v;
		if (host && !same_host(key, host))
			continue;
		json_object_del(auths, key);
		n++;
	}
	return n;
}

/* Remove host's entry (NULL: every entry) from cred_file. 0, -ENOENT when there was none. */
int reg_cred_remove(const char *cred_file, const char *host, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	json_t *auths = NULL, *root = tmp ? load(tmp, cred_file, e) : NULL;
	int r;

	if (!tmp)
		return udc_fail(e, ENOMEM, "out of memory");
	auths = root ? json_object_get(root, "auths") : NULL;
	if (!root && e->code != ENOENT)
		r = -e->code;
	else if (!auths || drop_hosts(auths, host) == 0)
		r = udc_fail(e, ENOENT, "%s: not logged in", host ? host : "any registry");
	else
		r = save(cred_file, root, e);
	talloc_free(tmp);
	return r;
}
