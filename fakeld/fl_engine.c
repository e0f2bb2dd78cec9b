/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fl_engine.c - F1: run the guest through its own loader with the preload shim; static -> P1. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "fakeld/fl_engine.h"
#include "preload/pl_shim.h"
#include "ptrace/pt_engine.h"
#include "ptrace/pt_signal.h"

extern char **environ;

/* Reported by the child through the pipe before its exec (nothing arrives when it succeeds). */
enum fl_child_msg { FL_MSG_STATIC = 'S', FL_MSG_ERROR = 'E' };

char *fl_shim_dir(TALLOC_CTX *ctx, struct udc_error *e)
{
	static const char *const rel[] = { "../lib/udockerc", "lib/udockerc" };
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return udc_fail_sys(e, "F1: /proc/self/exe"), NULL;
	exe[n] = '\0';
	dir = dirname(exe);
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *d = talloc_asprintf(ctx, "%s/%s", dir, rel[i]);
		char *so = talloc_asprintf(ctx, "%s/" PL_SHIM_GLIBC, d ? d : "");
		char real[PATH_MAX];

		if (d && so && access(so, R_OK) == 0 && realpath(d, real))
			return talloc_strdup(ctx, real);
	}
	udc_fail(e, ENOENT, "F1: %s not found next to udockerc (%s/../lib/udockerc): "
		 "use --execmode=P1", PL_SHIM_GLIBC, dir);
	return NULL;
}

char *fl_wire_var(TALLOC_CTX *ctx, const struct pm_table *t, int *err)
{
	size_t size = 4096;
	char *wire = NULL, *var;
	int r = -ENOSPC;

	while (r == -ENOSPC && size <= PL_WIRE_MAX) {
		char *w = talloc_realloc(ctx, wire, char, size);

		r = w ? pm_wire_encode(t, w, size) : -ENOMEM;
		wire = w ? w : wire;
		size *= 2;
	}
	var = r < 0 ? NULL : talloc_asprintf(ctx, PL_ENV_PM "=%s", wire);
	talloc_free(wire);
	*err = r < 0 ? (r == -ENOSPC ? -E2BIG : r) : (var ? 0 : -ENOMEM);
	return var;
}

/* The guest's environment plus the shim's settings (LD_PRELOAD is added at the exec). */
static char **fl_env(TALLOC_CTX *ctx, const struct run_spec *s, const char *dir,
		     struct udc_error *e)
{
	size_t n = 0, i = 0;
	char **env;
	int r = -ENOMEM;

	while (s->envp[n])
		n++;
	env = talloc_array(ctx, char *, n + 5);
	if (env)
		env[n] = fl_wire_var(env, s->table, &r);
	if (!env || r < 0)
		return udc_fail(e, r == -E2BIG ? E2BIG : ENOMEM, "F1: the path table is too large "
				"for the shim"), NULL;
	for (; i < n; i++)
		env[i] = s->envp[i];
	i++; /* env[n]: UDOCKERC_PM, above */
	env[i++] = talloc_asprintf(env, PL_ENV_LIBDIR "=%s", dir);
	env[i++] = talloc_asprintf(env, PL_ENV_LDPATH "=%s", fl_ldpath(env, s, 0));
	env[i++] = talloc_asprintf(env, PL_ENV_LDMUSL "=%s", fl_ldpath(env, s, 1));
	env[i] = NULL;
	for (i = n; i < n + 4; i++)
		if (!env[i])
			return udc_fail(e, ENOMEM, "out of memory"), NULL;
	return env;
}

/* Tell the parent msg (and errno err) through fd, then end the child. */
__attribute__((noreturn)) static void fl_child_fail(int fd, char msg, int err, const char *what)
{
	dprintf(fd, "%c%d %s", msg, err, what);
	_exit(127);
}

