/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_exec.c - exec in the guest: #! scripts and dynamic programs run through the guest loader. */
#include <elf.h>
#include <spawn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/ld_opts.h"
#include "preload/pl_shim.h"

/* Nested #! interpreters followed before ELOOP, as the kernel. */
#define PL_EXEC_DEPTH 4
/* Bytes of a #! line the kernel looks at (BINPRM_BUF_SIZE). */
#define PL_EXEC_LINE 256
/* argv entries a plan may add: 2 per #! level, 8 for the loader. */
#define PL_EXEC_EXTRA (2 * PL_EXEC_DEPTH + 8)
/* Loaders larger than this are not scanned for their options. */
#define PL_EXEC_MAX_LOADER (64L << 20)
/* Library path handed to the loader. */
#define PL_LDPATH_MAX 8192

/* Everything one exec needs, on the caller's stack (vfork children included). */
struct pl_plan {
	struct pl_buf b;	  /* the program now planned: guest and host path */
	char interp[PATH_MAX];	  /* PT_INTERP of the ELF program */
	char loader[PATH_MAX];	  /* ... its host path */
	char line[PL_EXEC_DEPTH][PL_EXEC_LINE + 1];
	char ldpath[PL_LDPATH_MAX];
	char preload[PATH_MAX + 16];
	char argv0[64 + PATH_MAX];
	char exe_var[sizeof(PL_ENV_EXE) + PATH_MAX]; /* UDOCKERC_EXE=<host program> */
	const char **av; /* argv (capacity: argc + PL_EXEC_EXTRA + 1, NULL-terminated) */
	size_t n;
	const char *exe; /* what the kernel runs */
	int is_elf;	 /* the program planned last is an ELF file */
	int musl;	 /* its loader is musl's */
	int libdl;	 /* glibc before 2.34: the shim's dlsym is libdl.so.2's, preloaded first */
};

enum pl_kind { PL_PLAIN, PL_SCRIPT, PL_DYNAMIC };

/* Replace av[0] with the k entries of ins. */
static void pl_head(struct pl_plan *x, const char *const *ins, size_t k)
{
	memmove(x->av + k, x->av + 1, x->n * sizeof(*x->av)); /* argv[1..] and the NULL */
	memcpy(x->av, ins, k * sizeof(*ins));
	x->n += k - 1;
}

/* #! line (NUL-terminated in buf): interpreter and optional argument, as the kernel splits. */
static int pl_script(char *buf, const char **interp, const char **arg)
{
	char *p = buf + 2, *end;

	p[strcspn(p, "\n")] = '\0';
	p += strspn(p, " \t");
	*interp = p;
	p += strcspn(p, " \t");
	if (p == *interp)
		return PL_PLAIN; /* no interpreter: the kernel says ENOEXEC */
	if (*p)
		*p++ = '\0';
	p += strspn(p, " \t");
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	*arg = p;
	return PL_SCRIPT;
}

/* Program header i of fd: from the n bytes of the file's start in buf, else read. 0 or -1. */
static int pl_phdr(int fd, const char *buf, long n, long off, Elf64_Phdr *ph)
{
	if (off >= 0 && off + (long)sizeof(*ph) <= n) {
		memcpy(ph, buf + off, sizeof(*ph));
		return 0;
	}
	return pl_sys(SYS_pread64, fd, (long)ph, sizeof(*ph), off, 0) == sizeof(*ph) ? 0 : -1;
}

/* ELF header in buf (n bytes) of fd: PL_DYNAMIC with x->interp when it names an interpreter. */
static int pl_elf(int fd, const char *buf, long n, struct pl_plan *x)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return PL_PLAIN;
	x->is_elf = 1;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_phentsize != sizeof(ph))
		return PL_PLAIN;
	for (unsigned int i = 0; i < eh.e_phnum && i < 65536 / sizeof(ph); i++) {
		long off = (long)(eh.e_phoff + i * sizeof(ph));

		if (pl_phdr(fd, buf, n, off, &ph))
			return PL_PLAIN;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > sizeof(x->interp) ||
		    pl_sys(SYS_pread64, fd, (long)x->interp, (long)ph.p_filesz, (long)ph.p_offset,
			   0) != (long)ph.p_filesz ||
		    x->interp[ph.p_filesz - 1] != '\0')
			return PL_PLAIN; /* malformed: the kernel answers ENOEXEC */
		return PL_DYNAMIC;
	}
	return PL_PLAIN;
}

