// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd.conf.  libinih splits the file into (section, key, value); this
 * file (with config_sink.c for the [sink NAME] sections) knows every key
 * and refuses anything else with the line and the offending token.
 * Debian builds libinih without line numbers in the handler, so the
 * reader below counts lines itself (and keeps the line, to quote it when
 * the syntax is wrong).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "baseline.h"
#include "config_int.h"
#include "pgconn.h"
#include "timeparse.h"

enum vtype {
	V_UINT,
	V_SIZE,
	V_DURATION,
	V_DOUBLE,
	V_BOOL,
	V_PATH,
	V_PATH_OR_EMPTY,
	V_HHMM,
	V_DAYS,
	V_RULES,
	V_STORE,
	V_HOSTNAME,
	V_GROUP,
	V_SENSOR,
};

struct key_def {
	const char *section;
	const char *name;
	enum vtype type;
	size_t off;
	double min, max;
};

#define C(f) offsetof(struct config, f)
#define R(f) (offsetof(struct config, rules) + offsetof(struct rules_config, f))
#define H(f) (offsetof(struct config, hours) + offsetof(struct hours_config, f))

static const struct key_def keys[] = {
	{ "collector", "database", V_PATH, C(database), 0, 0 },
	{ "collector", "policy", V_PATH_OR_EMPTY, C(policy), 0, 0 },
	{ "collector", "store", V_STORE, C(store), 0, 0 },
	{ "collector", "store_password_file", V_PATH_OR_EMPTY,
	  C(store_password_file), 0, 0 },
	{ "collector", "store_host", V_HOSTNAME, C(store_host), 0, 0 },
	{ "collector", "store_review_interval", V_DURATION,
	  C(store_review_interval), 1, 86400 },
	{ "collector", "policy_link_scan", V_BOOL, C(policy_link_scan), 0, 1 },
	{ "collector", "analyst_group", V_GROUP, C(analyst_group), 0, 0 },
	{ "collector", "sensor", V_SENSOR, C(sensor), 0, 0 },
	{ "collector", "ebpf_ring_kb", V_UINT, C(ebpf_ring_kb), 4, 1048576 },
	{ "collector", "ebpf_flush_kb", V_UINT, C(ebpf_flush_kb), 0, 16777216 },
	{ "collector", "ebpf_flush_age_sec", V_UINT, C(ebpf_flush_age_sec), 0, 86400 },
	{ "collector", "batch_ms", V_UINT, C(batch_ms), 1, 10000 },
	{ "collector", "batch_records", V_UINT, C(batch_records), 1, 1000000 },
	{ "collector", "rollup_flush_ms", V_UINT, C(rollup_flush_ms), 0, 60000 },
	{ "collector", "journal_max_mb", V_UINT, C(journal_max_mb), 1, 16777216 },
	{ "collector", "retention_days", V_UINT, C(retention_days), 1, 3650 },
	{ "collector", "retention_mb", V_UINT, C(retention_mb), 1, 16777216 },
	{ "collector", "rollup_retention_days", V_UINT,
	  C(rollup_retention_days), 1, 36500 },
	{ "collector", "evidence_max", V_UINT, C(evidence_max), 1, 100000 },
	{ "rules", "spike_days", V_UINT, R(spike_days), 2, 365 },
	{ "rules", "spike_min_active_days", V_UINT, R(spike_min_active_days),
	  1, 365 },
	{ "rules", "spike_stddevs", V_DOUBLE, R(spike_stddevs), 0, 1000 },
	{ "rules", "spike_p95_factor", V_DOUBLE, R(spike_p95_factor), 0, 1000 },
	{ "rules", "first_access_days", V_UINT, R(first_access_days), 1, 3650 },
	{ "rules", "enumeration_files", V_UINT, R(enumeration_files), 1,
	  100000000 },
	{ "rules", "egress_read_bytes", V_SIZE, R(egress_read_bytes), 1,
	  1e15 },
	{ "rules", "egress_window", V_DURATION, R(egress_window), 1, 86400 },
	{ "rules", "egress_loopback", V_BOOL, R(egress_loopback), 0, 1 },
	{ "rules", "off_hours_nologin", V_BOOL, R(off_hours_nologin), 0, 1 },
	{ "rules", "disabled", V_RULES, R(disabled), 0, 0 },
	{ "hours", "start", V_HHMM, H(start), 0, 1439 },
	{ "hours", "end", V_HHMM, H(end), 1, 1440 },
	{ "hours", "days", V_DAYS, H(days), 0, 0 },
};

