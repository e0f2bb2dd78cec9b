/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_spec.c - `run` options plus a container record -> struct run_spec, checked up front. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/own.h"
#include "common/run_spec.h"

#define RUN_FILE_MAX (16u << 20)

/* The default system binds, each only where it exists on the host (udocker's list). */
static const char *const sys_binds[] = {
    "/dev", "/proc", "/sys", "/etc/resolv.conf", "/etc/host.conf", "/etc/hosts", NULL,
};

/* --dri: udocker's list of graphics directories, bound where the host has them. */
static const char *const dri_binds[] = {
    "/dev/dri", "/usr/lib64/dri", "/usr/lib/dri", "/usr/lib/x86_64-linux-gnu/dri",
    "/etc/OpenCL", NULL,
};

/* One future table entry. */
struct bind {
	const char *guest;
	const char *host;
	unsigned int flags;
	const char *what; /* the option it came from, for messages */
};

struct bind_list {
	struct bind *b;
	size_t n;
};

static int nomem(struct udc_error *e)
{
	return udc_fail(e, ENOMEM, "out of memory");
}

/* Read all of fd into a growing buffer under mem_ctx. */
static char *read_fd(TALLOC_CTX *mem_ctx, int fd, const char *path, size_t *len,
		     struct udc_error *e)
{
	size_t used = 0, size = 4096;
	char *buf = talloc_size(mem_ctx, size);
	ssize_t n;

	while (buf) {
		if (used + 1 == size) {
			if (size > RUN_FILE_MAX) {
				udc_fail(e, EFBIG, "%s: %s", path, strerror(EFBIG));
				break;
			}
			size *= 2;
			if (!(buf = talloc_realloc_size(mem_ctx, buf, size)))
				break;
		}
		n = read(fd, buf + used, size - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			udc_fail_sys(e, "%s", path);
			break;
		}
		if (n == 0) {
			buf[used] = '\0';
			if (len)
				*len = used;
			return buf;
		}
		used += (size_t)n;
	}
	if (!buf)
		nomem(e);
	talloc_free(buf);
	return NULL;
}

/* The whole host file path, NUL-terminated, child of mem_ctx (*len: its size, may be NULL);
 * NULL plus e ("path: reason"). Files over 16 MiB are refused (-EFBIG). */
char *run_spec_read_file(TALLOC_CTX *mem_ctx, const char *path, size_t *len, struct udc_error *e)
{
	UDC_AUTOCLOSE int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		udc_fail_sys(e, "%s", path);
		return NULL;
	}
	return read_fd(mem_ctx, fd, path, len, e);
}

static int bind_add(struct bind_list *l, const char *guest, const char *host, unsigned int flags,
		    const char *what)
{
	l->b[l->n++] = (struct bind){guest, host, flags, what};
	return 0;
}

/* Whether --novol names path (trailing slashes ignored). */
static int novol_has(const struct run_opts *o, const char *path)
{
	const char *const *p;

	for (p = o->novol; p && *p; p++) {
		size_t n = strlen(*p);

		while (n > 1 && (*p)[n - 1] == '/')
			n--;
		if (n == strlen(path) && !strncmp(*p, path, n))
			return 1;
	}
	return 0;
}

static void sys_binds_add(struct bind_list *l, const struct run_opts *o)
{
	const char *const *p;
	struct stat st;

	for (p = sys_binds; !(o->flags & RUN_OPT_NOSYSDIRS) && *p; p++)
		if (!novol_has(o, *p) && stat(*p, &st) == 0)
			bind_add(l, *p, *p, PM_IDENTITY, *p);
	for (p = dri_binds; (o->flags & RUN_OPT_DRI) && *p; p++)
		if (stat(*p, &st) == 0)
			bind_add(l, *p, *p, PM_IDENTITY, "--dri");
	if (o->flags & RUN_OPT_HOSTAUTH) {
		bind_add(l, "/etc/passwd", "/etc/passwd", PM_IDENTITY | PM_RDONLY, "--hostauth");
		bind_add(l, "/etc/group", "/etc/group", PM_IDENTITY | PM_RDONLY, "--hostauth");
	}
}

