// SPDX-License-Identifier: GPL-2.0
/*
 * unapproved_reader (per read; one finding per user, dataset, executable
 * and day): a read of a dataset that has an allowlist by an executable
 * that matches none of its entries; an unknown executable (process
 * record lost) matches none.  Datasets without an allowlist are not
 * judged.  Evidence: those reads.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rule.h"

void unapproved_reader(struct rules *r, const struct event *e)
{
	const struct allowlist *a = config_allowlist(r->cfg, e->dataset);
	struct finding_state *f;
	char key[DAUDIT_PATH_MAX + 128], exe[64];
	const char *name;
	int created;

	if (!a || config_allowed(a, e->exe))
		return;
	name = rollup_exe_name(e, exe, sizeof(exe));
	snprintf(key, sizeof(key), "unapproved_reader/%u/%d/%s/%" PRId64 "/%s",
		 e->user, e->login, e->dataset, day_of(r, e->time_ns), name);
	f = finding(r, RULE_UNAPPROVED_READER, key, e->user, e->login,
		    e->dataset, e->time_ns, &created);
	if (created || !f->detail[0])
		snprintf(f->detail, sizeof(f->detail), "%s", e->exe ? e->exe :
			 "an unknown executable (its process record was lost)");
	f->bytes += event_read_bytes(e);
	f->count++;
	evidence(r, f, e->id);
}

void unapproved_reader_reason(struct rules *r, const struct finding_state *f,
			      char *out, size_t len)
{
	char a[64];

	(void)r;
	snprintf(out, len,
		 "%s read %s of %s in %" PRIu64 " record%s; it is not on the dataset's allowlist",
		 f->detail, hbytes(f->bytes, a, sizeof(a)), f->dataset,
		 f->count, f->count == 1 ? "" : "s");
}
