// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the record decoder: arbitrary bytes, as if read()
 * from /dev/daudit, go through rec_next(), the process table and the ECS
 * renderer.  Besides the sanitizers it checks what a SIEM relies on:
 * every rendered line is strict JSON, valid UTF-8, and parses back to the
 * same object; and the string escaping is lossless on the raw input.
 *
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -std=c11 -D_GNU_SOURCE \
 *	-Imodule/uapi -Iuserspace/lib tests/fuzz/fuzz_records.c \
 *	userspace/lib/ecs.c userspace/lib/ecs_render.c userspace/lib/escape.c \
 *	userspace/lib/record.c userspace/lib/ruleinfo.c userspace/lib/util.c \
 *	$(pkg-config --cflags --libs json-c) -o build/fuzz/fuzz_records
 *   build/fuzz/fuzz_records -max_total_time=30 tests/fuzz/corpus/records
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_json(json_object *o)
{
	const char *text = ecs_to_string(o);
	struct json_tokener *tok = json_tokener_new();
	json_object *back;

	if (!text || !tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	back = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (json_tokener_get_error(tok) != json_tokener_success || !back ||
	    !json_object_equal(o, back) || strchr(text, '\n')) {
		fprintf(stderr, "bad JSON line: %s\n", text);
		abort();
	}
	json_object_put(back);
	json_tokener_free(tok);
}

/* The escaping rule must be reversible on any bytes. */
static void check_escape(const uint8_t *data, size_t size)
{
	char *e = ecs_escape((const char *)data, size);
	char *back = malloc(strlen(e) + 1);

	if (!back || ecs_unescape(e, back) != size ||
	    memcmp(back, data, size))
		abort();
	free(back);
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct daudit_rec_header *h;
	const char *why = NULL;
	struct ecs_ctx ctx;
	struct rec_iter it;
	void *buf;

	/* The device hands out 8-byte aligned buffers; malloc's are. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	/* Names come from NSS, not the input: leave them out for speed. */
	ecs_ctx_init(&ctx, "fuzz\xff\"host\\x41", 0x1234, 4);
	ctx.resolve_names = 0;
	rec_iter_init(&it, buf, size);
	while ((h = rec_next(&it, &why))) {
		json_object *o;

		ecs_note_process(&ctx, h);
		o = ecs_from_record(&ctx, h);
		if (!o)
			continue;
		check_json(o);
		json_object_put(o);
	}
	ecs_ctx_free(&ctx);
	free(buf);
	if (size <= DAUDIT_PATH_MAX)
		check_escape(data, size);
	return 0;
}
