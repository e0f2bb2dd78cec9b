/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_calls.c - the pure helpers of the call handlers: relative paths, /proc links. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ptrace/pt_calls.h"
#include "tests/unit/tap.h"

static void rel(const char *from, const char *to, const char *want)
{
	char out[PATH_MAX];
	int n = pt_relpath(from, to, out, sizeof(out));

	if (is_int(n, (long)strlen(want), "relpath %s -> %s: length", from, to))
		is_str(out, want, "relpath %s -> %s", from, to);
}

static void test_relpath(void)
{
	char out[8];

	rel("/a/b/c", "/a/x/y", "../../x/y");
	rel("/a/b", "/a/b", ".");
	rel("/a/b", "/a/b/c/d", "c/d");
	rel("/a/b/c", "/a", "../..");
	rel("/", "/a", "a");
	rel("/a", "/", "..");
	rel("/", "/", ".");
	rel("/a", "/ab", "../ab");
	rel("/a/bc", "/a/b", "../b");
	rel("/a/b", "/a/bc/d", "../bc/d");
	is_int(pt_relpath("/a/b/c/d", "/x", out, sizeof(out)), -ENAMETOOLONG, "relpath: too long");
	is_int(pt_relpath("/a", "/a/bcdefghi", out, sizeof(out)), -ENAMETOOLONG,
	       "relpath: no room for the NUL");
	is_int(pt_relpath("/a", "/a/bcdefgh", out, sizeof(out)), 7, "relpath: just fits");
	is_int(pt_relpath("a", "/b", out, sizeof(out)), -EINVAL, "relpath: relative from");
}

static void test_proc_link(void)
{
	is_int(pt_proc_link("/proc/self/root"), PT_PROC_ROOT, "/proc/self/root");
	is_int(pt_proc_link("/proc/123/root"), PT_PROC_ROOT, "/proc/123/root");
	is_int(pt_proc_link("/proc/123/task/124/root"), PT_PROC_ROOT, "task root");
	is_int(pt_proc_link("/proc/thread-self/root"), PT_PROC_ROOT, "thread-self root");
	is_int(pt_proc_link("/proc/123/fd/3"), PT_PROC_MAGIC, "fd link");
	is_int(pt_proc_link("/proc/self/exe"), PT_PROC_MAGIC, "exe link");
	is_int(pt_proc_link("/proc/123/task/124/cwd"), PT_PROC_MAGIC, "task cwd");
	is_int(pt_proc_link("/proc/123/rootx"), PT_PROC_MAGIC, "rootx is not the root link");
	is_int(pt_proc_link("/proc/self"), PT_PROC_NONE, "/proc/self itself");
	is_int(pt_proc_link("/proc/mounts"), PT_PROC_NONE, "/proc/mounts");
	is_int(pt_proc_link("/proc/12a/root"), PT_PROC_NONE, "not a pid");
	is_int(pt_proc_link("/proc/123/task/x/root"), PT_PROC_NONE, "not a tid");
	is_int(pt_proc_link("/etc/123/root"), PT_PROC_NONE, "outside /proc");
}

int main(void)
{
	test_relpath();
	test_proc_link();
	return done();
}
