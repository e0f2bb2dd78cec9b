/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm.h - the path map: prefix table, guest path canonicalisation, wire format, raw fs calls. */
#ifndef UDC_PM_H
#define UDC_PM_H

/*
 * Everything here is safe inside an LD_PRELOAD shim: no allocation, no libc function a shim
 * wraps, caller-provided buffers, 0 or -errno results, no globals. See docs/design/path-map.md.
 */

#include <limits.h>
#include <stddef.h>

/* Fixed capacity of a table; the strings live in a caller-provided arena. */
#define PM_MAX_ENTRIES 64
/* Symlinks followed in one resolution, as the kernel's MAXSYMLINKS. */
#define PM_MAX_SYMLINKS 40

/* Entry flags (exactly one of ROOT, VOLUME, IDENTITY; RDONLY optional). */
enum pm_entry_flag {
	PM_ROOT = 1u << 0,     /* guest "/" -> the container's root directory */
	PM_VOLUME = 1u << 1,   /* -v HOST:GUEST */
	PM_IDENTITY = 1u << 2, /* host path shown at the same guest path (/proc, /dev, ...) */
	PM_RDONLY = 1u << 3,   /* read-only volume; the engines enforce it (EROFS) */
	/* Result only, never stored: the path is the entry's prefix itself (a mount point). */
	PM_MOUNTPOINT = 1u << 8,
};
#define PM_KIND_MASK (PM_ROOT | PM_VOLUME | PM_IDENTITY)
#define PM_ENTRY_MASK (PM_KIND_MASK | PM_RDONLY)

/* pm_canon flags. */
enum pm_canon_flag {
	PM_FOLLOW = 1u << 0,	  /* follow a symlink in the last component */
	PM_BENEATH = 1u << 1,	  /* pm_canon_at: leaving the root is -EXDEV (RESOLVE_BENEATH) */
	PM_NO_SYMLINKS = 1u << 2, /* a symlink to follow is -ELOOP (RESOLVE_NO_SYMLINKS) */
};

/*
 * One entry. Strings are NUL-terminated, cleaned (no "//", ".", "..", trailing "/") and live in
 * the table's arena. glen/hlen are the lengths used for matching: 0 for "/", so that the rest
 * of a matched path always starts with '/' or is empty.
 */
struct pm_entry {
	const char *guest;
	const char *host;
	unsigned short glen;
	unsigned short hlen;
	unsigned int flags;
};

/*
 * The prefix table. ent[] is in insertion order (re-adding a guest prefix removes the older
 * entry); by_guest and by_host index it longest prefix first, later entries first on ties.
 */
struct pm_table {
	struct pm_entry ent[PM_MAX_ENTRIES];
	unsigned char by_guest[PM_MAX_ENTRIES];
	unsigned char by_host[PM_MAX_ENTRIES];
	unsigned int n;
	char *arena;
	size_t arena_size;
	size_t arena_used;
};

/*
 * Filesystem access for pm_canon, on host paths. Both return 0 (readlink: the length) or
 * -errno. kind() stores the S_IFMT bits of host in *type, following a final symlink only when
 * follow is set. readlink() stores the target NUL-terminated in buf, -ENAMETOOLONG when the
 * target and its NUL do not fit in size bytes.
 */
struct pm_fs_ops {
	int (*kind)(void *ctx, const char *host, int follow, unsigned int *type);
	int (*readlink)(void *ctx, const char *host, char *buf, size_t size);
};

/* An fs-ops table plus its context (the ptrace engine passes the tracee, tests a fake fs). */
struct pm_fs {
	const struct pm_fs_ops *ops;
	void *ctx;
};

/* pm_table.c */
/* Empty t; entry strings will be stored in arena (caller-owned, must outlive t). */
void pm_table_init(struct pm_table *t, char *arena, size_t arena_size);
/* Add guest -> host with flags; 0, -EINVAL, -ENAMETOOLONG or -ENOSPC (t unchanged on error). */
int pm_table_add(struct pm_table *t, const char *guest, const char *host, unsigned int flags);
/* As pm_table_add with explicit lengths; the strings need no NUL. */
int pm_table_add_n(struct pm_table *t, const char *guest, size_t glen, const char *host,
		   size_t hlen, unsigned int flags);
