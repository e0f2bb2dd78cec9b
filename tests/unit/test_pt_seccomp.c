/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_seccomp.c - the syscall table and the filter built from it, interpreted and loaded. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace/pt_notif.h"
#include "ptrace/pt_seccomp.h"
#include "ptrace/pt_sysno.h"
#include "tests/unit/tap.h"

static const unsigned int modes[] = {0, PT_MODE_FAKEROOT, PT_MODE_KERNEL,
				     PT_MODE_FAKEROOT | PT_MODE_KERNEL};

/* A classic-BPF interpreter for what seccomp filters use; returns the RET value, 0 on error. */
static uint32_t bpf_run(const struct sock_filter *f, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*d))
				return 0;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0;
		}
	}
	return 0; /* fell off the end: the kernel rejects such a program */
}

static uint32_t run_nr(const struct sock_filter *f, size_t len, uint32_t arch, int nr)
{
	struct seccomp_data d = {.nr = nr, .arch = arch};

	return bpf_run(f, len, &d);
}

/* What the filter must answer for entry i in mode. */
static uint32_t expected(unsigned int i, unsigned int mode)
{
	const struct pt_sysent *s = &pt_sysent_table[i];

	if (!pt_sysent_active(s, mode))
		return SECCOMP_RET_ALLOW;
	if (pt_sysent_deny_errno(s))
		return SECCOMP_RET_ERRNO | (uint32_t)pt_sysent_deny_errno(s);
	return SECCOMP_RET_TRACE | i | (pt_sysent_exit(s, mode) ? PT_SECCOMP_DATA_EXIT : 0);
}

static void test_table(void)
{
	int bad = 0;

	for (unsigned int i = 0; i < PT_SYS_COUNT; i++) {
		const struct pt_sysent *s = &pt_sysent_table[i];

		if (pt_sysent_index(s->nr) != (int)i)
			bad++, printf("# %s: lookup by number %d fails\n", s->name, s->nr);
		for (int k = 0; k < 2; k++)
			if (s->path[k] < -1 || s->path[k] > 5 || s->dirfd[k] < -1 ||
			    s->dirfd[k] > 5 || (s->path[k] < 0 && s->dirfd[k] >= 0))
				bad++, printf("# %s: bad path slot %d\n", s->name, k);
		if (s->flags_arg < -1 || s->flags_arg > 5)
			bad++, printf("# %s: bad flags argument\n", s->name);
	}
	is_int(bad, 0, "every table line is well formed and found by its number");
	is_int(pt_sysent_index(__NR_getpid), -1, "getpid is not in the table");
	ok(pt_sysent_active(&pt_sysent_table[PT_SYS_getgroups], PT_MODE_FAKEROOT) &&
	       !pt_sysent_active(&pt_sysent_table[PT_SYS_getgroups], PT_MODE_KERNEL),
	   "getgroups is trapped under fake identity only");
	is_int(pt_sysent_index(-1), -1, "number -1 is not in the table");
	is_int(pt_sysent_index(100000), -1, "a huge number is not in the table");
	is_int(pt_sysent_table[PT_SYS_symlink].path[0], 1, "symlink: only the link path is a path");
	is_int(pt_sysent_table[PT_SYS_renameat2].path[1], 3, "renameat2: second path is arg 3");
	is_int(pt_sysent_table[PT_SYS_renameat2].dirfd[1], 2, "renameat2: its dirfd is arg 2");
	is_int(pt_sysent_deny_errno(&pt_sysent_table[PT_SYS_mount]), EPERM, "mount: EPERM");
	is_int(pt_sysent_deny_errno(&pt_sysent_table[PT_SYS_open_tree]), ENOSYS,
	       "open_tree: ENOSYS");
}

struct follow_row {
	int sys;
	unsigned int slot;
	unsigned long flags;
	int want;
};

