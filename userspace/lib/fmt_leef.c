// SPDX-License-Identifier: GPL-2.0
/*
 * IBM QRadar Log Event Extended Format, version 2.0:
 *
 *   LEEF:2.0|daudit|daudit|VERSION|EventID|x09|key=value<TAB>key=value...
 *
 * mapped from the ECS object.  The attributes are separated by a tab,
 * declared as "x09" in the header.  LEEF defines no escaping, so values
 * never contain the characters that would break it: every value is the
 * ECS-escaped string (ecs.h) with control characters (tab, LF, CR, ...),
 * DEL and '|' also written as \xHH; ecs_unescape() (or the Python line in
 * docs/records.md) gives the original bytes back.  A value may contain
 * '=': a key ends at the first one.  Header fields are our own ASCII
 * names; a '|' or control character there would become '_'.
 * docs/siem.md has the key table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecs.h"
#include "fmt.h"

struct leef {
	struct fmt_buf *out;
	int first;
};

static void header(struct fmt_buf *out, const char *s)
{
	for (; *s; s++)
		fb_putc(out, *s == '|' || (unsigned char)*s < 0x20 ||
			*s == 0x7f ? '_' : *s);
	fb_putc(out, '|');
}

static void key(struct leef *l, const char *k)
{
	if (!l->first)
		fb_putc(l->out, '\t');
	l->first = 0;
	fb_puts(l->out, k);
	fb_putc(l->out, '=');
}

static void attr_str(struct leef *l, const char *k, const char *v)
{
	char *e;

	if (!v)
		return;
	key(l, k);
	e = fmt_reescape(v, fmt_set_leef);
	fb_puts(l->out, e);
	free(e);
}

static void attr(struct leef *l, const char *k, json_object *ecs,
		 const char *path)
{
	json_object *v = ecs_get(ecs, path);

	if (!v)
		return;
	if (json_object_is_type(v, json_type_string))
		attr_str(l, k, json_object_get_string(v));
	else if (json_object_is_type(v, json_type_boolean))
		attr_str(l, k, json_object_get_boolean(v) ? "true" : "false");
	else if (!json_object_is_type(v, json_type_object) &&
		 !json_object_is_type(v, json_type_array))
		attr_str(l, k, json_object_to_json_string(v));
}

/* devTime in the devTimeFormat below: 2026-11-27T20:20:32.123+0000. */
static void attr_time(struct leef *l, const char *k, json_object *ecs,
		      const char *path)
{
	int64_t ms = fmt_time_ms(ecs_get_str(ecs, path));
	time_t sec;
	struct tm tm;
	char buf[40];

	if (ms < 0)
		return;
	sec = (time_t)(ms / 1000);
	if (!gmtime_r(&sec, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	key(l, k);
	fb_printf(l->out, "%s.%03d+0000", buf, (int)(ms % 1000));
}

/* Keys beyond the predefined ones, straight from ECS fields. */
static const struct { const char *key, *path; } custom[] = {
	{ "eventId", "event.id" },
	{ "action", "event.action" },
	{ "reason", "event.reason" },
	{ "outcome", "event.outcome" },
	{ "hostName", "host.hostname" },
	{ "instance", "daudit.instance" },
	{ "dataset", "daudit.dataset" },
	{ "userName", "user.name" },
	{ "uid", "user.id" },
	{ "euid", "user.effective.id" },
	{ "auid", "user.audit.id" },
	{ "loginUser", "user.audit.name" },
	{ "loginSession", "daudit.login_session" },
	/* A declared actor: userName and uid are the actor then. */
	{ "actor", "daudit.actor.id" },
	{ "actorAccount", "process.user.name" },
	{ "actorAccountUid", "process.user.id" },
	{ "actorApp", "daudit.actor.app.executable" },
	{ "actorRequest", "daudit.actor.request" },
	{ "actorClient", "daudit.actor.client.address" },
	{ "pid", "process.pid" },
	{ "ppid", "process.parent.pid" },
	{ "comm", "process.name" },
	{ "exe", "process.executable" },
	{ "cmdline", "process.command_line" },
	{ "filePath", "file.path" },
	{ "fileName", "file.name" },
	{ "inode", "file.inode" },
	{ "device", "file.device" },
	{ "bytes", "daudit.bytes" },
	{ "calls", "daudit.calls" },
	{ "mmapBytes", "daudit.mmap_bytes" },
	{ "sessionId", "daudit.session.id" },
	{ "sessionPart", "daudit.session.part" },
	{ "sessionFinal", "daudit.session.final" },
	{ "unixPath", "daudit.unix.path" },
	{ "peerPid", "daudit.peer.pid" },
	{ "peerUid", "daudit.peer.uid" },
	{ "egressKind", "daudit.egress.kind" },
	{ "loopback", "daudit.egress.loopback" },
	{ "mountPoint", "daudit.mount.point" },
	{ "fsType", "daudit.mount.fstype" },
	{ "linkPath", "daudit.link_path" },
	{ "lostCount", "daudit.lost.count" },
	{ "gapMissing", "daudit.gap.missing" },
	{ "policyGeneration", "daudit.policy.generation" },
	{ "ruleName", "rule.name" },
	{ "riskScore", "daudit.finding.score" },
	{ "findingSeverity", "daudit.finding.severity" },
	{ "findingKey", "daudit.finding.key" },
	{ "findingCount", "daudit.finding.count" },
};

void fmt_leef(json_object *ecs, struct fmt_buf *out)
{
	const char *type = fmt_type(ecs), *t;
	struct leef l = { out, 1 };
	int sev = fmt_severity(ecs);
	const char *auid = ecs_get_str(ecs, "user.audit.id");
	size_t i;
	char id[96];

	fb_puts(out, "LEEF:2.0|daudit|daudit|");
	header(out, fmt_product_version);
	if (!strcmp(type, "finding"))
		snprintf(id, sizeof(id), "finding:%s",
			 ecs_get_str(ecs, "rule.name") ? ecs_get_str(ecs, "rule.name") : "?");
	else
		snprintf(id, sizeof(id), "%s", type);
	header(out, id);
	header(out, "x09");

	attr_str(&l, "devTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
	attr_time(&l, "devTime", ecs, "@timestamp");
	attr(&l, "cat", ecs, "event.action");
	key(&l, "sev");
	fb_printf(out, "%d", sev < 1 ? 1 : sev > 10 ? 10 : sev);
	/* The person: a declared actor, else the login user if any. */
	if (ecs_get(ecs, "daudit.actor.id"))
		t = ecs_get_str(ecs, "daudit.actor.id");
	else if (auid && strcmp(auid, "unset"))
		t = ecs_get_str(ecs, "user.audit.name") ?
		    ecs_get_str(ecs, "user.audit.name") : auid;
	else
		t = ecs_get_str(ecs, "user.name") ?
		    ecs_get_str(ecs, "user.name") : ecs_get_str(ecs, "user.id");
	attr_str(&l, "usrName", t);
	attr(&l, "src", ecs, "source.ip");
	attr(&l, "srcPort", ecs, "source.port");
	attr(&l, "dst", ecs, "destination.ip");
	attr(&l, "dstPort", ecs, "destination.port");
	t = ecs_get_str(ecs, "network.transport");
	if (t && (!strcmp(t, "tcp") || !strcmp(t, "udp")))
		attr_str(&l, "proto", !strcmp(t, "tcp") ? "TCP" : "UDP");
	attr(&l, "srcBytes", ecs, "source.bytes");
	for (i = 0; i < sizeof(custom) / sizeof(custom[0]); i++)
		attr(&l, custom[i].key, ecs, custom[i].path);
	attr_time(&l, "markedAt", ecs, "daudit.egress.marked");
	attr_time(&l, "startTime", ecs, "event.start");
	attr_time(&l, "endTime", ecs, "event.end");
	attr(&l, "msg", ecs, "message");
}