/* "HOST[:GUEST[:ro|rw]]" split into its parts (f[1], f[2] NULL when absent); 0 or -EINVAL. */
static int vol_split(char *s, char **f)
{
	int n = 0;

	f[1] = f[2] = NULL;
	for (f[0] = s; (s = strchr(s, ':')); n++) {
		if (n == 2)
			return -EINVAL;
		*s++ = '\0';
		f[n + 1] = s;
	}
	return f[0][0] && (!f[1] || f[1][0]) ? 0 : -EINVAL;
}

/* Whether a guest path names "/" itself. */
static int is_slash(const char *p)
{
	return p[strspn(p, "/")] == '\0';
}

/* One -v argument into a bind: host made canonical, guest absolute, mode ro or rw. */
static int vol_parse(TALLOC_CTX *tmp, const char *arg, struct bind_list *l, struct udc_error *e)
{
	char *s = talloc_strdup(tmp, arg), *f[3], *host;
	unsigned int flags = PM_VOLUME;

	if (!s)
		return nomem(e);
	if (vol_split(s, f) < 0)
		return udc_fail(e, EINVAL, "-v %s: invalid volume, expected HOST[:GUEST[:ro]]",
				arg);
	if (f[2] && !strcmp(f[2], "ro"))
		flags |= PM_RDONLY;
	else if (f[2] && strcmp(f[2], "rw") != 0)
		return udc_fail(e, EINVAL, "-v %s: unknown mode '%s', expected ro or rw", arg,
				f[2]);
	host = realpath(f[0], NULL);
	if (!host)
		return udc_fail_sys(e, "-v %s: %s", arg, f[0]);
	f[0] = own_str(tmp, host);
	if (!f[0])
		return nomem(e);
	if (!f[1])
		f[1] = arg[0] == '/' ? talloc_strndup(tmp, arg, strcspn(arg, ":")) : f[0];
	if (!f[1])
		return nomem(e);
	if (f[1][0] != '/')
		return udc_fail(e, EINVAL, "-v %s: %s: the guest path must be absolute", arg, f[1]);
	if (is_slash(f[1]))
		return udc_fail(e, EINVAL, "-v %s: a volume cannot replace the container's /", arg);
	return bind_add(l, f[1], f[0], flags, talloc_asprintf(tmp, "-v %s", arg));
}

/* --bindhome: the host $HOME, canonical, at the path $HOME names. */
static int home_bind(TALLOC_CTX *tmp, char **host_environ, struct bind_list *l, struct udc_error *e)
{
	const char *home = run_env_get(host_environ, "HOME");
	char *real;

	if (!home || home[0] != '/')
		return udc_fail(e, EINVAL, "--bindhome: HOME is not set to an absolute path");
	real = realpath(home, NULL);
	if (!real)
		return udc_fail_sys(e, "--bindhome: %s", home);
	if (!(real = own_str(tmp, real)))
		return nomem(e);
	if (is_slash(home))
		return udc_fail(e, EINVAL, "--bindhome: HOME is /");
	return bind_add(l, home, real, PM_VOLUME, "--bindhome");
}

/* Every bind in table order: root, system binds, --hostauth, --bindhome, then -v in order. */
static int binds_collect(TALLOC_CTX *tmp, const char *root, const struct run_opts *o,
			 char **host_environ, struct bind_list *l, struct udc_error *e)
{
	const char *const *v;
	size_t n = 16; /* root, system, --dri, --hostauth and --bindhome binds */
	int r = 0;

	for (v = o->volumes; v && *v; v++)
		n++;
	l->b = talloc_zero_array(tmp, struct bind, n);
	if (!l->b)
		return nomem(e);
	bind_add(l, "/", root, PM_ROOT, "container root");
	sys_binds_add(l, o);
	if (o->flags & RUN_OPT_BINDHOME)
		r = home_bind(tmp, host_environ, l, e);
	for (v = o->volumes; r == 0 && v && *v; v++)
		r = vol_parse(tmp, *v, l, e);
	for (n = 0; r == 0 && n < l->n; n++)
		if (!l->b[n].what)
			r = nomem(e);
	return r;
}

