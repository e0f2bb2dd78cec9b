/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_cred.c - fake credentials: set*id, setgroups and chown as the kernel permits them. */
#include <errno.h>
#include <stdio.h>
#include <talloc.h>

#include "ptrace/pt_cred.h"
#include "tests/unit/tap.h"

#define NOID ((unsigned int)-1)
#define U PT_CRED_UID
#define G PT_CRED_GID

/* "r,e,s,fs" of the uids (k = U) or gids (k = G), in buf[64]. */
static const char *ids(const struct pt_cred *c, enum pt_cred_kind k, char *buf)
{
	const struct pt_ids *x = k == U ? &c->uid : &c->gid;

	snprintf(buf, 64, "%u,%u,%u,%u", x->r, x->e, x->s, x->fs);
	return buf;
}

static void test_root(TALLOC_CTX *ctx)
{
	struct pt_cred c = {0};
	const gid_t g[] = {30, 10, 20};
	char b[64];

	is_int(pt_cred_init(ctx, &c, 0, 0, g, 3), 0, "init as root");
	ok(c.ngroups == 3 && c.groups[0] == 10 && c.groups[2] == 30, "groups kept sorted");
	is_int(pt_cred_setres(&c, U, 5, 6, 7), 0, "root: setresuid to anything");
	is_str(ids(&c, U, b), "5,6,7,6", "root: fsuid follows euid");
	is_int(pt_cred_set(&c, U, 0), -EPERM, "uid 5,6,7: setuid(0) refused");
	is_int(pt_cred_set(&c, U, 7), 0, "uid 5,6,7: setuid(saved) allowed");
	is_str(ids(&c, U, b), "5,7,7,7", "unprivileged setuid changes euid and fsuid only");
	is_int(pt_cred_set(&c, U, NOID), -EINVAL, "setuid(-1) is EINVAL");

	pt_cred_init(ctx, &c, 0, 0, NULL, 0);
	is_int(pt_cred_set(&c, U, 1000), 0, "root: setuid(1000)");
	is_str(ids(&c, U, b), "1000,1000,1000,1000", "root: setuid sets all four");
	is_int(pt_cred_set(&c, U, 0), -EPERM, "and there is no way back");
	is_int(pt_cred_setgroups(ctx, &c, NULL, 0), -EPERM, "setgroups needs euid 0");
	is_int(pt_cred_set(&c, G, 1000), -EPERM, "setgid needs euid 0, whatever the gids");
}

static void test_setre(TALLOC_CTX *ctx)
{
	struct pt_cred c = {0};
	char b[64];

	pt_cred_init(ctx, &c, 0, 0, NULL, 0);
	is_int(pt_cred_setre(&c, U, NOID, 1000), 0, "root: seteuid(1000) via setreuid(-1, 1000)");
	is_str(ids(&c, U, b), "0,1000,1000,1000", "setreuid: the saved id follows a new euid");
	pt_cred_init(ctx, &c, 0, 0, NULL, 0);
	is_int(pt_cred_setres(&c, U, NOID, 1000, NOID), 0, "root: seteuid(1000) via setresuid");
	is_str(ids(&c, U, b), "0,1000,0,1000", "setresuid keeps the saved id");
	is_int(pt_cred_setre(&c, U, NOID, 0), 0, "euid 1000, ruid 0: seteuid(0) allowed");
	is_str(ids(&c, U, b), "0,0,0,0", "back to root");
	pt_cred_init(ctx, &c, 1000, 1000, NULL, 0);
	is_int(pt_cred_setre(&c, U, 1001, NOID), -EPERM, "user: setreuid to a foreign real id");
	is_int(pt_cred_setre(&c, G, NOID, 1000), 0, "user: setregid to its own gid");
	is_int(pt_cred_setres(&c, G, 5, NOID, NOID), -EPERM, "user: setresgid to a foreign gid");
	is_str(ids(&c, G, b), "1000,1000,1000,1000", "a refused call changes nothing");
}

static void test_fs(TALLOC_CTX *ctx)
{
	struct pt_cred c = {0};

	pt_cred_init(ctx, &c, 1000, 1000, NULL, 0);
	is_int((int)pt_cred_setfs(&c, U, 0), 1000, "setfsuid returns the old fsuid");
	is_int((int)c.uid.fs, 1000, "user: setfsuid(0) silently refused");
	pt_cred_init(ctx, &c, 0, 0, NULL, 0);
	is_int((int)pt_cred_setfs(&c, G, 42), 0, "root: setfsgid(42) returns 0");
	is_int((int)c.gid.fs, 42, "root: fsgid is 42");
	is_int((int)pt_cred_setfs(&c, G, NOID), 42, "setfsgid(-1) queries");
	is_int((int)c.gid.fs, 42, "setfsgid(-1) changes nothing");
}

static void test_groups_chown(TALLOC_CTX *ctx)
{
	struct pt_cred c = {0};
	const gid_t g[] = {7, 3};

	pt_cred_init(ctx, &c, 0, 0, NULL, 0);
	is_int(pt_cred_setgroups(ctx, &c, g, 2), 0, "root: setgroups");
	ok(c.ngroups == 2 && c.groups[0] == 3 && c.groups[1] == 7, "setgroups sorts");
	is_int(pt_cred_setgroups(ctx, &c, g, 65537), -EINVAL, "more than NGROUPS_MAX");
	is_int(pt_cred_may_chown(&c, 5, 5, 123, 456), 0, "root chowns anything");
	is_int(pt_cred_set(&c, G, 1000) + pt_cred_set(&c, U, 1000), 0, "root becomes 1000:1000");
	ok(pt_cred_in_group(&c, 1000) && pt_cred_in_group(&c, 7) && !pt_cred_in_group(&c, 8),
	   "in_group: fsgid and supplementary groups");
	is_int(pt_cred_may_chown(&c, 1000, 1000, 1000, NOID), 0, "owner: chown to itself");
	is_int(pt_cred_may_chown(&c, 1000, 1000, 123, NOID), -EPERM, "owner: chown away refused");
	is_int(pt_cred_may_chown(&c, 1000, 1000, NOID, 7), 0, "owner: chgrp to a member group");
	is_int(pt_cred_may_chown(&c, 1000, 1000, NOID, 8), -EPERM, "owner: chgrp to a foreign one");
	is_int(pt_cred_may_chown(&c, 0, 0, NOID, 7), -EPERM, "not the owner: no chgrp at all");
	is_int(pt_cred_may_chown(&c, 0, 0, NOID, NOID), 0, "chown(-1, -1) is always allowed");
}

static void test_copy(TALLOC_CTX *ctx)
{
	struct pt_cred a = {0}, b = {0};
	const gid_t g[] = {4};
	TALLOC_CTX *child = talloc_new(ctx);
	char buf[64];

	pt_cred_init(ctx, &a, 0, 0, g, 1);
	pt_cred_setres(&a, U, 1, 2, 3);
	is_int(pt_cred_copy(child, &b, &a), 0, "copy");
	is_str(ids(&b, U, buf), "1,2,3,2", "copy: the ids");
	ok(b.ngroups == 1 && b.groups != a.groups && b.groups[0] == 4, "copy: its own groups");
	ok(talloc_parent(b.groups) == child, "copy: groups owned by the child");
	talloc_free(child);
}

int main(void)
{
	TALLOC_CTX *ctx = talloc_new(NULL);

	test_root(ctx);
	test_setre(ctx);
	test_fs(ctx);
	test_groups_chown(ctx);
	test_copy(ctx);
	talloc_free(ctx);
	return done();
}
