/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_sock.c - AF_UNIX socket paths (bind, connect) and inotify watches in the guest view. */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "preload/pl_shim.h"

/*
 * A path-named AF_UNIX address (not abstract, not unnamed) made a host one in *out; bind must
 * not follow (it creates), connect follows. 0 with *out untouched when nothing changes.
 */
static int pl_sun(const struct sockaddr *a, socklen_t len, unsigned int follow,
		  struct sockaddr_un *out, socklen_t *olen)
{
	const struct sockaddr_un *u = (const struct sockaddr_un *)a;
	char path[sizeof(u->sun_path) + 1];
	struct pl_buf b;
	size_t n, off = offsetof(struct sockaddr_un, sun_path);
	const char *p;
	int fd, r;

	if (!a || len <= off || u->sun_family != AF_UNIX || u->sun_path[0] == '\0' ||
	    len > sizeof(*u))
		return 0;
	n = len - off;
	memcpy(path, u->sun_path, n);
	path[n] = '\0';
	r = pl_at(AT_FDCWD, path, follow, &b, &fd, &p);
	if (r == 0 && !follow) /* bind makes the name */
		r = pl_ro(PL_RO_NEW, 0, AT_FDCWD, path, &b, fd, p);
	if (r || p == path)
		return r;
	n = strlen(p);
	if (n >= sizeof(out->sun_path))
		return -ENAMETOOLONG;
	out->sun_family = AF_UNIX;
	memcpy(out->sun_path, p, n + 1);
	*olen = (socklen_t)(off + n + 1);
	return 1;
}

PL_EXPORT int bind(int s, const struct sockaddr *a, socklen_t len)
{
	PL_TRACED(int (*)(int, const struct sockaddr *, socklen_t), bind, s, a, len);
	struct sockaddr_un u;
	int r = pl_table() ? pl_sun(a, len, 0, &u, &len) : 0;

	if (r < 0)
		return (int)pl_ret(r);
	return (int)pl_ret(pl_sys(SYS_bind, s, (long)(r ? (const void *)&u : a), len, 0, 0));
}

PL_EXPORT int connect(int s, const struct sockaddr *a, socklen_t len)
{
	PL_TRACED(int (*)(int, const struct sockaddr *, socklen_t), connect, s, a, len);
	PL_REAL(int (*)(int, const struct sockaddr *, socklen_t), connect);
	struct sockaddr_un u;
	int r = pl_table() ? pl_sun(a, len, PL_FOLLOW, &u, &len) : 0;

	if (r < 0)
		return (int)pl_ret(r);
	return real_connect(s, r ? (const struct sockaddr *)&u : a, len); /* a cancellation point */
}

PL_EXPORT int inotify_add_watch(int ifd, const char *path, uint32_t mask)
{
	PL_AT(AT_FDCWD, path, (mask & IN_DONT_FOLLOW) ? 0 : PL_FOLLOW, fd, p);
	return (int)pl_ret(pl_sys(SYS_inotify_add_watch, ifd, (long)PL_ABS(fd, p), mask, 0, 0));
}