static const struct follow_row follow_rows[] = {
    {PT_SYS_stat, 0, 0, 1},
    {PT_SYS_lstat, 0, 0, 0},
    {PT_SYS_newfstatat, 0, 0, 1},
    {PT_SYS_newfstatat, 0, AT_SYMLINK_NOFOLLOW, 0},
    {PT_SYS_statx, 0, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, 0},
    {PT_SYS_linkat, 0, 0, 0},
    {PT_SYS_linkat, 0, AT_SYMLINK_FOLLOW, 1},
    {PT_SYS_linkat, 1, AT_SYMLINK_FOLLOW, 0},
    {PT_SYS_openat, 0, O_RDONLY, 1},
    {PT_SYS_openat, 0, O_RDONLY | O_NOFOLLOW, 0},
    {PT_SYS_openat, 0, O_CREAT | O_WRONLY, 1},
    {PT_SYS_openat, 0, O_CREAT | O_EXCL | O_WRONLY, 0},
    {PT_SYS_rename, 1, 0, 0},
    {PT_SYS_unlinkat, 0, 0, 0},
    {PT_SYS_execveat, 0, AT_SYMLINK_NOFOLLOW, 0},
    {PT_SYS_chmod, 0, 0, 1},
    {PT_SYS_lchown, 0, 0, 0},
};

static void test_follow(void)
{
	for (size_t i = 0; i < sizeof(follow_rows) / sizeof(follow_rows[0]); i++) {
		const struct follow_row *r = &follow_rows[i];

		is_int(pt_sysent_follow(&pt_sysent_table[r->sys], r->slot, r->flags), r->want,
		       "follow: %s slot %u flags %#lx", pt_sysent_table[r->sys].name, r->slot,
		       r->flags);
	}
}

/* Every table entry, every mode, every other number and the foreign ABIs, by interpretation. */
static void test_interpreted(unsigned int mode)
{
	struct sock_filter f[PT_SECCOMP_MAX_INSNS];
	size_t len = 0;
	int bad = 0;

	is_int(pt_seccomp_filter(mode, 0, 0, f, PT_SECCOMP_MAX_INSNS, &len), 0, "mode %u: filter built",
	       mode);
	printf("# mode %u: %zu instructions\n", mode, len);
	for (unsigned int i = 0; i < PT_SYS_COUNT; i++)
		if (run_nr(f, len, AUDIT_ARCH_X86_64, pt_sysent_table[i].nr) != expected(i, mode))
			bad++, printf("# %s: wrong verdict\n", pt_sysent_table[i].name);
	is_int(bad, 0, "mode %u: every table entry gets its verdict", mode);
	bad = 0;
	for (int nr = -2; nr < PT_ARCH_NR_MAX + 64; nr++)
		if (pt_sysent_index(nr) < 0 && nr >= 0 &&
		    run_nr(f, len, AUDIT_ARCH_X86_64, nr) != SECCOMP_RET_ALLOW)
			bad++, printf("# nr %d: not allowed\n", nr);
	is_int(bad, 0, "mode %u: every other number is allowed", mode);
	is_int(run_nr(f, len, AUDIT_ARCH_I386, 5), SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN,
	       "mode %u: i386 open traps as foreign", mode);
	is_int(run_nr(f, len, AUDIT_ARCH_I386, 20), SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN,
	       "mode %u: i386 getpid traps as foreign too", mode);
	is_int(run_nr(f, len, AUDIT_ARCH_X86_64, (int)(PT_ARCH_X32_BIT | __NR_openat)),
	       SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN, "mode %u: x32 openat traps as foreign",
	       mode);
	is_int(run_nr(f, len, AUDIT_ARCH_X86_64, -1), SECCOMP_RET_TRACE | PT_SECCOMP_DATA_FOREIGN,
	       "mode %u: number -1 traps (the tracer answers ENOSYS)", mode);
}

