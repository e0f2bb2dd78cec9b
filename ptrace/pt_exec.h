/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_exec.h - execve/execveat under the tracer: the guest's ELF loader and #! interpreters. */
#ifndef UDC_PT_EXEC_H
#define UDC_PT_EXEC_H

#include <sys/types.h>
#include <sys/user.h>

#include "common/pm.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_sysno.h"

/* One exec call as pt_enter read it: the program's name and where to resolve it from. */
struct pt_exec_req {
	const struct pm_table *table; /* the tracee's path map (pt_loop_table) */
	const struct pm_fs *fs;
	const char *path;   /* the program as the tracee named it (not empty) */
	const char *dir;    /* guest directory a relative path starts from (the cwd or a dirfd) */
	const char *cwd;    /* guest cwd: interpreters are resolved from it, as the kernel does */
	unsigned int canon; /* pm_canon flags for path (PM_FOLLOW unless AT_SYMLINK_NOFOLLOW) */
	unsigned int arg;   /* argument index of the path; argv is the next argument */
};

/* host with a leading /proc/self or /proc/thread-self made pid's, in buf[PATH_MAX] (pt_enter.c). */
const char *pt_fs_self(pid_t pid, const char *host, char *buf);

/*
 * Rewrite the exec call in r (t->regs as the guest set them): the path becomes the host path of
 * the program, or of the guest's ELF loader or #! interpreter with the argv the kernel would
 * have built, all placed below *top. 1 when r changed, -errno to fail the call.
 */
int pt_exec(struct pt_loop *l, struct pt_tracee *t, const struct pt_exec_req *q,
	    struct user_regs_struct *r, unsigned long *top);

/*
 * execveat(fd, "", AT_EMPTY_PATH) of syscall s in t: the guest path of the file behind fd in
 * path[PATH_MAX], its length; 0 when not such a call or the guest view cannot name the file.
 */
int pt_fexec_path(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s, char *path);

#endif
