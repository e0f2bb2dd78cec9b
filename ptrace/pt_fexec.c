/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_fexec.c - execveat(fd, "", AT_EMPTY_PATH) (fexecve): the program behind fd, by guest path. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ptrace/pt_enter.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_mem.h"

/* " (deleted)": the suffix /proc/PID/fd/N shows for an unlinked file. */
#define PT_FEXEC_DELETED " (deleted)"

/*
 * The kernel would run the file behind fd with the host's view of its PT_INTERP or #! line.
 * Its host path (/proc/PID/fd/N, checked to be the same inode) mapped to the guest path lets
 * pt_exec plan it as a path exec. A file the guest view cannot name (memfd, deleted, pipe,
 * outside every entry) is left to the kernel.
 */
int pt_fexec_path(struct pt_loop *l, struct pt_tracee *t, const struct pt_sysent *s, char *path)
{
	char host[PATH_MAX], link[64], c = 1;
	unsigned long addr = pt_reg_arg(&t->regs, (unsigned int)s->path[0]);
	int fd = s->dirfd[0] >= 0 ? (int)pt_reg_arg(&t->regs, (unsigned int)s->dirfd[0]) : -1;
	struct stat a, b;
	size_t len;

	if (s->flags_arg < 0 || !(pt_reg_arg(&t->regs, (unsigned int)s->flags_arg) & AT_EMPTY_PATH))
		return 0;
	if (fd < 0 || !addr || pt_mem_read(t->pid, addr, &c, 1, l->memflags) != 0 || c != '\0')
		return 0;
	if (pt_dirfd_host(t, fd, host) != 0 || host[0] != '/')
		return 0;
	len = strlen(host);
	if (len > strlen(PT_FEXEC_DELETED) &&
	    strcmp(host + len - strlen(PT_FEXEC_DELETED), PT_FEXEC_DELETED) == 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->pid, fd);
	if (stat(link, &a) != 0 || stat(host, &b) != 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return 0;
	if (pm_map_host(pt_loop_table(l, t), host, path, NULL) != 0)
		return 0;
	return (int)strlen(path);
}
