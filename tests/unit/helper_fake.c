/* SPDX-License-Identifier: GPL-2.0-or-later */
/* helper_fake.c - start, read and stop tests/helpers/fake_registry.py for the unit tests
 * (linked into every unit test binary; used by test_reg_http and test_reg_blob). */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pull/reg_http.h"
#include "tests/unit/helper_fake.h"


int have_python3(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
		size_t n = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/python3", (int)n, p);
		if (access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* The script, found from this binary: build-san/tests/<name> -> tests/helpers/. */
static void fake_script(char *buf, size_t size)
{
	char exe[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, size, "%s/../../tests/helpers/fake_registry.py", exe);
}

static int read_ports(struct fake *f, int fd)
{
	char line[64] = "";
	size_t n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (n < sizeof(line) - 1 && !strchr(line, '\n')) {
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			return -1;
		r = read(fd, line + n, sizeof(line) - 1 - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		line[n] = '\0';
	}
	return sscanf(line, "%d %d", &f->port, &f->cdn_port) == 2 ? 0 : -1;
}

/* Start the fake with extra arguments (NULL-terminated); its log goes to dir/<name>.log. */
int fake_start(struct fake *f, const char *dir, const char *name, const char *const *extra)
{
	char script[PATH_MAX];
	const char *argv[16] = {"python3", script, "--log", f->log};
	int in[2], out[2], k = 4;

	fake_script(script, sizeof(script));
	snprintf(f->log, sizeof(f->log), "%s/%s.log", dir, name);
	for (size_t i = 0; extra && extra[i] && k < 15; i++)
		argv[k++] = extra[i];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	f->pid = fork();
	if (f->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp("python3", (char **)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f->in_fd = in[1];
	k = f->pid > 0 ? read_ports(f, out[0]) : -1;
	close(out[0]);
	return k;
}

void fake_stop(struct fake *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGTERM);
		waitpid(f->pid, NULL, 0);
	}
	close(f->in_fd);
	f->pid = 0;
}

/* The fake's log so far, child of mem_ctx ("" when empty). */
char *fake_log(TALLOC_CTX *mem_ctx, const struct fake *f)
{
	struct udc_error e;
	size_t len;
	char *s = reg_read_file(mem_ctx, f->log, &len, &e);

	return s ? s : talloc_strdup(mem_ctx, "");
}

/* Lines of the log holding every one of the NULL-terminated needles. */
int log_count(const struct fake *f, const char *const *needles)
{
	char *log = fake_log(NULL, f), *save = NULL;
	int n = 0;

	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int all = 1;

		for (size_t i = 0; needles[i] && all; i++)
			all = strstr(l, needles[i]) != NULL;
		n += all;
	}
	talloc_free(log);
	return n;
}


void fake_log_clear(const struct fake *f)
{
	close(open(f->log, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644));
}
