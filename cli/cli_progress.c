/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_progress.c - per-layer download progress: bars on a terminal, lines otherwise. */
#include "cli/cli_progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pull/reg_blob.h"

struct job_view {
	char label[20]; /* "sha256:1a2b3c4d5e6f" or "config" */
	int64_t done, total;
	int state;
};

struct cli_progress {
	int quiet, tty;
	FILE *out;
	struct job_view *jobs;
	size_t njobs, drawn; /* lines on screen */
	int64_t started_ms;
};

/* A progress display on out; quiet shows nothing. */
struct cli_progress *cli_progress_new(TALLOC_CTX *mem_ctx, int quiet, FILE *out)
{
	struct cli_progress *p = talloc_zero(mem_ctx, struct cli_progress);

	if (p) {
		p->quiet = quiet;
		p->out = out;
		p->tty = isatty(fileno(out));
		p->started_ms = reg_now_ms();
	}
	return p;
}

/* "12.3 MB" style, into buf. */
static const char *human(int64_t bytes, char *buf, size_t size)
{
	if (bytes < 1024LL * 1024LL)
		snprintf(buf, size, "%.1f kB", (double)bytes / 1024.0);
	else
		snprintf(buf, size, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
	return buf;
}

/* Start of a line: erase it on a terminal. */
static const char *clr(const struct cli_progress *p)
{
	return p->tty ? "\r\033[K" : "";
}

static void draw_line(const struct cli_progress *p, const struct job_view *j)
{
	char a[32], b[32], bar[31];
	double secs = (double)(reg_now_ms() - p->started_ms) / 1000.0;
	int fill = j->total > 0 ? (int)(30 * j->done / j->total) : 0;

	if (j->state == REG_BLOB_EXISTS) {
		fprintf(p->out, "%s%s: already exists\n", clr(p), j->label);
		return;
	}
	if (j->state == REG_BLOB_WAITING) {
		fprintf(p->out, "%s%s: waiting for another pull\n", clr(p), j->label);
		return;
	}
	if (j->state != REG_BLOB_RUNNING) {
		fprintf(p->out, "%s%s: %s %s\n", clr(p), j->label,
			j->state == REG_BLOB_DONE ? "pull complete" : "failed",
			human(j->done, a, sizeof(a)));
		return;
	}
	memset(bar, ' ', 30);
	memset(bar, '=', (size_t)(fill > 30 ? 30 : fill));
	bar[30] = '\0';
	fprintf(p->out, "%s%s: [%s] %s/%s %s/s\n", clr(p), j->label, bar, human(j->done, a, sizeof(a)),
		human(j->total, b, sizeof(b)),
		human(secs > 0 ? (int64_t)((double)j->done / secs) : 0, a, sizeof(a)));
}

/* Redraw every bar in place (terminal). */
static void redraw(struct cli_progress *p)
{
	if (p->drawn)
		fprintf(p->out, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < p->njobs; i++)
		draw_line(p, &p->jobs[i]);
	p->drawn = p->njobs;
	fflush(p->out);
}

/* The blobs about to be fetched: one line each, labelled like Docker (12 hex digits). */
void cli_progress_announce(void *arg, const struct reg_blob_job *jobs, size_t n)
{
	struct cli_progress *p = arg;

	if (!p || p->quiet || !(p->jobs = talloc_zero_array(p, struct job_view, n)))
		return;
	p->njobs = n;
	for (size_t i = 0; i < n; i++) {
		const char *d = jobs[i].digest;

		snprintf(p->jobs[i].label, sizeof(p->jobs[i].label), "%.12s",
			 !strcmp(jobs[i].label ?: "", "config") ? "config" : d + 7);
		p->jobs[i].state = -1; /* not started */
	}
}

/* The reg_progress_fn: on a terminal, bars; otherwise one line per blob when it ends. */
void cli_progress_update(void *arg, size_t job, int64_t done, int64_t total, int state)
{
	struct cli_progress *p = arg;
	struct job_view *j = p && !p->quiet && job < p->njobs ? &p->jobs[job] : NULL;
	int changed;

	if (!j)
		return;
	changed = j->state != state;
	j->done = done;
	j->total = total;
	j->state = state;
	if (p->tty)
		redraw(p);
	else if (changed && state != REG_BLOB_RUNNING)
		draw_line(p, j);
}

/* Finish the display. */
void cli_progress_end(struct cli_progress *p)
{
	if (p && !p->quiet && p->tty)
		fflush(p->out);
}
