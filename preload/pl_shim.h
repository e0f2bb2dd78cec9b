/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_shim.h - the preload shim's internals: its settings, path translation, exec planning. */
#ifndef UDC_PL_SHIM_H
#define UDC_PL_SHIM_H

/*
 * The shim (libudockerc-preload.so) runs inside guest processes: no allocation on the path
 * of a call, no libc function it wraps, raw system calls or the next definition (RTLD_NEXT).
 * Its settings come from the environment once, in a constructor. See docs/design/preload.md.
 */

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stddef.h>

#include "common/pm.h"

#define PL_EXPORT __attribute__((visibility("default")))

/* The environment variables the launcher sets and the shim keeps across exec. */
#define PL_ENV_PM "UDOCKERC_PM"		   /* the prefix table, pm_wire format */
#define PL_ENV_LIBDIR "UDOCKERC_LIBDIR"	   /* host directory of the shim builds */
#define PL_ENV_LDPATH "UDOCKERC_LDPATH"	   /* host library dirs for glibc loaders */
#define PL_ENV_LDMUSL "UDOCKERC_LDPATH_MUSL" /* ... for musl loaders */
#define PL_ENV_ARGV0 "UDOCKERC_ARGV0"	   /* "N ARGV0": argv[0] for a loader without --argv0 */
#define PL_ENV_EXE "UDOCKERC_EXE"	   /* host path of the program its loader runs */
#define PL_ENV_PT "UDOCKERC_PT"		   /* under the P1 tracer: "cookie:ruid:rgid:guid:ggid" */
#define PL_SHIM_GLIBC "libudockerc-preload.so"
#define PL_SHIM_MUSL "libudockerc-preload-musl.so"

/* Size of the saved settings (the table's wire form included). */
#define PL_WIRE_MAX 32768
#define PL_SETTING_MAX 8192

/* The shim's state, filled once by pl_init (constructor, or the first wrapper called). */
struct pl_state {
	struct pm_table table;
	const struct pm_table *t; /* &table once decoded, NULL: translate nothing */
	char wire[PL_WIRE_MAX];	  /* "UDOCKERC_PM=..." as received, re-added on exec */
	char arena[PL_WIRE_MAX];
	char libdir[PL_SETTING_MAX]; /* "UDOCKERC_LIBDIR=..." */
	char ldpath[PL_SETTING_MAX];
	char ldmusl[PL_SETTING_MAX];
	int ready;
	/*
	 * Under the P1 tracer (PL_ENV_PT): the shim translates only calls that change no state of
	 * the tracer, makes them with the cookie as a sixth argument (the filter lets them through)
	 * and shows owners as the tracer does; everything else goes to the tracer untranslated.
	 */
	int traced;
	unsigned long cookie;	   /* 0: none (not traced, or translation off after chroot) */
	unsigned int ids[4];	   /* real uid, real gid, guest uid, guest gid */
};
extern struct pl_state pl;

/* Decode the settings from the environment (idempotent; the constructor calls it). */
void pl_init(void);
static inline const struct pm_table *pl_table(void)
{
	if (__builtin_expect(!pl.ready, 0))
		pl_init();
	return pl.t;
}

/* Whether this process runs under the P1 tracer (see struct pl_state). */
static inline int pl_traced(void)
{
	if (__builtin_expect(!pl.ready, 0))
		pl_init();
	return pl.traced;
}
/*
 * Under the tracer: whether a call on path goes to the tracer as the guest made it: /proc
 * (exe and root links name guest things the kernel does not know).
 */
static inline int pl_proc_traced(const char *path)
{
	return pl_traced() && path && path[0] == '/' && !__builtin_strncmp(path, "/proc/", 6);
}
/* Under the tracer: owners of the real user shown as the guest's, as the tracer shows them. */
void pl_owner(unsigned int *uid, unsigned int *gid);
/* Under the tracer: after a successful chroot, the tracer translates everything. */
void pl_untranslated(void);

/* The value of "NAME=value" saved in buf, or NULL when unset. */
const char *pl_setting(const char *buf);

/* ---- pl_self.c: /proc/self/exe ---- */

