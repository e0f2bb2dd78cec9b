/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_relpath.c - a relative path between two absolute host paths ("../" steps, then the rest). */
#include <errno.h>
#include <string.h>

#include "ptrace/pt_calls.h"

/* Length of the longest common prefix of a and b ending at a component boundary. */
static size_t pt_common(const char *a, const char *b)
{
	size_t i, last = 0;

	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/'))
		last = i;
	return last;
}

int pt_relpath(const char *from, const char *to, char *out, size_t size)
{
	size_t c = pt_common(from, to), o = 0, rl;
	const char *p = from + c, *rest = to + c;

	if (from[0] != '/' || to[0] != '/' || size == 0)
		return -EINVAL;
	for (; *p; p++)
		if (*p == '/' && p[1]) {
			if (o + 3 >= size)
				return -ENAMETOOLONG;
			out[o++] = '.';
			out[o++] = '.';
			out[o++] = '/';
		}
	rest += *rest == '/';
	rl = strlen(rest);
	if (o == 0 && rl == 0)
		rest = ".", rl = 1;
	else if (rl == 0)
		o--; /* "../../" -> "../.." */
	if (o + rl + 1 > size)
		return -ENAMETOOLONG;
	memcpy(out + o, rest, rl + 1);
	return (int)(o + rl);
}
