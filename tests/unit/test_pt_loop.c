/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_loop.c - the tracer runs a static busybox in a temporary root, under P1 and P2. */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
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
#define LOADER "/lib64/ld-linux-x86-64.so.2"
#define LIBC "/lib/x86_64-linux-gnu/libc.so.6"
/* The dynamic test program: its argv[0], argv[1] and the first line of the marker. */
static const char hello_c[] = "#include <stdio.h>\n"
			      "int main(int argc, char **argv)\n"
			      "{\n"
			      "	char m[64] = \"\";\n"
			      "	FILE *f = fopen(\"" MARKER "\", \"r\");\n"
			      "	if (f && !fgets(m, sizeof(m), f))\n"
			      "		m[0] = 0;\n"
			      "	if (f)\n"
			      "		fclose(f);\n"
			      "	printf(\"[%s] [%s] %s\", argv[0], argc > 1 ? argv[1] : \"\", m);\n"
			      "	return 0;\n"
			      "}\n";

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

/* Run guest program exe with argv under mode; output in out, returns the exit status. */
static int run_exe(unsigned int mode, const char *exe, char **argv, char *out, size_t size)
{
	char *envp[] = {"PATH=/bin", NULL};
	struct run_spec s = {.root = root, .table = &table, .exe = exe,
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

/* Run busybox with the given arguments under mode; output in out, returns the exit status. */
static int run(unsigned int mode, char **argv, char *out, size_t size)
{
	return run_exe(mode, "/bin/busybox", argv, out, size);
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

/* A guest file at p (inside the root) holding text, mode 0755. */
static int put(const char *p, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, p);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 && chmod(path, 0755) == 0 ? 0 : -1;
}

/* Copy host file p (symlinks followed) into the root at the same path, as a real file. */
static int copy_in(const char *p)
{
	char to[256];

	snprintf(to, sizeof(to), "%s%s", root, p);
	return copy_file(p, to);
}

/*
 * Add to the root: /bin/hello (dynamic, built with cc), /bin/hello2 (the same with loader
 * /lib64/udc-ld.so, a guest symlink the host lacks), the host's loader and libc as real files
 * at the host's paths, and #! scripts. 0, or -1 when the host cannot build them.
 */
static int make_dyn(void)
{
	char cmd[2 * PATH_MAX], p[160], real[PATH_MAX];

	if (access(LIBC, R_OK) != 0 || !realpath(LOADER, real))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p lib64 \"$(dirname .%s)\" \"$(dirname .%s)\" && "
		 "cc -o bin/hello tmp/hello.c && "
		 "cc -Wl,--dynamic-linker=/lib64/udc-ld.so -o bin/hello2 tmp/hello.c",
		 root, real, LIBC);
	snprintf(p, sizeof(p), "%s/tmp", root);
	mkdir(p, 0755);
	if (put("/tmp/hello.c", hello_c) != 0 || system(cmd) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/lib64/udc-ld.so", root);
	if (copy_in(LOADER) != 0 || copy_in(LIBC) != 0 || copy_in(real) != 0 || symlink(real, p) != 0)
		return -1;
	return put("/bin/script", "#!/bin/busybox sh\nbusybox echo \"[$0]\" \"[$1]\" \"[$2]\"\n") ||
	       put("/bin/script2", "#!/bin/hello  opt one  \n") ||
	       put("/bin/script3", "#!/bin/script2\n") ||
	       put("/bin/badscript", "#!/bin/nothere\n");
}

static void test_dyn(unsigned int mode, const char *name)
{
	char out[4096];
	char *hello[] = {"my-argv0", "arg one", NULL};
	char *sh[] = {"busybox", "sh", "-c", "/bin/hello x; cd /bin && ./hello2 y", NULL};
	char *scr[] = {"busybox", "sh", "-c", "/bin/script 'a b' c", NULL};
	char *scr2[] = {"busybox", "sh", "-c", "cd /bin && ./script2 z; /bin/script3 w", NULL};
	char *miss[] = {"busybox", "sh", "-c", "/bin/nothing", NULL};
	char *bad[] = {"busybox", "sh", "-c", "/bin/badscript", NULL};
	char *self[] = {"busybox", "sh", "-c", "exec 3</bin/script; /proc/self/fd/3 'a b' c", NULL};

	is_int(run_exe(mode, "/bin/hello", hello, out, sizeof(out)), 0, "%s: dynamic exits 0",
	       name);
	is_str(out, "[my-argv0] [arg one] GUEST\n",
	       "%s: a dynamic program runs with the guest loader, argv intact", name);
	run(mode, sh, out, sizeof(out));
	is_str(out, "[/bin/hello] [x] GUEST\n[./hello2] [y] GUEST\n",
	       "%s: execve of dynamic programs, loader through a guest symlink", name);
	is_int(run(mode, scr, out, sizeof(out)), 0, "%s: #! script exits 0", name);
	is_str(out, "[/bin/script] [a b] [c]\n", "%s: #!/bin/busybox sh keeps the arguments", name);
	run(mode, scr2, out, sizeof(out));
	is_str(out, "[/bin/hello] [opt one] GUEST\n[/bin/hello] [opt one] GUEST\n",
	       "%s: #! with a dynamic interpreter and an argument, nested #!", name);
	is_int(run(mode, miss, out, sizeof(out)), 127, "%s: a missing program: 127", name);
	is_int(run(mode, bad, out, sizeof(out)), 127, "%s: a missing #! interpreter: 127", name);
	run(mode, self, out, sizeof(out));
	is_str(out, "[/proc/self/fd/3] [a b] [c]\n", "%s: exec through a /proc magic link", name);
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
	if (make_dyn() != 0) {
		skip("cannot build a dynamic program here (cc, %s, %s)", LOADER, LIBC);
	} else {
		test_dyn(PT_RUN_P1, "P1");
		test_dyn(PT_RUN_P2, "P2");
	}
	rm_root();
	return done();
}