/* What x->b.host is: a #! script (interp/arg into line[depth]), a dynamic ELF, or plain. */
static int pl_kind(struct pl_plan *x, int depth, const char **interp, const char **arg)
{
	char *buf = x->line[depth];
	struct stat st;
	long n = 0;
	int fd, k = PL_PLAIN;

	x->is_elf = 0;
	fd = (int)pl_sys(SYS_openat, AT_FDCWD, (long)x->b.host, O_RDONLY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return PL_PLAIN; /* missing or unreadable: the kernel says */
	if (pl_sys(SYS_fstat, fd, (long)&st, 0, 0, 0) == 0 && S_ISREG(st.st_mode) &&
	    pl_sys(SYS_faccessat, AT_FDCWD, (long)x->b.host, X_OK, 0, 0) == 0)
		n = pl_sys(SYS_pread64, fd, (long)buf, PL_EXEC_LINE, 0, 0);
	if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = '\0';
		k = pl_script(buf, interp, arg);
	} else if (n >= (long)sizeof(Elf64_Ehdr)) {
		k = pl_elf(fd, buf, n, x);
	}
	pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return k;
}

/* The LD_OPT_* options of the loader file fd of st (common/ld_opts.c). */
static int pl_loader_scan(int fd, const struct stat *st)
{
	const char *m;
	int opts;

	if (st->st_size <= 0 || st->st_size > PL_EXEC_MAX_LOADER)
		return 0;
	m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 0;
	opts = (int)ld_opts_scan(m, (size_t)st->st_size);
	munmap((void *)m, (size_t)st->st_size);
	return opts;
}

/*
 * The last loader scanned, by identity (a seqlock: gen is odd while written, 0 when empty).
 * A vfork child writes it into its parent's memory, so a shell or make scans its loader once.
 */
static struct {
	unsigned int gen;
	dev_t dev;
	ino_t ino;
	off_t size;
	long mtime, mtime_ns;
	int opts;
} pl_ldc;

static int pl_ldc_same(const struct stat *st)
{
	return pl_ldc.dev == st->st_dev && pl_ldc.ino == st->st_ino && pl_ldc.size == st->st_size &&
	       pl_ldc.mtime == (long)st->st_mtim.tv_sec && pl_ldc.mtime_ns == st->st_mtim.tv_nsec;
}

/* The cached options for the file of st, or -1. */
static int pl_ldc_get(const struct stat *st)
{
	unsigned int g = __atomic_load_n(&pl_ldc.gen, __ATOMIC_ACQUIRE);
	int opts = pl_ldc_same(st) ? pl_ldc.opts : -1;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (g == 0 || (g & 1) || __atomic_load_n(&pl_ldc.gen, __ATOMIC_RELAXED) != g)
		return -1;
	return opts;
}

static void pl_ldc_put(const struct stat *st, int opts)
{
	unsigned int g = __atomic_load_n(&pl_ldc.gen, __ATOMIC_RELAXED);

	if ((g & 1) || !__atomic_compare_exchange_n(&pl_ldc.gen, &g, g + 1, 0, __ATOMIC_ACQUIRE,
						    __ATOMIC_RELAXED))
		return; /* another thread writes it */
	pl_ldc.dev = st->st_dev;
	pl_ldc.ino = st->st_ino;
	pl_ldc.size = st->st_size;
	pl_ldc.mtime = (long)st->st_mtim.tv_sec;
	pl_ldc.mtime_ns = st->st_mtim.tv_nsec;
	pl_ldc.opts = opts;
	__atomic_store_n(&pl_ldc.gen, g + 2, __ATOMIC_RELEASE);
}

