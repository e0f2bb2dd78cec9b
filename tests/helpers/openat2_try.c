/* openat2_try.c - one openat2(2) with RESOLVE_* flags; run in the guest by tests/run_calls.bats. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case EXDEV: return "EXDEV";
	case ENOENT: return "ENOENT";
	case ELOOP: return "ELOOP";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EAGAIN: return "EAGAIN";
	default: return strerror(e);
	}
}

/* openat2_try DIR PATH FLAG...: DIR "." is AT_FDCWD; FLAGs: beneath in_root no_symlinks no_magiclinks no_xdev creat nofollow */
int main(int argc, char **argv)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};
	char link[64], buf[4096] = "", line[256] = "";
	long fd;
	int dfd, i, tries = 0;
	ssize_t n;

	if (argc < 3)
		return 2;
	dfd = strcmp(argv[1], ".") ? open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC) : AT_FDCWD;
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "beneath")) how.resolve |= RESOLVE_BENEATH;
		else if (!strcmp(argv[i], "in_root")) how.resolve |= RESOLVE_IN_ROOT;
		else if (!strcmp(argv[i], "no_symlinks")) how.resolve |= RESOLVE_NO_SYMLINKS;
		else if (!strcmp(argv[i], "no_magiclinks")) how.resolve |= RESOLVE_NO_MAGICLINKS;
		else if (!strcmp(argv[i], "no_xdev")) how.resolve |= RESOLVE_NO_XDEV;
		else if (!strcmp(argv[i], "creat")) how.flags |= O_CREAT | O_WRONLY, how.mode = 0644;
		else if (!strcmp(argv[i], "nofollow")) how.flags |= O_NOFOLLOW | O_PATH;
		else return 2;
	}
	if (how.flags & O_PATH)
		how.flags &= O_PATH | O_NOFOLLOW | O_CLOEXEC, how.mode = 0;
	do
		fd = syscall(SYS_openat2, dfd, argv[2], &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 100);
	if (fd < 0) {
		printf("%s\n", ename(errno));
		return 1;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (!(how.flags & (O_WRONLY | O_PATH)) && (n = read((int)fd, line, sizeof(line) - 1)) > 0)
		line[strcspn(line, "\n")] = '\0';
	printf("%s %s\n", buf, line);
	return 0;
}
