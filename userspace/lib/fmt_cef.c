// SPDX-License-Identifier: GPL-2.0
/*
 * ArcSight Common Event Format, version 0:
 *
 *   CEF:0|daudit|daudit|VERSION|SignatureID|Name|Severity|Extension
 *
 * mapped from the ECS object.  Header fields escape '\' and '|'; extension
 * values escape '\' and '=' and write LF and CR as \n and \r, as the CEF
 * specification says.  Before that, every value is the ECS-escaped string
 * (bytes that are not UTF-8 as \xHH, ecs.h) with the other control
 * characters also written as \xHH, so a receiver that undoes the CEF
 * escapes and then the ECS rule gets the original bytes back, and the
 * line holds nothing but printable characters.  docs/siem.md has the
 * key table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "fmt.h"

struct cef {
	struct fmt_buf *out;
	int first;
};

static void key(struct cef *c, const char *k)
{
	if (!c->first)
		fb_putc(c->out, ' ');
	c->first = 0;
	fb_puts(c->out, k);
	fb_putc(c->out, '=');
}

/* An ECS string value (already ECS-escaped). */
static void ext_str(struct cef *c, const char *k, const char *v)
{
	char *e;

	if (!v)
		return;
	key(c, k);
	e = fmt_reescape(v, fmt_set_cef);
	fmt_cef_value(c->out, e);
	free(e);
}

static void ext_field(struct cef *c, const char *k, json_object *ecs,
		      const char *path)
{
	json_object *v = ecs_get(ecs, path);

	if (!v)
		return;
	if (json_object_is_type(v, json_type_string))
		ext_str(c, k, json_object_get_string(v));
	else if (json_object_is_type(v, json_type_boolean))
		ext_str(c, k, json_object_get_boolean(v) ? "true" : "false");
	else if (!json_object_is_type(v, json_type_object) &&
		 !json_object_is_type(v, json_type_array))
		ext_str(c, k, json_object_to_json_string(v));
}

/* A custom string (csN) or number (cnN) with its label. */
static void ext_custom(struct cef *c, const char *slot, const char *label,
		       json_object *ecs, const char *path)
{
	char k[24];

	if (!ecs_get(ecs, path))
		return;
	ext_field(c, slot, ecs, path);
	snprintf(k, sizeof(k), "%sLabel", slot);
	ext_str(c, k, label);
}

static void ext_time(struct cef *c, const char *k, json_object *ecs,
		     const char *path)
{
	int64_t ms = fmt_time_ms(ecs_get_str(ecs, path));

	if (ms < 0)
		return;
	key(c, k);
	fb_printf(c->out, "%lld", (long long)ms);
}

static const char *event_name(const char *type)
{
	static const struct { const char *type, *name; } t[] = {
		{ "file_read", "protected file read" },
		{ "socket_read", "protected socket read" },
		{ "egress", "data left after a protected read" },
		{ "alert", "protected file hard-linked or moved out of its tree" },
		{ "process", "process" },
		{ "module", "sensor module loaded or unloaded" },
		{ "policy", "policy load" },
		{ "lost", "sensor records lost" },
		{ "sequence_gap", "sensor records missing" },
		{ "protection", "what the sensor protects" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].type, type))
			return t[i].name;
	return type;
}

/*
 * The person: a declared actor (suser only: its id is its name), else
 * the login user when there is one, else the real user.
 */
static void ext_person(struct cef *c, json_object *ecs, const char *name_key,
		       const char *id_key)
{
	const char *auid = ecs_get_str(ecs, "user.audit.id");

	if (ecs_get(ecs, "daudit.actor.id")) {
		ext_str(c, name_key, ecs_get_str(ecs, "daudit.actor.id"));
	} else if (auid && strcmp(auid, "unset")) {
		ext_str(c, name_key, ecs_get_str(ecs, "user.audit.name"));
		ext_str(c, id_key, auid);
	} else {
		ext_str(c, name_key, ecs_get_str(ecs, "user.name"));
		ext_str(c, id_key, ecs_get_str(ecs, "user.id"));
	}
}

/*
 * An address as src/dst (IPv4) or, for IPv6, the custom IPv6 keys of
 * the CEF dictionary: c6a1 (source) and c6a3 (destination); there is no
 * c6a2 in it.
 */
static void ext_addr(struct cef *c, json_object *ecs, const char *prefix,
		     int source)
{
	char path[32];
	const char *ip;

	snprintf(path, sizeof(path), "%s.ip", prefix);
	ip = ecs_get_str(ecs, path);
	if (!ip)
		return;
	if (strchr(ip, ':')) {
		ext_str(c, source ? "c6a1" : "c6a3", ip);
		ext_str(c, source ? "c6a1Label" : "c6a3Label",
			source ? "Source IPv6 Address" : "Destination IPv6 Address");
	} else {
		ext_str(c, source ? "src" : "dst", ip);
	}
	snprintf(path, sizeof(path), "%s.port", prefix);
	ext_field(c, source ? "spt" : "dpt", ecs, path);
}

