/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_shim.c - P1 with the preload shim: the table entry, the settings, the cookie. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <talloc.h>

#include "common/ld_opts.h"
#include "fakeld/fl_engine.h"
#include "preload/pl_shim.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_loop.h"
#include "ptrace/pt_shim.h"

/* Whether the user left the shim on (UDOCKERC_PT_SHIM=0 turns it off). */
static int pt_shim_wanted(void)
{
	const char *v = getenv("UDOCKERC_PT_SHIM");

	return !v || strcmp(v, "0") != 0;
}

/* The run's table plus PT_SHIM_GUEST -> dir (read-only), in an arena of sh. */
static int pt_shim_table(struct pt_shim *sh, const struct pm_table *run, const char *dir)
{
	size_t size = run->arena_used + 2 * strlen(dir) + sizeof(PT_SHIM_GUEST) + 64;
	char *arena = talloc_size(sh, size);
	int r = 0;

	if (!arena)
		return -ENOMEM;
	pm_table_init(&sh->table, arena, size);
	for (unsigned int i = 0; i < run->n && !r; i++)
		r = pm_table_add(&sh->table, run->ent[i].guest, run->ent[i].host, run->ent[i].flags);
	return r ? r : pm_table_add(&sh->table, PT_SHIM_GUEST, dir, PM_VOLUME | PM_RDONLY);
}

/* The guest's environment plus UDOCKERC_PM (the table) and UDOCKERC_PT (cookie, ids). */
static int pt_shim_env(struct pt_shim *sh, const struct pt_loop *l)
{
	size_t n = 0;
	int r = -ENOMEM;

	while (l->spec->envp[n])
		n++;
	sh->envp = talloc_array(sh, char *, n + 3);
	if (!sh->envp)
		return -ENOMEM;
	memcpy(sh->envp, l->spec->envp, n * sizeof(char *));
	sh->envp[n] = fl_wire_var(sh, &sh->table, &r);
	if (r < 0)
		return r;
	sh->envp[n + 1] = talloc_asprintf(sh, PT_SHIM_ENV "=%" PRIx64 ":%u:%u:%u:%u", sh->cookie,
					  (unsigned int)l->real_uid, (unsigned int)l->real_gid,
					  (unsigned int)l->spec->uid, (unsigned int)l->spec->gid);
	sh->envp[n + 2] = NULL;
	return sh->envp[n + 1] ? 0 : -ENOMEM;
}

int pt_shim_setup(struct pt_loop *l, struct udc_error *e)
{
	struct udc_error quiet = {0};
	struct pt_shim *sh;
	char *dir;
	int r;

	if (l->mode != PT_RUN_P1 || !pt_shim_wanted())
		return 0;
	sh = talloc_zero(l->tracees, struct pt_shim);
	if (!sh)
		return udc_fail(e, ENOMEM, "out of memory");
	dir = fl_shim_dir(sh, &quiet);
	if (!dir) { /* not installed next to udockerc: the tracer alone */
		talloc_free(sh);
		return 0;
	}
	while (!sh->cookie || (uint32_t)sh->cookie == 0)
		if (getrandom(&sh->cookie, sizeof(sh->cookie), 0) != (ssize_t)sizeof(sh->cookie))
			return talloc_free(sh), udc_fail_sys(e, "P1: getrandom");
	r = pt_shim_table(sh, l->spec->table, dir);
	if (!r)
		r = pt_shim_env(sh, l);
	if (r) {
		talloc_free(sh);
		return udc_fail(e, -r, "P1: cannot prepare the preload shim's settings");
	}
	l->shim = sh;
	l->table = &sh->table;
	return 0;
}

const char *pt_shim_preload(const struct pt_loop *l, const struct pm_table *table,
			    const char *guest, unsigned int loader_opts)
{
	const char *base = strrchr(guest, '/');

	if (!l->shim || table != l->table || !(loader_opts & LD_OPT_PRELOAD))
		return NULL;
	base = base ? base + 1 : guest;
	if (strncmp(base, "ld-musl-", 8) == 0)
		return PT_SHIM_GUEST "/" PL_SHIM_MUSL;
	if (!(loader_opts & LD_OPT_LIBC_DLSYM)) /* glibc 2.30-2.33: dlsym is libdl's */
		return "libdl.so.2:" PT_SHIM_GUEST "/" PL_SHIM_GLIBC;
	return PT_SHIM_GUEST "/" PL_SHIM_GLIBC;
}