_Static_assert(sizeof(keys) / sizeof(keys[0]) == NKEYS,
	       "NKEYS (config_int.h) counts keys[]");

int fail(struct parse *p, const char *token, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s: '%s'", p->name, p->line, msg,
		 token);
	p->failed = 1;
	return 0;
}

/*
 * fgets for libinih that counts lines; a long line arrives in pieces.
 * It reads byte by byte to see a NUL byte, which fgets hides (libinih
 * would take the rest of the line for a new one and the numbers would
 * shift), and it turns a read error (a directory, EIO) into an error
 * instead of an early end of file.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = str;
	size_t n = 0;
	int ch = 0;

	if (p->failed)
		return NULL;
	while (n + 1 < (size_t)num && ch != '\n' && (ch = getc(p->f)) != EOF)
		str[n++] = (char)ch;
	str[n] = '\0';
	if (ferror(p->f)) {
		snprintf(p->err, p->errlen, "%s: cannot read: %s", p->name,
			 strerror(errno));
		p->failed = 1;
		return NULL;
	}
	if (!n)
		return NULL;
	if (memchr(str, '\0', n)) {
		snprintf(p->err, p->errlen,
			 "%s:%d: the line has a NUL byte (a configuration file is text)",
			 p->name, p->line + p->at_line_start);
		p->failed = 1;
		return NULL;
	}
	if (p->at_line_start) {
		const char *t = r, *e;

		p->line++;
		snprintf(p->text, sizeof(p->text), "%s", r);
		/* A [sink NAME] with no key must still be checked. */
		while (isspace((unsigned char)*t))
			t++;
		e = strchr(t, ']');
		if (!strncmp(t, "[sink ", 6) && e && e - t - 6 < 64) {
			struct sink_seen *ss;

			p->seen_sinks = util_xrealloc(p->seen_sinks,
				(p->n_seen_sinks + 1) * sizeof(*p->seen_sinks));
			ss = &p->seen_sinks[p->n_seen_sinks++];
			snprintf(ss->name, sizeof(ss->name), "%.*s",
				 (int)(e - t - 6), t + 6);
			ss->line = p->line;
		}
	}
	n = strlen(r);
	p->at_line_start = n > 0 && r[n - 1] == '\n';
	return r;
}

void config_defaults(struct config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->database = util_xstrdup(CONFIG_DEFAULT_DB);
	c->policy = util_xstrdup(CONFIG_DEFAULT_POLICY);
	c->policy_link_scan = 1;
	c->analyst_group = util_xstrdup(CONFIG_DEFAULT_ANALYST_GROUP);
	c->batch_ms = 100;
	c->sensor = SENSOR_AUTO;
	c->ebpf_ring_kb = 4096;
	c->ebpf_flush_kb = 65536;
	c->ebpf_flush_age_sec = 60;
	c->batch_records = 10000;
	c->rollup_flush_ms = 1000;
	c->store_review_interval = 60;
	c->journal_max_mb = 1024;
	c->retention_days = 30;
	c->retention_mb = 1024;
	c->rollup_retention_days = 400;
	c->evidence_max = 100;
	c->rules.spike_days = BASELINE_DAYS;
	c->rules.spike_min_active_days = BASELINE_MIN_ACTIVE;
	c->rules.spike_stddevs = BASELINE_STDDEVS;
	c->rules.spike_p95_factor = BASELINE_P95_FACTOR;
	c->rules.first_access_days = 30;
	c->rules.enumeration_files = 200;
	c->rules.egress_read_bytes = 10ULL << 20;
	c->rules.egress_window = 15 * 60;
	for (i = 0; i < RULE_MAX; i++)
		c->rules.weight[i] = rule_info[i].weight;
	c->hours.start = 8 * 60;
	c->hours.end = 18 * 60;
	c->hours.days = 0x3e;	/* Monday to Friday */
}