void fmt_cef(json_object *ecs, struct fmt_buf *out)
{
	const char *type = fmt_type(ecs), *t;
	int finding = !strcmp(type, "finding");
	struct cef c = { out, 1 };
	char sig[96];

	/* Header. */
	fb_puts(out, "CEF:0|daudit|daudit|");
	fmt_cef_header(out, fmt_product_version);
	fb_putc(out, '|');
	if (finding)
		snprintf(sig, sizeof(sig), "finding:%s",
			 ecs_get_str(ecs, "rule.name") ? ecs_get_str(ecs, "rule.name") : "?");
	else
		snprintf(sig, sizeof(sig), "%s", type);
	fmt_cef_header(out, sig);
	fb_putc(out, '|');
	t = finding ? ecs_get_str(ecs, "rule.description") : NULL;
	fmt_cef_header(out, t ? t : event_name(type));
	fb_printf(out, "|%d|", fmt_severity(ecs));

	/* Extension. */
	ext_time(&c, "rt", ecs, "@timestamp");
	ext_field(&c, "externalId", ecs, "event.id");
	ext_str(&c, "cat", fmt_first(ecs, "event.category"));
	ext_field(&c, "act", ecs, "event.action");
	ext_field(&c, "outcome", ecs, "event.outcome");
	ext_field(&c, "reason", ecs, "event.reason");
	ext_time(&c, "start", ecs, "event.start");
	ext_time(&c, "end", ecs, "event.end");
	ext_field(&c, "dvchost", ecs, "host.hostname");
	ext_field(&c, "deviceExternalId", ecs, "daudit.instance");
	ext_person(&c, ecs, "suser", "suid");
	ext_field(&c, "spid", ecs, "process.pid");
	if (ecs_get(ecs, "process.executable"))
		ext_field(&c, "sproc", ecs, "process.executable");
	else
		ext_field(&c, "sproc", ecs, "process.name");
	ext_addr(&c, ecs, "source", 1);
	ext_addr(&c, ecs, "destination", 0);
	t = ecs_get_str(ecs, "network.transport");
	if (t && (!strcmp(t, "tcp") || !strcmp(t, "udp")))
		ext_str(&c, "proto", !strcmp(t, "tcp") ? "TCP" : "UDP");
	ext_field(&c, "fname", ecs, "file.name");
	ext_field(&c, "filePath", ecs, "file.path");
	ext_field(&c, "fileId", ecs, "file.inode");
	if (!strcmp(type, "egress"))
		ext_field(&c, "out", ecs, "daudit.bytes");
	else if (!finding)
		ext_field(&c, "in", ecs, "daudit.bytes");
	ext_custom(&c, "cs1", "dataset", ecs, "daudit.dataset");
	ext_custom(&c, "cs2", "session", ecs, "daudit.session.id");
	/* The real uid: an actor's account is process.user. */
	ext_custom(&c, "cs3", "uid", ecs, ecs_get(ecs, "process.user.id") ?
		   "process.user.id" : "user.id");
	ext_custom(&c, "cs4", "euid", ecs, "user.effective.id");
	ext_custom(&c, "cs5", "loginSession", ecs, "daudit.login_session");
	if (ecs_get(ecs, "daudit.unix.path"))
		ext_custom(&c, "cs6", "unixSocket", ecs, "daudit.unix.path");
	else if (ecs_get(ecs, "daudit.mount.point"))
		ext_custom(&c, "cs6", "mountPoint", ecs, "daudit.mount.point");
	else if (ecs_get(ecs, "daudit.link_path"))
		ext_custom(&c, "cs6", "linkPath", ecs, "daudit.link_path");
	else if (finding)
		ext_custom(&c, "cs6", "findingKey", ecs, "daudit.finding.key");
	else
		ext_custom(&c, "cs6", "commandLine", ecs, "process.command_line");
	/* An actor's account and request (the full block is in ECS). */
	ext_custom(&c, "flexString1", "actorAccount", ecs, "process.user.name");
	ext_custom(&c, "flexString2", "actorRequest", ecs,
		   "daudit.actor.request");
	ext_custom(&c, "cn1", "calls", ecs, "daudit.calls");
	ext_custom(&c, "cn2", "mmapBytes", ecs, "daudit.mmap_bytes");
	ext_custom(&c, "cn3", "riskScore", ecs, "daudit.finding.score");
	if (ecs_get(ecs, "daudit.egress.marked")) {
		ext_time(&c, "deviceCustomDate1", ecs, "daudit.egress.marked");
		ext_str(&c, "deviceCustomDate1Label", "markedAt");
	}
	/* Free text last: a reader sees the keys first. */
	ext_field(&c, "msg", ecs, "message");
}
