/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fs_tree.h - remove, copy and measure directory trees without ever following a symlink. */
#ifndef UDC_FS_TREE_H
#define UDC_FS_TREE_H

#include <talloc.h>

#include "common/error.h"

enum {
	FS_RMTREE_MISSING_OK = 1, /* fs_rmtree_flags_at: a missing name is success, not -ENOENT */
};

/* Remove name (file or whole tree) under dirfd, never following symlinks; directories without
 * owner rwx (0000, 0555) are made writable/searchable first. 0 or -errno (-ENOENT if missing). */
int fs_rmtree_at(int dirfd, const char *name, struct udc_error *e);
/* Same with FS_RMTREE_* flags. */
int fs_rmtree_flags_at(int dirfd, const char *name, unsigned flags, struct udc_error *e);
/* Copy the tree (sdirfd,sname) to (ddirfd,dname), which must not exist: dirs, regular files,
 * symlinks verbatim, fifos, hard links kept within the tree, modes and mtimes; owners and
 * device nodes when root. A partial copy is removed on failure. 0 or -errno. */
int fs_copytree_at(int sdirfd, const char *sname, int ddirfd, const char *dname,
		   struct udc_error *e);
/* Store in *bytes the disk usage (st_blocks * 512, each inode once) of the tree at
 * (dirfd,name), symlinks not followed. 0 or -errno. */
int fs_tree_size_at(int dirfd, const char *name, unsigned long long *bytes, struct udc_error *e);
/* The names in the directory open at fd ("." and ".." excepted) as a NULL-terminated array,
 * child of mem_ctx; rel names the directory in errors. NULL with e filled. */
char **fs_dir_names(TALLOC_CTX *mem_ctx, int fd, const char *rel, struct udc_error *e);

#endif
