/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dauditd.conf: an INI file (parsed by Debian's libinih), every key
 * validated.  dist/dauditd.conf documents each key and its default;
 * docs/collector.md has the same table.
 */
#ifndef DAUDITD_CONFIG_H
#define DAUDITD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ruleinfo.h"

#define CONFIG_DEFAULT_PATH	"/etc/daudit/dauditd.conf"
#define CONFIG_DEFAULT_DB	"/var/lib/daudit/daudit.db"
#define CONFIG_DEFAULT_POLICY	"/etc/daudit/policy.conf"

struct allowlist {
	char dataset[32];
	char **exes;			/* absolute paths or fnmatch(3) patterns */
	unsigned int n;
};

struct rules_config {
	unsigned int spike_days;
	unsigned int spike_min_active_days;
	double spike_stddevs;
	double spike_p95_factor;
	unsigned int first_access_days;
	unsigned int enumeration_files;
	uint64_t egress_read_bytes;
	unsigned int egress_window;	/* seconds */
	int egress_loopback;
	int off_hours_nologin;
	unsigned int disabled;		/* 1 << enum rule_id */
	unsigned int weight[RULE_MAX];
};

struct hours_config {
	unsigned int start;		/* minutes after local midnight */
	unsigned int end;		/* 1440 = midnight; end < start: overnight */
	unsigned int days;		/* 1 << tm_wday */
};

struct config {
	char *file;			/* where it was read from */
	char *database;
	char *policy;			/* NULL: do not load a policy */
	unsigned int batch_ms;
	unsigned int batch_records;
	unsigned int retention_days;
	unsigned int retention_mb;
	unsigned int rollup_retention_days;
	unsigned int evidence_max;
	struct rules_config rules;
	struct hours_config hours;
	struct allowlist *allow;
	unsigned int n_allow;
};

/* Every default, as documented. */
void config_defaults(struct config *c);
void config_free(struct config *c);

/*
 * Read @path into @c (defaults first).  Returns 0, or -1 with
 * "FILE:LINE: message: 'token'" in @err and @c left as defaults; a file
 * that does not exist is an error unless @missing_ok.
 */
int config_load(struct config *c, const char *path, int missing_ok,
		char *err, size_t errlen);
/* The same from an open stream named @name (tests use fmemopen). */
int config_parse(struct config *c, FILE *f, const char *name, char *err,
		 size_t errlen);

/* The allowlist of a dataset, or NULL when it has none. */
const struct allowlist *config_allowlist(const struct config *c,
					 const char *dataset);
int config_allowed(const struct allowlist *a, const char *exe);

/* Is @minute (after local midnight) of weekday @wday working time? */
int config_working_time(const struct hours_config *h, int minute, int wday);

#endif
