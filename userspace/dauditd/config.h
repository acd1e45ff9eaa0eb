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
#define CONFIG_DEFAULT_ANALYST_GROUP	"daudit"	/* analyst.h */
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

/* [sink NAME]: where records and findings are forwarded (sink.h). */
enum sink_type {
	SINK_FILE = 1,
	SINK_SYSLOG = 2,
};

enum sink_transport {
	SINK_UDP = 1,
	SINK_TCP = 2,
	SINK_TLS = 3,
};

#define SINK_NAME_MAX		32
#define SINK_TYPE_FINDING	16	/* bit of findings in types */
#define SINK_TYPES_ALL		((1U << 17) - 1)

struct sink_config {
	char name[SINK_NAME_MAX];	/* [A-Za-z0-9_.-]+ */
	int line;			/* of its [sink NAME] line */
	int type;			/* enum sink_type */
	int format;			/* enum fmt_kind */
	uint32_t types;			/* 1 << DAUDIT_REC_*, 1 << SINK_TYPE_FINDING */
	/* file */
	char *path;
	uint64_t max_size;		/* rotate above it; 0: never */
	unsigned int generations;	/* rotated files kept */
	/* syslog */
	int transport;			/* enum sink_transport */
	char *host;
	unsigned int port;
	char *ca_file;			/* NULL: the system's trust store */
	int verify;
	char *server_name;		/* NULL: host */
	char *cert_file, *key_file;	/* client certificate, or NULL */
	unsigned int facility;		/* 0..23 */
	char *app_name;
	char *spool_dir;		/* NULL: DIR-OF-DATABASE/sinks/NAME */
	uint64_t spool_max;
	unsigned int reconnect_min;	/* seconds */
	unsigned int reconnect_max;
};

struct config {
	char *file;			/* where it was read from */
	char *database;
	char *policy;			/* NULL: do not load a policy */
	char *store;			/* postgresql:// URL, or NULL (SQLite only) */
	char *store_password_file;	/* NULL: libpq's own (PGPASSFILE...) */
	char *store_host;		/* NULL: gethostname() */
	unsigned int store_review_interval;	/* seconds between fleet reviews */
	int policy_link_scan;		/* add the trees' hard-linked files */
	char *analyst_group;		/* may read the store; NULL: root only */
	int sensor;			/* enum config_sensor */
	unsigned int ebpf_ring_kb;	/* the eBPF sensor's ring buffer */
	unsigned int ebpf_flush_kb;	/* its interim records: bytes, 0 none */
	unsigned int ebpf_flush_age_sec;	/* and age, 0 none */
	unsigned int batch_ms;
	unsigned int batch_records;
	unsigned int rollup_flush_ms;	/* 0: with every commit */
	unsigned int journal_max_mb;	/* raw records waiting to be indexed */
	unsigned int retention_days;
	unsigned int retention_mb;
	unsigned int rollup_retention_days;
	unsigned int evidence_max;
	struct rules_config rules;
	struct hours_config hours;
	struct allowlist *allow;
	unsigned int n_allow;
	struct sink_config *sinks;
	unsigned int n_sinks;
};

/*
 * Which sensor records the reads: daudit.ko through /dev/daudit, or the
 * eBPF programs (docs/ebpf.md).  auto: the module when /dev/daudit
 * exists, else eBPF.
 */
enum config_sensor {
	SENSOR_AUTO = 0,
	SENSOR_MODULE = 1,
	SENSOR_EBPF = 2,
};

/* "auto", "module" or "ebpf" into *@out; -1 for anything else. */
int config_sensor_value(const char *v, int *out);
const char *config_sensor_name(int sensor);

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

/* Do two sinks have the same settings? */
int config_sink_equal(const struct sink_config *a, const struct sink_config *b);
/* Free the strings of one sink's settings. */
void config_sink_free(struct sink_config *s);
/* A deep copy. */
void config_sink_copy(struct sink_config *dst, const struct sink_config *src);
/* The spool directory of a sink under @database (malloc'd). */
char *config_spool_dir(const struct sink_config *s, const char *database);

/* Is @minute (after local midnight) of weekday @wday working time? */
int config_working_time(const struct hours_config *h, int minute, int wday);

#endif