/* The child: load the shim here, ask whether exe is static, enter the cwd, exec through it. */
__attribute__((noreturn)) static void fl_child(const struct run_spec *s, const char *so,
					       char **env, int fd)
{
	char guest[PATH_MAX], host[PATH_MAX];
	int (*is_static)(const char *);
	int (*ex)(const char *, char *const[], char *const[]);
	void *h;
	int r;

	pt_signal_child();
	environ = env; /* the shim's constructor reads its settings from here */
	h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	is_static = h ? (int (*)(const char *))dlsym(h, "udockerc_preload_static") : NULL;
	ex = h ? (int (*)(const char *, char *const[], char *const[]))dlsym(h, "execve") : NULL;
	if (!is_static || !ex)
		fl_child_fail(fd, FL_MSG_ERROR, ENOEXEC,
			      h ? "the shim lacks its entry points" : dlerror());
	r = is_static(s->exe);
	if (r == 1)
		fl_child_fail(fd, FL_MSG_STATIC, 0, s->exe);
	r = pm_canon(s->table, NULL, "/", s->cwd, PM_FOLLOW, guest, host);
	if (r < 0 || chdir(host) != 0)
		fl_child_fail(fd, FL_MSG_ERROR, r < 0 ? -r : errno, s->cwd);
	ex(s->exe, s->argv, env);
	fl_child_fail(fd, FL_MSG_ERROR, errno, s->exe);
}

/* Wait for pid (signals forwarded meanwhile); its status as run reports it. */
static int fl_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What the child said before its exec: 0 (it runs), FL_MSG_STATIC, or -errno with e. */
static int fl_child_said(int fd, struct udc_error *e)
{
	char buf[PATH_MAX + 32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = 0, off = 0;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf + 1, "%d %n", &err, &off) < 1)
		err = EIO;
	if (buf[0] == FL_MSG_STATIC)
		return FL_MSG_STATIC;
	return udc_fail(e, err ? err : EIO, "%s: %s", buf + 1 + off, strerror(err ? err : EIO));
}

/*
 * The identity the guest sees under F is the host user's: say so when another uid or gid was
 * asked (-u, the image's User, the default root).
 */
static void fl_identity_notice(const struct run_spec *s)
{
	if (s->uid == getuid() && s->gid == getgid())
		return;
	udc_log(UDC_LOG_WRN, "F1 shows the guest the host user (uid %u gid %u), not %s (uid %u "
		"gid %u): use --execmode=P1 for root or another user", (unsigned int)getuid(),
		(unsigned int)getgid(), s->user ? s->user : "the user asked for",
		(unsigned int)s->uid, (unsigned int)s->gid);
}

static int fl_run(const struct engine *self, const struct run_spec *s, int *exit_status,
		  struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *dir = tmp ? fl_shim_dir(tmp, e) : NULL;
	char **env = dir ? fl_env(tmp, s, dir, e) : NULL;
	char *so = env ? talloc_asprintf(tmp, "%s/" PL_SHIM_GLIBC, dir) : NULL;
	int p[2], r = -1;
	pid_t pid;

	(void)self;
	if (!tmp || (env && !so))
		udc_fail(e, ENOMEM, "out of memory");
	if (!so || pipe2(p, O_CLOEXEC) != 0) {
		r = so ? udc_fail_sys(e, "F1: pipe") : -(e->code ? e->code : ENOMEM);
		talloc_free(tmp);
		return r;
	}
	pt_signal_block();
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fl_child(s, so, env, p[1]);
	}
	close(p[1]);
	r = pid < 0 ? udc_fail_sys(e, "F1: fork") : fl_child_said(p[0], e);
	close(p[0]);
	if (pid > 0 && r == 0) {
		pt_signal_start(pid);
		fl_identity_notice(s);
		*exit_status = fl_wait(pid);
	} else if (pid > 0) {
		fl_wait(pid);
	}
	pt_signal_end();
	talloc_free(tmp);
	if (r == FL_MSG_STATIC) {
		udc_log(UDC_LOG_WRN, "%s is statically linked: the F engine cannot intercept it, "
			"running it under P1", s->exe);
		return pt_engine_p1.run(&pt_engine_p1, s, exit_status, e);
	}
	return r;
}

/* F1 needs the shim next to udockerc; nothing of the kernel. */
static int fl_probe(const struct engine *self, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	int r = fl_shim_dir(tmp, e) ? 0 : -e->code;

	(void)self;
	talloc_free(tmp);
	return r;
}

const struct engine fl_engine_f1 = { "F1", 1, fl_probe, fl_run };