/* Take UDOCKERC_EXE (the program its loader runs) out of environ (constructor, after pl_init). */
void pl_self_init(void);
/* "UDOCKERC_EXE=<host>" into buf (size bytes); 0, or -E2BIG. For the exec planner. */
int pl_self_var(char *buf, size_t size, const char *host);
/* The guest path of the program when path (absolute) is its own /proc exe link, else NULL. */
const char *pl_self_exe(const char *path);

/* ---- pl_path.c: translation ---- */

/* pl_at flags. */
enum pl_at_flag {
	PL_FOLLOW = 1u << 0, /* follow a symlink in the last component */
};

/* Buffers for one translated path. */
struct pl_buf {
	char guest[PATH_MAX];
	char host[PATH_MAX];
	char cwd[PATH_MAX];
};

/*
 * Translate path, relative to dirfd, for a call: *fd and *p are what to pass to the real
 * call (the original dirfd and path when nothing needs changing, else AT_FDCWD and b->host).
 * 0 or -errno.
 */
int pl_at(int dirfd, const char *path, unsigned int flags, struct pl_buf *b, int *fd,
	  const char **p);
/* pl_at for calls without a dirfd: the path to pass, or NULL with errno set. */
const char *pl_path(const char *path, unsigned int flags, struct pl_buf *b);
/* The guest directory of dirfd (AT_FDCWD: the cwd) into guest[PATH_MAX]; 0 or -errno. */
int pl_dir_guest(int dirfd, char guest[PATH_MAX]);
/* Canonicalise path (relative to the guest cwd) into b->guest and b->host; 0 or -errno. */
int pl_canon(const char *path, unsigned int flags, struct pl_buf *b);
/*
 * pl_fast.c: 1 with host filled when the absolute guest path is under the root entry and the
 * kernel resolves its host path exactly as pm_canon would (no symlink met, no "." or ".."); else 0.
 */
int pl_fast_abs(const struct pm_table *t, const char *path, unsigned int flags,
		char host[PATH_MAX]);
/*
 * The same, for calls that can use a descriptor: an O_PATH descriptor of the file (the caller
 * closes it), -ENOENT when only its last component is missing, -EAGAIN when the fast path does
 * not apply (use pl_at).
 */
int pl_fast_fd(const struct pm_table *t, const char *path, unsigned int flags,
	       char host[PATH_MAX]);
/*
 * pl_fast.c: lgetxattr or llistxattr (nr: its SYS_ number; name unused for the list) of an
 * absolute guest path under the root entry, through the parent directory reached without a
 * symlink (getxattrat/listxattrat). -EAGAIN: use pl_at (other calls, other paths).
 */
long pl_fast_xattr(long nr, const char *path, const char *name, void *v, size_t size);
/* The fs ops pm_canon uses in the shim (raw calls; /proc magic links are not symlinks). */
extern const struct pm_fs pl_fs;
/* Set errno to -r and return -1 (r < 0), or return r. */
static inline long pl_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
/* A raw system call: its result or -errno, errno untouched (with the cookie under P1). */
long pl_sys(long nr, long a, long b, long c, long d, long e);
/* The same, never with the cookie: the tracer sees it (under P1: the guest's own arguments). */
long pl_sys_traced(long nr, long a, long b, long c, long d, long e);

/*
 * Translate path (relative to dirfd) into the variables fdv and pv of the calling wrapper, or
 * return -1 with errno from it. flags: enum pl_at_flag.
 */
