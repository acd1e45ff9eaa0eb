/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The review rules by name, shared by the collector (which evaluates them
 * and stores findings) and the CLI (which explains them in reports).
 * docs/collector.md defines each one exactly.
 */
#ifndef DAUDIT_RULEINFO_H
#define DAUDIT_RULEINFO_H

enum rule_id {
	RULE_VOLUME_SPIKE,
	RULE_FIRST_ACCESS,
	RULE_OFF_HOURS,
	RULE_ENUMERATION,
	RULE_UNAPPROVED_READER,
	RULE_READ_THEN_EGRESS,
	RULE_HARDLINK,
	RULE_TAMPER,
	RULE_MAX,
};

struct rule_info {
	const char *name;		/* as in findings.rule and the config */
	unsigned int weight;		/* default risk points per finding */
	const char *summary;		/* one sentence for a reader of the report */
	/*
	 * The same for a finding about a declared actor (the person an
	 * application worked for), or NULL when the summary says it.
	 */
	const char *actor_summary;
};

/* The summary of @rule for a finding of that login (DB_LOGIN_ACTOR or not). */
const char *rule_summary(int rule, int login);

extern const struct rule_info rule_info[RULE_MAX];

/* The rule of that name, or -1. */
int rule_by_name(const char *name);

#endif