/* The prefix table of l, with an arena of exactly the size it needs, children of s. */
static int table_build(struct run_spec *s, const struct bind_list *l, struct udc_error *e)
{
	size_t i, size = 1;
	char *arena;
	int r;

	for (i = 0; i < l->n; i++)
		size += strlen(l->b[i].guest) + strlen(l->b[i].host) + 2;
	s->table = talloc(s, struct pm_table);
	arena = s->table ? talloc_size(s->table, size) : NULL;
	if (!arena)
		return nomem(e);
	pm_table_init(s->table, arena, size);
	for (i = 0; i < l->n; i++) {
		r = pm_table_add(s->table, l->b[i].guest, l->b[i].host, l->b[i].flags);
		if (r == -ENOSPC)
			return udc_fail(e, ENOSPC, "%s: too many volumes (at most %d)",
					l->b[i].what, PM_MAX_ENTRIES - 1);
		if (r == -EINVAL)
			return udc_fail(e, EINVAL,
					"%s: %s: invalid path ('.' and '..' are refused)",
					l->b[i].what, l->b[i].guest);
		if (r < 0)
			return udc_fail(e, -r, "%s: %s", l->b[i].what, strerror(-r));
	}
	return 0;
}

/* The container root, canonical, then the whole table. */
static int spec_table(struct run_spec *s, const char *root, const struct run_opts *o,
		      char **host_environ, struct udc_error *e)
{
	struct bind_list l = {NULL, 0};
	char *real = realpath(root, NULL);
	TALLOC_CTX *tmp;
	struct stat st;
	int r;

	if (!real)
		return udc_fail_sys(e, "container root %s", root);
	s->root = own_str(s, real);
	if (!s->root)
		return nomem(e);
	if (stat(s->root, &st) < 0 || !S_ISDIR(st.st_mode))
		return udc_fail(e, ENOTDIR, "container root %s: %s", root, strerror(ENOTDIR));
	tmp = talloc_new(s);
	if (!tmp)
		return nomem(e);
	r = binds_collect(tmp, s->root, o, host_environ, &l, e);
	if (r == 0)
		r = table_build(s, &l, e);
	talloc_free(tmp);
	return r;
}

/* A string member of the image config, NULL when absent or not a string. */
static const char *cfg_str(json_t *cfg, const char *key)
{
	return json_string_value(json_object_get(cfg, key));
}

/* Append the strings of the JSON array a (null: nothing) to argv; -EBADMSG when malformed. */
static int argv_json(TALLOC_CTX *mem_ctx, char ***argv, size_t *n, json_t *a, const char *what,
		     struct udc_error *e)
{
	json_t *v;
	size_t i;

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return udc_fail(e, EBADMSG, "image config: %s is not an array", what);
	json_array_foreach(a, i, v)
	{
		char **nv = talloc_realloc(mem_ctx, *argv, char *, *n + 2);

		if (!nv)
			return nomem(e);
		*argv = nv;
		if (!json_is_string(v))
			return udc_fail(e, EBADMSG, "image config: %s[%zu] is not a string", what,
					i);
		if (!(nv[(*n)++] = talloc_strdup(nv, json_string_value(v))))
			return nomem(e);
		nv[*n] = NULL;
	}
	return 0;
}

/* Append the NULL-terminated strings p to argv. */
static int argv_strs(TALLOC_CTX *mem_ctx, char ***argv, size_t *n, const char *const *p,
		     struct udc_error *e)
{
	for (; p && *p; p++) {
		char **nv = talloc_realloc(mem_ctx, *argv, char *, *n + 2);

		if (!nv)
			return nomem(e);
		*argv = nv;
		if (!(nv[(*n)++] = talloc_strdup(nv, *p)))
			return nomem(e);
		nv[*n] = NULL;
	}
	return 0;
}

/*
 * Docker's rule: Entrypoint + (CMD of the command line, else the image's Cmd). --entrypoint
 * replaces the Entrypoint (one program, not split) or, empty, clears it; either way the image's
 * Cmd is dropped with it, as dockerd does.
 */
