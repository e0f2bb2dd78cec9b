/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_rm.c - `rm`: delete containers (protected ones are kept and make rm exit 1). */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"

static const struct cli_opt opts[] = {
	{ "-f", NULL, NULL, "remove without asking (accepted for udocker compatibility)" },
	{ NULL, NULL, NULL, NULL },
};

/* Remove one container given by id or name. */
static int rm_one(struct repo *r, const char *what, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct repo_stage *st = repo_stage_new(tmp, r, e);
	void *lock = st ? repo_lock(tmp, r, REPO_LOCK_META, e) : NULL;
	char *id = lock ? repo_container_resolve(tmp, r, what, e) : NULL;
	json_t *rec = id ? repo_container_get(tmp, r, id, e) : NULL;
	int ret = rec ? 0 : -e->code;

	if (ret == 0 && json_is_true(json_object_get(rec, "protected")))
		ret = udc_fail(e, EPERM, "container is protected: %s", what);
	if (ret == 0)
		ret = repo_container_remove(r, st, id, e);
	if (ret == 0)
		udc_log(UDC_LOG_INF, "deleting container: %s", id);
	talloc_free(lock);
	talloc_free(tmp); /* removes the files, outside the lock */
	return ret;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	int status = CLI_OK;

	if (!r)
		return cli_fail(&e);
	for (int i = 0; i < a->npos; i++)
		if (rm_one(r, a->pos[i], &e) < 0)
			status = cli_fail(&e);
	return status;
}

const struct cli_cmd cmd_rm = {
	.name = "rm",
	.run = run,
	.usage = "[-f] CONTAINER...",
	.summary = "delete containers",
	.opts = opts,
	.min_pos = 1,
	.max_pos = -1,
};
