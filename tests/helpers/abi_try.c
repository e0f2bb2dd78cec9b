/* abi_try.c PATH: open PATH through the i386 ABI (int $0x80, eax=5) and the x32 ABI (number |
 * 0x40000000) from a 64-bit program; prints both results (run_more.bats: -38, ENOSYS). Build
 * with -no-pie so the static buffer sits below 4 GiB, where a 32-bit pointer reaches it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char path[256];

int main(int argc, char **argv)
{
	long ret;

	if (argc < 2 || strlen(argv[1]) >= sizeof(path))
		return 2;
	strcpy(path, argv[1]);
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(5L), "b"((long)(unsigned long)path), "c"(0L), "d"(0L)
			 : "memory");
	printf("i386 open: %ld\n", ret);
	ret = syscall(0x40000000L | SYS_open, path, 0);
	printf("x32 open: %ld %s\n", ret, ret < 0 ? strerror(errno) : "");
	return 0;
}
