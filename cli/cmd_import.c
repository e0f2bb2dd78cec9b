/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_import.c - `import`: a rootfs tarball becomes an image, a container, or a restored clone. */
#include "cli/cli.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/img_ref.h"
#include "common/own.h"
#include "common/layer_scan.h"
#include "common/layer_unpack.h"
#include "common/log.h"
#include "common/repo.h"

static const struct cli_opt opts[] = {
	{ "--tocontainer", NULL, NULL, "create a container from the tarball, no image" },
	{ "--clone", NULL, NULL, "restore a container written by `export --clone`" },
	{ "--name", NULL, "NAME", "name the container (with --tocontainer or --clone)" },
	{ "--mv", NULL, NULL, "move the tarball into the repository instead of copying it" },
	{ NULL, NULL, NULL, NULL },
};

/* Stage the tarball (a path, or stdin for "-") and check it completely. */
static int stage_tarball(struct repo_stage *st, const char *src, int mv, char hex[65],
			 struct udc_error *e)
{
	char label[PATH_MAX + 8];
	uint64_t size;
	char *staged;
	int r;

	if (!strcmp(src, "-"))
		r = repo_layer_stage_fd(st, STDIN_FILENO, "stdin", hex, &size, e);
	else
		r = repo_layer_stage_path(st, src, mv, hex, &size, e);
	if (r < 0)
		return r;
	snprintf(label, sizeof(label), "%s", strcmp(src, "-") ? src : "stdin");
	staged = talloc_asprintf(st, "%s/%s/%s", st->repo->dir, st->name, hex);
	return layer_scan(staged, label, e);
}

/* Record hex as a one-layer image called ref. */
static int commit_image(struct repo_stage *st, const char *ref, const char *hex,
			struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	void *lock = repo_lock(tmp, st->repo, REPO_LOCK_META, e);
	char path[128];
	struct stat sb;
	json_t *rec;
	int r = lock ? 0 : -e->code;

	snprintf(path, sizeof(path), "%s/%s", st->name, hex);
	if (r == 0 && repo_image_get(tmp, st->repo, ref, e))
		r = udc_fail(e, EEXIST, "image already exists: %s", ref);
	else if (r == 0 && e->code != ENOENT)
		r = -e->code;
	if (r == 0 && fstatat(st->repo->fd, path, &sb, 0) < 0)
		r = udc_fail_sys(e, "%s", path);
	if (r == 0 && !(rec = own_json(tmp, repo_image_record_new(ref, hex, (uint64_t)sb.st_size))))
		r = udc_fail(e, ENOMEM, "out of memory");
	if (r == 0)
		r = repo_layer_commit(st, hex, e);
	if (r == 0)
		r = repo_image_put(st->repo, ref, rec, e);
	talloc_free(tmp);
	return r;
}

