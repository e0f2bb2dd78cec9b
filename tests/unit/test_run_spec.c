/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_run_spec.c - run_spec_new on a fake container root: argv, env, user, workdir, volumes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <talloc.h>

#include "common/run_spec.h"
#include "tests/unit/tap.h"

#define ARR(...) ((const char *const[]){__VA_ARGS__, NULL})

static char top[1024], root[1100], vol[1100], hfile[1100];

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/sh\n"
				  "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
				  "garbage line without colons\n"
				  "bob:x:notanumber:5:Bob:/home/bob:/bin/sh\n"
				  ":x:7:7::/:/bin/sh\n"
				  "# comment:x:1:1:c:/c:/bin/sh\n"
				  "carol:x:1001:1001\n"
				  "dave:x:1002:1002:::/bin/sh\n"
				  "\n"
				  "erin:x:1003:-1:E:/e:/bin/sh\n";

static const char group_text[] = "root:x:0:\n"
				 "alice:x:1000:\n"
				 "staff:x:50:alice,carol\n"
				 "broken\n"
				 "audio:x:abc:alice\n"
				 "wheel:x:10:carol,alice\n"
				 "users:x:100\n";

static const char envfile_text[] = "# a comment\n"
				   "\n"
				   "   FROMFILE=file value = with = signs  \n"
				   "OVER=from file\n"
				   "HOSTONLY\n"
				   "ABSENT_ON_HOST\n"
				   "\tINDENTED=yes\r\n";

static int put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) || chmod(p, mode) ? -1 : 0;
}

static int put_dirs(const char *dir, const char *const *names)
{
	char p[PATH_MAX];

	for (; *names; names++) {
		snprintf(p, sizeof(p), "%s/%s", dir, *names);
		if (mkdir(p, 0755) < 0)
			return -1;
	}
	return 0;
}

