/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_env.c - the guest environment: host TERM/--hostenv < identity < image Env < files < -e. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "common/run_spec.h"

/* An ordered "K=V" list; setting an existing key replaces it in place (Docker keeps order). */
struct env_list {
	char **v;
	size_t n;
};

static size_t env_keylen(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* Index of the entry with key[0..klen), or l->n. */
static size_t env_find(const struct env_list *l, const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (env_keylen(l->v[i]) == klen && !strncmp(l->v[i], key, klen))
			return i;
	return l->n;
}

/* Set the "K=V" string kv (copied); -ENOMEM. */
static int env_put(struct env_list *l, const char *kv)
{
	size_t i = env_find(l, kv, env_keylen(kv));
	char *s = talloc_strdup(l->v, kv); /* children of the array, which is what is returned */

	if (!s)
		return -ENOMEM;
	if (i == l->n) {
		char **v = talloc_realloc(l, l->v, char *, l->n + 2);

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->n++;
	} else {
		talloc_free(l->v[i]);
	}
	l->v[i] = s;
	l->v[l->n] = NULL;
	return 0;
}

static int env_set(struct env_list *l, const char *key, const char *val)
{
	char *kv = talloc_asprintf(l, "%s=%s", key, val);
	int r = kv ? env_put(l, kv) : -ENOMEM;

	talloc_free(kv);
	return r;
}

/* Value of K in a NULL-terminated "K=V" array, NULL when absent. */
const char *run_env_get(char *const *envp, const char *key)
{
	size_t klen = strlen(key);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, key, klen) && (*envp)[klen] == '=')
			return *envp + klen + 1;
	return NULL;
}

/* -e K=V sets; -e K copies the host's K, or nothing when the host has none (as Docker). */
static int env_assign(struct env_list *l, const char *arg, char **host, const char *what,
		      struct udc_error *e)
{
	const char *val;

	if (arg[0] == '=' || arg[0] == '\0')
		return udc_fail(e, EINVAL, "%s %s: invalid environment variable", what, arg);
	if (strchr(arg, '='))
		return env_put(l, arg) < 0 ? udc_fail(e, ENOMEM, "out of memory") : 0;
	val = run_env_get(host, arg);
	if (val && env_set(l, arg, val) < 0)
		return udc_fail(e, ENOMEM, "out of memory");
	return 0;
}

/* One line of an env file: leading blanks dropped, blank and # lines skipped, V verbatim. */
static int env_file_line(struct env_list *l, char *line, char **host, const char *what,
			 struct udc_error *e)
{
	size_t len;

	while (isspace((unsigned char)*line))
		line++;
	len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return 0;
	if (!strchr(line, '=')) /* "K" alone: trailing blanks are not part of the name */
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
	if (strcspn(line, " \t=") < env_keylen(line))
		return udc_fail(e, EINVAL, "%s variable '%.*s' contains whitespace", what,
				(int)env_keylen(line), line);
	return env_assign(l, line, host, what, e);
}

static int env_file(struct env_list *l, const char *path, char **host, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(l);
	char *buf, *line, *save = NULL;
	unsigned int n = 0;
	int r = 0;

	buf = tmp ? run_spec_read_file(tmp, path, NULL, e) : NULL;
	if (!buf) {
		r = tmp ? udc_fail(e, e->code, "--env-file %s: %s", path, strerror(e->code))
			: udc_fail(e, ENOMEM, "out of memory");
		goto out;
	}
	/* strtok_r would merge empty lines, which only matters for the line numbers */
	for (line = buf; r == 0 && line; line = save) {
		char *what;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		what = talloc_asprintf(tmp, "--env-file %s:%u:", path, ++n);
		r = what ? env_file_line(l, line, host, what, e)
			 : udc_fail(e, ENOMEM, "out of memory");
	}
out:
	talloc_free(tmp);
	return r;
}

