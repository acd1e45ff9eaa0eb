// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ruleinfo.h"

/*
 * Default weights rank what most often means data is being taken: data
 * that left the machine after a large read, or a copy made behind the
 * protection, above unusual volume and tooling, above merely unusual
 * timing or novelty.
 */
const struct rule_info rule_info[RULE_MAX] = {
	[RULE_VOLUME_SPIKE] = { "volume_spike", 40,
		"the user read far more in a day than their own recent days",
		"the application read far more for the actor in a day than on the actor's own recent days" },
	[RULE_FIRST_ACCESS] = { "first_access", 5,
		"the user read a dataset they had not read for a long time (or ever)",
		"the application read for the actor a dataset it had not read for them for a long time (or ever)" },
	[RULE_OFF_HOURS] = { "off_hours", 10,
		"the user read protected data outside working hours",
		"the application read protected data for the actor outside working hours" },
	[RULE_ENUMERATION] = { "enumeration", 30,
		"the user read a very large number of distinct files within one hour",
		"the application read a very large number of distinct files for the actor within one hour" },
	[RULE_UNAPPROVED_READER] = { "unapproved_reader", 30,
		"a program not on the dataset's allowlist read it (e.g. sqlite3, python, scp)" },
	[RULE_READ_THEN_EGRESS] = { "read_then_egress", 50,
		"a large read was followed shortly by data leaving the machine in the same login session",
		"the application read a lot for the actor, then shortly sent it out for the same actor: to the client it declared for them (the data left the server for that person) or elsewhere" },
	[RULE_HARDLINK] = { "hardlink", 50,
		"a protected file was hard-linked or moved out of its tree, which can expose it under an unprotected name" },
	[RULE_TAMPER] = { "tamper", 60,
		"root changed who reads are attributed to (a login uid rewritten) or what is seen (kprobes disarmed, a loop device over protected data)" },
};

const char *rule_summary(int rule, int login)
{
	if (rule < 0 || rule >= RULE_MAX)
		return "";
	if (login == 2 && rule_info[rule].actor_summary)	/* DB_LOGIN_ACTOR */
		return rule_info[rule].actor_summary;
	return rule_info[rule].summary;
}

int rule_by_name(const char *name)
{
	int i;

	for (i = 0; i < RULE_MAX; i++)
		if (!strcmp(rule_info[i].name, name))
			return i;
	return -1;
}
