// SPDX-License-Identifier: GPL-2.0
/*
 * ECS "message": one line that says what a record is, for a SIEM's event
 * list, made from the fields the renderer already put in the object (so
 * it is escaped as they are, ecs.h).  Findings carry their own (the
 * reason daudit report prints).  docs/records.md has the forms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "ecs_build.h"

static const char *or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static const char *num(json_object *o, const char *path, char *buf,
		       size_t len)
{
	json_object *v = ecs_get(o, path);

	if (!v)
		return NULL;
	snprintf(buf, len, "%" PRIu64, (uint64_t)json_object_get_uint64(v));
	return buf;
}

/* Who did it: the declared actor, the login user, the user, or the uid. */
static const char *who(json_object *o, char *buf, size_t len)
{
	const char *s;

	if ((s = ecs_get_str(o, "daudit.actor.id"))) {
		snprintf(buf, len, "actor %s", s);
		return buf;
	}
	if ((s = ecs_get_str(o, "user.audit.name")) ||
	    (s = ecs_get_str(o, "user.name")))
		return s;
	if ((s = ecs_get_str(o, "user.id"))) {
		snprintf(buf, len, "uid %s", s);
		return buf;
	}
	return NULL;
}

/* Where data came from or went: a path, a socket, an address:port. */
static const char *where(json_object *o, const char *prefix, char *buf,
			 size_t len)
{
	char key[32], p[32];
	const char *a;

	snprintf(key, sizeof(key), "%s.address", prefix);
	a = ecs_get_str(o, key);
	if (!a)
		return NULL;
	snprintf(key, sizeof(key), "%s.port", prefix);
	if (!num(o, key, p, sizeof(p)))
		return a;
	snprintf(buf, len, strchr(a, ':') ? "[%s]:%s" : "%s:%s", a, p);
	return buf;
}

static void put_message(json_object *o, FILE *m)
{
	const char *ds = ecs_get_str(o, "event.dataset");
	const char *action = ecs_get_str(o, "event.action");
	const char *exe = ecs_get_str(o, "process.executable");
	const char *data = ecs_get_str(o, "daudit.dataset");
	const char *reason = ecs_get_str(o, "event.reason");
	const char *w, *place;
	char wb[300], pb[300], nb[32];
	int flow;

	w = who(o, wb, sizeof(wb));
	if (!ds)
		ds = "";
	flow = !strcmp(ds, "daudit.file_read") ||
	       !strcmp(ds, "daudit.socket_read") || !strcmp(ds, "daudit.egress");
	if (flow) {
		int out = !strcmp(ds, "daudit.egress");

		place = ecs_get_str(o, "file.path");
		if (!place)
			place = where(o, out ? "destination" : "server", pb, sizeof(pb));
		if (!place && !out)
			place = where(o, "source", pb, sizeof(pb));
		fprintf(m, "%s %s %s bytes", or(w, "someone"),
			out ? "sent" : "read",
			or(num(o, "daudit.bytes", nb, sizeof(nb)), "?"));
		if (data)
			fprintf(m, " of %s", data);
		if (place)
			fprintf(m, " %s %s", out ? "to" : "from", place);
	} else if (!strcmp(ds, "daudit.process")) {
		fprintf(m, "%s: %s", or(action, "process"), or(exe, "?"));
		exe = NULL;	/* it is the subject */
	} else if (!strcmp(ds, "daudit.alert")) {
		fprintf(m, "%s: %s", or(action, "alert"),
			or(ecs_get_str(o, "file.path"), "?"));
		if (reason)
			fprintf(m, " -> %s", reason);
	} else if (!strcmp(ds, "daudit.lost")) {
		fprintf(m, "the sensor lost %s records",
			or(num(o, "daudit.lost.count", nb, sizeof(nb)), "?"));
	} else if (!strcmp(ds, "daudit.sequence_gap")) {
		fprintf(m, "%s records missing from the sequence",
			or(num(o, "daudit.gap.missing", nb, sizeof(nb)), "?"));
	} else if (!strcmp(ds, "daudit.policy")) {
		fprintf(m, "%s: generation %s, %s", or(action, "policy"),
			or(num(o, "daudit.policy.generation", nb, sizeof(nb)), "?"),
			or(ecs_get_str(o, "event.outcome"), "?"));
		if (ecs_get_str(o, "error.message"))
			fprintf(m, " (%s)", ecs_get_str(o, "error.message"));
	} else {
		fputs(or(action, ds), m);
		if (ecs_get_str(o, "daudit.module.version"))
			fprintf(m, " %s", ecs_get_str(o, "daudit.module.version"));
		if (reason)
			fprintf(m, ": %s", reason);
	}
	if (w && !flow)
		fprintf(m, " by %s", w);
	if (exe)
		fprintf(m, " with %s", exe);
}

void ecs_put_message(json_object *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (!o || ecs_get(o, "message"))
		return;
	m = open_memstream(&text, &len);
	if (!m)
		return;
	put_message(o, m);
	fclose(m);
	ecs_put_str(o, "message", text);
	free(text);
}
