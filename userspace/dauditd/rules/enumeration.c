// SPDX-License-Identifier: GPL-2.0
/*
 * enumeration (on totals; one finding per user and local hour): the user
 * read enumeration_files or more distinct files in one local hour,
 * counted per dataset and summed over datasets.  Evidence: the first read
 * of each file, in order.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rule.h"

void enumeration(struct rules *r, const struct rollup_touch *t)
{
	struct finding_state *f;
	uint64_t files, bytes = 0;
	char key[96];
	int created;

	files = query_u64(r, r->hour_files, t, &bytes);
	if (files < r->cfg->rules.enumeration_files)
		return;
	snprintf(key, sizeof(key), "enumeration/%u/%u/%" PRId64, t->user,
		 t->login, t->bucket);
	f = finding(r, RULE_ENUMERATION, key, t->user, (int)t->login, NULL,
		    (uint64_t)t->bucket * NSEC_PER_SEC, &created);
	f->last_ns = (uint64_t)(t->bucket + 3599) * NSEC_PER_SEC;
	f->count = files;
	f->bytes = bytes;
	f->v[0] = (double)t->bucket;
	evidence_query(r, f, r->ev_first_files, ROLLUP_HOUR, t->bucket);
}

void enumeration_reason(struct rules *r, const struct finding_state *f,
			char *out, size_t len)
{
	const struct rules_config *rc = &r->cfg->rules;
	char a[64], t1[32];

	snprintf(out, len,
		 "read %" PRIu64 " distinct files, %s, in the hour from %s; the rule flags %u or more",
		 f->count, hbytes(f->bytes, a, sizeof(a)),
		 local_time((uint64_t)f->v[0] * NSEC_PER_SEC, t1, sizeof(t1)),
		 rc->enumeration_files);
}
