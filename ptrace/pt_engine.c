/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_engine.c - the P engine's entries in the engine table: P1 (seccomp filter) and P2. */
#include "ptrace/pt_engine.h"

#include "ptrace/pt_loop.h"
#include "ptrace/pt_probe.h"

/* Whether this host lets the P engine run in this mode (ptrace allowed; seccomp for P1). */
static int pt_engine_probe(const struct engine *self, struct udc_error *e)
{
	struct pt_probe p;

	if (pt_probe_run(&p, e) < 0)
		return -e->code;
	if (self->variant == PT_RUN_P1 && !p.seccomp_ok)
		return udc_fail(e, ENOSYS, "P1 needs seccomp filters, which this kernel refuses: "
				"use --execmode=P2");
	return 0;
}

/* Run the spec under the tracer in this entry's mode. */
static int pt_engine_run(const struct engine *self, const struct run_spec *s, int *exit_status,
			 struct udc_error *e)
{
	return pt_run(s, (unsigned int)self->variant, exit_status, e);
}

const struct engine pt_engine_p1 = { "P1", PT_RUN_P1, pt_engine_probe, pt_engine_run };
const struct engine pt_engine_p2 = { "P2", PT_RUN_P2, pt_engine_probe, pt_engine_run };
