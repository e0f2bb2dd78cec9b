/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_container.c - create and delete containers: shared by create, rm and run (--rm). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "common/img_ref.h"
#include "common/log.h"

int cli_check_name(struct repo *r, const char **name, int force, struct udc_error *e)
{
	char *owner;

	if (!repo_name_valid(*name))
		return udc_fail(e, EINVAL, "invalid container name '%s'", *name);
	owner = repo_container_resolve(NULL, r, *name, e);
	if (!owner)
		return 0;
	talloc_free(owner);
	if (!force)
		return udc_fail(e, EEXIST, "container name already in use: %s", *name);
	udc_log(UDC_LOG_WRN, "container name already in use: %s: created without it", *name);
	*name = NULL;
	return 0;
}

int cli_mode_known(const char *mode)
{
	return !strcmp(mode, "P1") || !strcmp(mode, "P2") || !strcmp(mode, "F1");
}

int cli_set_mode(struct repo *r, const char *id, const char *mode, struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	void *lock = repo_lock(tmp, r, REPO_LOCK_META, e);
	json_t *rec = lock ? repo_container_get(tmp, r, id, e) : NULL;
	int ret = -EIO;

	if (rec && json_object_set_new(rec, "execmode", json_string(mode)) == 0)
		ret = repo_container_put(r, id, rec, e);
	else if (rec)
		ret = udc_fail(e, ENOMEM, "out of memory");
	talloc_free(tmp);
	return rec ? ret : -e->code;
}

int cli_create(struct repo *r, const char *image, const char *name, char **id,
	       struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct img_ref *ref = img_ref_parse(tmp, image, e);
	void *lock = ref ? repo_lock(tmp, r, REPO_LOCK_LAYERS_SHARED, e) : NULL;
	json_t *img = lock ? repo_image_get(tmp, r, img_ref_str(tmp, ref), e) : NULL;
	struct repo_stage *st = img ? repo_stage_new(tmp, r, e) : NULL;
	const char *mode = getenv("UDOCKERC_DEFAULT_EXECUTION_MODE");
	int ret = st ? 0 : -e->code;

	if (ret == 0 && mode && *mode && !cli_mode_known(mode))
		ret = udc_fail(e, EINVAL, "UDOCKERC_DEFAULT_EXECUTION_MODE=%s: unknown execution "
					  "mode (this udockerc runs P1, P2 and F1)", mode);

	if (ret == 0 && !(*id = repo_container_new_id(r, e)))
		ret = -e->code;
	if (ret == 0)
		ret = repo_container_build(st, img_ref_str(tmp, ref), img, *id, e);
	if (ret == 0)
		ret = repo_container_install(st, "c", *id, name, 0, e);
	talloc_free(tmp);
	if (ret == 0 && mode && *mode && strcmp(mode, "P1") != 0)
		ret = cli_set_mode(r, *id, mode, e);
	return ret;
}

int cli_remove(struct repo *r, const char *what, struct udc_error *e)
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
