/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_sysno.h - the trapped-syscall table (ptrace/syscalls.def) as C data and its lookups. */
#ifndef UDC_PT_SYSNO_H
#define UDC_PT_SYSNO_H

#include "ptrace/arch/x86_64.h"

/* Engine modes that widen the trapped set (argument of the filter builder and P2's lookup). */
enum pt_mode {
	PT_MODE_FAKEROOT = 1u << 0, /* fake identity (root, -u): uid/gid family, chown, owners */
	PT_MODE_KERNEL = 1u << 1,   /* --kernel=X.Y.Z: uname */
};

/* Handler families: the tracer dispatches on these, never on single syscall numbers. */
enum pt_family {
	PT_FAM_path,	    /* translate the path slots, run the call */
	PT_FAM_open,	    /* as path; O_NOFOLLOW / O_CREAT|O_EXCL decide following */
	PT_FAM_openat2,	    /* as open, from struct open_how; RESOLVE_BENEATH/IN_ROOT honoured */
	PT_FAM_stat,	    /* as path; owners rewritten at exit under fake root */
	PT_FAM_readlink,    /* as path; the target reverse-mapped at exit */
	PT_FAM_chdir,	    /* a real chdir to the host path; the guest cwd recorded at exit */
	PT_FAM_fchdir,	    /* the guest cwd recorded at exit */
	PT_FAM_getcwd,	    /* the result reverse-mapped */
	PT_FAM_chroot,	    /* emulated in the guest view */
	PT_FAM_chown,	    /* translated; succeeds without effect under fake root */
	PT_FAM_fdattr,	    /* fchmod, f*xattr: EROFS on a read-only volume's file, else run */
	PT_FAM_exec,	    /* execve/execveat: loader, #!, AT_EXECFN */
	PT_FAM_quotactl,    /* special device path, and Q_QUOTAON's quota file */
	PT_FAM_sockaddr,    /* AF_UNIX sun_path, within its 108 bytes */
	PT_FAM_sockname,    /* getsockname/getpeername: an AF_UNIX path reverse-mapped */
	PT_FAM_uname,	    /* release replaced by --kernel */
	PT_FAM_getid,	    /* the fake id, answered at the entry */
	PT_FAM_getresid,    /* fake ids written into guest memory: getres[ug]id, getgroups */
	PT_FAM_setid,	    /* changes the fake credentials only, kernel rules */
	PT_FAM_deny_enosys, /* fails with ENOSYS: path-taking, not translated */
	PT_FAM_deny_eperm,  /* fails with EPERM: mounts */
	PT_FAM_COUNT
};

/* Whether the final component of a path slot is followed; see ptrace/syscalls.def. */
enum pt_follow {
	PT_FOLLOW_NO,
	PT_FOLLOW_YES,
	PT_FOLLOW_AT,	/* unless AT_SYMLINK_NOFOLLOW */
	PT_FOLLOW_ATF,	/* only with AT_SYMLINK_FOLLOW */
	PT_FOLLOW_OPEN, /* unless O_NOFOLLOW or O_CREAT|O_EXCL */
	PT_FOLLOW_HOW,	/* as OPEN, on open_how.flags read from the tracee */
	PT_FOLLOW_FAN,	/* unless FAN_MARK_DONT_FOLLOW */
	PT_FOLLOW_INO,	/* unless IN_DONT_FOLLOW */
};

/* When a syscall is trapped, and when its exit stop is needed: a mode test. */
enum pt_when {
	PT_WHEN_NEVER,
	PT_WHEN_ALWAYS,
	PT_WHEN_FAKEROOT,
	PT_WHEN_KERNEL,
};

/* Dense indices into pt_sysent_table: PT_SYS_openat, ... */
enum pt_sys {
#define PT_SYSENT(name, fam, pa, pd, pf, qa, qd, qf, fl, ex, wh) PT_SYS_##name,
#include "ptrace/syscalls.def"
#undef PT_SYSENT
	PT_SYS_COUNT
};

/* One table line. Argument indices are -1 when absent; a dirfd of -1 means the cwd. */
struct pt_sysent {
	const char *name;
	short nr;
	unsigned char family;	 /* enum pt_family */
	signed char path[2];	 /* argument index of each path, -1: none */
	signed char dirfd[2];	 /* argument index of its dirfd, -1: relative to the cwd */
	unsigned char follow[2]; /* enum pt_follow */
	signed char flags_arg;	 /* argument deciding AT/ATF/OPEN/FAN/INO, -1: none */
	unsigned char exit;	 /* enum pt_when */
	unsigned char when;	 /* enum pt_when */
};

extern const struct pt_sysent pt_sysent_table[PT_SYS_COUNT];

/* The table index of syscall nr (native x86_64 number), or -1 when it is not in the table. */
int pt_sysent_index(long nr);
/* Whether s is trapped in mode (a set of enum pt_mode). */
int pt_sysent_active(const struct pt_sysent *s, unsigned int mode);
/* Whether s needs its syscall-exit stop in mode, whatever its arguments. */
int pt_sysent_exit(const struct pt_sysent *s, unsigned int mode);
/* Whether path slot (0/1) follows a final symlink, given the value of its flags argument. */
int pt_sysent_follow(const struct pt_sysent *s, unsigned int slot, unsigned long flags);
/*
 * Whether s may bypass the tracer when the preload shim makes it with the run's cookie: path
 * calls that change no state the tracer keeps (cwd, chroot view, credentials, programs) and
 * whose result needs no fixing that the shim does not do itself.
 */
int pt_sysent_bypass(const struct pt_sysent *s);
/* The errno a deny family answers with (ENOSYS or EPERM), 0 for the other families. */
int pt_sysent_deny_errno(const struct pt_sysent *s);

#endif