/* Unpack the tarball (path or "-") into stage/<dir>. */
static int unpack_into(struct repo_stage *st, const char *dir, const char *src,
		       struct udc_error *e)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	UDC_AUTOCLOSE int fd = -1;
	struct layer_unpacker *u = NULL;
	int r;

	if (mkdirat(st->fd, dir, 0755) < 0 && !(errno == EEXIST))
		r = udc_fail_sys(e, "cannot create %s", dir);
	else if ((fd = openat(st->fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = udc_fail_sys(e, "cannot open %s", dir);
	else if (!(u = layer_unpacker_new(tmp, fd, geteuid() == 0 ? LAYER_PRIVILEGED : 0, e)))
		r = -e->code;
	else if (!strcmp(src, "-"))
		r = layer_unpacker_add_fd(u, STDIN_FILENO, "stdin", e);
	else
		r = layer_unpacker_add(u, src, src, e);
	if (r == 0)
		r = layer_unpacker_finish(u, e);
	talloc_free(tmp);
	return r;
}

/* import --tocontainer: the tarball becomes the root of a new container. */
static int import_container(struct cli_ctx *c, struct repo_stage *st, const char *src,
			    const char *image, const char *name, struct udc_error *e)
{
	char *id = repo_container_new_id(st, e);
	json_t *rec;
	int r;

	if (!id || mkdirat(st->fd, "c", 0755) < 0)
		return id ? udc_fail_sys(e, "cannot create a container") : -e->code;
	r = unpack_into(st, "c/ROOT", src, e);
	if (r < 0)
		return r;
	rec = own_json(st, repo_container_record_new(id, image, NULL));
	if (!rec || repo_json_write_at(st->fd, "c/container.json", rec, e) < 0)
		return rec ? -e->code : udc_fail(e, ENOMEM, "out of memory");
	r = repo_container_install(st, "c", id, name, 0, e);
	if (r == 0)
		printf("%s\n", id);
	(void)c;
	return r;
}

/* import --clone: restore a container directory written by `export --clone`, with a new id. */
static int import_clone(struct repo_stage *st, const char *src, const char *name,
			struct udc_error *e)
{
	char *id = repo_container_new_id(st, e);
	struct stat sb;
	json_t *rec;
	int r;

	if (!id)
		return -e->code;
	r = unpack_into(st, "c", src, e);
	if (r < 0)
		return r;
	rec = repo_json_read_at(st, st->fd, "c/container.json", src, e);
	if (!rec)
		return e->code == ENOENT ? udc_fail(e, EBADMSG, "%s: not a container clone "
							   "(no container.json)", src)
					 : -e->code;
	if (fstatat(st->fd, "c/ROOT", &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
		return udc_fail(e, EBADMSG, "%s: not a container clone (no ROOT)", src);
	json_object_set_new(rec, "id", json_string(id));
	json_object_set_new(rec, "protected", json_false());
	r = repo_json_write_at(st->fd, "c/container.json", rec, e);
	if (r == 0)
		r = repo_container_install(st, "c", id, name, 0, e);
	if (r == 0)
		printf("%s\n", id);
	return r;
}

/* import TARBALL IMAGE: one new layer (stored once by digest) and an image record. */
static int import_image(struct repo_stage *st, const char *src, const char *image, int mv,
			struct udc_error *e)
{
	char hex[65];
	struct img_ref *ref = img_ref_parse(st, image, e);
	int r;

	if (!ref)
		return -e->code;
	if (repo_image_get(st, st->repo, img_ref_str(st, ref), e))
		return udc_fail(e, EEXIST, "image already exists: %s", img_ref_str(st, ref));
	if (e->code != ENOENT)
		return -e->code;
	r = stage_tarball(st, src, mv, hex, e);
	if (r == 0)
		r = commit_image(st, img_ref_str(st, ref), hex, e);
	if (r == 0 && mv && strcmp(src, "-") != 0 && unlink(src) < 0)
		udc_log(UDC_LOG_WRN, "--mv: %s imported but not removed: %s", src, strerror(errno));
	return r;
}

static int run(struct cli_ctx *c, const struct cli_args *a)
{
	const struct cli_cmd *me = &cmd_import;
	int tocont = cli_has(me, a, "--tocontainer"), clone = cli_has(me, a, "--clone");
	const char *name = cli_val(me, a, "--name");
	struct udc_error e = { 0 };
	struct repo *r = cli_repo(c, &e);
	struct repo_stage *st = r ? repo_stage_new(c->mem, r, &e) : NULL;
	int ret;

	if (!st)
		return cli_fail(&e);
	if (name && !repo_name_valid(name))
		return cli_failf("invalid container name '%s'", name);
	if (clone)
		ret = import_clone(st, a->pos[0], name, &e);
	else if (tocont)
		ret = import_container(c, st, a->pos[0], a->npos > 1 ? a->pos[1] : "IMPORTED:unknown",
				       name,
				       &e);
	else if (a->npos < 2)
		return cli_failf("import: missing image name: usage: udockerc import %s",
				 me->usage);
	else
		ret = import_image(st, a->pos[0], a->pos[1], cli_has(me, a, "--mv"), &e);
	talloc_free(st);
	return ret < 0 ? cli_fail(&e) : CLI_OK;
}

const struct cli_cmd cmd_import = {
	.name = "import",
	.run = run,
	.usage = "[--tocontainer|--clone] [--name=NAME] [--mv] TARBALL|- [IMAGE[:TAG]]",
	.summary = "import a root filesystem tarball as an image or a container",
	.opts = opts,
	.min_pos = 1,
	.max_pos = 2,
};