#define PL_AT(dirfd, path, flags, fdv, pv)                                                         \
	struct pl_buf b_##pv;                                                                      \
	int fdv;                                                                                   \
	const char *pv;                                                                            \
	do {                                                                                       \
		int r_ = pl_at(dirfd, path, flags, &b_##pv, &fdv, &pv);                            \
		if (r_)                                                                            \
			return pl_ret(r_);                                                         \
	} while (0)
/* The same for a wrapper returning a pointer: NULL with errno. */
#define PL_AT_PTR(dirfd, path, flags, fdv, pv)                                                     \
	struct pl_buf b_##pv;                                                                      \
	int fdv;                                                                                   \
	const char *pv;                                                                            \
	do {                                                                                       \
		int r_ = pl_at(dirfd, path, flags, &b_##pv, &fdv, &pv);                            \
		if (r_) {                                                                          \
			errno = -r_;                                                               \
			return NULL;                                                               \
		}                                                                                  \
	} while (0)
/* A path that must be passed to a call without dirfd: absolute host, or relative to cwd. */
#define PL_ABS(fdv, pv) ((void)(fdv), (pv))

/* ---- pl_ro.c: read-only entries (`:ro` volumes) ---- */

/* What a call does to the path it was given. */
enum pl_ro_kind {
	PL_RO_NONE,  /* reads only */
	PL_RO_OPEN,  /* open: the flags decide */
	PL_RO_NEW,   /* makes a name in its parent (EEXIST comes before EROFS) */
	PL_RO_DEL,   /* removes a name of its parent (EROFS even when missing) */
	PL_RO_ATTR,  /* changes the file itself (a missing one is ENOENT first); flags: follow */
	PL_RO_TRUNC, /* truncate: as ATTR, but a directory is EISDIR first */
};
/*
 * After pl_at(dirfd, path) gave (fd, p) in b: -EROFS (or -EBUSY) when the call would write
 * into a read-only entry, else 0. flags: the open flags (OPEN) or PL_FOLLOW (ATTR, TRUNC).
 */
int pl_ro(enum pl_ro_kind k, int flags, int dirfd, const char *path, const struct pl_buf *b,
	  int fd, const char *p);
/* The same for rename (is_link 0) and link: -EXDEV across a read-only entry. */
int pl_ro_two(int is_link, int ofd, const char *old, const struct pl_buf *b1, const char *p1,
	      int nfd, const char *new, const struct pl_buf *b2, int fd2,
	      const char *p2);
/* -EROFS when the file open as fd lies in a read-only entry. */
int pl_ro_fd(int fd);
/* The open flags of an fopen mode string. */
int pl_ro_fmode(const char *mode);
/* After PL_AT(dirfd, path, ..., fd, p): return -1 with EROFS when kind k would write. */
#define PL_RO(k, flags, dirfd, path, fd, p)                                                        	do {                                                                                       		int e_ = pl_ro(k, flags, dirfd, path, &b_##p, fd, p);                              		if (e_)                                                                            			return pl_ret(e_);                                                         	} while (0)
#define PL_RO_PTR(k, flags, dirfd, path, fd, p)                                                    	do {                                                                                       		int e_ = pl_ro(k, flags, dirfd, path, &b_##p, fd, p);                              		if (e_) {                                                                          			errno = -e_;                                                               			return NULL;                                                               		}                                                                                  	} while (0)

/* ---- pl_exec.c: running guest programs through their loader ---- */

/* The plan of one exec: what the kernel is asked to run. */
enum pl_exec_kind {
	PL_EXEC_PLAIN = 0,   /* static, unreadable, not ELF: the program itself */
	PL_EXEC_LOADER = 1,  /* dynamic: through its guest loader */
};

/* Run path (guest) with argv and envp through the guest loader; returns only on error. */
int pl_execve(const char *path, char *const argv[], char *const envp[]);
/* Search PATH as execvp does and run name; returns only on error (-1, errno). */
int pl_execvpe(const char *name, char *const argv[], char *const envp[]);
/* posix_spawn of path (guest) through its plan; 0 or an errno value, as posix_spawn. */
int pl_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
	     const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
/* The guest path of name found in PATH (or name with a '/'), into out[PATH_MAX]; 0/-errno. */
int pl_exec_search(const char *name, const char *path_env, char out[PATH_MAX]);

/* For the launcher: 1 when path (guest) is a static ELF program, 0 when the shim runs it. */
PL_EXPORT int udockerc_preload_static(const char *path);

/* The real function name of the next object (RTLD_NEXT), looked up once per name. */
void *pl_next(const char *name);
#define PL_REAL(type, name)                                                                        \
	static __typeof__(type) real_##name;                                                       \
	if (!real_##name)                                                                          \
		real_##name = (__typeof__(real_##name))pl_next(#name)
/*
 * Under the P1 tracer: return what the next definition answers to the guest's own arguments
 * (its system calls reach the tracer, which translates them). For calls that change the
 * tracer's state (cwd, programs, ids) or go through the C library past the shim.
 */
#define PL_TRACED(type, name, ...)                                                                 \
	do {                                                                                       \
		if (pl_traced()) {                                                                 \
			PL_REAL(type, name);                                                       \
			return real_##name(__VA_ARGS__);                                           \
		}                                                                                  \
	} while (0)

#endif