void config_free(struct config *c)
{
	unsigned int i, j;

	free(c->file);
	free(c->database);
	free(c->policy);
	free(c->store);
	free(c->store_password_file);
	free(c->store_host);
	free(c->analyst_group);
	for (i = 0; i < c->n_allow; i++) {
		for (j = 0; j < c->allow[i].n; j++)
			free(c->allow[i].exes[j]);
		free(c->allow[i].exes);
	}
	free(c->allow);
	for (i = 0; i < c->n_sinks; i++)
		config_sink_free(&c->sinks[i]);
	free(c->sinks);
	memset(c, 0, sizeof(*c));
}

int config_parse_uint(const char *v, double min, double max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || (double)n < min || (double)n > max)
		return -1;
	*out = n;
	return 0;
}

static const char *const sensor_names[] = {
	[SENSOR_AUTO] = "auto",
	[SENSOR_MODULE] = "module",
	[SENSOR_EBPF] = "ebpf",
};

int config_sensor_value(const char *v, int *out)
{
	unsigned int i;

	for (i = 0; i < sizeof(sensor_names) / sizeof(sensor_names[0]); i++)
		if (!strcmp(v, sensor_names[i])) {
			*out = (int)i;
			return 0;
		}
	return -1;
}

const char *config_sensor_name(int sensor)
{
	return sensor >= SENSOR_AUTO && sensor <= SENSOR_EBPF ?
	       sensor_names[sensor] : "unknown";
}

int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int parse_hhmm(const char *v, unsigned int *out)
{
	if (strlen(v) != 5 || !isdigit((unsigned char)v[0]) ||
	    !isdigit((unsigned char)v[1]) || v[2] != ':' ||
	    !isdigit((unsigned char)v[3]) || !isdigit((unsigned char)v[4]))
		return -1;
	*out = (unsigned int)((v[0] - '0') * 600 + (v[1] - '0') * 60 +
			      (v[3] - '0') * 10 + (v[4] - '0'));
	if ((v[3] - '0') > 5 || *out > 1440)
		return -1;
	return 0;
}

/* Split @v at commas into trimmed items; calls @fn on each. */
int each_item(struct parse *p, const char *v,
	      int (*fn)(struct parse *p, const char *item, void *arg),
	      void *arg)
{
	char *copy = util_xstrdup(v), *s = copy, *item;
	int ret = 0;

	for (item = strsep(&s, ","); item; item = strsep(&s, ",")) {
		char *e;

		while (isspace((unsigned char)*item))
			item++;
		e = item + strlen(item);
		while (e > item && isspace((unsigned char)e[-1]))
			*--e = '\0';
		ret = fn(p, item, arg);
		if (ret < 0)
			break;
	}
	free(copy);
	return ret;
}