/* Under the image's: TERM from the host, or the whole host environment with --hostenv. */
static int env_host(struct env_list *l, const struct run_opts *o, char **host)
{
	const char *term = run_env_get(host, "TERM");
	int r = 0;

	if (o->flags & RUN_OPT_HOSTENV) {
		for (; r == 0 && host && *host; host++)
			if (strchr(*host, '=') && (*host)[0] != '=')
				r = env_put(l, *host);
		return r;
	}
	return term ? env_set(l, "TERM", term) : 0;
}

/* HOME, USER and LOGNAME of the guest user: under the image's Env, as Docker sets HOME. */
static int env_identity(struct env_list *l, const struct run_user *u)
{
	int r = env_set(l, "HOME", u->home);

	if (r == 0 && u->name)
		r = env_set(l, "USER", u->name);
	if (r == 0 && u->name)
		r = env_set(l, "LOGNAME", u->name);
	return r;
}

/* The image's Env, exactly: entries without '=' or with an empty name are not variables. */
static int env_image(struct env_list *l, json_t *env)
{
	json_t *v;
	size_t i;
	int r = 0;

	json_array_foreach(env, i, v)
	{
		const char *kv = json_string_value(v);

		if (kv && kv[0] != '=' && strchr(kv, '='))
			r = env_put(l, kv);
		if (r < 0)
			break;
	}
	return r;
}

/* udocker's variables, set last: what a guest script uses to find out where it runs. */
static int env_udocker(struct env_list *l, const struct run_opts *o, const struct run_env_in *in)
{
	char *names = talloc_strdup(l, "");
	const char *const *n;
	int r;

	for (n = o->names; n && *n && names; n++)
		names = talloc_asprintf_append(names, "%s%s", names[0] ? " " : "", *n);
	if (!names)
		return -ENOMEM;
	r = env_set(l, "container_uuid", in->container_id);
	if (r == 0)
		r = env_set(l, "container_names", names);
	if (r == 0)
		r = env_set(l, "container_execmode", in->execmode);
	if (r == 0)
		r = env_set(l, "container_root", in->root);
	talloc_free(names);
	return r;
}

/* Layers that cannot fail but for memory: host, identity and image. */
static int env_base(struct env_list *l, const struct run_opts *o, const struct run_env_in *in)
{
	int r = env_host(l, o, in->host_environ);

	if (r == 0)
		r = env_identity(l, in->user);
	if (r == 0)
		r = env_image(l, in->image_env);
	return r;
}

/* The options' layers: --env-file in order, then -e in order. */
static int env_opts(struct env_list *l, const struct run_opts *o, char **host, struct udc_error *e)
{
	const char *const *p;
	int r = 0;

	for (p = o->env_file; r == 0 && p && *p; p++)
		r = env_file(l, *p, host, e);
	for (p = o->env; r == 0 && p && *p; p++)
		r = env_assign(l, *p, host, "-e", e);
	return r;
}

/* The guest environment, a NULL-terminated array child of mem_ctx; NULL plus e on failure. */
char **run_env_build(TALLOC_CTX *mem_ctx, const struct run_opts *o, const struct run_env_in *in,
		     struct udc_error *e)
{
	struct env_list *l = talloc_zero(mem_ctx, struct env_list);
	char **v;
	int r;

	if (!l || !(l->v = talloc_zero_array(l, char *, 1)))
		goto nomem;
	if (env_base(l, o, in) < 0)
		goto nomem;
	r = env_opts(l, o, in->host_environ, e);
	if (r < 0) {
		talloc_free(l);
		return NULL;
	}
	if (!run_env_get(l->v, "PATH") && env_set(l, "PATH", RUN_DEFAULT_PATH) < 0)
		goto nomem;
	if (env_udocker(l, o, in) < 0)
		goto nomem;
	v = talloc_steal(mem_ctx, l->v);
	talloc_free(l);
	return v;
nomem:
	talloc_free(l);
	udc_fail(e, ENOMEM, "out of memory");
	return NULL;
}
