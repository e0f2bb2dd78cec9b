/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fl_ldpath.c - the guest loader's default library directories, as host paths, for F runs. */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fakeld/fl_engine.h"

#if defined(__x86_64__)
#define FL_TRIPLET "x86_64-linux-gnu"
#define FL_MUSL_ARCH "x86_64"
#elif defined(__aarch64__)
#define FL_TRIPLET "aarch64-linux-gnu"
#define FL_MUSL_ARCH "aarch64"
#else /* another architecture: only the plain lib directories apply */
#define FL_TRIPLET "-"
#define FL_MUSL_ARCH "-"
#endif

/* Nested "include" lines of ld.so.conf followed at most. */
#define FL_CONF_DEPTH 4

/* Append the host path of guest directory dir to *path when it exists and is new. */
static void fl_add(TALLOC_CTX *ctx, const struct run_spec *s, char **path, const char *dir)
{
	char guest[PATH_MAX], host[PATH_MAX];
	struct stat st;
	size_t n;

	if (dir[0] != '/' || pm_canon(s->table, NULL, "/", dir, PM_FOLLOW, guest, host) != 0 ||
	    stat(host, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	n = strlen(host);
	for (const char *p = *path; p && (p = strstr(p, host)); p += n)
		if ((p == *path || p[-1] == ':') && (p[n] == ':' || p[n] == '\0'))
			return;
	*path = *path ? talloc_asprintf_append(*path, ":%s", host) : talloc_strdup(ctx, host);
}

static void fl_conf(TALLOC_CTX *ctx, const struct run_spec *s, char **path, const char *file,
		    int depth);

/* "include PATTERN" of an ld.so.conf: every guest file matching, in order. */
static void fl_include(TALLOC_CTX *ctx, const struct run_spec *s, char **path, const char *pat,
		       int depth)
{
	char guest[PATH_MAX], host[PATH_MAX];
	const char *slash = strrchr(pat, '/');
	char *dir = slash ? talloc_strndup(ctx, pat, (size_t)(slash - pat)) : NULL;
	glob_t g;

	/* the directory through the table, the pattern's last component matched on the host */
	if (!dir || pm_canon(s->table, NULL, "/", dir[0] ? dir : "/", PM_FOLLOW, guest, host) ||
	    glob(talloc_asprintf(ctx, "%s/%s", host, slash + 1), 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name = strrchr(g.gl_pathv[i], '/');

		fl_conf(ctx, s, path, talloc_asprintf(ctx, "%s%s", dir, name), depth + 1);
	}
	globfree(&g);
}

/* The directories of the guest's ld.so.conf file (a guest path). */
static void fl_conf(TALLOC_CTX *ctx, const struct run_spec *s, char **path, const char *file,
		    int depth)
{
	char guest[PATH_MAX], host[PATH_MAX], line[PATH_MAX];
	FILE *f;

	if (depth > FL_CONF_DEPTH ||
	    pm_canon(s->table, NULL, "/", file, PM_FOLLOW, guest, host) != 0 ||
	    !(f = fopen(host, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		p[strcspn(p, "#\n")] = '\0';
		for (char *end = p + strlen(p); end > p && strchr(" \t", end[-1]); end--)
			end[-1] = '\0';
		if (!strncmp(p, "include", 7) && (p[7] == ' ' || p[7] == '\t'))
			fl_include(ctx, s, path, p + 8 + strspn(p + 8, " \t"), depth);
		else if (*p)
			fl_add(ctx, s, path, p);
	}
	fclose(f);
}

/* musl: the lines (or colon-separated entries) of /etc/ld-musl-ARCH.path, else its defaults. */
static void fl_musl(TALLOC_CTX *ctx, const struct run_spec *s, char **path)
{
	char guest[PATH_MAX], host[PATH_MAX], line[PATH_MAX];
	FILE *f = NULL;

	if (pm_canon(s->table, NULL, "/", "/etc/ld-musl-" FL_MUSL_ARCH ".path", PM_FOLLOW, guest,
		     host) == 0)
		f = fopen(host, "re");
	if (!f) {
		fl_add(ctx, s, path, "/lib");
		fl_add(ctx, s, path, "/usr/local/lib");
		fl_add(ctx, s, path, "/usr/lib");
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (char *save = NULL, *d = strtok_r(line, ":\n", &save); d;
		     d = strtok_r(NULL, ":\n", &save))
			fl_add(ctx, s, path, d);
	fclose(f);
}

char *fl_ldpath(TALLOC_CTX *ctx, const struct run_spec *s, int musl)
{
	static const char *const dirs[] = {
		"/lib/" FL_TRIPLET, "/usr/lib/" FL_TRIPLET, "/lib64",
		"/usr/lib64",	    "/lib",		    "/usr/lib",
	};
	TALLOC_CTX *tmp = talloc_new(ctx);
	char *path = NULL;

	if (!tmp)
		return NULL;
	if (musl) {
		fl_musl(tmp, s, &path);
	} else {
		fl_conf(tmp, s, &path, "/etc/ld.so.conf", 0);
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			fl_add(tmp, s, &path, dirs[i]);
	}
	path = talloc_strdup(ctx, path ? path : "");
	talloc_free(tmp);
	return path;
}