static int day_index(const char *s)
{
	static const char *const names[] = { "sun", "mon", "tue", "wed", "thu",
					     "fri", "sat" };
	int i;

	for (i = 0; i < 7; i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

static int add_days(struct parse *p, const char *item, void *arg)
{
	unsigned int *mask = arg;
	char lo[8], hi[8];
	const char *dash = strchr(item, '-');
	int a, b;

	if (!dash) {
		a = day_index(item);
		b = a;
	} else {
		snprintf(lo, sizeof(lo), "%.*s", (int)(dash - item), item);
		snprintf(hi, sizeof(hi), "%s", dash + 1);
		a = day_index(lo);
		b = day_index(hi);
	}
	if (a < 0 || b < 0) {
		fail(p, item, "days must be names such as mon-fri or sat,sun");
		return -1;
	}
	/* A range may wrap round the week: fri-mon. */
	for (;;) {
		*mask |= 1U << a;
		if (a == b)
			break;
		a = (a + 1) % 7;
	}
	return 0;
}

static int add_rule(struct parse *p, const char *item, void *arg)
{
	unsigned int *mask = arg;
	int r;

	if (!*item)
		return 0;
	r = rule_by_name(item);
	if (r < 0) {
		fail(p, item, "disabled: unknown rule (one of volume_spike, first_access, off_hours, enumeration, unapproved_reader, read_then_egress, hardlink, tamper)");
		return -1;
	}
	*mask |= 1U << r;
	return 0;
}

static int set_value(struct parse *p, const struct key_def *k, const char *v)
{
	char *base = (char *)p->c + k->off;
	uint64_t n;
	double d;
	char *end;

	switch (k->type) {
	case V_UINT:
		if (config_parse_uint(v, k->min, k->max, &n) < 0)
			return fail(p, v, "%s must be a whole number from %.0f to %.0f",
				    k->name, k->min, k->max);
		*(unsigned int *)base = (unsigned int)n;
		return 1;
	case V_SIZE:
		if (tp_size(v, &n) < 0 || (double)n < k->min ||
		    (double)n > k->max)
			return fail(p, v, "%s must be a size in bytes, optionally with K, M or G",
				    k->name);
		*(uint64_t *)base = n;
		return 1;
	case V_DURATION: {
		int64_t secs;

		if (tp_duration(v, &secs) < 0 || secs < k->min ||
		    secs > k->max)
			return fail(p, v, "%s must be a duration from 1s to 1d (90s, 15m, 1h)",
				    k->name);
		*(unsigned int *)base = (unsigned int)secs;
		return 1;
	}
	case V_DOUBLE:
		errno = 0;
		d = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(d) || d < k->min ||
		    d > k->max)
			return fail(p, v, "%s must be a number from %g to %g",
				    k->name, k->min, k->max);
		memcpy(base, &d, sizeof(d));
		return 1;
	case V_BOOL:
		if (parse_bool(v, (int *)base) < 0)
			return fail(p, v, "%s must be yes or no", k->name);
		return 1;
	case V_PATH_OR_EMPTY:
		if (!*v) {
			free(*(char **)base);
			*(char **)base = NULL;
			return 1;
		}
		/* fall through */
	case V_PATH:
		if (v[0] != '/')
			return fail(p, v, "%s must be an absolute path", k->name);
		free(*(char **)base);
		*(char **)base = util_xstrdup(v);
		return 1;
	case V_STORE: {
		char why[256];

		free(*(char **)base);
		*(char **)base = NULL;
		if (!*v)
			return 1;
		if (pgconn_check_url(v, why, sizeof(why)) < 0)
			return fail(p, v, "store %s", why);
		*(char **)base = util_xstrdup(v);
		return 1;
	}
	case V_HOSTNAME:
		if (!*v || strlen(v) > 255 || strspn(v,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != strlen(v))
			return fail(p, v, "%s must be a host name (letters, digits, '.', '-', '_')",
				    k->name);
		free(*(char **)base);
		*(char **)base = util_xstrdup(v);
		return 1;
	case V_GROUP:
		/* A system group's name (useradd's rule); empty: none. */
		if (strlen(v) > 32 || (*v && (!strchr("abcdefghijklmnopqrstuvwxyz_", *v) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(v))))
			return fail(p, v, "%s must be a group name (a-z, 0-9, '_', '-'; not starting with a digit or '-') or empty",
				    k->name);
		free(*(char **)base);
		*(char **)base = *v ? util_xstrdup(v) : NULL;
		return 1;
	case V_SENSOR:
		if (config_sensor_value(v, (int *)base) < 0)
			return fail(p, v, "sensor must be auto, module or ebpf");
		return 1;
	case V_HHMM:
		if (parse_hhmm(v, (unsigned int *)base) < 0 ||
		    *(unsigned int *)base < k->min ||
		    *(unsigned int *)base > k->max)
			return fail(p, v, "%s must be a time of day HH:MM (%s)",
				    k->name, k->min ? "00:01 to 24:00" :
				    "00:00 to 23:59");
		return 1;
	case V_DAYS:
		*(unsigned int *)base = 0;
		if (!*v)
			return fail(p, v, "days must name at least one day");
		return each_item(p, v, add_days, base) < 0 ? 0 : 1;
	case V_RULES:
		*(unsigned int *)base = 0;
		return each_item(p, v, add_rule, base) < 0 ? 0 : 1;
	}
	return fail(p, v, "internal error");
}

static int valid_dataset(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

static int add_exe(struct parse *p, const char *item, void *arg)
{
	struct allowlist *a = arg;

	if (item[0] != '/') {
		fail(p, item[0] ? item : "",
		     "allowlist entries must be absolute executable paths or patterns");
		return -1;
	}
	a->exes = util_xrealloc(a->exes, (a->n + 1) * sizeof(*a->exes));
	a->exes[a->n++] = util_xstrdup(item);
	return 0;
}

static int set_allow(struct parse *p, const char *name, const char *v)
{
	struct config *c = p->c;
	struct allowlist *a;

	if (!valid_dataset(name))
		return fail(p, name, "dataset names are 1 to 31 of A-Z a-z 0-9 _ . -");
	c->allow = util_xrealloc(c->allow, (c->n_allow + 1) * sizeof(*c->allow));
	a = &c->allow[c->n_allow++];
	memset(a, 0, sizeof(*a));
	snprintf(a->dataset, sizeof(a->dataset), "%s", name);
	if (!*v)
		return fail(p, v, "allowlist of %s is empty (remove the line to allow every program)",
			    name);
	return each_item(p, v, add_exe, a) < 0 ? 0 : 1;
}

static int set_weight(struct parse *p, const char *name, const char *v)
{
	int r = rule_by_name(name + strlen("weight_"));
	uint64_t n;

	if (r < 0)
		return fail(p, name, "unknown key in [rules]");
	if (config_parse_uint(v, 0, 1000, &n) < 0)
		return fail(p, v, "%s must be a whole number from 0 to 1000", name);
	p->c->rules.weight[r] = (unsigned int)n;
	return 1;
}

int duplicate(struct parse *p, const char *section, const char *name)
{
	size_t n = strlen(section) + strlen(name) + 2;
	char *k = util_xmalloc(n);
	unsigned int i;

	snprintf(k, n, "%s\n%s", section, name);
	for (i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i], k)) {
			free(k);
			return 1;
		}
	p->seen = util_xrealloc(p->seen, (p->nseen + 1) * sizeof(*p->seen));
	p->seen[p->nseen++] = k;
	return 0;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	unsigned int i;

	if (!strncmp(section, "sink ", 5) && section[5])
		return set_sink(p, section + 5, name, value);
	if (!*section)
		return fail(p, name, "key outside of a section");
	if (strcmp(section, "collector") && strcmp(section, "rules") &&
	    strcmp(section, "hours") && strcmp(section, "allowlist"))
		return fail(p, section, "unknown section (known: collector, rules, hours, allowlist, sink NAME)");
	if (duplicate(p, section, name))
		return fail(p, name, "duplicate key in [%s]", section);
	if (!strcmp(section, "allowlist")) {
		p->allow_line = p->line;
		return set_allow(p, name, value);
	}
	if (!strcmp(section, "rules") && !strncmp(name, "weight_", 7)) {
		p->weight_line = p->line;
		return set_weight(p, name, value);
	}
	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, section) &&
		    !strcmp(keys[i].name, name)) {
			p->line_of[i] = p->line;
			return set_value(p, &keys[i], value);
		}
	return fail(p, name, "unknown key in [%s]", section);
}

