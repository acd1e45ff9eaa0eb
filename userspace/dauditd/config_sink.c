// SPDX-License-Identifier: GPL-2.0
/*
 * [sink NAME] sections of dauditd.conf: every key of a sink, the settings
 * that only make sense together, and the sink configuration the sinks
 * (sink.c) copy and compare across a reload.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "daudit.h"
#include "fmt.h"
#include "record.h"
#include "timeparse.h"

enum { FOR_ANY, FOR_FILE, FOR_SYSLOG, FOR_TLS };

static const struct {
	const char *name;
	int scope;
} sink_keys[SK_MAX] = {
	[SK_TYPE] = { "type", FOR_ANY },
	[SK_FORMAT] = { "format", FOR_ANY },
	[SK_TYPES] = { "types", FOR_ANY },
	[SK_PATH] = { "path", FOR_FILE },
	[SK_MAX_SIZE] = { "max_size", FOR_FILE },
	[SK_GENERATIONS] = { "generations", FOR_FILE },
	[SK_TRANSPORT] = { "transport", FOR_SYSLOG },
	[SK_HOST] = { "host", FOR_SYSLOG },
	[SK_PORT] = { "port", FOR_SYSLOG },
	[SK_CA_FILE] = { "ca_file", FOR_TLS },
	[SK_VERIFY] = { "verify", FOR_TLS },
	[SK_SERVER_NAME] = { "server_name", FOR_TLS },
	[SK_CERT_FILE] = { "cert_file", FOR_TLS },
	[SK_KEY_FILE] = { "key_file", FOR_TLS },
	[SK_FACILITY] = { "facility", FOR_SYSLOG },
	[SK_APP_NAME] = { "app_name", FOR_SYSLOG },
	[SK_SPOOL_DIR] = { "spool_dir", FOR_SYSLOG },
	[SK_SPOOL_MAX] = { "spool_max", FOR_SYSLOG },
	[SK_RECONNECT_MIN] = { "reconnect_min", FOR_SYSLOG },
	[SK_RECONNECT_MAX] = { "reconnect_max", FOR_SYSLOG },
};

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7",
};

/* ------------------------------------------------------------------ */
/* [sink NAME]                                                         */
/* ------------------------------------------------------------------ */

void config_sink_free(struct sink_config *s)
{
	free(s->path);
	free(s->host);
	free(s->ca_file);
	free(s->server_name);
	free(s->cert_file);
	free(s->key_file);
	free(s->app_name);
	free(s->spool_dir);
	memset(s, 0, sizeof(*s));
}

static char *dup_or_null(const char *s)
{
	return s ? util_xstrdup(s) : NULL;
}

