/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_loop.c - the tracer runs a static busybox in a temporary root, under P1 and P2. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "common/engine.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_tracee.h"
#include "tests/unit/tap.h"

#define MARKER "/etc/udc_pt_loop_marker"

static char root[64];
static char arena[8192];
static struct pm_table table;

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in >= 0 && out >= 0 && n == 0 ? 0 : -1;
}

static int make_root(void)
{
	char p[128];
	int fd;

	snprintf(root, sizeof(root), "/tmp/udc-pt-loop-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/bin", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin/busybox", root);
	if (copy_file("/bin/busybox", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s%s", root, MARKER);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "GUEST\n", 6) != 6)
		return -1;
	close(fd);
	pm_table_init(&table, arena, sizeof(arena));
	if (pm_table_add(&table, "/", root, PM_ROOT) != 0 ||
	    pm_table_add(&table, "/proc", "/proc", PM_IDENTITY) != 0)
		return -1;
	return 0;
}

static void rm_root(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", root);
}

/* Run busybox with the given arguments under mode; output in out, returns the exit status. */
static int run(unsigned int mode, char **argv, char *out, size_t size)
{
	char *envp[] = {"PATH=/bin", NULL};
	struct run_spec s = {.root = root, .table = &table, .exe = "/bin/busybox",
			     .argv = argv, .envp = envp, .cwd = "/"};
	int p[2], st = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct udc_error e = {0};
		int status = 0;

		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (pt_run(&s, mode, &status, &e) != 0) {
			dprintf(2, "pt_run: %s\n", e.msg);
			_exit(250);
		}
		_exit(status);
	}
	close(p[1]);
	while (got + 1 < size && (n = read(p[0], out + got, size - got - 1)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_mode(unsigned int mode, const char *name)
{
	char out[4096];
	char *cat[] = {"busybox", "cat", MARKER, NULL};
	char *ls[] = {"busybox", "ls", "/", NULL};
	char *cd[] = {"busybox", "sh", "-c", "cd /etc && busybox cat udc_pt_loop_marker && pwd", NULL};
	char *ex[] = {"busybox", "sh", "-c", "exit 7", NULL};
	char *sig[] = {"busybox", "sh", "-c", "kill -TERM $$", NULL};
	char *pipe_[] = {"busybox", "sh", "-c", "busybox echo a | busybox cat", NULL};
	char *rl[] = {"busybox", "readlink", "/proc/self/exe", NULL};
	char *exe[] = {"busybox", "sh", "-c", "/bin/busybox echo exec-ok", NULL};

	is_int(run(mode, cat, out, sizeof(out)), 0, "%s: cat exits 0", name);
	is_str(out, "GUEST\n", "%s: cat %s reads the guest file", name, MARKER);
	is_int(run(mode, ls, out, sizeof(out)), 0, "%s: ls / exits 0", name);
	is_str(out, "bin\netc\nproc\n", "%s: ls / lists the root's entries", name);
	run(mode, cd, out, sizeof(out));
	is_str(out, "GUEST\n/etc\n", "%s: cd /etc, relative cat, pwd", name);
	is_int(run(mode, ex, out, sizeof(out)), 7, "%s: exit 7 propagates", name);
	is_int(run(mode, sig, out, sizeof(out)), 128 + SIGTERM, "%s: death by SIGTERM -> 143", name);
	is_int(run(mode, pipe_, out, sizeof(out)), 0, "%s: pipeline exits 0", name);
	is_str(out, "a\n", "%s: a pipeline of two children", name);
	run(mode, rl, out, sizeof(out));
	is_str(out, "/bin/busybox\n", "%s: /proc/self/exe reads as the guest path", name);
	run(mode, exe, out, sizeof(out));
	is_str(out, "exec-ok\n", "%s: execve of a static program by its guest path", name);
}

static void test_tracees(void)
{
	struct pt_tracees *ts = talloc_zero(NULL, struct pt_tracees);
	struct pt_tracee *a = pt_tracee_new(ts, 100, "/"), *b = pt_tracee_new(ts, 200, NULL);

	ok(a && b && pt_tracee_find(ts, 100) == a && pt_tracee_find(ts, 200) == b,
	   "tracees are found by pid");
	is_int(pt_tracee_count(ts), 2, "two tracees");
	pt_tracee_set_cwd(b, "/etc");
	is_str(b->cwd, "/etc", "cwd set");
	pt_tracee_del(ts, a);
	ok(!pt_tracee_find(ts, 100) && pt_tracee_count(ts) == 1, "a deleted tracee is gone");
	talloc_free(ts);
}

int main(void)
{
	test_tracees();
	if (access("/bin/busybox", X_OK) != 0 || access(MARKER, F_OK) == 0 || make_root() != 0) {
		skip("no /bin/busybox, or the host has %s", MARKER);
		return done();
	}
	test_mode(PT_RUN_P1, "P1");
	test_mode(PT_RUN_P2, "P2");
	rm_root();
	return done();
}