static int line_of(const struct parse *p, const char *name)
{
	unsigned int i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name))
			return p->line_of[i];
	return 0;
}

/* Keys that only make sense together; the message names the later one. */
static int cross_check(struct parse *p)
{
	struct config *c = p->c;
	unsigned int need;
	char tok[32];

	if (c->rules.spike_min_active_days > c->rules.spike_days) {
		p->line = line_of(p, "spike_min_active_days");
		if (line_of(p, "spike_days") > p->line)
			p->line = line_of(p, "spike_days");
		snprintf(tok, sizeof(tok), "%u", c->rules.spike_min_active_days);
		fail(p, tok, "spike_min_active_days must not exceed spike_days (%u)",
		     c->rules.spike_days);
		return -1;
	}
	need = c->rules.first_access_days > c->rules.spike_days ?
	       c->rules.first_access_days : c->rules.spike_days;
	if (c->rollup_retention_days <= need) {
		p->line = line_of(p, "rollup_retention_days");
		if (line_of(p, "first_access_days") > p->line)
			p->line = line_of(p, "first_access_days");
		if (line_of(p, "spike_days") > p->line)
			p->line = line_of(p, "spike_days");
		snprintf(tok, sizeof(tok), "%u", c->rollup_retention_days);
		fail(p, tok, "rollup_retention_days must exceed first_access_days and spike_days (%u), the rules look back that far",
		     need);
		return -1;
	}
	if (c->hours.start == c->hours.end) {
		p->line = line_of(p, "end") > line_of(p, "start") ?
			  line_of(p, "end") : line_of(p, "start");
		snprintf(tok, sizeof(tok), "%02u:%02u", c->hours.end / 60,
			 c->hours.end % 60);
		fail(p, tok, "working hours start and end at the same time");
		return -1;
	}
	return 0;
}

