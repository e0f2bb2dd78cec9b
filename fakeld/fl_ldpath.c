/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fl_ldpath.c - the guest loader's default library directories, as host paths, for F runs.
 *
 * The value (UDOCKERC_LDPATH / UDOCKERC_LDPATH_MUSL, read by preload/pl_exec.c) is a list of
 * ':'-separated entries, in the loader's search order:
 *   /HOST/DIR          a directory searched from the start;
 *   ?SEC.NSEC/HOST/DIR a directory that held no library when the run started (mtime SEC.NSEC):
 *                      the exec planner passes it only once its mtime has changed;
 *   -h                 (first, glibc only) no directory listed has a glibc-hwcaps subdirectory.
 * An empty directory costs every new process a dozen failed probes in the loader.
 */
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakeld/fl_engine.h"

#if defined(__x86_64__)
#define FL_TRIPLET "x86_64-linux-gnu"
#define FL_MUSL_ARCH "x86_64"
/* Subdirectories glibc < 2.37 probes for its legacy hwcaps (platforms and hwcap names). */
#define FL_LEGACY "x86_64", "haswell", "xeon_phi", "avx512_1", "i386", "i486", "i586", "i686"
#elif defined(__aarch64__)
#define FL_TRIPLET "aarch64-linux-gnu"
#define FL_MUSL_ARCH "aarch64"
#else /* another architecture: only the plain lib directories apply */
#define FL_TRIPLET "-"
#define FL_MUSL_ARCH "-"
#endif

/* Nested "include" lines of ld.so.conf followed at most. */
#define FL_CONF_DEPTH 4

/* The list being built. */
struct fl_acc {
	char *path;  /* the value so far, NULL while empty */
	int musl;    /* for a musl loader (no subdirectories probed) */
	int hwcaps;  /* a listed directory has a glibc-hwcaps subdirectory */
};

/* Whether host directory path is an entry of a->path already (plain or conditional). */
static int fl_seen(const struct fl_acc *a, const char *host)
{
	size_t n = strlen(host);

	for (const char *p = a->path; p && *p; p += strcspn(p, ":"), p += *p == ':') {
		const char *dir = p[0] == '?' ? p + strcspn(p, "/:") : p;

		if (!strncmp(dir, host, n) && (dir[n] == ':' || dir[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Whether a loader may look into subdirectory name of a library directory. */
static int fl_probed(const struct fl_acc *a, const char *name)
{
#ifdef FL_LEGACY
	static const char *const legacy[] = { "glibc-hwcaps", "tls", FL_LEGACY };

	if (a->musl)
		return 0;
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (!strcmp(name, legacy[i]))
			return 1;
	return 0;
#else /* the legacy names of this architecture are not listed: any subdirectory may be one */
	(void)name;
	return !a->musl;
#endif
}

/* Whether name in directory fd is a directory (symlinks followed). */
static int fl_isdir(int fd, const char *name)
{
	struct stat st;

	return fstatat(fd, name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Whether the loader could find anything in host directory fd: an entry that is not a
 * directory (a file, a dangling symlink), or a subdirectory it probes. Unreadable: assume so.
 */
static int fl_holds(struct fl_acc *a, int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int holds = 0;

	if (!d) {
		close(fd);
		return 1;
	}
	while (!holds && (de = readdir(d))) {
		int dir = de->d_type == DT_DIR;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK)
			dir = fl_isdir(dirfd(d), de->d_name);
		holds = !dir || fl_probed(a, de->d_name);
	}
	closedir(d);
	return holds;
}

/* Append guest directory dir (as a host path) when it exists and is new. */
static void fl_add(TALLOC_CTX *ctx, const struct run_spec *s, struct fl_acc *a, const char *dir)
{
	char guest[PATH_MAX], host[PATH_MAX], *entry;
	struct stat st;
	int fd;

	if (dir[0] != '/' || pm_canon(s->table, NULL, "/", dir, PM_FOLLOW, guest, host) != 0 ||
	    fl_seen(a, host))
		return;
	fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (stat(host, &st) != 0 || !S_ISDIR(st.st_mode)))
		return;
	if (fd >= 0 && fstat(fd, &st) != 0) {
		close(fd);
		return;
	}
	if (!a->musl && (fd < 0 || fl_isdir(fd, "glibc-hwcaps")))
		a->hwcaps = 1; /* an unreadable directory: assume it has one */
	if (fd < 0 || fl_holds(a, fd))
		entry = talloc_strdup(ctx, host);
	else
		entry = talloc_asprintf(ctx, "?%lld.%ld%s", (long long)st.st_mtim.tv_sec,
					(long)st.st_mtim.tv_nsec, host);
	if (!entry)
		return;
	a->path = a->path ? talloc_asprintf_append(a->path, ":%s", entry) : entry;
}

static void fl_conf(TALLOC_CTX *ctx, const struct run_spec *s, struct fl_acc *a, const char *file,
		    int depth);

/* "include PATTERN" of an ld.so.conf: every guest file matching, in order. */
static void fl_include(TALLOC_CTX *ctx, const struct run_spec *s, struct fl_acc *a, const char *pat,
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

		fl_conf(ctx, s, a, talloc_asprintf(ctx, "%s%s", dir, name), depth + 1);
	}
	globfree(&g);
}

/* The directories of the guest's ld.so.conf file (a guest path). */
static void fl_conf(TALLOC_CTX *ctx, const struct run_spec *s, struct fl_acc *a, const char *file,
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
			fl_include(ctx, s, a, p + 8 + strspn(p + 8, " \t"), depth);
		else if (*p)
			fl_add(ctx, s, a, p);
	}
	fclose(f);
}

/* musl: the lines (or colon-separated entries) of /etc/ld-musl-ARCH.path, else its defaults. */
static void fl_musl(TALLOC_CTX *ctx, const struct run_spec *s, struct fl_acc *a)
{
	char guest[PATH_MAX], host[PATH_MAX], line[PATH_MAX];
	FILE *f = NULL;

	if (pm_canon(s->table, NULL, "/", "/etc/ld-musl-" FL_MUSL_ARCH ".path", PM_FOLLOW, guest,
		     host) == 0)
		f = fopen(host, "re");
	if (!f) {
		fl_add(ctx, s, a, "/lib");
		fl_add(ctx, s, a, "/usr/local/lib");
		fl_add(ctx, s, a, "/usr/lib");
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (char *save = NULL, *d = strtok_r(line, ":\n", &save); d;
		     d = strtok_r(NULL, ":\n", &save))
			fl_add(ctx, s, a, d);
	fclose(f);
}

char *fl_ldpath(TALLOC_CTX *ctx, const struct run_spec *s, int musl)
{
	static const char *const dirs[] = {
		"/lib/" FL_TRIPLET, "/usr/lib/" FL_TRIPLET, "/lib64",
		"/usr/lib64",	    "/lib",		    "/usr/lib",
	};
	TALLOC_CTX *tmp = talloc_new(ctx);
	struct fl_acc a = { .musl = musl };
	char *path;

	if (!tmp)
		return NULL;
	if (musl) {
		fl_musl(tmp, s, &a);
	} else {
		fl_conf(tmp, s, &a, "/etc/ld.so.conf", 0);
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
			fl_add(tmp, s, &a, dirs[i]);
	}
	if (musl || a.hwcaps)
		path = talloc_strdup(ctx, a.path ? a.path : "");
	else
		path = talloc_asprintf(ctx, "-h%s%s", a.path ? ":" : "", a.path ? a.path : "");
	talloc_free(tmp);
	return path;
}
