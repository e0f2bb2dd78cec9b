/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_progress.h - per-layer download progress: bars on a terminal, lines otherwise. */
#ifndef UDC_CLI_PROGRESS_H
#define UDC_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <talloc.h>

#include "pull/reg_blob.h"

struct cli_progress;

/* A progress display on out (stdout for pull, stderr for run's pull, which must leave the
 * guest's stdout alone), as docker pull shows it (child of mem_ctx); quiet shows nothing. */
struct cli_progress *cli_progress_new(TALLOC_CTX *mem_ctx, int quiet, FILE *out);
/* Name the blobs about to be fetched (reg_pull_opts.announce). */
void cli_progress_announce(void *arg, const struct reg_blob_job *jobs, size_t n);
/* The reg_progress_fn: job's done/total bytes and state (REG_BLOB_*). */
void cli_progress_update(void *arg, size_t job, int64_t done, int64_t total, int state);
/* Finish the display (move below the bars). */
void cli_progress_end(struct cli_progress *p);

#endif