static int make_tree(void)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], p[PATH_MAX], real[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s/test_run_spec.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl) || !realpath(tmpl, real) || strlen(real) >= sizeof(top))
		return -1;
	memcpy(top, real, strlen(real) + 1);
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(vol, sizeof(vol), "%s/vol", top);
	snprintf(hfile, sizeof(hfile), "%s/hfile", top);
	if (put_dirs(top, ARR("root", "vol", "vol/sub", "home")) < 0 ||
	    put_dirs(root, ARR("etc", "bin", "usr", "usr/bin", "work", "home", "home/alice", "data",
			       "opt")) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/link", root);
	if (symlink("/work", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/vlink", top);
	if (symlink("vol", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/relbin", root);
	if (symlink("usr/bin", p) < 0)
		return -1;
	if (put_file(root, "etc/passwd", passwd_text, 0644) ||
	    put_file(root, "etc/group", group_text, 0644) ||
	    put_file(root, "bin/sh", "#!\n", 0755) ||
	    put_file(root, "usr/bin/tool", "#!\n", 0755) ||
	    put_file(root, "bin/noexec", "x", 0644) || put_file(root, "work/file", "x", 0644) ||
	    put_file(root, "opt/run", "#!\n", 0755) || put_file(top, "envfile", envfile_text, 0644))
		return -1;
	return put_file(top, "hfile", "h", 0644);
}

static int rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(p);
}

/* The host environment the tests pass: a secret that must not leak, TERM, HOME. */
static char *host_env[8];

static void host_env_init(void)
{
	static char home[PATH_MAX + 8];

	snprintf(home, sizeof(home), "HOME=%s/home", top);
	host_env[0] = "SECRET=leak";
	host_env[1] = "TERM=xterm-256color";
	host_env[2] = home;
	host_env[3] = "HOSTONLY=from host";
	host_env[4] = "OVER=from host";
	host_env[5] = "PATH=/host/bin";
	host_env[6] = NULL;
}

/* run_spec_new on a record whose image config is cfg (JSON text of the "config" member). */
static struct run_spec *spec(TALLOC_CTX *ctx, const char *cfg, const struct run_opts *o,
			     struct udc_error *e)
{
	char rec[4096];
	json_t *j;
	struct run_spec *s;

	snprintf(rec, sizeof(rec),
		 "{\"id\":\"c-1\",\"execmode\":\"P2\",\"config\":{\"config\":%s}}",
		 cfg ? cfg : "{\"Cmd\":[\"/bin/sh\"]}");
	j = json_loads(rec, 0, NULL);
	if (!j) {
		udc_fail(e, EINVAL, "bad test record %s", rec);
		return NULL;
	}
	udc_error_clear(e);
	s = run_spec_new(ctx, root, "c-1", j, o, host_env, e);
	json_decref(j);
	return s;
}

/* argv joined by '|'. */
static char *joined(TALLOC_CTX *ctx, char **v)
{
	char *s = talloc_strdup(ctx, "");

	for (; v && *v; v++)
		s = talloc_asprintf_append(s, "%s%s", s[0] ? "|" : "", *v);
	return s;
}

/* A row: image config, options, expected argv (joined) or error message (exact). */
struct argv_row {
	const char *name;
	const char *cfg;
	struct run_opts o;
	const char *argv;
	const char *err;
};

static const char nocmd[] = "no command: the image has no Cmd or Entrypoint and none was given";

static const struct argv_row argv_rows[] = {
    {"Cmd alone",
     "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo a  b\"]}",
     {0},
     "/bin/sh|-c|echo a  b",
     NULL},
    {"Entrypoint + Cmd",
     "{\"Entrypoint\":[\"/bin/sh\",\"-e\"],\"Cmd\":[\"x\"]}",
     {0},
     "/bin/sh|-e|x",
     NULL},
    {"CMD replaces Cmd",
     "{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"x\"]}",
     {.cmd = ARR("y", "z")},
     "/bin/sh|y|z",
     NULL},
    {"CMD without Entrypoint", "{\"Cmd\":[\"x\"]}", {.cmd = ARR("tool", "-v")}, "tool|-v", NULL},
    {"null Entrypoint", "{\"Entrypoint\":null,\"Cmd\":[\"tool\"]}", {0}, "tool", NULL},
    {"--entrypoint replaces and drops Cmd",
     "{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"x\"]}",
     {.entrypoint = "tool", .flags = RUN_OPT_ENTRYPOINT},
     "tool",
     NULL},
    {"--entrypoint with CMD",
     "{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"x\"]}",
     {.entrypoint = "/opt/run", .cmd = ARR("a b"), .flags = RUN_OPT_ENTRYPOINT},
     "/opt/run|a b",
     NULL},
    {"--entrypoint= clears",
     "{\"Entrypoint\":[\"/bin/sh\",\"-c\"]}",
     {.entrypoint = "", .cmd = ARR("tool"), .flags = RUN_OPT_ENTRYPOINT},
     "tool",
     NULL},
    {"--entrypoint= without CMD",
     "{\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"x\"]}",
     {.entrypoint = "", .flags = RUN_OPT_ENTRYPOINT},
     NULL,
     nocmd},
    {"empty config", "{}", {0}, NULL, nocmd},
    {"--nometa ignores Cmd", "{\"Cmd\":[\"/bin/sh\"]}", {.flags = RUN_OPT_NOMETA}, NULL, nocmd},
    {"--nometa with CMD",
     "{\"Cmd\":[\"nope\"]}",
     {.cmd = ARR("tool"), .flags = RUN_OPT_NOMETA},
     "tool",
     NULL},
    {"malformed Cmd", "{\"Cmd\":\"/bin/sh\"}", {0}, NULL, "image config: Cmd is not an array"},
    {"command not in PATH",
     NULL,
     {.cmd = ARR("nosuch")},
     NULL,
     "nosuch: executable file not found in $PATH"},
    {"not executable", NULL, {.cmd = ARR("/bin/noexec")}, NULL, "/bin/noexec: Permission denied"},
    {"missing program",
     NULL,
     {.cmd = ARR("/bin/nope")},
     NULL,
     "/bin/nope: No such file or directory"},
    {"relative program from the workdir",
     "{\"WorkingDir\":\"/opt\"}",
     {.cmd = ARR("./run")},
     "./run",
     NULL},
};

static void test_argv(TALLOC_CTX *ctx)
{
	struct udc_error e;
	size_t i;

	for (i = 0; i < sizeof(argv_rows) / sizeof(argv_rows[0]); i++) {
		const struct argv_row *r = &argv_rows[i];
		struct run_spec *s = spec(ctx, r->cfg, &r->o, &e);

		if (r->err) {
			ok(!s, "argv: %s fails", r->name);
			is_str(e.msg, r->err, "argv: %s: message", r->name);
		} else {
			is_str(s ? joined(ctx, s->argv) : e.msg, r->argv, "argv: %s", r->name);
		}
		talloc_free(s);
	}
}

/* The exe field: PATH search in the guest view, including through a symlinked directory. */
static void test_exe(TALLOC_CTX *ctx)
{
	struct run_opts o = {.cmd = ARR("tool")};
	struct udc_error e;
	struct run_spec *s = spec(ctx, "{\"Env\":[\"PATH=/nope:/relbin:/bin\"]}", &o, &e);

	is_str(s ? s->exe : e.msg, "/relbin/tool", "exe: found through a symlinked PATH entry");
	talloc_free(s);
	s = spec(ctx, "{}", &o, &e);
	is_str(s ? s->exe : e.msg, "/usr/bin/tool", "exe: default PATH");
	talloc_free(s);
}

/* Expected value of one variable (NULL: must be absent). */
struct env_want {
	const char *key;
	const char *val;
};

static void check_env(char **envp, const struct env_want *w, const char *what)
{
	char **p, **q;
	int dups = 0;

	for (; w->key; w++)
		is_str(run_env_get(envp, w->key), w->val, "env %s: %s", what, w->key);
	for (p = envp; p && *p; p++)
		for (q = p + 1; *q; q++)
			dups += strcspn(*p, "=") == strcspn(*q, "=") &&
				!strncmp(*p, *q, strcspn(*p, "="));
	is_int(dups, 0, "env %s: every name once", what);
}

static const char env_cfg[] = "{\"Env\":[\"A=x y  z\",\"B=k=v=w\",\"PATH=/img/bin:/bin\","
			      "\"EMPTY=\",\"NOEQ\",\"=bad\",\"OVER=image\",\"HOME=/imghome\"],"
			      "\"Cmd\":[\"/bin/sh\"]}";

static void test_env_image(TALLOC_CTX *ctx)
{
	struct run_opts o = {.names = ARR("web", "db")};
	struct udc_error e;
	struct run_spec *s = spec(ctx, env_cfg, &o, &e);
	const struct env_want w[] = {
	    {"A", "x y  z"},
	    {"B", "k=v=w"},
	    {"PATH", "/img/bin:/bin"},
	    {"EMPTY", ""},
	    {"NOEQ", NULL},
	    {"", NULL},
	    {"OVER", "image"},
	    {"SECRET", NULL},
	    {"HOSTONLY", NULL},
	    {"TERM", "xterm-256color"},
	    {"HOME", "/imghome"},
	    {"USER", "root"},
	    {"LOGNAME", "root"},
	    {"container_uuid", "c-1"},
	    {"container_execmode", "P2"},
	    {"container_root", root},
	    {"container_names", "web db"},
	    {NULL, NULL},
	};

	ok(s != NULL, "env: image Env accepted (%s)", s ? "" : e.msg);
	if (s)
		check_env(s->envp, w, "image");
	talloc_free(s);
}

static void test_env_layers(TALLOC_CTX *ctx)
{
	char ef[PATH_MAX + 16];
	struct run_opts o = {.env_file = ARR(ef)};
	struct udc_error e;
	struct run_spec *s;
	const struct env_want wf[] = {
	    {"FROMFILE", "file value = with = signs  "},
	    {"OVER", "from file"},
	    {"HOSTONLY", "from host"},
	    {"ABSENT_ON_HOST", NULL},
	    {"INDENTED", "yes"},
	    {"A", "x y  z"},
	    {NULL, NULL},
	};
	const struct env_want we[] = {
	    {"OVER", "from -e"},
	    {"A", "a=b c"},
	    {"NEW", ""},
	    {"TERM", "xterm-256color"},
	    {"ABSENT_ON_HOST", NULL},
	    {"container_uuid", "c-1"},
	    {NULL, NULL},
	};

	snprintf(ef, sizeof(ef), "%s/envfile", top);
	s = spec(ctx, env_cfg, &o, &e);
	ok(s != NULL, "env: --env-file accepted (%s)", s ? "" : e.msg);
	if (s)
		check_env(s->envp, wf, "--env-file");
	talloc_free(s);
	o.env =
	    ARR("OVER=from -e", "A=a=b c", "NEW=", "TERM", "ABSENT_ON_HOST", "container_uuid=mine");
	s = spec(ctx, env_cfg, &o, &e);
	if (s)
		check_env(s->envp, we, "-e");
	else
		ok(0, "env: -e accepted (%s)", e.msg);
	talloc_free(s);
}

static void test_env_defaults(TALLOC_CTX *ctx)
{
	struct run_opts o = {.user = "alice"};
	struct udc_error e;
	struct run_spec *s = spec(ctx, NULL, &o, &e);
	const struct env_want wa[] = {
	    {"PATH", RUN_DEFAULT_PATH},
	    {"HOME", "/home/alice"},
	    {"USER", "alice"},
	    {"LOGNAME", "alice"},
	    {"container_names", ""},
	    {"SECRET", NULL},
	    {NULL, NULL},
	};
	const struct env_want wn[] = {
	    {"HOME", "/"},
	    {"USER", "udoc4242"},
	    {"LOGNAME", "udoc4242"},
	    {NULL, NULL},
	};
	const struct env_want wh[] = {
	    {"SECRET", "leak"},	  {"PATH", "/img/bin:/bin"}, {"OVER", "image"},
	    {"HOME", "/imghome"}, {"USER", "root"},	     {NULL, NULL},
	};

	if (s)
		check_env(s->envp, wa, "defaults");
	talloc_free(s);
	o.user = "4242";
	s = spec(ctx, NULL, &o, &e);
	if (s)
		check_env(s->envp, wn, "uid without passwd entry");
	talloc_free(s);
	o = (struct run_opts){.flags = RUN_OPT_HOSTENV};
	s = spec(ctx, env_cfg, &o, &e);
	if (s)
		check_env(s->envp, wh, "--hostenv");
	talloc_free(s);
	s = spec(ctx, NULL, &o, &e);
	is_str(s ? run_env_get(s->envp, "PATH") : e.msg, "/host/bin", "--hostenv: host PATH");
	talloc_free(s);
}

/* Options that must fail, with the exact message. */
static void expect_fail(TALLOC_CTX *ctx, const char *cfg, const struct run_opts *o,
			const char *want, const char *what)
{
	struct udc_error e;
	struct run_spec *s = spec(ctx, cfg, o, &e);

	ok(!s, "%s fails", what);
	is_str(e.msg, want, "%s: message", what);
	talloc_free(s);
}

static void test_env_errors(TALLOC_CTX *ctx)
{
	char bad[PATH_MAX + 16], msg[2 * PATH_MAX];
	struct run_opts o = {.env = ARR("=x")};

	expect_fail(ctx, NULL, &o, "-e =x: invalid environment variable", "env: -e =x");
	snprintf(bad, sizeof(bad), "%s/nope", top);
	o = (struct run_opts){.env_file = ARR(bad)};
	snprintf(msg, sizeof(msg), "--env-file %s: No such file or directory", bad);
	expect_fail(ctx, NULL, &o, msg, "env: missing --env-file");
	snprintf(bad, sizeof(bad), "%s/badenv", top);
	put_file(top, "badenv", "OK=1\nBAD KEY=1\n", 0644);
	snprintf(msg, sizeof(msg), "--env-file %s:2: variable 'BAD KEY' contains whitespace", bad);
	expect_fail(ctx, NULL, &o, msg, "env: whitespace in an --env-file name");
}

/* A user row: -u (NULL: none), image User, expected ids, name, home, groups; or the error. */
struct user_row {
	const char *u;
	const char *image_user;
	long uid, gid;
	const char *name, *home, *groups;
	const char *err;
};

static const struct user_row user_rows[] = {
    {NULL, NULL, 0, 0, "root", "/root", "", NULL},
    {"alice", NULL, 1000, 1000, "alice", "/home/alice", "50,10", NULL},
    {"1000", NULL, 1000, 1000, "alice", "/home/alice", "50,10", NULL},
    {"1000:50", NULL, 1000, 50, "alice", "/home/alice", "", NULL},
    {"alice:staff", NULL, 1000, 50, "alice", "/home/alice", "", NULL},
    {"alice:wheel", NULL, 1000, 10, "alice", "/home/alice", "", NULL},
    {"4242", NULL, 4242, 0, "udoc4242", "/", "", NULL},
    {"4242:77", NULL, 4242, 77, "udoc4242", "/", "", NULL},
    {"carol", NULL, 1001, 1001, "carol", "/", "50,10", NULL},
    {"dave", NULL, 1002, 1002, "dave", "/", "", NULL},
    {NULL, "alice", 1000, 1000, "alice", "/home/alice", "50,10", NULL},
    {"0", "alice", 0, 0, "root", "/root", "", NULL},
    {"bob", NULL, 0, 0, NULL, NULL, NULL, "user bob: no such user in the container's /etc/passwd"},
    {"erin", NULL, 0, 0, NULL, NULL, NULL,
     "user erin: no such user in the container's /etc/passwd"},
    {"nobody", NULL, 0, 0, NULL, NULL, NULL,
     "user nobody: no such user in the container's /etc/passwd"},
    {NULL, "ghost", 0, 0, NULL, NULL, NULL,
     "user ghost: no such user in the container's /etc/passwd"},
    {"alice:nogroup", NULL, 0, 0, NULL, NULL, NULL,
     "group nogroup: no such group in the container's /etc/group"},
    {"alice:audio", NULL, 0, 0, NULL, NULL, NULL,
     "group audio: no such group in the container's /etc/group"},
    {"alice:", NULL, 0, 0, NULL, NULL, NULL, "user alice:: invalid, expected NAME|UID[:GROUP|GID]"},
};

static char *gid_list(TALLOC_CTX *ctx, const struct run_spec *s)
{
	char *l = talloc_strdup(ctx, "");
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		l = talloc_asprintf_append(l, "%s%u", i ? "," : "", (unsigned int)s->groups[i]);
	return l;
}

static void test_user(TALLOC_CTX *ctx)
{
	struct udc_error e;
	char cfg[256];
	size_t i;

	for (i = 0; i < sizeof(user_rows) / sizeof(user_rows[0]); i++) {
		const struct user_row *r = &user_rows[i];
		struct run_opts o = {.user = r->u};
		struct run_spec *s;

		snprintf(cfg, sizeof(cfg), "{\"User\":\"%s\",\"Cmd\":[\"/bin/sh\"]}",
			 r->image_user ? r->image_user : "");
		s = spec(ctx, cfg, &o, &e);
		if (r->err) {
			ok(!s, "user %s/%s fails", r->u, r->image_user);
			is_str(e.msg, r->err, "user %s/%s: message", r->u, r->image_user);
		} else if (ok(s != NULL, "user %s/%s (%s)", r->u, r->image_user, s ? "" : e.msg)) {
			ok(s->uid == (uid_t)r->uid && s->gid == (gid_t)r->gid, "user %s/%s: %u:%u",
			   r->u, r->image_user, s->uid, s->gid);
			is_str(s->user, r->name, "user %s/%s: name", r->u, r->image_user);
			is_str(run_env_get(s->envp, "HOME"), r->home, "user %s: HOME", r->u);
			is_str(gid_list(ctx, s), r->groups, "user %s: groups", r->u);
			is_int(!!(s->flags & RUN_FAKE_ROOT), r->uid == 0, "user %s: fake root",
			       r->u);
		}
		talloc_free(s);
	}
}

/* The text of the host file the guest path p maps to ("(unmapped)" / "(unreadable)"). */
static char *guest_file(TALLOC_CTX *ctx, const struct run_spec *s, const char *p, char *host)
{
	char buf[4096];
	size_t n;
	FILE *f;

	if (pm_map_guest(s->table, p, host, NULL) < 0)
		return talloc_strdup(ctx, "(unmapped)");
	f = fopen(host, "r");
	if (!f)
		return talloc_strdup(ctx, "(unreadable)");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return talloc_strdup(ctx, buf);
}

/* The number of entries of dir whose name starts with prefix (-1: dir unreadable). */
static int count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

/* An identity row: -u, the expected passwd and group ("": not replaced) of the guest. */
struct ident_row {
	const char *u;
	unsigned int flags;
	const char *passwd_tail, *group_tail, *user;
};

static const struct ident_row ident_rows[] = {
    {"4242", 0, "udoc4242:x:4242:0:*UDOCKER*:/:/bin/sh\n", "", "udoc4242"},
    {"4242:77", 0, "udoc4242:x:4242:77:*UDOCKER*:/:/bin/sh\n", "udoc77:x:77:\n", "udoc4242"},
    {"alice:5000", 0, "", "udoc5000:x:5000:\n", "alice"},
    {"1000", 0, "", "", "alice"},
    {"0:0", 0, "", "", "root"},
    {"0:9", 0, "", "udoc9:x:9:\n", "root"},
    {"7", 0, "udoc7_1:x:7:0:*UDOCKER*:/:/bin/sh\n", "", "udoc7_1"},
};

/* -u of an id the guest's files lack: private copies bound read-only, gone with the spec. */
static void test_ident(TALLOC_CTX *ctx)
{
	static const char taken[] = "udoc7:x:8:8::/:/bin/sh\n";
	char tmpdir[1200], host[PATH_MAX], old[1300];
	const char *base = passwd_text;
	struct udc_error e;
	size_t i;

	snprintf(tmpdir, sizeof(tmpdir), "%s/identtmp", top);
	mkdir(tmpdir, 0700);
	setenv("TMPDIR", tmpdir, 1);
	/* a run that died long ago (unlocked, old) is collected; a fresh one is not */
	snprintf(old, sizeof(old), "%s/udockerc-run-dead01", tmpdir);
	mkdir(old, 0700);
	ok(utimensat(AT_FDCWD, old, (const struct timespec[]){{0, 0}, {0, 0}}, 0) == 0, "old");
	snprintf(host, sizeof(host), "%s/udockerc-run-young1", tmpdir);
	mkdir(host, 0700);
	for (i = 0; i < sizeof(ident_rows) / sizeof(ident_rows[0]); i++) {
		const struct ident_row *r = &ident_rows[i];
		struct run_opts o = {.user = r->u, .flags = r->flags};
		struct run_spec *s = spec(ctx, NULL, &o, &e);
		char *pw, *gr;
		size_t lp, lg;

		if (!ok(s != NULL, "ident -u %s (%s)", r->u, s ? "" : e.msg))
			continue;
		pw = guest_file(ctx, s, "/etc/passwd", host);
		lp = strlen(pw) - strlen(r->passwd_tail);
		if (r->passwd_tail[0]) {
			is_str(pw + lp, r->passwd_tail, "ident -u %s: passwd line", r->u);
			ok(lp == strlen(base) && !strncmp(pw, base, lp),
			   "ident -u %s: the guest's passwd first", r->u);
			ok(strncmp(host, root, strlen(root)) != 0, "ident -u %s: outside", r->u);
			ok(access(host, W_OK) < 0 || getuid() == 0, "ident -u %s: 0444", r->u);
		} else {
			is_str(pw, base, "ident -u %s: passwd untouched", r->u);
		}
		gr = guest_file(ctx, s, "/etc/group", host);
		lg = strlen(gr) - strlen(r->group_tail);
		if (r->group_tail[0])
			is_str(gr + lg, r->group_tail, "ident -u %s: group line", r->u);
		else
			is_str(gr, group_text, "ident -u %s: group untouched", r->u);
		is_str(s->user, r->user, "ident -u %s: name", r->u);
		is_str(run_env_get(s->envp, "USER"), r->user, "ident -u %s: USER", r->u);
		ok(count_prefix(tmpdir, "udockerc-run-") == 1 + !!(r->passwd_tail[0] ||
		   r->group_tail[0]), "ident -u %s: one run directory while it lives", r->u);
		talloc_free(s);
		ok(count_prefix(tmpdir, "udockerc-run-") == 1, "ident -u %s: removed", r->u);
		if (i == 5) { /* the next row: the name udoc7 is taken by another uid */
			base = taken;
			put_file(root, "etc/passwd", taken, 0644);
		}
	}
	put_file(root, "etc/passwd", passwd_text, 0644);
	ok(access(old, F_OK) < 0, "ident: an abandoned run directory is collected");
	ok(count_prefix(tmpdir, "udockerc-run-young") == 1, "ident: a young one is kept");
	unsetenv("TMPDIR");
}

/* A workdir row: -w, image WorkingDir, volumes, expected cwd or error. */
struct wd_row {
	const char *w;
	const char *image_wd;
	int with_vol;
	const char *cwd;
	const char *err;
};

static const struct wd_row wd_rows[] = {
    {NULL, NULL, 0, "/", NULL},
    {NULL, "/work", 0, "/work", NULL},
    {NULL, "work", 0, "/work", NULL},
    {"/link", "/nope", 0, "/work", NULL},
    {"/link/", NULL, 0, "/work", NULL},
    {"/data/sub", NULL, 1, "/data/sub", NULL},
    {"/data/sub", NULL, 0, NULL, "-w /data/sub: No such file or directory"},
    {"/nope", NULL, 0, NULL, "-w /nope: No such file or directory"},
    {NULL, "/missing", 0, NULL, "WorkingDir /missing: No such file or directory"},
    {"/work/file", NULL, 0, NULL, "-w /work/file: Not a directory"},
    {"work", NULL, 0, NULL, "-w work: the working directory must be absolute"},
};

static void test_workdir(TALLOC_CTX *ctx)
{
	char v[PATH_MAX + 8], cfg[256];
	struct udc_error e;
	size_t i;

	snprintf(v, sizeof(v), "%s:/data", vol);
	for (i = 0; i < sizeof(wd_rows) / sizeof(wd_rows[0]); i++) {
		const struct wd_row *r = &wd_rows[i];
		const char *const vols[] = {v, NULL};
		struct run_opts o = {.workdir = r->w, .volumes = r->with_vol ? vols : NULL};
		struct run_spec *s;

		snprintf(cfg, sizeof(cfg), "{\"WorkingDir\":\"%s\",\"Cmd\":[\"/bin/sh\"]}",
			 r->image_wd ? r->image_wd : "");
		s = spec(ctx, cfg, &o, &e);
		if (r->err)
			is_str(s ? s->cwd : e.msg, r->err, "workdir %s/%s: error", r->w,
			       r->image_wd);
		else
			is_str(s ? s->cwd : e.msg, r->cwd, "workdir %s/%s", r->w, r->image_wd);
		talloc_free(s);
	}
}

/* s with every '@' replaced by the test directory. */
static char *at(TALLOC_CTX *ctx, const char *s)
{
	char *r = talloc_strdup(ctx, "");

	for (; s && *s; s++)
		r = *s == '@' ? talloc_strdup_append(r, top) : talloc_asprintf_append(r, "%c", *s);
	return s ? r : NULL;
}

/* A volume row: -v argument, a guest path to map, expected host path and flags, or error. */
struct vol_row {
	const char *v;
	const char *guest;
	const char *host;
	unsigned int flags;
	const char *err;
};

static const struct vol_row vol_rows[] = {
    {"@/vol:/data", "/data/x", "@/vol/x", PM_VOLUME, NULL},
    {"@/vol:/data:ro", "/data/x", "@/vol/x", PM_VOLUME | PM_RDONLY, NULL},
    {"@/vol:/data:rw", "/data", "@/vol", PM_VOLUME | PM_MOUNTPOINT, NULL},
    {"@/vol/:/deep/er//", "/deep/er/sub", "@/vol/sub", PM_VOLUME, NULL},
    {"@/vlink:/d", "/d/sub", "@/vol/sub", PM_VOLUME, NULL},
    {"@/vol", "@/vol/sub", "@/vol/sub", PM_VOLUME, NULL},
    {"@/hfile:/etc/hfile", "/etc/hfile", "@/hfile", PM_VOLUME | PM_MOUNTPOINT, NULL},
    {"/nope:/data", NULL, NULL, 0, "-v /nope:/data: /nope: No such file or directory"},
    {"@/vol:data", NULL, NULL, 0, "-v @/vol:data: data: the guest path must be absolute"},
    {"@/vol:/d:xx", NULL, NULL, 0, "-v @/vol:/d:xx: unknown mode 'xx', expected ro or rw"},
    {"@/vol:/d:ro:x", NULL, NULL, 0,
     "-v @/vol:/d:ro:x: invalid volume, expected HOST[:GUEST[:ro]]"},
    {"@/vol::ro", NULL, NULL, 0, "-v @/vol::ro: invalid volume, expected HOST[:GUEST[:ro]]"},
    {"@/vol:/", NULL, NULL, 0, "-v @/vol:/: a volume cannot replace the container's /"},
    {"@/vol:/a/../b", NULL, NULL, 0,
     "-v @/vol:/a/../b: /a/../b: invalid path ('.' and '..' are refused)"},
};

static void test_volumes(TALLOC_CTX *ctx)
{
	char host[PATH_MAX];
	struct udc_error e;
	size_t i;

	for (i = 0; i < sizeof(vol_rows) / sizeof(vol_rows[0]); i++) {
		const struct vol_row *r = &vol_rows[i];
		const char *v = at(ctx, r->v);
		struct run_opts o = {.volumes = (const char *const[]){v, NULL}};
		struct run_spec *s = spec(ctx, NULL, &o, &e);
		unsigned int flags = 0;
		int m;

		if (r->err) {
			is_str(s ? "(accepted)" : e.msg, at(ctx, r->err), "-v %s: error", r->v);
		} else if (ok(s != NULL, "-v %s (%s)", r->v, s ? "" : e.msg)) {
			m = pm_map_guest(s->table, at(ctx, r->guest), host, &flags);
			is_str(m == 0 ? host : strerror(-m), at(ctx, r->host), "-v %s: map", r->v);
			is_int(flags, r->flags, "-v %s: flags", r->v);
		}
		talloc_free(s);
	}
}

static void test_too_many_volumes(TALLOC_CTX *ctx)
{
	const char *v[PM_MAX_ENTRIES + 2];
	struct run_opts o = {.volumes = v, .flags = RUN_OPT_NOSYSDIRS};
	struct udc_error e;
	struct run_spec *s;
	int i;

	for (i = 0; i <= PM_MAX_ENTRIES; i++)
		v[i] = talloc_asprintf(ctx, "%s:/v%d", vol, i);
	v[PM_MAX_ENTRIES + 1] = NULL;
	s = spec(ctx, NULL, &o, &e);
	ok(!s && strstr(e.msg, "too many volumes"), "-v x65: %s", e.msg);
	talloc_free(s);
}

/* Where guest path p leads, as "host flags". */
static char *where(TALLOC_CTX *ctx, const struct run_spec *s, const char *p)
{
	char host[PATH_MAX];
	unsigned int flags = 0;
	int r = pm_map_guest(s->table, p, host, &flags);

	return r < 0 ? talloc_strdup(ctx, strerror(-r))
		     : talloc_asprintf(ctx, "%s %#x", host, flags & PM_ENTRY_MASK);
}

static void test_sysdirs(TALLOC_CTX *ctx)
{
	static const char *const sys[] = {"/dev",	    "/proc",	 "/sys", "/etc/resolv.conf",
					  "/etc/host.conf", "/etc/hosts"};
	struct run_opts o = {0};
	struct udc_error e;
	struct run_spec *s = spec(ctx, NULL, &o, &e);
	struct stat st;
	size_t i;

	for (i = 0; s && i < sizeof(sys) / sizeof(sys[0]); i++) {
		const char *want = stat(sys[i], &st) == 0
				       ? talloc_asprintf(ctx, "%s %#x", sys[i], PM_IDENTITY)
				       : talloc_asprintf(ctx, "%s%s %#x", root, sys[i], PM_ROOT);

		is_str(where(ctx, s, sys[i]), want, "system bind %s", sys[i]);
	}
	is_str(s ? where(ctx, s, "/") : e.msg, talloc_asprintf(ctx, "%s %#x", root, PM_ROOT),
	       "root entry");
	talloc_free(s);
	o.flags = RUN_OPT_NOSYSDIRS;
	s = spec(ctx, NULL, &o, &e);
	is_str(s ? where(ctx, s, "/proc/self") : e.msg,
	       talloc_asprintf(ctx, "%s/proc/self %#x", root, PM_ROOT), "--nosysdirs");
	is_int(s ? (long)s->table->n : -1, 1, "--nosysdirs: only the root entry");
	talloc_free(s);
	o = (struct run_opts){.novol = ARR("/proc/", "/etc/hosts")};
	s = spec(ctx, NULL, &o, &e);
	is_str(s ? where(ctx, s, "/proc/1") : e.msg,
	       talloc_asprintf(ctx, "%s/proc/1 %#x", root, PM_ROOT), "--novol=/proc/");
	is_str(s ? where(ctx, s, "/etc/hosts") : e.msg,
	       talloc_asprintf(ctx, "%s/etc/hosts %#x", root, PM_ROOT), "--novol=/etc/hosts");
	if (stat("/dev", &st) == 0)
		is_str(s ? where(ctx, s, "/dev/null") : e.msg,
		       talloc_asprintf(ctx, "/dev/null %#x", PM_IDENTITY), "--novol keeps /dev");
	talloc_free(s);
}

static void test_hostauth_bindhome(TALLOC_CTX *ctx)
{
	struct run_opts o = {.flags = RUN_OPT_HOSTAUTH | RUN_OPT_BINDHOME | RUN_OPT_NOSYSDIRS};
	struct udc_error e;
	struct run_spec *s = spec(ctx, NULL, &o, &e);
	char *home = talloc_asprintf(ctx, "%s/home", top);

	ok(s != NULL, "--hostauth --bindhome (%s)", s ? "" : e.msg);
	if (!s)
		return;
	is_str(where(ctx, s, "/etc/passwd"),
	       talloc_asprintf(ctx, "/etc/passwd %#x", PM_IDENTITY | PM_RDONLY), "--hostauth");
	ok(s->flags & RUN_HOST_AUTH, "--hostauth: flag");
	is_str(where(ctx, s, home), talloc_asprintf(ctx, "%s %#x", home, PM_VOLUME), "--bindhome");
	is_str(s->user, "root", "--hostauth: uid 0 is root in the host's passwd");
	talloc_free(s);
}

static void test_tree_and_root(TALLOC_CTX *ctx)
{
	struct run_opts o = {.kernel = "6.1.0"};
	struct udc_error e;
	struct run_spec *s = spec(ctx, NULL, &o, &e);
	TALLOC_CTX *sub = talloc_new(ctx);
	char *saved = talloc_strdup(ctx, root);

	if (ok(s != NULL, "spec for the tree check (%s)", s ? "" : e.msg)) {
		ok(talloc_is_parent(s->table->arena, s) && talloc_is_parent(s->envp[0], s) &&
		       talloc_is_parent(s->argv[0], s) && talloc_is_parent(s->cwd, s) &&
		       talloc_is_parent(s->kernel, s) && talloc_is_parent(s->exe, s),
		   "everything is in the spec's talloc tree");
		is_str(s->execmode, "P2", "execmode from the record");
		is_str(s->container_id, "c-1", "container id");
		is_str(s->kernel, "6.1.0", "kernel");
		is_str(s->root, root, "canonical root");
	}
	talloc_free(s);
	snprintf(root, sizeof(root), "%s/noroot", top);
	s = spec(sub, NULL, &o, &e);
	is_str(s ? "(accepted)" : e.msg,
	       talloc_asprintf(ctx, "container root %s: No such file or directory", root),
	       "missing root");
	snprintf(root, sizeof(root), "%s", saved);
	talloc_free(sub);
}

/* --kernel: plausible releases pass, anything else is one line naming it. */
static void test_kernel(TALLOC_CTX *ctx)
{
	static const char *const good[] = {"6.1.0", "4.19", "5.15.0-91-generic", "6.1.0+rt7",
					   "3.10.0-1160.el7.x86_64"};
	static const char *const bad[] = {"", "6", "6.", "x.1", "6.1.x", "6.1.0 rt", "6..1",
					  "6.1/0", "6.1.0-$(id)"};
	struct udc_error e;
	struct run_spec *s;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct run_opts o = {.kernel = good[i]};

		s = spec(ctx, NULL, &o, &e);
		ok(s && !strcmp(s->kernel, good[i]), "--kernel=%s accepted", good[i]);
		talloc_free(s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct run_opts o = {.kernel = bad[i]};

		s = spec(ctx, NULL, &o, &e);
		is_str(s ? "(accepted)" : e.msg,
		       talloc_asprintf(ctx, "--kernel=%s: not a kernel release (X.Y[.Z][-suffix])",
				       bad[i]),
		       "--kernel=%s refused", bad[i]);
		talloc_free(s);
	}
}

int main(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);

	if (make_tree() < 0) {
		printf("Bail out! cannot build the test tree in %s\n", top);
		return 1;
	}
	host_env_init();
	test_argv(ctx);
	test_exe(ctx);
	test_env_image(ctx);
	test_env_layers(ctx);
	test_env_defaults(ctx);
	test_env_errors(ctx);
	test_user(ctx);
	test_ident(ctx);
	test_workdir(ctx);
	test_volumes(ctx);
	test_too_many_volumes(ctx);
	test_sysdirs(ctx);
	test_hostauth_bindhome(ctx);
	test_tree_and_root(ctx);
	test_kernel(ctx);
	talloc_free(ctx);
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return done();
}
