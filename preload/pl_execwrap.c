/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pl_execwrap.c - the exec family of the C library, all made pl_execve and pl_execvpe. */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload/pl_shim.h"

extern char **environ;

PL_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return pl_execve(path, argv, envp);
}

PL_EXPORT int execv(const char *path, char *const argv[])
{
	return pl_execve(path, argv, environ);
}

PL_EXPORT int execvp(const char *file, char *const argv[])
{
	return pl_execvpe(file, argv, environ);
}

PL_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return pl_execvpe(file, argv, envp);
}

/* fexecve: the program's path from /proc/self/fd (a deleted or anonymous file runs as is). */
PL_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (pl_traced())
		return (int)pl_ret(pl_sys_traced(SYS_execveat, fd, (long)"", (long)argv,
						 (long)envp, AT_EMPTY_PATH));
	char guest[PATH_MAX];

	if (pl_table() && pl_dir_guest(fd, guest) == 0)
		return pl_execve(guest, argv, envp);
	return (int)pl_ret(pl_sys(SYS_execveat, fd, (long)"", (long)argv, (long)envp,
				  AT_EMPTY_PATH));
}

/* The variadic argument list of an execl call (arg0 first) into av (NULL-terminated). */
/* NOLINTBEGIN(bugprone-macro-parentheses): av and n are names being declared */
#define PL_VA_ARGV(arg0, av, n)                                                                    \
	size_t n = 1;                                                                              \
	va_list ap;                                                                                \
	va_start(ap, arg0);                                                                        \
	while (va_arg(ap, const char *))                                                           \
		n++;                                                                               \
	va_end(ap);                                                                                \
	const char *av[n + 1];                                                                     \
	av[0] = arg0;                                                                              \
	va_start(ap, arg0);                                                                        \
	for (size_t i_ = 1; i_ <= n; i_++)                                                         \
		av[i_] = va_arg(ap, const char *);                                                 \
	av[n] = NULL
/* NOLINTEND(bugprone-macro-parentheses) */

PL_EXPORT int execl(const char *path, const char *arg, ...)
{
	PL_VA_ARGV(arg, av, n);
	va_end(ap);
	return pl_execve(path, (char *const *)av, environ);
}

PL_EXPORT int execlp(const char *file, const char *arg, ...)
{
	PL_VA_ARGV(arg, av, n);
	va_end(ap);
	return pl_execvpe(file, (char *const *)av, environ);
}

PL_EXPORT int execle(const char *path, const char *arg, ...)
{
	char *const *envp;

	PL_VA_ARGV(arg, av, n);
	envp = va_arg(ap, char *const *); /* after the NULL that ends the arguments */
	va_end(ap);
	return pl_execve(path, (char *const *)av, envp);
}
