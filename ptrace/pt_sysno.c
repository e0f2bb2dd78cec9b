/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_sysno.c - the trapped-syscall table as data, O(1) lookup by number, follow rules. */
#include <errno.h>
#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>

#include "ptrace/pt_sysno.h"

#define PT_SYSENT(nm, fam, pa, pd, pf, qa, qd, qf, fl, ex, wh)                                     \
	[PT_SYS_##nm] = {.name = #nm,                                                              \
			 .nr = __NR_##nm,                                                          \
			 .family = PT_FAM_##fam,                                                   \
			 .path = {(pa), (qa)},                                                     \
			 .dirfd = {(pd), (qd)},                                                    \
			 .follow = {PT_FOLLOW_##pf, PT_FOLLOW_##qf},                               \
			 .flags_arg = (fl),                                                        \
			 .exit = PT_WHEN_##ex,                                                     \
			 .when = PT_WHEN_##wh},
const struct pt_sysent pt_sysent_table[PT_SYS_COUNT] = {
#include "ptrace/syscalls.def"
};
#undef PT_SYSENT

/* Number -> index + 1 (0: not trapped). An index past the array fails to compile. */
_Static_assert(PT_SYS_COUNT < 255, "the table index must fit in the lookup array's bytes");
#define PT_SYSENT(nm, fam, pa, pd, pf, qa, qd, qf, fl, ex, wh) [__NR_##nm] = PT_SYS_##nm + 1,
static const unsigned char by_nr[PT_ARCH_NR_MAX] = {
#include "ptrace/syscalls.def"
};
#undef PT_SYSENT

/* Look nr up; the table index or -1. */
int pt_sysent_index(long nr)
{
	if (nr < 0 || nr >= PT_ARCH_NR_MAX)
		return -1;
	return (int)by_nr[nr] - 1;
}

/* Whether w (enum pt_when) holds in mode. */
static int when_holds(unsigned int w, unsigned int mode)
{
	switch (w) {
	case PT_WHEN_ALWAYS:
		return 1;
	case PT_WHEN_FAKEROOT:
		return (mode & PT_MODE_FAKEROOT) != 0;
	case PT_WHEN_KERNEL:
		return (mode & PT_MODE_KERNEL) != 0;
	default:
		return 0;
	}
}

/* Trapped in mode? */
int pt_sysent_active(const struct pt_sysent *s, unsigned int mode)
{
	return when_holds(s->when, mode);
}

/* Exit stop needed in mode (only meaningful when active)? */
int pt_sysent_exit(const struct pt_sysent *s, unsigned int mode)
{
	return pt_sysent_active(s, mode) && when_holds(s->exit, mode);
}

/* Follow rule of slot, given the flags argument (or open_how.flags for HOW). */
int pt_sysent_follow(const struct pt_sysent *s, unsigned int slot, unsigned long flags)
{
	switch (slot < 2 ? s->follow[slot] : PT_FOLLOW_NO) {
	case PT_FOLLOW_YES:
		return 1;
	case PT_FOLLOW_AT:
		return !(flags & AT_SYMLINK_NOFOLLOW);
	case PT_FOLLOW_ATF:
		return (flags & AT_SYMLINK_FOLLOW) != 0;
	case PT_FOLLOW_OPEN:
	case PT_FOLLOW_HOW:
		/* O_CREAT|O_EXCL fails on any existing final symlink, dangling or not. */
		return !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	case PT_FOLLOW_FAN:
		return !(flags & FAN_MARK_DONT_FOLLOW);
	case PT_FOLLOW_INO:
		return !(flags & IN_DONT_FOLLOW);
	default:
		return 0;
	}
}

/* Errno of a deny family. */
int pt_sysent_deny_errno(const struct pt_sysent *s)
{
	if (s->family == PT_FAM_deny_enosys)
		return ENOSYS;
	if (s->family == PT_FAM_deny_eperm)
		return EPERM;
	return 0;
}

int pt_sysent_bypass(const struct pt_sysent *s)
{
	switch (s->family) {
	case PT_FAM_path:
	case PT_FAM_open:
	case PT_FAM_openat2:
	case PT_FAM_stat:
	case PT_FAM_readlink:
	case PT_FAM_getcwd:
	case PT_FAM_fdattr:
		return 1;
	default:
		return 0;
	}
}
