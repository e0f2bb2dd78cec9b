/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run_target.c - run's first argument: a container, or a new one made from an image (--pull). */
#include "cli/run_target.h"

#include <string.h>

#include "common/img_ref.h"
#include "common/log.h"

/* --pull=POLICY, Docker's words plus udocker's reuse; -EINVAL plus e when unknown. */
static int pull_policy(const char *v, struct udc_error *e)
{
	static const char *const words[] = {"missing", "never", "always", "reuse"};

	if (!v)
		return RUN_PULL_MISSING;
	for (int i = 0; i < 4; i++)
		if (!strcmp(v, words[i]))
			return i;
	return udc_fail(e, EINVAL, "--pull=%s: expected missing, never, always or reuse", v);
}

/* An existing container what: give it --name too (as udocker's run --name does). */
static int existing(struct repo *r, const char *id, const char *name, struct udc_error *e)
{
	void *lock;
	char *owner;
	int ret = 0;

	if (!name)
		return 0;
	lock = repo_lock(NULL, r, REPO_LOCK_META, e);
	if (!lock)
		return -e->code;
	owner = repo_container_resolve(NULL, r, name, e);
	if (!owner)
		ret = repo_name_add(r, name, id, e);
	else if (strcmp(owner, id) != 0)
		ret = udc_fail(e, EEXIST, "container name already in use: %s", name);
	talloc_free(owner);
	talloc_free(lock);
	return ret;
}

/* The local name of image what, pulled first when policy says so; child of c->mem. */
static char *image_local(struct cli_ctx *c, struct repo *r, const struct cli_cmd *cmd,
			 const struct cli_args *a, const char *what, int policy,
			 struct udc_error *e)
{
	struct img_ref *ref = img_ref_parse(c->mem, what, e);
	char *local = ref ? img_ref_str(c->mem, ref) : NULL;
	struct udc_error miss = {0};
	json_t *img;

	if (!ref)
		return NULL;
	if (policy != RUN_PULL_ALWAYS) {
		img = repo_image_get(c->mem, r, local, &miss);
		if (img)
			return local;
		if (miss.code != ENOENT) {
			*e = miss;
			return NULL;
		}
		if (policy == RUN_PULL_NEVER) {
			udc_fail(e, ENOENT, "no container or local image named %s (--pull=never)",
				 what);
			return NULL;
		}
		udc_log(UDC_LOG_INF, "image %s not found locally: pulling it", local);
	}
	if (cli_pull(c, r, cmd, a, what, &local, e) < 0) {
		if (policy != RUN_PULL_ALWAYS)
			udc_wrap(e, "no container named %s", what);
		return NULL;
	}
	return local;
}

int run_target_get(struct cli_ctx *c, struct repo *r, const struct cli_cmd *cmd,
		   const struct cli_args *a, const char *what, struct run_target *t,
		   struct udc_error *e)
{
	const char *name = cli_val(cmd, a, "--name");
	int policy = pull_policy(cli_val(cmd, a, "--pull"), e);
	struct udc_error none = {0};
	char *image;

	memset(t, 0, sizeof(*t));
	if (policy < 0)
		return policy;
	if (policy == RUN_PULL_REUSE && name)
		t->id = repo_container_resolve(c->mem, r, name, &none);
	if (!t->id)
		t->id = repo_container_resolve(c->mem, r, what, &none);
	if (t->id)
		return existing(r, t->id, name, e);
	if (name && cli_check_name(r, &name, 0, e) < 0)
		return -e->code;
	image = image_local(c, r, cmd, a, what, policy, e);
	if (!image)
		return -e->code;
	if (cli_create(r, image, name, &t->id, e) < 0)
		return -e->code;
	talloc_steal(c->mem, t->id);
	t->created = 1;
	return 0;
}
