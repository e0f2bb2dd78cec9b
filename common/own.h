/* SPDX-License-Identifier: GPL-2.0-or-later */
/* own.h - talloc owners for non-memory resources: freeing the owner releases the resource. */
#ifndef UDC_OWN_H
#define UDC_OWN_H

#include <jansson.h>
#include <talloc.h>

/* Make fd a child of ctx: closed when ctx (or the returned handle) is freed. NULL on ENOMEM
 * (fd is then closed at once). */
int *own_fd(TALLOC_CTX *ctx, int fd);
/* Make the json reference j a child of ctx: json_decref'd when ctx is freed. */
json_t *own_json(TALLOC_CTX *ctx, json_t *j);
/* Copy a malloc'd string from a library into ctx and free the original (never mix allocators). */
char *own_str(TALLOC_CTX *ctx, char *malloced);

#endif
