/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_pt_mem.c - tracee memory access on a stopped child, by process_vm_* and by PEEK/POKE. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace/pt_mem.h"
#include "tests/unit/tap.h"

#define PG 4096UL

/* Four pages shared by layout with the child (fork copies them): RW, RW, hole, PROT_NONE. */
static char *R;

static const char *const path_names[] = {"process_vm", "peek/poke"};
static const unsigned int path_flags[] = {0, PT_MEM_PEEKPOKE};

/* Fill the region with the strings the tests read, before the fork. */
static int setup_region(void)
{
	R = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (R == MAP_FAILED || mprotect(R + 3 * PG, PG, PROT_NONE) != 0 ||
	    munmap(R + 2 * PG, PG) != 0)
		return -1;
	strcpy(R + 100, "/etc/os-release");
	memset(R + PG - 150, 'c', 300); /* crosses the page boundary, NUL on the next page */
	R[PG + 150] = '\0';
	memset(R + 1000, 'y', 2500); /* long: 2500 bytes, NUL at 3500 */
	R[3500] = '\0';
	memset(R + 2 * PG - 64, 'x', 64); /* runs into the hole without a NUL */
	return 0;
}

/* A child stopped under ptrace (PTRACE_TRACEME + SIGSTOP), killed if we die. */
static pid_t start_child(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0)
			raise(SIGSTOP);
		_exit(0);
	}
	if (pid < 0)
		return -1;
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_EXITKILL) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -1;
	}
	return pid;
}

static unsigned long at(size_t off)
{
	return (unsigned long)(uintptr_t)(R + off);
}

static void test_strings(pid_t pid, int p)
{
	char buf[8192];
	const char *n = path_names[p];
	unsigned int fl = path_flags[p];

	is_int(pt_mem_read_string(pid, at(100), buf, sizeof(buf), fl), 15, "%s: short string", n);
	is_str(buf, "/etc/os-release", "%s: short string content", n);
	is_int(pt_mem_read_string(pid, at(PG - 150), buf, sizeof(buf), fl), 300,
	       "%s: string crossing a page boundary", n);
	ok(buf[0] == 'c' && buf[299] == 'c' && buf[300] == '\0', "%s: its bytes", n);
	is_int(pt_mem_read_string(pid, at(1000), buf, sizeof(buf), fl), 2500, "%s: 2500 bytes", n);
	is_int(pt_mem_read_string(pid, at(1000), buf, 256, fl), -ENAMETOOLONG,
	       "%s: too long for 256 bytes", n);
	is_int(pt_mem_read_string(pid, at(1000), buf, 2501, fl), 2500, "%s: exact fit", n);
	is_int(pt_mem_read_string(pid, at(1000), buf, 2500, fl), -ENAMETOOLONG,
	       "%s: one byte short", n);
	is_int(pt_mem_read_string(pid, at(2 * PG - 64), buf, sizeof(buf), fl), -EFAULT,
	       "%s: string running into an unmapped page", n);
	is_int(pt_mem_read_string(pid, at(2 * PG), buf, sizeof(buf), fl), -EFAULT,
	       "%s: unmapped address", n);
	/* ptrace's PEEKDATA forces access (as a debugger does); process_vm_readv does not. */
	is_int(pt_mem_read_string(pid, at(3 * PG), buf, sizeof(buf), fl), p ? 0 : -EFAULT,
	       "%s: PROT_NONE page %s", n, p ? "is readable (forced)" : "is -EFAULT");
	is_int(pt_mem_read_string(pid, 0, buf, sizeof(buf), fl), -EFAULT, "%s: NULL address", n);
}

static void test_write(pid_t pid, int p)
{
	const char *n = path_names[p];
	unsigned int fl = path_flags[p];
	char got[16], want[16];
	size_t base = PG - 5; /* unaligned, crossing the page boundary */

	memcpy(want, R + base - 3, sizeof(want));
	memcpy(want + 3, p ? "poke-it" : "vmwrite", 7);
	is_int(pt_mem_write(pid, at(base), want + 3, 7, fl), 0, "%s: unaligned write", n);
	is_int(pt_mem_read(pid, at(base - 3), got, sizeof(got), fl), 0, "%s: read back", n);
	ok(memcmp(got, want, sizeof(got)) == 0, "%s: written bytes, neighbours intact", n);
	is_int(pt_mem_read(pid, at(base - 3), got, sizeof(got), path_flags[!p]), 0,
	       "%s: read back by the other path", n);
	ok(memcmp(got, want, sizeof(got)) == 0, "%s: the other path agrees", n);
	is_int(pt_mem_write(pid, at(2 * PG + 8), "x", 1, fl), -EFAULT, "%s: write to a hole", n);
	is_int(pt_mem_write(pid, at(2 * PG - 4), "12345678", 8, fl), -EFAULT,
	       "%s: write running into a hole", n);
	is_int(pt_mem_read(pid, at(2 * PG - 4), got, 8, fl), -EFAULT,
	       "%s: read running into a hole", n);
}

static void test_push(pid_t pid, int p)
{
	const char *n = path_names[p];
	unsigned int fl = path_flags[p];
	struct user_regs_struct regs;
	unsigned long sp, top, first;
	char buf[256];

	if (!ok(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0, "%s: registers", n))
		return;
	sp = pt_reg_sp(&regs);
	top = pt_mem_stack_top(sp);
	is_int(pt_mem_push_string(pid, &top, "/var/lib/udockerc/c/rootfs/etc", fl), 0,
	       "%s: push below the stack pointer", n);
	ok(top % 16 == 0 && top + 32 <= sp - PT_ARCH_RED_ZONE, "%s: aligned, past the red zone", n);
	first = top;
	is_int(pt_mem_push_string(pid, &top, "/second", fl), 0, "%s: push a second string", n);
	ok(top % 16 == 0 && top + 8 <= first, "%s: below the first", n);
	pt_mem_read_string(pid, first, buf, sizeof(buf), fl);
	is_str(buf, "/var/lib/udockerc/c/rootfs/etc", "%s: first string intact", n);
	pt_mem_read_string(pid, top, buf, sizeof(buf), fl);
	is_str(buf, "/second", "%s: second string", n);
	top = 8;
	is_int(pt_mem_push_string(pid, &top, "/x", fl), -EFAULT, "%s: no room below top", n);
	is_int(top, 8, "%s: top unchanged on failure", n);
}

int main(void)
{
	char buf[64];
	pid_t pid;
	int st;

	alarm(30);
	if (setup_region() != 0 || (pid = start_child()) < 0) {
		ok(0, "set up a stopped child: %s", strerror(errno));
		return done();
	}
	for (int p = 0; p < 2; p++) {
		test_strings(pid, p);
		test_write(pid, p);
		test_push(pid, p);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	is_int(pt_mem_read_string(pid, at(100), buf, sizeof(buf), 0), -ESRCH,
	       "process_vm: a reaped tracee is -ESRCH");
	is_int(pt_mem_read_string(getpid(), at(100), buf, sizeof(buf), PT_MEM_PEEKPOKE), -ESRCH,
	       "peek: a process we do not trace is -ESRCH");
	ok(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "no child is left behind");
	munmap(R, 2 * PG);
	munmap(R + 3 * PG, PG);
	return done();
}
