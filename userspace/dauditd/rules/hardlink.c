// SPDX-License-Identifier: GPL-2.0
/*
 * hardlink (per record; one finding each): every alert of kind hardlink
 * or rename: a protected file was hard-linked, or a protected file or a
 * directory of a tree moved out of it (it may then be read under an
 * unprotected name).  Evidence: the alert.
 */
#include <stdio.h>

#include "rule.h"

void hardlink(struct rules *r, const struct event *e)
{
	struct finding_state *f = alert_finding(r, RULE_HARDLINK, e);

	snprintf(f->detail, sizeof(f->detail), "%s %s %s",
		 e->path ? e->path : "?",
		 e->kind == DAUDIT_ALERT_RENAME ? "moved to" : "linked as",
		 e->dest ? e->dest : "?");
}

void hardlink_reason(struct rules *r, const struct finding_state *f,
		     char *out, size_t len)
{
	(void)r;
	snprintf(out, len, "protected file of %s under an unprotected name: %s",
		 f->dataset, f->detail);
}
