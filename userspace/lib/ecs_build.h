/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the ECS renderer (ecs.c, ecs_render.c), not for its users:
 * building an object by dotted field name ("process.user.id" creates
 * process and user as needed), and names through the context's cache.
 */
#ifndef DAUDIT_ECS_BUILD_H
#define DAUDIT_ECS_BUILD_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "ecs.h"

void ecs_put(json_object *root, const char *path, json_object *v);
/* A string this program made: ASCII, nothing to escape. */
void ecs_put_str(json_object *root, const char *path, const char *s);
/* Bytes from the kernel or NSS, escaped (see ecs.h). */
void ecs_put_bytes(json_object *root, const char *path, const char *s,
		   size_t len);
void ecs_put_u64(json_object *root, const char *path, uint64_t v);
/* A number as a string (ECS ids are keywords). */
void ecs_put_id(json_object *root, const char *path, uint64_t id);
void ecs_put_time(json_object *root, const char *path, uint64_t ns);
/* ECS categorisation fields are arrays even with one value. */
void ecs_put_list(json_object *root, const char *path, const char *s);

/*
 * "message": one line made from the fields already in @o (ecs_message.c),
 * unless @o has one.  Every rendered object gets it last.
 */
void ecs_put_message(json_object *o);

/* The name of user (or with @group, group) @id, or NULL: see ecs.c. */
const char *ecs_cached_name(struct ecs_ctx *ctx, uint32_t id, int group);
/* @idpath the id, @namepath its name when NSS knows one. */
void ecs_put_user(struct ecs_ctx *ctx, json_object *o, const char *idpath,
		  const char *namepath, uint32_t id, int group);

#endif