/* With a cookie: bypassable entries let a call carrying it through, nothing else changes. */
static void test_cookie(unsigned int mode)
{
	const uint64_t cookie = 0x1234abcd5678ef09ull;
	struct sock_filter f[PT_SECCOMP_MAX_INSNS];
	size_t len = 0;
	int bad = 0, bypassed = 0;

	is_int(pt_seccomp_filter(mode, cookie, 0, f, PT_SECCOMP_MAX_INSNS, &len), 0,
	       "mode %u: filter with a cookie built", mode);
	printf("# mode %u with a cookie: %zu instructions\n", mode, len);
	for (unsigned int i = 0; i < PT_SYS_COUNT; i++) {
		const struct pt_sysent *s = &pt_sysent_table[i];
		struct seccomp_data d = {.nr = s->nr, .arch = AUDIT_ARCH_X86_64};
		uint32_t want = pt_sysent_active(s, mode) && pt_sysent_bypass(s) ? SECCOMP_RET_ALLOW
										   : expected(i, mode);

		if (bpf_run(f, len, &d) != expected(i, mode))
			bad++, printf("# %s: wrong verdict without the cookie\n", s->name);
		d.args[5] = cookie;
		if (bpf_run(f, len, &d) != want)
			bad++, printf("# %s: wrong verdict with the cookie\n", s->name);
		bypassed += want == SECCOMP_RET_ALLOW && expected(i, mode) != SECCOMP_RET_ALLOW;
		d.args[5] = cookie ^ (1ull << 40); /* right low half, wrong high half */
		if (bpf_run(f, len, &d) != expected(i, mode))
			bad++, printf("# %s: a half cookie passes\n", s->name);
		d.args[5] = cookie ^ 1u;
		if (bpf_run(f, len, &d) != expected(i, mode))
			bad++, printf("# %s: a wrong low half passes\n", s->name);
	}
	is_int(bad, 0, "mode %u: only the whole cookie lets bypassable calls through", mode);
	ok(bypassed > 40, "mode %u: %d calls can bypass (stat, open, path families)", mode,
	   bypassed);
	ok(!pt_sysent_bypass(&pt_sysent_table[PT_SYS_execve]) &&
	       !pt_sysent_bypass(&pt_sysent_table[PT_SYS_chdir]) &&
	       !pt_sysent_bypass(&pt_sysent_table[PT_SYS_fchownat]) &&
	       !pt_sysent_bypass(&pt_sysent_table[PT_SYS_chroot]) &&
	       !pt_sysent_bypass(&pt_sysent_table[PT_SYS_connect]),
	   "exec, chdir, chown, chroot and connect never bypass");
}

/* The verdict for syscall nr (table entry i) with arguments a0..a3, the cookie in a5 or not. */
static uint32_t run_args(const struct sock_filter *f, size_t len, unsigned int i, long a0,
			 long a2, long a3, uint64_t a5)
{
	struct seccomp_data d = {.nr = pt_sysent_table[i].nr, .arch = AUDIT_ARCH_X86_64};

	d.args[0] = (uint64_t)a0;
	d.args[2] = (uint64_t)a2;
	d.args[3] = (uint64_t)a3;
	d.args[5] = a5;
	return bpf_run(f, len, &d);
}