/* The options of the loader at host: one stat when it is the loader scanned last. */
static int pl_loader_opts(const char *host)
{
	struct stat st;
	int fd, opts;

	if (pl_sys(SYS_newfstatat, AT_FDCWD, (long)host, (long)&st, 0, 0) == 0) {
		opts = pl_ldc_get(&st);
		if (opts >= 0)
			return opts;
	}
	fd = (int)pl_sys(SYS_openat, AT_FDCWD, (long)host, O_RDONLY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return 0;
	opts = 0;
	if (pl_sys(SYS_fstat, fd, (long)&st, 0, 0, 0) == 0) {
		opts = pl_loader_scan(fd, &st);
		pl_ldc_put(&st, opts);
	}
	pl_sys(SYS_close, fd, 0, 0, 0, 0);
	return opts;
}

/* Append s (len bytes) to buf at *at; 0, or -E2BIG when it does not fit. */
static int pl_cat(char *buf, size_t size, size_t *at, const char *s, size_t len)
{
	if (*at + len + 1 > size)
		return -E2BIG;
	memcpy(buf + *at, s, len);
	*at += len;
	buf[*at] = '\0';
	return 0;
}

/* The value of NAME in envp, or NULL. */
static const char *pl_getenv(char *const envp[], const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/* Append directory s (len bytes) to x->ldpath at *at, ':' first unless it is the first. */
static int pl_ldpath_add(struct pl_plan *x, size_t *at, const char *s, size_t len)
{
	if (*at && pl_cat(x->ldpath, sizeof(x->ldpath), at, ":", 1))
		return -E2BIG;
	return pl_cat(x->ldpath, sizeof(x->ldpath), at, s, len);
}

/* Whether host directory dir (len bytes) has a glibc-hwcaps subdirectory (or may have). */
static int pl_has_hwcaps(const char *dir, size_t len)
{
	static const char sub[] = "/glibc-hwcaps";
	char p[PATH_MAX];
	struct stat st;

	if (len + sizeof(sub) > sizeof(p))
		return 1;
	memcpy(p, dir, len);
	memcpy(p + len, sub, sizeof(sub));
	return pl_sys(SYS_newfstatat, AT_FDCWD, (long)p, (long)&st, 0, 0) != -ENOENT;
}

/* The decimal number at *p (no sign), *p moved past it. (No strtoll: glibc 2.38 headers
 * redirect it to a symbol version old guests lack.) */
static unsigned long long pl_num(const char **p)
{
	unsigned long long v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (unsigned long long)(**p - '0');
	return v;
}

/*
 * A "?SEC.NSEC/DIR" entry of the defaults (fakeld/fl_ldpath.c: empty when the run started,
 * then with that mtime): whether DIR (its len bytes at *dir) is to be searched now.
 */
static int pl_ldpath_changed(const char *e, size_t n, const char **dir, size_t *len)
{
	const char *end = e + 1;
	char p[PATH_MAX];
	struct stat st;
	unsigned long long sec, nsec = ~0ULL;

	*dir = memchr(e, '/', n);
	if (!*dir)
		return 0;
	*len = n - (size_t)(*dir - e);
	if (*len >= sizeof(p))
		return 1; /* cannot look: search it */
	sec = pl_num(&end);
	if (*end == '.') {
		end++;
		nsec = pl_num(&end);
	}
	memcpy(p, *dir, *len);
	p[*len] = '\0';
	if (pl_sys(SYS_newfstatat, AT_FDCWD, (long)p, (long)&st, 0, 0) != 0)
		return 0; /* gone: the loader would find nothing there */
	return end != *dir || (unsigned long long)st.st_mtim.tv_sec != sec ||
	       (unsigned long long)st.st_mtim.tv_nsec != nsec;
}

/*
 * The loader's library path: the guest's LD_LIBRARY_PATH mapped, then the image's defaults
 * (fakeld/fl_ldpath.c's list). Returns whether no directory in it has a glibc-hwcaps
 * subdirectory (checked only when hw asks: the loader takes --glibc-hwcaps-mask).
 */
static int pl_ldpath(struct pl_plan *x, char *const envp[], int hw)
{
	const char *lp = pl_getenv(envp, "LD_LIBRARY_PATH");
	const char *def = pl_setting(x->musl ? pl.ldmusl : pl.ldpath), *dir;
	int none = hw && !x->musl && def && !strncmp(def, "-h", 2) &&
		   (def[2] == ':' || def[2] == '\0');
	struct pl_buf b;
	size_t at = 0, len, n;

	x->ldpath[0] = '\0';
	for (; lp && *lp; lp += len + (lp[len] == ':')) {
		len = strcspn(lp, ":");
		if (len == 0 || len >= PATH_MAX)
			continue;
		memcpy(b.guest, lp, len);
		b.guest[len] = '\0';
		if (b.guest[0] != '/' || pl_canon(b.guest, PL_FOLLOW, &b) != 0)
			continue;
		if (pl_ldpath_add(x, &at, b.host, strlen(b.host))) {
			none = 0;
			break;
		}
		if (none && pl_has_hwcaps(b.host, strlen(b.host)))
			none = 0;
	}
	for (; def && *def; def += n + (def[n] == ':')) {
		n = strcspn(def, ":");
		dir = def;
		len = n;
		if (def[0] == '?') { /* empty at the start: searched once changed */
			if (!pl_ldpath_changed(def, n, &dir, &len))
				continue;
			if (none && pl_has_hwcaps(dir, len))
				none = 0;
		} else if (def[0] != '/') {
			continue; /* a flag ("-h") */
		}
		if (pl_ldpath_add(x, &at, dir, len))
			return 0;
	}
	return none;
}

/* Dynamic program x->b: argv becomes [loader, options, host program, argv[1..]]. */
static int pl_loader(struct pl_plan *x, char *const envp[])
{
	const char *ins[10], *av0 = x->av[0], *base;
	struct pl_buf lb;
	size_t k = 0, len;
	int opts, nohw, r;

	r = pl_canon(x->interp, PL_FOLLOW, &lb);
	if (r)
		return r;
	memcpy(x->loader, lb.host, strlen(lb.host) + 1);
	base = strrchr(x->interp, '/');
	x->musl = !strncmp(base ? base + 1 : x->interp, "ld-musl", 7);
	opts = pl_loader_opts(x->loader);
	x->libdl = !x->musl && !(opts & LD_OPT_LIBC_DLSYM);
	nohw = pl_ldpath(x, envp, opts & LD_OPT_HWCAPS_MASK);
	ins[k++] = av0;
	if (opts & LD_OPT_INHIBIT_CACHE)
		ins[k++] = "--inhibit-cache";
	if (x->ldpath[0]) {
		ins[k++] = "--library-path";
		ins[k++] = x->ldpath;
	}
	if (nohw) { /* no glibc-hwcaps subdirectory to probe: an empty list of them */
		ins[k++] = "--glibc-hwcaps-mask";
		ins[k++] = "";
	}
	if (opts & LD_OPT_ARGV0) {
		ins[k++] = "--argv0";
		ins[k++] = av0;
	} else { /* the shim's constructor puts it back: UDOCKERC_ARGV0="N ARGV0" */
		len = strlen(av0);
		if (len >= sizeof(x->argv0) - 64)
			return -E2BIG;
		r = snprintf(x->argv0, 64, PL_ENV_ARGV0 "=%zu ", x->n);
		memcpy(x->argv0 + r, av0, len + 1);
	}
	ins[k++] = x->b.host;
	pl_head(x, ins, k);
	x->exe = x->loader;
	return 0;
}

/* Plan the exec of path: follow #! lines and PT_INTERP into x->exe and x->av. 0 or -errno. */
static int pl_plan(struct pl_plan *x, const char *path, char *const envp[])
{
	const char *name = path, *interp = NULL, *arg = "";
	int depth, k, r;

	r = pl_canon(path, PL_FOLLOW, &x->b);
	if (r)
		return r;
	x->exe = x->b.host;
	for (depth = 0;; depth++) {
		k = pl_kind(x, depth, &interp, &arg);
		if (k == PL_PLAIN) {
			x->exe = x->b.host;
			return 0;
		}
		if (k == PL_DYNAMIC)
			return pl_loader(x, envp);
		if (depth == PL_EXEC_DEPTH - 1)
			return -ELOOP;
		if (*arg) {
			const char *ins[3] = { interp, arg, name };

			pl_head(x, ins, 3);
		} else {
			const char *ins[2] = { interp, name };

			pl_head(x, ins, 2);
		}
		name = interp;
		r = pl_canon(interp, PL_FOLLOW, &x->b);
		if (r)
			return r;
	}
}

/* Whether e is one of the variables the shim sets (LD_PRELOAD, UDOCKERC_*). */
static int pl_ours(const char *e)
{
	return !strncmp(e, "LD_PRELOAD=", 11) || !strncmp(e, "UDOCKERC_", 9);
}

/* The environment of the new program in ev (capacity: count(envp) + 8). */
static void pl_env(struct pl_plan *x, char *const envp[], const char **ev)
{
	const char *libdir = pl_setting(pl.libdir);
	size_t n = 0;

	for (; envp && *envp; envp++)
		if (!pl_ours(*envp))
			ev[n++] = *envp;
	if (pl.wire[0])
		ev[n++] = pl.wire;
	if (pl.libdir[0])
		ev[n++] = pl.libdir;
	if (pl.ldpath[0])
		ev[n++] = pl.ldpath;
	if (pl.ldmusl[0])
		ev[n++] = pl.ldmusl;
	if (libdir && strlen(libdir) + 64 < sizeof(x->preload)) {
		snprintf(x->preload, sizeof(x->preload), "LD_PRELOAD=%s%s/%s",
			 x->libdl ? "libdl.so.2 " : "", libdir, x->musl ? PL_SHIM_MUSL : PL_SHIM_GLIBC);
		ev[n++] = x->preload;
	}
	if (x->exe == x->loader && x->argv0[0])
		ev[n++] = x->argv0;
	if (x->exe == x->loader && pl_self_var(x->exe_var, sizeof(x->exe_var), x->b.host) == 0)
		ev[n++] = x->exe_var;
	ev[n] = NULL;
}

static size_t pl_count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Plan path with argv (copied into av, capacity argc + PL_EXEC_EXTRA + 1); 0 or -errno. */
static int pl_prepare(struct pl_plan *x, const char **av, const char *path, char *const argv[],
		      char *const envp[])
{
	size_t n = pl_count(argv);

	memcpy(av, argv ? (const char *const *)argv : av, n * sizeof(*av));
	if (n == 0)
		av[n++] = ""; /* as Linux 5.18 on: argv[0] is "" */
	av[n] = NULL;
	x->av = av;
	x->n = n;
	x->argv0[0] = '\0';
	x->musl = 0;
	x->libdl = 0;
	x->exe = NULL;
	if (!path || !*path)
		return path ? -ENOENT : -EFAULT;
	return pl_plan(x, path, envp);
}

int pl_execve(const char *path, char *const argv[], char *const envp[])
{
	if (pl_traced()) /* the tracer plans it */
		return (int)pl_ret(pl_sys_traced(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0));
	size_t na = pl_count(argv), ne = pl_count(envp);
	const char *av[na + PL_EXEC_EXTRA + 2], *ev[ne + 8];
	struct pl_plan x;
	int r;

	if (!pl_table())
		return (int)pl_ret(pl_sys(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0));
	r = pl_prepare(&x, av, path, argv, envp);
	if (r)
		return (int)pl_ret(r);
	pl_env(&x, envp, ev);
	return (int)pl_ret(pl_sys(SYS_execve, (long)x.exe, (long)av, (long)ev, 0, 0));
}

/* The PATH entries of path_env (NULL: the default) with name, tried in order by try(). */
static int pl_search(const char *name, const char *path_env,
		     int (*try)(const char *cand, void *ctx), void *ctx)
{
	char cand[PATH_MAX];
	const char *p = path_env ? path_env : "/bin:/usr/bin";
	size_t nlen = strlen(name), len;
	int r, seen_eacces = 0;

	for (;; p += len + 1) {
		len = strcspn(p, ":");
		if (len + nlen + 2 <= sizeof(cand)) {
			memcpy(cand, len ? p : ".", len ? len : 1);
			cand[len ? len : 1] = '/';
			memcpy(cand + (len ? len : 1) + 1, name, nlen + 1);
			r = try(cand, ctx);
			if (r == -EACCES)
				seen_eacces = 1;
			else if (r != -ENOENT && r != -ENOTDIR && r != -ESTALE && r != -ENODEV &&
				 r != -ETIMEDOUT)
				return r;
		}
		if (!p[len])
			return seen_eacces ? -EACCES : -ENOENT;
	}
}

struct pl_exec_args {
	char *const *argv;
	char *const *envp;
};

/* Run cand as execvp would: a file without #! or ELF header goes to /bin/sh. */
static int pl_try_exec(const char *cand, void *ctx)
{
	const struct pl_exec_args *a = ctx;
	size_t n = pl_count(a->argv);
	const char *sh[n + 3];

	pl_execve(cand, a->argv, a->envp);
	if (errno != ENOEXEC)
		return -errno;
	sh[0] = "/bin/sh";
	sh[1] = cand;
	memcpy(sh + 2, a->argv + (n > 0), (n - (n > 0)) * sizeof(*sh));
	sh[n + 1 + (n == 0)] = NULL;
	pl_execve("/bin/sh", (char *const *)sh, a->envp);
	return -errno;
}

int pl_execvpe(const char *name, char *const argv[], char *const envp[])
{
	PL_TRACED(int (*)(const char *, char *const[], char *const[]), execvpe, name, argv, envp);
	struct pl_exec_args a = { argv, envp };

	if (!name || !*name)
		return (int)pl_ret(name ? -ENOENT : -EFAULT);
	if (strchr(name, '/'))
		return (int)pl_ret(pl_try_exec(name, &a));
	return (int)pl_ret(pl_search(name, getenv("PATH"), pl_try_exec, &a));
}

/* cand is an executable regular file in the guest: its guest path in ctx. */
static int pl_try_find(const char *cand, void *ctx)
{
	struct pl_buf b;
	struct stat st;
	int r = pl_canon(cand, PL_FOLLOW, &b);

	if (r == 0)
		r = (int)pl_sys(SYS_newfstatat, AT_FDCWD, (long)b.host, (long)&st, 0, 0);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -EACCES;
	if (r == 0)
		r = (int)pl_sys(SYS_faccessat, AT_FDCWD, (long)b.host, X_OK, 0, 0);
	if (r == 0)
		memcpy(ctx, cand, strlen(cand) + 1);
	return r == 0 ? 1 : r;
}

int pl_exec_search(const char *name, const char *path_env, char out[PATH_MAX])
{
	int r;

	if (strchr(name, '/')) {
		if (strlen(name) >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out, name, strlen(name) + 1);
		return 0;
	}
	r = pl_search(name, path_env, pl_try_find, out);
	return r == 1 ? 0 : r;
}

/* posix_spawn: the plan of path, spawned by the C library's posix_spawn. */
int pl_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
	     const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	PL_TRACED(&posix_spawn, posix_spawn, pid, path, fa, attr, argv, envp);
	PL_REAL(&posix_spawn, posix_spawn);
	size_t na = pl_count(argv), ne = pl_count(envp);
	const char *av[na + PL_EXEC_EXTRA + 2], *ev[ne + 8];
	struct pl_plan x;
	int r;

	if (!pl_table())
		return real_posix_spawn(pid, path, fa, attr, argv, envp);
	r = pl_prepare(&x, av, path, argv, envp);
	if (r)
		return -r;
	pl_env(&x, envp, ev);
	return real_posix_spawn(pid, x.exe, fa, attr, (char *const *)av, (char *const *)ev);
}

PL_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
			  const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return pl_spawn(pid, path, fa, attr, argv, envp);
}

PL_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			   const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	PL_TRACED(&posix_spawnp, posix_spawnp, pid, file, fa, attr, argv, envp);
	char path[PATH_MAX];
	int r;

	if (!pl_table()) {
		PL_REAL(&posix_spawnp, posix_spawnp);
		return real_posix_spawnp(pid, file, fa, attr, argv, envp);
	}
	path[0] = '\0';
	r = pl_exec_search(file, getenv("PATH"), path);
	return r ? -r : pl_spawn(pid, path, fa, attr, argv, envp);
}

/* For the launcher (dlopen'ed by udockerc); -errno when path cannot be run at all. */
PL_EXPORT int udockerc_preload_static(const char *path)
{
	const char *av[PL_EXEC_EXTRA + 3] = { path, NULL };
	struct pl_plan x;
	int r;

	if (!pl_table())
		return -EINVAL;
	r = pl_prepare(&x, av, path, (char *const *)av, NULL);
	if (r)
		return r;
	return x.exe != x.loader && x.is_elf;
}
