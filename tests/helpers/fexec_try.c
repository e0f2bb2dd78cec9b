/* fexec_try.c PROG ARGV0 ARGS...: run PROG with argv ARGV0 ARGS... by fexecve (execveat(fd, "", AT_EMPTY_PATH)) of an fd
 * opened on it (run_more.bats); prints the error when the exec fails. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		return 2;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	fexecve(fd, argv + 2, environ);
	perror("fexecve");
	return 1;
}