/* With notifications: the loader's forms of openat, newfstatat and access go to the listener. */
static void test_notif(unsigned int mode)
{
	const uint64_t cookie = 0x0badc0ffee0ddf00ull;
	const unsigned int all = PT_NOTIF_OPENAT | PT_NOTIF_FSTATAT | PT_NOTIF_ACCESS;
	const uint32_t N = SECCOMP_RET_USER_NOTIF, O = expected(PT_SYS_openat, mode),
		       S = expected(PT_SYS_newfstatat, mode);
	const long CX = O_RDONLY | O_CLOEXEC, E = AT_EMPTY_PATH;
	struct sock_filter f[PT_SECCOMP_MAX_INSNS];
	size_t len = 0;
	int bad = 0;

	is_int(pt_seccomp_filter(mode, cookie, all, f, PT_SECCOMP_MAX_INSNS, &len), 0,
	       "mode %u: filter with notifications built", mode);
	printf("# mode %u with notifications: %zu instructions\n", mode, len);
	for (unsigned int i = 0; i < PT_SYS_COUNT; i++) {
		uint32_t want = i == PT_SYS_access && pt_sysent_active(&pt_sysent_table[i], mode)
				    ? N
				    : expected(i, mode);

		if (run_args(f, len, i, 0, 0, 0, 0) != want)
			bad++, printf("# %s: wrong verdict\n", pt_sysent_table[i].name);
	}
	is_int(bad, 0, "mode %u: other forms and calls keep their verdicts", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, CX, 0, 0), N,
	       "mode %u: openat(AT_FDCWD, O_RDONLY|O_CLOEXEC) notifies", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, CX, 0, cookie), SECCOMP_RET_ALLOW,
	       "mode %u: the shim's openat still passes with the cookie", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, O_RDONLY, 0, 0), N,
	       "mode %u: openat(AT_FDCWD, O_RDONLY) notifies", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, O_RDONLY | O_NOCTTY, 0, 0), N,
	       "mode %u: openat(AT_FDCWD, O_RDONLY|O_NOCTTY) notifies", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, O_WRONLY | O_CLOEXEC, 0, 0), O,
	       "mode %u: openat for writing traps", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, O_RDONLY | O_CREAT, 0, 0), O,
	       "mode %u: openat with O_CREAT traps", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, O_RDONLY | O_DIRECTORY, 0, 0), O,
	       "mode %u: openat with O_DIRECTORY traps", mode);
	is_int(run_args(f, len, PT_SYS_openat, AT_FDCWD, CX | O_NOFOLLOW, 0, 0), O,
	       "mode %u: openat with O_NOFOLLOW traps", mode);
	is_int(run_args(f, len, PT_SYS_openat, 3, CX, 0, 0), O,
	       "mode %u: openat relative to a directory fd traps", mode);
	is_int(run_args(f, len, PT_SYS_newfstatat, 3, 0, E, 0), N,
	       "mode %u: newfstatat(fd, AT_EMPTY_PATH) notifies", mode);
	is_int(run_args(f, len, PT_SYS_newfstatat, AT_FDCWD, 0, E, 0), S,
	       "mode %u: newfstatat(AT_FDCWD, AT_EMPTY_PATH) traps", mode);
	is_int(run_args(f, len, PT_SYS_newfstatat, 3, 0, E | AT_SYMLINK_NOFOLLOW, 0), S,
	       "mode %u: newfstatat with AT_SYMLINK_NOFOLLOW traps", mode);
	is_int(run_args(f, len, PT_SYS_newfstatat, 3, 0, 0, 0), S,
	       "mode %u: newfstatat without AT_EMPTY_PATH traps", mode);
	is_int(run_args(f, len, PT_SYS_faccessat, AT_FDCWD, 0, 0, 0), expected(PT_SYS_faccessat, mode),
	       "mode %u: faccessat traps", mode);
}

static void test_small_buffer(void)
{
	struct sock_filter f[16];
	size_t len = 0;

	is_int(pt_seccomp_filter(0, 0, 0, f, 16, &len), -ENOSPC, "a too small buffer gives -ENOSPC");
}

/* ---- loaded into the kernel, under a counting ptrace parent ---- */

struct stop {
	long nr;
	unsigned long data;
};

/* The traced child: install the filter, make raw syscalls, report results on fd. */
static void child_body(unsigned int mode, int fd)
{
	char buf[256];
	struct stat st;
	long r[4];
	int listener;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0 || raise(SIGSTOP) != 0)
		_exit(2);
	if (pt_seccomp_install(mode, 0, 0, &listener) != 0)
		_exit(3);
	syscall(SYS_close, syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY));
	syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0);
	syscall(SYS_getcwd, buf, sizeof(buf));
	syscall(SYS_getpid);
	syscall(SYS_getuid);
	syscall(SYS_read, fd, buf, 0);
	r[0] = syscall(SYS_mount, "none", "/nonexistent-udc", "tmpfs", 0, NULL) == -1 ? errno : 0;
	r[1] = syscall(SYS_open_tree, AT_FDCWD, "/", 0) == -1 ? errno : 0;
	r[2] = syscall(SYS_write, fd, r, 2 * sizeof(long));
	_exit(r[2] == 2 * sizeof(long) ? 0 : 4);
}