static int spec_argv(struct run_spec *s, json_t *cfg, const struct run_opts *o, struct udc_error *e)
{
	const char *ep[2] = {o->entrypoint, NULL};
	int given = !!(o->flags & RUN_OPT_ENTRYPOINT);
	size_t n = 0;
	int r;

	s->argv = talloc_zero_array(s, char *, 1);
	if (!s->argv)
		return nomem(e);
	if (given)
		r = argv_strs(s, &s->argv, &n, o->entrypoint && o->entrypoint[0] ? ep : NULL, e);
	else
		r = argv_json(s, &s->argv, &n, json_object_get(cfg, "Entrypoint"), "Entrypoint", e);
	if (r == 0 && o->cmd && o->cmd[0])
		r = argv_strs(s, &s->argv, &n, o->cmd, e);
	else if (r == 0 && !given)
		r = argv_json(s, &s->argv, &n, json_object_get(cfg, "Cmd"), "Cmd", e);
	if (r == 0 && n == 0)
		r = udc_fail(e, EINVAL,
			     "no command: the image has no Cmd or Entrypoint and none was given");
	return r;
}

/* -w, else the image's WorkingDir (relative: under /), else /; it must be a directory. */
static int spec_cwd(struct run_spec *s, json_t *cfg, const struct run_opts *o, struct udc_error *e)
{
	const char *wd = o->workdir, *what = "-w";
	char guest[PATH_MAX], host[PATH_MAX];
	struct stat st;
	int r;

	if (wd && wd[0] != '/')
		return udc_fail(e, EINVAL, "-w %s: the working directory must be absolute", wd);
	if (!wd || !wd[0]) {
		wd = cfg_str(cfg, "WorkingDir");
		what = "WorkingDir";
	}
	if (!wd || !wd[0])
		wd = "/";
	if (wd[0] != '/' && !(wd = talloc_asprintf(s, "/%s", wd)))
		return nomem(e);
	r = pm_canon(s->table, NULL, "/", wd, PM_FOLLOW, guest, host);
	if (r == 0 && stat(host, &st) < 0)
		r = -errno;
	if (r == 0 && !S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	if (r < 0)
		return udc_fail(e, -r, "%s %s: %s", what, wd, strerror(-r));
	s->cwd = talloc_strdup(s, guest);
	return s->cwd ? 0 : nomem(e);
}

/* The guest user: -u, else the image's User, else root; an id the guest's files lack gets a line
 * in private copies of them (run_ident.c). */
static int spec_user(struct run_spec *s, json_t *cfg, const struct run_opts *o, struct run_user *u,
		     struct udc_error *e)
{
	const char *spec = o->user && o->user[0] ? o->user : cfg_str(cfg, "User");
	int r = run_user_resolve(s, s->table, spec, u, e);

	if (r == 0)
		r = run_ident_files(s, o, u, e);
	if (r < 0)
		return r;
	s->user = u->name;
	s->uid = u->uid;
	s->gid = u->gid;
	s->groups = u->groups;
	s->ngroups = u->ngroups;
	if (u->uid == 0)
		s->flags |= RUN_FAKE_ROOT;
	if (o->flags & RUN_OPT_HOSTAUTH)
		s->flags |= RUN_HOST_AUTH;
	return 0;
}

static int spec_env(struct run_spec *s, json_t *cfg, const struct run_opts *o,
		    const struct run_user *u, char **host_environ, struct udc_error *e)
{
	struct run_env_in in = {
	    .image_env = json_object_get(cfg, "Env"),
	    .host_environ = host_environ,
	    .user = u,
	    .root = s->root,
	    .container_id = s->container_id,
	    .execmode = s->execmode,
	};

	s->envp = run_env_build(s, o, &in, e);
	return s->envp ? 0 : -e->code;
}

/* 0 when the guest path p (relative to the working directory) can be executed, else -errno. */
static int exe_check(const struct run_spec *s, const char *p)
{
	char guest[PATH_MAX], host[PATH_MAX];
	struct stat st;
	int r = pm_canon(s->table, NULL, s->cwd, p, PM_FOLLOW, guest, host);

	if (r < 0)
		return r;
	if (stat(host, &st) < 0)
		return -errno;
	return S_ISREG(st.st_mode) && (st.st_mode & 0111) ? 0 : -EACCES;
}

/* execvp's search of argv[0] in the guest's PATH (an empty element is the working directory). */
static int exe_search(struct run_spec *s, const char *name, struct udc_error *e)
{
	const char *path = run_env_get(s->envp, "PATH"), *p;
	int denied = 0;

	for (p = path ? path : RUN_DEFAULT_PATH; p;
	     p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL) {
		int len = (int)strcspn(p, ":");
		char *c = talloc_asprintf(s, "%.*s%s%s", len, p, len ? "/" : "", name);
		int r;

		if (!c)
			return nomem(e);
		r = exe_check(s, c);
		if (r == 0) {
			s->exe = c;
			return 0;
		}
		denied |= r == -EACCES;
		talloc_free(c);
	}
	if (denied)
		return udc_fail(e, EACCES, "%s: %s", name, strerror(EACCES));
	return udc_fail(e, ENOENT, "%s: executable file not found in $PATH", name);
}

/* The program to execute, checked now so that a typo is one clear line, not an engine error. */
static int spec_exe(struct run_spec *s, struct udc_error *e)
{
	const char *a0 = s->argv[0];
	int r;

	if (!a0[0])
		return udc_fail(e, ENOENT, "'': %s", strerror(ENOENT));
	if (!strchr(a0, '/'))
		return exe_search(s, a0, e);
	r = exe_check(s, a0);
	if (r < 0)
		return udc_fail(e, -r, "%s: %s", a0, strerror(-r));
	s->exe = a0;
	return 0;
}

/* digits; the position after them, NULL when there is none. */
static const char *digits(const char *p)
{
	const char *q = p;

	while (*q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

/* A plausible kernel release for uname: X.Y[.Z...] then an optional -suffix, at most 64. */
static int kernel_ok(const char *k)
{
	const char *p = digits(k);

	if (!p || *p != '.' || strlen(k) > 64 || !(p = digits(p + 1)))
		return 0;
	while (*p == '.' && digits(p + 1))
		p = digits(p + 1);
	if (!*p)
		return 1;
	if (!strchr("-+_~", *p))
		return 0;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+~-", *p))
			return 0;
	return 1;
}

static int spec_ids(struct run_spec *s, json_t *record, const char *id, const struct run_opts *o,
		    struct udc_error *e)
{
	const char *mode = json_string_value(json_object_get(record, "execmode"));

	s->container_id = talloc_strdup(s, id ? id : "");
	s->execmode = talloc_strdup(s, mode ? mode : "P1");
	if (o->kernel && !kernel_ok(o->kernel))
		return udc_fail(e, EINVAL, "--kernel=%s: not a kernel release (X.Y[.Z][-suffix])",
				o->kernel);
	s->kernel = o->kernel ? talloc_strdup(s, o->kernel) : NULL;
	if (!s->container_id || !s->execmode || (o->kernel && !s->kernel))
		return nomem(e);
	return 0;
}

/*
 * Build the run_spec of container_id (root directory root, record container_record) for the
 * options o and the host environment host_environ. Everything, the table's arena included, is
 * one talloc tree under mem_ctx. NULL plus e (one line naming the culprit, never NULL e) when
 * the container cannot be prepared: a missing volume, user, working directory or command.
 */
struct run_spec *run_spec_new(TALLOC_CTX *mem_ctx, const char *root, const char *container_id,
			      json_t *container_record, const struct run_opts *o,
			      char **host_environ, struct udc_error *e)
{
	struct run_spec *s = talloc_zero(mem_ctx, struct run_spec);
	json_t *cfg = NULL;
	struct udc_error w = {0};
	struct run_user u;

	if (!s) {
		nomem(e);
		return NULL;
	}
	if (!(o->flags & RUN_OPT_NOMETA))
		cfg = json_object_get(json_object_get(container_record, "config"), "config");
	if (spec_ids(s, container_record, container_id, o, e) < 0 ||
	    spec_table(s, root, o, host_environ, e) < 0) {
		talloc_free(s);
		return NULL;
	}
	if (run_mounts_prepare(s, &w) < 0)
		udc_log(UDC_LOG_WRN, "%s", w.msg);
	if (spec_user(s, cfg, o, &u, e) < 0 ||
	    spec_cwd(s, cfg, o, e) < 0 || spec_argv(s, cfg, o, e) < 0 ||
	    spec_env(s, cfg, o, &u, host_environ, e) < 0 || spec_exe(s, e) < 0) {
		talloc_free(s);
		return NULL;
	}
	return s;
}