/* Map an absolute guest path to host (caller's buffer); *flags (may be NULL) gets the entry's. */
int pm_map_guest(const struct pm_table *t, const char *guest, char host[PATH_MAX],
		 unsigned int *flags);
/* The index in t->ent of the entry mapping the absolute guest path (its mount), or -1. */
int pm_entry_of(const struct pm_table *t, const char *guest);
/* Map a host path back to the guest path that reaches it; -ENOENT when no guest path does. */
int pm_map_host(const struct pm_table *t, const char *host, char guest[PATH_MAX],
		unsigned int *flags);

/* pm_canon.c */
/* Canonicalise path in the guest view; fill guest and host (caller's buffers); 0 or -errno. */
int pm_canon(const struct pm_table *t, const struct pm_fs *fs, const char *cwd, const char *path,
	     unsigned int flags, char guest[PATH_MAX], char host[PATH_MAX]);
/* pm_canon with root (a guest directory) as the walk's "/" (RESOLVE_IN_ROOT), PM_BENEATH. */
int pm_canon_at(const struct pm_table *t, const struct pm_fs *fs, const char *root,
		const char *cwd, const char *path, unsigned int flags, char guest[PATH_MAX],
		char host[PATH_MAX]);

/* pm_chroot.c */
/* dst becomes src seen after chroot(root): root is its "/", entries below it kept; 0/-errno. */
int pm_table_chroot(struct pm_table *dst, char *arena, size_t arena_size,
		    const struct pm_table *src, const char *root);

/* pm_rdonly.c: PM_RDONLY entries as read-only mounts (docs/design/ptrace.md). type is the S_IFMT
 * bits of the file the call reaches, or -errno (-ENOENT: missing). Each answer is 0 or -errno. */
/* Whether t has a read-only entry. */
int pm_ro_any(const struct pm_table *t);
/* Whether entry ent (-1: none) is read-only. */
int pm_ro_entry(const struct pm_table *t, int ent);
/* The entry of the directory holding canonical guest path guest ("/" itself: "/"'s). */
int pm_ro_parent(const struct pm_table *t, const char *guest);
/* open/creat of guest with open flags: EROFS for a write-open, O_TRUNC, O_CREAT of a new name. */
int pm_ro_open(const struct pm_table *t, const char *guest, unsigned long flags, long type);
/* A call making the name guest (mkdir, mknod, symlink, link's new name, bind): EROFS when new. */
int pm_ro_new(const struct pm_table *t, const char *guest, long type);
/* Removing or renaming guest: EBUSY for a read-only mount point itself, else its parent's. */
int pm_ro_del(const struct pm_table *t, const char *guest);
/* A change to the file itself (chmod, chown, utime, xattrs; truncate: not of a directory). */
int pm_ro_attr(const struct pm_table *t, const char *guest, long type, int truncate);
/* Whether entries e1 and e2 are different mounts one of which is read-only (rename, link:
 * EXDEV comes first). */
int pm_ro_xdev(const struct pm_table *t, int e1, int e2);

/* pm_wire.c */
/* Serialise t into buf (NUL-terminated); the length without NUL, or -ENOSPC. */
int pm_wire_encode(const struct pm_table *t, char *buf, size_t size);
/* Rebuild t from wire, strings copied into arena; 0, -EINVAL (malformed) or -ENOSPC. */
int pm_wire_decode(struct pm_table *t, char *arena, size_t arena_size, const char *wire);

/* pm_fs.c */
/* A raw system-call function for pm_fs_raw_ops' ctx: the result, or -errno (errno untouched). */
struct pm_fs_sys {
	long (*call)(long nr, long a, long b, long c, long d, long e);
};
/*
 * The fs ops made of raw system calls (never the libc wrappers a shim replaces); their ctx is
 * NULL (syscall(2)) or a const struct pm_fs_sys *.
 */
const struct pm_fs_ops *pm_fs_raw_ops(void);

#endif