/* Resume after one stop; record seccomp stops. Returns 1 when the child is gone. */
static int on_stop(pid_t pid, int status, struct stop *s, int *n, int max)
{
	struct user_regs_struct regs;
	unsigned long msg = 0;
	int sig = WSTOPSIG(status);

	if (WIFEXITED(status) || WIFSIGNALED(status))
		return 1;
	if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
		ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
		ptrace(PTRACE_GETREGS, pid, 0, &regs);
		if (*n < max)
			s[*n] = (struct stop){(long)regs.orig_rax, msg};
		(*n)++;
		sig = 0;
	} else if (sig == SIGSTOP || sig == SIGTRAP) {
		sig = 0;
	}
	ptrace(PTRACE_CONT, pid, 0, sig);
	return 0;
}

static int find(const struct stop *s, int n, long nr)
{
	for (int i = 0; i < n; i++)
		if (s[i].nr == nr)
			return i;
	return -1;
}

/* Trace a child under mode; fill stops and the child's reported errnos; its exit status. */
static int trace_child(unsigned int mode, struct stop *s, int *n, int max, long res[2])
{
	int p[2], status = 0, first = 1;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_body(mode, p[1]);
	}
	close(p[1]);
	if (pid < 0)
		return close(p[0]), -1;
	alarm(30); /* a hang kills this test; PTRACE_O_EXITKILL then kills the child */
	while (waitpid(pid, &status, 0) == pid) {
		if (first && WIFSTOPPED(status))
			ptrace(PTRACE_SETOPTIONS, pid, 0,
			       PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
		first = 0;
		if (on_stop(pid, status, s, n, max))
			break;
	}
	alarm(0);
	if (read(p[0], res, 2 * sizeof(long)) != 2 * sizeof(long))
		res[0] = res[1] = -1;
	close(p[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_loaded(unsigned int mode)
{
	struct stop s[32];
	long res[2] = {-1, -1};
	int n = 0, i;
	int rc = trace_child(mode, s, &n, 32, res);
	unsigned long ex = mode & PT_MODE_FAKEROOT ? PT_SECCOMP_DATA_EXIT : 0;

	is_int(rc, 0, "mode %u: traced child ran to the end", mode);
	i = find(s, n, __NR_openat);
	ok(i >= 0 && s[i].data == PT_SYS_openat, "mode %u: openat stops with its index", mode);
	i = find(s, n, __NR_newfstatat);
	ok(i >= 0 && s[i].data == (PT_SYS_newfstatat | ex),
	   "mode %u: newfstatat stops with its index%s", mode, ex ? " and the exit bit" : "");
	i = find(s, n, __NR_getcwd);
	ok(i >= 0 && s[i].data == (PT_SYS_getcwd | PT_SECCOMP_DATA_EXIT),
	   "mode %u: getcwd stops with its index and the exit bit", mode);
	i = find(s, n, __NR_getuid);
	ok(ex ? i >= 0 && s[i].data == PT_SYS_getuid : i < 0, "mode %u: getuid %s", mode,
	   ex ? "stops under fake root, without the exit bit (answered at the entry)"
	      : "does not stop");
	ok(find(s, n, __NR_getpid) < 0 && find(s, n, __NR_read) < 0 && find(s, n, __NR_write) < 0,
	   "mode %u: getpid, read and write do not stop", mode);
	ok(find(s, n, __NR_mount) < 0 && res[0] == EPERM,
	   "mode %u: mount fails with EPERM without a stop", mode);
	ok(find(s, n, __NR_open_tree) < 0 && res[1] == ENOSYS,
	   "mode %u: open_tree fails with ENOSYS without a stop", mode);
	is_int(n, 3 + (ex ? 1 : 0), "mode %u: no other stops", mode);
}

int main(void)
{
	test_table();
	test_follow();
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		test_interpreted(modes[i]);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		test_cookie(modes[i]);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		test_notif(modes[i]);
	test_small_buffer();
	test_loaded(0);
	test_loaded(PT_MODE_FAKEROOT);
	return done();
}
