// SPDX-License-Identifier: GPL-2.0
/*
 * tamper (per record; one finding each): every alert of kind loginuid or
 * kprobes: root rewrote a login uid after it was set (reads then look
 * like another person's), or wrote to debugfs kprobes/enabled (0
 * disarms the probes behind mmap, AIO, reflink, link, rename and close
 * accounting); and every alert of kind actor: a process was refused an
 * actor area (not an application of the policy, traced, or code
 * injected), so it tried to attribute its reads to someone else; and
 * every alert of kind loop: root set up a loop device over a protected
 * file, whose reads through the device no process makes.
 * Evidence: the alert.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rule.h"

void tamper(struct rules *r, const struct event *e)
{
	struct finding_state *f = alert_finding(r, RULE_TAMPER, e);

	if (e->kind == DAUDIT_ALERT_LOGINUID)
		snprintf(f->detail, sizeof(f->detail),
			 "login uid %" PRIu64 " (session %" PRIu64 ") rewritten to %" PRIu32 " by uid %" PRIu32,
			 (uint64_t)e->ino, (uint64_t)e->dev, e->subj->auid,
			 e->subj->uid);
	else if (e->kind == DAUDIT_ALERT_ACTOR)
		snprintf(f->detail, sizeof(f->detail),
			 "%s (uid %" PRIu32 ") was refused the declaration of actors: %s",
			 e->path && *e->path ? e->path : "an unknown executable",
			 e->subj->uid, e->dest ? e->dest : "");
	else if (e->kind == DAUDIT_ALERT_LOOP)
		snprintf(f->detail, sizeof(f->detail),
			 "set up loop device %s over %s (uid %" PRIu32 ")",
			 e->dest && *e->dest ? e->dest : "(unknown)",
			 e->path && *e->path ? e->path : "a protected file",
			 e->subj->uid);
	else
		snprintf(f->detail, sizeof(f->detail),
			 "wrote '%s' to kprobes/enabled%s",
			 e->dest ? e->dest : "",
			 e->dest && e->dest[0] == '0' ? ": probes disarmed" : "");
}

void tamper_reason(struct rules *r, const struct finding_state *f,
		   char *out, size_t len)
{
	(void)r;
	snprintf(out, len, "the sensor or its attribution tampered with: %s",
		 f->detail);
}
