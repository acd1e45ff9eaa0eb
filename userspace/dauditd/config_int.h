/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the dauditd.conf parser: the state of one parse, shared by the
 * reading and the plain sections (config.c) and the [sink NAME] sections
 * (config_sink.c).  config.h is the interface.
 */
#ifndef DAUDITD_CONFIG_INT_H
#define DAUDITD_CONFIG_INT_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "util.h"

/* The keys of the plain sections: the entries of keys[] (config.c). */
#define NKEYS 34

/* Keys of a [sink NAME] section and the sinks they apply to. */
enum sink_key {
	SK_TYPE, SK_FORMAT, SK_TYPES, SK_PATH, SK_MAX_SIZE, SK_GENERATIONS,
	SK_TRANSPORT, SK_HOST, SK_PORT, SK_CA_FILE, SK_VERIFY, SK_SERVER_NAME,
	SK_CERT_FILE, SK_KEY_FILE, SK_FACILITY, SK_APP_NAME, SK_SPOOL_DIR,
	SK_SPOOL_MAX, SK_RECONNECT_MIN, SK_RECONNECT_MAX, SK_MAX,
};

struct sink_seen {
	char name[64];
	int line;
};

/* State of one parse. */
struct parse {
	struct config *c;
	FILE *f;
	const char *name;
	int line;
	int at_line_start;
	char text[256];			/* start of the current line */
	char *err;
	size_t errlen;
	int failed;
	char **seen;			/* "section\nkey", for duplicates */
	unsigned int nseen;
	int line_of[NKEYS];		/* line each key was set on */
	int weight_line;
	int allow_line;
	int (*sink_line)[SK_MAX];	/* per sink: line each key was set on */
	struct sink_seen *seen_sinks;	/* [sink NAME] lines, keys or not */
	unsigned int n_seen_sinks;
};

int fail(struct parse *p, const char *token, const char *fmt, ...)
	UTIL_PRINTF(3, 4);
int config_parse_uint(const char *v, double min, double max, uint64_t *out);
int parse_bool(const char *v, int *out);
int each_item(struct parse *p, const char *v,
	      int (*fn)(struct parse *p, const char *item, void *arg),
	      void *arg);
int duplicate(struct parse *p, const char *section, const char *name);

/* [sink NAME] (config_sink.c). */
int set_sink(struct parse *p, const char *sname, const char *name,
	     const char *v);
int config_check_sinks(struct parse *p);

#endif