int config_parse(struct config *c, FILE *f, const char *name, char *err,
		 size_t errlen)
{
	struct parse p;
	unsigned int i;
	int r;

	config_defaults(c);
	c->file = util_xstrdup(name);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.f = f;
	p.name = name;
	p.at_line_start = 1;
	p.err = err;
	p.errlen = errlen;

	/* Debian's libinih takes its options at run time. */
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 65536;
	ini_stop_on_first_error = true;
	ini_allow_multiline = false;
	ini_allow_no_value = false;
	r = ini_parse_stream(reader, &p, handler, &p);
	if (r > 0 && !p.failed) {
		char *t = p.text;
		size_t n;

		while (isspace((unsigned char)*t))
			t++;
		n = strlen(t);
		while (n && isspace((unsigned char)t[n - 1]))
			t[--n] = '\0';
		p.line = r;
		fail(&p, t, "expected 'key = value' or '[section]'");
	} else if (r < 0 && !p.failed) {
		snprintf(err, errlen, "%s: out of memory while parsing", name);
		p.failed = 1;
	}
	if (!p.failed && cross_check(&p) == 0)
		config_check_sinks(&p);
	for (i = 0; i < p.nseen; i++)
		free(p.seen[i]);
	free(p.seen);
	free(p.sink_line);
	free(p.seen_sinks);
	if (p.failed) {
		config_free(c);
		config_defaults(c);
		return -1;
	}
	return 0;
}

int config_load(struct config *c, const char *path, int missing_ok,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		if (errno == ENOENT && missing_ok) {
			config_defaults(c);
			c->file = util_xstrdup(path);
			return 0;
		}
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		config_defaults(c);
		return -1;
	}
	r = config_parse(c, f, path, err, errlen);
	fclose(f);
	return r;
}

const struct allowlist *config_allowlist(const struct config *c,
					 const char *dataset)
{
	unsigned int i;

	for (i = 0; i < c->n_allow; i++)
		if (!strcmp(c->allow[i].dataset, dataset))
			return &c->allow[i];
	return NULL;
}

int config_allowed(const struct allowlist *a, const char *exe)
{
	unsigned int i;

	if (!exe)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!fnmatch(a->exes[i], exe, FNM_PATHNAME))
			return 1;
	return 0;
}

int config_working_time(const struct hours_config *h, int minute, int wday)
{
	unsigned int m = (unsigned int)minute;

	if (!(h->days & (1U << wday)))
		return 0;
	if (h->start < h->end)
		return m >= h->start && m < h->end;
	/* An overnight shift: 22:00 to 06:00. */
	return m >= h->start || m < h->end;
}
