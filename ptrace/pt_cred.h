/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_cred.h - fake credentials of one tracee and the kernel's rules for changing them. */
#ifndef UDC_PT_CRED_H
#define UDC_PT_CRED_H

#include <stddef.h>
#include <sys/types.h>
#include <talloc.h>

/* The four ids of one kind, as the kernel keeps them (real, effective, saved, filesystem). */
struct pt_ids {
	unsigned int r, e, s, fs;
};

/* Which kind of id a pt_cred_set* call changes. */
enum pt_cred_kind {
	PT_CRED_UID,
	PT_CRED_GID,
};

/*
 * What the guest believes it is. Pure data plus rules: nothing here touches the kernel. The
 * "capability" tests follow traditional root semantics, as the capability code does for a
 * process without file capabilities: CAP_SETUID/CAP_SETGID are held while euid is 0,
 * CAP_CHOWN (a filesystem capability) while fsuid is 0.
 */
struct pt_cred {
	struct pt_ids uid, gid;
	gid_t *groups; /* sorted as the kernel keeps them; talloc child of the owner */
	size_t ngroups;
};

/* Every id of both kinds set to uid and gid, groups copied (sorted); 0 or -ENOMEM. */
int pt_cred_init(TALLOC_CTX *owner, struct pt_cred *c, uid_t uid, gid_t gid, const gid_t *groups,
		 size_t ngroups);
/* dst becomes a copy of src (a child at fork/clone), groups owned by owner; 0 or -ENOMEM. */
int pt_cred_copy(TALLOC_CTX *owner, struct pt_cred *dst, const struct pt_cred *src);

/* setuid/setgid: 0, -EPERM or -EINVAL (id -1). */
int pt_cred_set(struct pt_cred *c, enum pt_cred_kind k, unsigned int id);
/* setreuid/setregid (-1: unchanged): 0 or -EPERM. */
int pt_cred_setre(struct pt_cred *c, enum pt_cred_kind k, unsigned int r, unsigned int e);
/* setresuid/setresgid (-1: unchanged): 0 or -EPERM. */
int pt_cred_setres(struct pt_cred *c, enum pt_cred_kind k, unsigned int r, unsigned int e,
		   unsigned int s);
/* setfsuid/setfsgid: the previous fsid, always; changed only when allowed. */
unsigned int pt_cred_setfs(struct pt_cred *c, enum pt_cred_kind k, unsigned int id);
/* Whether setgroups of n groups is allowed: 0, -EPERM, or -EINVAL (more than NGROUPS_MAX). */
int pt_cred_may_setgroups(const struct pt_cred *c, size_t n);
/* setgroups: 0, -EPERM, -EINVAL or -ENOMEM as above; groups owned by owner. */
int pt_cred_setgroups(TALLOC_CTX *owner, struct pt_cred *c, const gid_t *groups, size_t n);

/* Whether gid is the fsgid or a supplementary group (the kernel's in_group_p). */
int pt_cred_in_group(const struct pt_cred *c, unsigned int gid);
/*
 * chown(uid, gid) (-1: unchanged) of a file owned by owner:group as the guest sees it: 0 or
 * -EPERM, as chown_ok() and chgrp_ok() decide.
 */
int pt_cred_may_chown(const struct pt_cred *c, unsigned int owner, unsigned int group,
		      unsigned int uid, unsigned int gid);

#endif