void config_sink_copy(struct sink_config *dst, const struct sink_config *src)
{
	*dst = *src;
	dst->path = dup_or_null(src->path);
	dst->host = dup_or_null(src->host);
	dst->ca_file = dup_or_null(src->ca_file);
	dst->server_name = dup_or_null(src->server_name);
	dst->cert_file = dup_or_null(src->cert_file);
	dst->key_file = dup_or_null(src->key_file);
	dst->app_name = dup_or_null(src->app_name);
	dst->spool_dir = dup_or_null(src->spool_dir);
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int config_sink_equal(const struct sink_config *a, const struct sink_config *b)
{
	return !strcmp(a->name, b->name) && a->type == b->type &&
	       a->format == b->format && a->types == b->types &&
	       str_eq(a->path, b->path) && a->max_size == b->max_size &&
	       a->generations == b->generations &&
	       a->transport == b->transport && str_eq(a->host, b->host) &&
	       a->port == b->port && str_eq(a->ca_file, b->ca_file) &&
	       a->verify == b->verify &&
	       str_eq(a->server_name, b->server_name) &&
	       str_eq(a->cert_file, b->cert_file) &&
	       str_eq(a->key_file, b->key_file) &&
	       a->facility == b->facility && str_eq(a->app_name, b->app_name) &&
	       str_eq(a->spool_dir, b->spool_dir) &&
	       a->spool_max == b->spool_max &&
	       a->reconnect_min == b->reconnect_min &&
	       a->reconnect_max == b->reconnect_max;
}

char *config_spool_dir(const struct sink_config *s, const char *database)
{
	const char *slash = strrchr(database, '/');
	size_t n;
	char *d;

	if (s->spool_dir)
		return util_xstrdup(s->spool_dir);
	n = (slash ? (size_t)(slash - database) : 1) + strlen(s->name) + 16;
	d = util_xmalloc(n);
	snprintf(d, n, "%.*s/sinks/%s",
		 slash ? (int)(slash - database) : 1,
		 slash ? database : ".", s->name);
	return d;
}

static int valid_name(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n >= SINK_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

static struct sink_config *sink_get(struct parse *p, const char *name)
{
	struct config *c = p->c;
	struct sink_config *s;
	unsigned int i;

	for (i = 0; i < c->n_sinks; i++)
		if (!strcmp(c->sinks[i].name, name))
			return &c->sinks[i];
	c->sinks = util_xrealloc(c->sinks, (c->n_sinks + 1) * sizeof(*c->sinks));
	p->sink_line = util_xrealloc(p->sink_line, (c->n_sinks + 1) *
				     sizeof(*p->sink_line));
	memset(p->sink_line[c->n_sinks], 0, sizeof(p->sink_line[0]));
	s = &c->sinks[c->n_sinks++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = p->line;
	for (i = 0; i < p->n_seen_sinks; i++)
		if (!strcmp(p->seen_sinks[i].name, name)) {
			s->line = p->seen_sinks[i].line;
			break;
		}
	s->format = FMT_ECS;
	s->types = SINK_TYPES_ALL;
	s->max_size = 100ULL << 20;
	s->generations = 5;
	s->transport = SINK_TLS;
	s->verify = 1;
	s->facility = 10;	/* authpriv */
	s->app_name = util_xstrdup("daudit");
	s->spool_max = 1ULL << 30;
	s->reconnect_min = 1;
	s->reconnect_max = 60;
	return s;
}

/* The record type or "finding" named @item, as a bit of types. */
static int add_type(struct parse *p, const char *item, void *arg)
{
	uint32_t *mask = arg;
	unsigned int t;

	if (!*item)
		return 0;
	if (!strcmp(item, "all")) {
		*mask = SINK_TYPES_ALL;
		return 0;
	}
	if (!strcmp(item, "finding")) {
		*mask |= 1U << SINK_TYPE_FINDING;
		return 0;
	}
	for (t = 1; t < DAUDIT_REC_TYPE_MAX; t++)
		if (!strcmp(rec_type_name(t), item)) {
			*mask |= 1U << t;
			return 0;
		}
	fail(p, item, "types: unknown type (all, or some of file_read, socket_read, egress, alert, finding, process, policy, module, lost)");
	return -1;
}

static int set_str_value(char **dst, const char *v)
{
	free(*dst);
	*dst = util_xstrdup(v);
	return 1;
}

int set_sink(struct parse *p, const char *sname, const char *name,
	     const char *v)
{
	struct sink_config *s;
	uint64_t n;
	int64_t secs;
	int k, i;
	char section[64];

	if (!valid_name(sname))
		return fail(p, sname, "sink names are 1 to 31 of A-Z a-z 0-9 _ . -");
	snprintf(section, sizeof(section), "sink %s", sname);
	if (duplicate(p, section, name))
		return fail(p, name, "duplicate key in [%s]", section);
	for (k = 0; k < SK_MAX; k++)
		if (!strcmp(sink_keys[k].name, name))
			break;
	if (k == SK_MAX)
		return fail(p, name, "unknown key in [%s]", section);
	s = sink_get(p, sname);
	p->sink_line[s - p->c->sinks][k] = p->line;
	switch (k) {
	case SK_TYPE:
		if (!strcmp(v, "file"))
			s->type = SINK_FILE;
		else if (!strcmp(v, "syslog"))
			s->type = SINK_SYSLOG;
		else
			return fail(p, v, "type must be file or syslog");
		return 1;
	case SK_FORMAT:
		s->format = fmt_by_name(v);
		if (s->format < 0)
			return fail(p, v, "format must be ecs, cef, leef or ocsf");
		return 1;
	case SK_TYPES:
		s->types = 0;
		if (each_item(p, v, add_type, &s->types) < 0)
			return 0;
		if (!s->types)
			return fail(p, v, "types must name at least one type (or all)");
		return 1;
	case SK_PATH:
	case SK_CA_FILE:
	case SK_CERT_FILE:
	case SK_KEY_FILE:
	case SK_SPOOL_DIR:
		if (v[0] != '/')
			return fail(p, v, "%s must be an absolute path", name);
		return set_str_value(k == SK_PATH ? &s->path :
				     k == SK_CA_FILE ? &s->ca_file :
				     k == SK_CERT_FILE ? &s->cert_file :
				     k == SK_KEY_FILE ? &s->key_file :
				     &s->spool_dir, v);
	case SK_MAX_SIZE:
		if (tp_size(v, &n) < 0 || (n && n < 4096))
			return fail(p, v, "max_size must be 0 (never rotate) or a size of at least 4K, optionally with K, M or G");
		s->max_size = n;
		return 1;
	case SK_GENERATIONS:
		if (config_parse_uint(v, 1, 1000, &n) < 0)
			return fail(p, v, "generations must be a whole number from 1 to 1000");
		s->generations = (unsigned int)n;
		return 1;
	case SK_TRANSPORT:
		if (!strcmp(v, "udp"))
			s->transport = SINK_UDP;
		else if (!strcmp(v, "tcp"))
			s->transport = SINK_TCP;
		else if (!strcmp(v, "tls"))
			s->transport = SINK_TLS;
		else
			return fail(p, v, "transport must be udp, tcp or tls");
		return 1;
	case SK_HOST:
	case SK_SERVER_NAME:
		if (!*v || strlen(v) > 253 || strpbrk(v, " \t/"))
			return fail(p, v, "%s must be a host name or an IP address", name);
		return set_str_value(k == SK_HOST ? &s->host : &s->server_name, v);
	case SK_PORT:
		if (config_parse_uint(v, 1, 65535, &n) < 0)
			return fail(p, v, "port must be a whole number from 1 to 65535");
		s->port = (unsigned int)n;
		return 1;
	case SK_VERIFY:
		if (parse_bool(v, &s->verify) < 0)
			return fail(p, v, "verify must be yes or no");
		return 1;
	case SK_FACILITY:
		for (i = 0; i < 24; i++)
			if (!strcmp(facilities[i], v))
				break;
		if (i == 24 && config_parse_uint(v, 0, 23, &n) == 0)
			i = (int)n;
		if (i == 24)
			return fail(p, v, "facility must be a syslog facility name (auth, authpriv, local0 ... local7, ...) or 0 to 23");
		s->facility = (unsigned int)i;
		return 1;
	case SK_APP_NAME:
		for (i = 0; v[i]; i++)
			if (v[i] < 33 || v[i] > 126)
				break;
		if (!*v || v[i] || i > 48)
			return fail(p, v, "app_name must be 1 to 48 printable ASCII characters without spaces");
		return set_str_value(&s->app_name, v);
	case SK_SPOOL_MAX:
		if (tp_size(v, &n) < 0 || n < (64ULL << 10) || n > (1ULL << 50))
			return fail(p, v, "spool_max must be a size from 64K up, optionally with K, M or G");
		s->spool_max = n;
		return 1;
	case SK_RECONNECT_MIN:
	case SK_RECONNECT_MAX:
		if (tp_duration(v, &secs) < 0 || secs < 1 || secs > 86400)
			return fail(p, v, "%s must be a duration from 1s to 1d (1s, 30s, 5m)", name);
		if (k == SK_RECONNECT_MIN)
			s->reconnect_min = (unsigned int)secs;
		else
			s->reconnect_max = (unsigned int)secs;
		return 1;
	}
	return fail(p, name, "internal error");
}

/* A sink's settings that only make sense together. */
static int check_sink(struct parse *p, unsigned int idx)
{
	struct sink_config *s = &p->c->sinks[idx];
	const int *line = p->sink_line[idx];
	unsigned int i;
	int k;

	p->line = s->line;
	if (!s->type)
		return fail(p, s->name, "sink has no type (type = file or syslog)");
	for (k = 0; k < SK_MAX; k++) {
		int scope = sink_keys[k].scope;

		if (!line[k])
			continue;
		p->line = line[k];
		if (scope == FOR_FILE && s->type != SINK_FILE)
			return fail(p, sink_keys[k].name, "this key applies to file sinks only");
		if ((scope == FOR_SYSLOG || scope == FOR_TLS) &&
		    s->type != SINK_SYSLOG)
			return fail(p, sink_keys[k].name, "this key applies to syslog sinks only");
		if (scope == FOR_TLS && s->transport != SINK_TLS)
			return fail(p, sink_keys[k].name, "this key needs transport = tls");
	}
	p->line = s->line;
	if (s->type == SINK_FILE && !s->path)
		return fail(p, s->name, "a file sink needs path");
	if (s->type == SINK_SYSLOG && !s->host)
		return fail(p, s->name, "a syslog sink needs host");
	if (!s->cert_file != !s->key_file) {
		p->line = line[s->cert_file ? SK_CERT_FILE : SK_KEY_FILE];
		return fail(p, s->cert_file ? "cert_file" : "key_file",
			    "cert_file and key_file go together");
	}
	if (s->reconnect_min > s->reconnect_max) {
		char tok[24];

		p->line = line[SK_RECONNECT_MIN] > line[SK_RECONNECT_MAX] ?
			  line[SK_RECONNECT_MIN] : line[SK_RECONNECT_MAX];
		snprintf(tok, sizeof(tok), "%us", s->reconnect_min);
		return fail(p, tok, "reconnect_min must not exceed reconnect_max (%us)",
			    s->reconnect_max);
	}
	if (s->type == SINK_SYSLOG && !s->port)
		s->port = s->transport == SINK_TLS ? 6514 : 514;
	for (i = 0; i < idx; i++) {
		const struct sink_config *o = &p->c->sinks[i];

		if (s->path && o->path && !strcmp(s->path, o->path)) {
			p->line = line[SK_PATH];
			return fail(p, s->path, "sink %s writes to the same file", o->name);
		}
		if (s->spool_dir && o->spool_dir &&
		    !strcmp(s->spool_dir, o->spool_dir)) {
			p->line = line[SK_SPOOL_DIR];
			return fail(p, s->spool_dir, "sink %s spools to the same directory",
				    o->name);
		}
	}
	return 1;
}

int config_check_sinks(struct parse *p)
{
	unsigned int i;

	/* A [sink NAME] line without keys. */
	for (i = 0; i < p->n_seen_sinks; i++) {
		struct sink_seen *ss = &p->seen_sinks[i];

		if (!valid_name(ss->name)) {
			p->line = ss->line;
			fail(p, ss->name, "sink names are 1 to 31 of A-Z a-z 0-9 _ . -");
			return -1;
		}
		sink_get(p, ss->name);
	}
	for (i = 0; i < p->c->n_sinks; i++)
		if (!check_sink(p, i))
			return -1;
	return 0;
}
