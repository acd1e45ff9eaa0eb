// SPDX-License-Identifier: GPL-2.0
/*
 * Open Cybersecurity Schema Framework 1.1 events, mapped from the ECS
 * object:
 *
 *   file_read          File System Activity (1001), Read (2): 100102
 *   egress to a file   File System Activity (1001), Update (3): 100103
 *   alert (hard link)  File System Activity (1001), Create (1): 100101
 *   socket_read,       Network Activity (4001), Traffic (6): 400106
 *   egress net/unix
 *   process            Process Activity (1007), Launch (1) or Other (99)
 *   finding            Detection Finding (2004), Create (1): 200401
 *   lost, module,      Base Event (0), Other (99): 99
 *   policy, gaps
 *
 * Strings are the ECS-escaped strings (ecs.h); what has no OCSF attribute
 * goes under "unmapped" with its ECS name.  docs/siem.md has the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecs.h"
#include "fmt.h"

#define OCSF_VERSION	"1.1.0"

static json_object *child(json_object *o, const char *path, const char **leaf)
{
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		char key[64];
		size_t n = (size_t)(dot - path);
		json_object *c;

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &c)) {
			c = json_object_new_object();
			json_object_object_add(o, key, c);
		}
		o = c;
		path = dot + 1;
	}
	*leaf = path;
	return o;
}

static void set(json_object *o, const char *path, json_object *v)
{
	const char *leaf;
	json_object *p = child(o, path, &leaf);

	json_object_object_add(p, leaf, v);
}

static void set_str(json_object *o, const char *path, const char *s)
{
	set(o, path, json_object_new_string(s));
}

static void set_int(json_object *o, const char *path, int64_t v)
{
	set(o, path, json_object_new_int64(v));
}

/* The ECS value at @from, copied to @to if present. */
static void copy(json_object *o, const char *to, json_object *ecs,
		 const char *from)
{
	json_object *v = ecs_get(ecs, from);

	if (v)
		set(o, to, json_object_get(v));
}

static void copy_time(json_object *o, const char *to, json_object *ecs,
		      const char *from)
{
	int64_t ms = fmt_time_ms(ecs_get_str(ecs, from));

	if (ms >= 0)
		set_int(o, to, ms);
}

static void classify(json_object *o, int class_uid, const char *class_name,
		     int category_uid, const char *category_name,
		     int activity_id, const char *activity_name)
{
	char buf[96];

	set_int(o, "class_uid", class_uid);
	set_str(o, "class_name", class_name);
	set_int(o, "category_uid", category_uid);
	set_str(o, "category_name", category_name);
	set_int(o, "activity_id", activity_id);
	set_str(o, "activity_name", activity_name);
	set_int(o, "type_uid", (int64_t)class_uid * 100 + activity_id);
	snprintf(buf, sizeof(buf), "%s: %s", class_name, activity_name);
	set_str(o, "type_name", buf);
}

static void severity(json_object *o, int sev)
{
	static const char *const names[] = { "Unknown", "Informational",
					     "Low", "Medium", "High",
					     "Critical" };
	int id = sev <= 3 ? 1 : sev <= 5 ? 2 : sev <= 7 ? 3 : sev <= 9 ? 4 : 5;

	set_int(o, "severity_id", id);
	set_str(o, "severity", names[id]);
}

static void actor_process(json_object *o, json_object *ecs);

/* actor.*: the process, its user, and the person behind it. */
static void actor(json_object *o, json_object *ecs)
{
	const char *auid = ecs_get_str(ecs, "user.audit.id");

	if (ecs_get(ecs, "process.pid"))
		actor_process(o, ecs);
	/*
	 * The user who did it: a declared actor (the person the application
	 * worked for; its account is actor.process.user), else the login
	 * user when there is one.
	 */
	if (ecs_get(ecs, "daudit.actor.id")) {
		copy(o, "actor.user.uid", ecs, "daudit.actor.id");
		copy(o, "actor.user.name", ecs, "daudit.actor.id");
		copy(o, "actor.app_name", ecs, "daudit.actor.app.executable");
	} else if (auid && strcmp(auid, "unset")) {
		copy(o, "actor.user.uid", ecs, "user.audit.id");
		copy(o, "actor.user.name", ecs, "user.audit.name");
	} else {
		copy(o, "actor.user.uid", ecs, "user.id");
		copy(o, "actor.user.name", ecs, "user.name");
	}
	copy(o, "actor.session.uid", ecs, "daudit.login_session");
}

static void actor_process(json_object *o, json_object *ecs)
{
	copy(o, "actor.process.pid", ecs, "process.pid");
	copy(o, "actor.process.tid", ecs, "process.thread.id");
	copy(o, "actor.process.name", ecs, "process.name");
	copy(o, "actor.process.cmd_line", ecs, "process.command_line");
	if (ecs_get(ecs, "process.executable")) {
		copy(o, "actor.process.file.path", ecs, "process.executable");
		set_int(o, "actor.process.file.type_id", 1);
		set_str(o, "actor.process.file.type", "Regular File");
	}
	copy(o, "actor.process.parent_process.pid", ecs, "process.parent.pid");
	if (ecs_get(ecs, "process.user.id")) {
		/* An actor's record: the account the application runs as. */
		copy(o, "actor.process.user.uid", ecs, "process.user.id");
		copy(o, "actor.process.user.name", ecs, "process.user.name");
	} else {
		copy(o, "actor.process.user.uid", ecs, "user.id");
		copy(o, "actor.process.user.name", ecs, "user.name");
	}
}

static void file_obj(json_object *o, const char *to, json_object *ecs)
{
	char path[64];

	snprintf(path, sizeof(path), "%s.path", to);
	copy(o, path, ecs, "file.path");
	snprintf(path, sizeof(path), "%s.name", to);
	copy(o, path, ecs, "file.name");
	snprintf(path, sizeof(path), "%s.parent_folder", to);
	copy(o, path, ecs, "file.directory");
	snprintf(path, sizeof(path), "%s.uid", to);
	copy(o, path, ecs, "file.inode");
	snprintf(path, sizeof(path), "%s.type_id", to);
	set_int(o, path, 1);
	snprintf(path, sizeof(path), "%s.type", to);
	set_str(o, path, "Regular File");
}

/* src_endpoint / dst_endpoint from ECS source / destination. */
static void endpoint(json_object *o, const char *to, json_object *ecs,
		     const char *from)
{
	char a[64], b[64];

	snprintf(a, sizeof(a), "%s.ip", to);
	snprintf(b, sizeof(b), "%s.ip", from);
	copy(o, a, ecs, b);
	snprintf(a, sizeof(a), "%s.port", to);
	snprintf(b, sizeof(b), "%s.port", from);
	copy(o, a, ecs, b);
	/* A unix socket has a path, no address: OCSF calls it the name. */
	snprintf(b, sizeof(b), "%s.ip", from);
	if (!ecs_get(ecs, b)) {
		snprintf(a, sizeof(a), "%s.name", to);
		snprintf(b, sizeof(b), "%s.address", from);
		copy(o, a, ecs, b);
	}
}

static void network(json_object *o, json_object *ecs, int egress)
{
	const char *t = ecs_get_str(ecs, "network.transport");

	classify(o, 4001, "Network Activity", 4, "Network Activity", 6,
		 "Traffic");
	/*
	 * OCSF's src_endpoint is who initiated the connection, dst_endpoint
	 * who answered.  A read's ECS source is the peer that sent the data,
	 * the server (docs/records.md): the reader is the client.  Egress
	 * goes from the process (source) to the destination.
	 */
	if (egress) {
		endpoint(o, "src_endpoint", ecs, "source");
		endpoint(o, "dst_endpoint", ecs, "destination");
	} else {
		endpoint(o, "src_endpoint", ecs, "client");
		endpoint(o, "dst_endpoint", ecs, "server");
	}
	if (t)
		set_str(o, "connection_info.protocol_name", t);
	if (egress) {
		set_int(o, "connection_info.direction_id", 2);
		set_str(o, "connection_info.direction", "Outbound");
		copy(o, "traffic.bytes_out", ecs, "daudit.bytes");
	} else {
		copy(o, "traffic.bytes_in", ecs, "daudit.bytes");
	}
}

static void finding(json_object *o, json_object *ecs)
{
	classify(o, 2004, "Detection Finding", 2, "Findings", 1, "Create");
	copy(o, "finding_info.uid", ecs, "event.id");
	copy(o, "finding_info.title", ecs, "rule.name");
	copy(o, "finding_info.desc", ecs, "message");
	if (ecs_get(ecs, "rule.name")) {
		json_object *types = json_object_new_array();

		json_object_array_add(types, json_object_get(ecs_get(ecs, "rule.name")));
		set(o, "finding_info.types", types);
	}
	copy(o, "finding_info.analytic.name", ecs, "rule.name");
	set_int(o, "finding_info.analytic.type_id", 1);
	set_str(o, "finding_info.analytic.type", "Rule");
	copy_time(o, "finding_info.first_seen_time", ecs, "event.start");
	copy_time(o, "finding_info.last_seen_time", ecs, "event.end");
	copy(o, "risk_score", ecs, "daudit.finding.score");
	copy(o, "message", ecs, "message");
	set_int(o, "status_id", 1);
	set_str(o, "status", "New");
}

void fmt_ocsf(json_object *ecs, struct fmt_buf *out)
{
	json_object *o = json_object_new_object(), *v;
	const char *type = fmt_type(ecs), *kind;

	if (!strcmp(type, "file_read")) {
		classify(o, 1001, "File System Activity", 1, "System Activity",
			 2, "Read");
		file_obj(o, "file", ecs);
	} else if (!strcmp(type, "alert")) {
		classify(o, 1001, "File System Activity", 1, "System Activity",
			 1, "Create");
		file_obj(o, "file", ecs);
		copy(o, "file_result.path", ecs, "daudit.link_path");
	} else if (!strcmp(type, "egress")) {
		kind = ecs_get_str(ecs, "daudit.egress.kind");
		if (kind && !strcmp(kind, "file")) {
			classify(o, 1001, "File System Activity", 1,
				 "System Activity", 3, "Update");
			file_obj(o, "file", ecs);
		} else {
			network(o, ecs, 1);
		}
	} else if (!strcmp(type, "socket_read")) {
		network(o, ecs, 0);
	} else if (!strcmp(type, "process")) {
		const char *act = ecs_get_str(ecs, "event.action");
		int exec = act && !strcmp(act, "process-exec");

		classify(o, 1007, "Process Activity", 1, "System Activity",
			 exec ? 1 : 99, exec ? "Launch" : "Other");
		copy(o, "process.pid", ecs, "process.pid");
		copy(o, "process.name", ecs, "process.name");
		copy(o, "process.file.path", ecs, "process.executable");
		copy(o, "process.cmd_line", ecs, "process.command_line");
		copy(o, "process.parent_process.pid", ecs, "process.parent.pid");
		copy(o, "process.user.uid", ecs, "user.id");
	} else if (!strcmp(type, "finding")) {
		finding(o, ecs);
	} else {
		classify(o, 0, "Base Event", 0, "Uncategorized", 99, "Other");
	}
	if (!json_object_object_get_ex(o, "message", NULL))
		copy(o, "message", ecs, "message");
	copy_time(o, "time", ecs, "@timestamp");
	copy_time(o, "start_time", ecs, "event.start");
	copy_time(o, "end_time", ecs, "event.end");
	severity(o, fmt_severity(ecs));
	if (strcmp(type, "finding")) {
		v = ecs_get(ecs, "event.outcome");
		if (v && !strcmp(json_object_get_string(v), "failure")) {
			set_int(o, "status_id", 2);
			set_str(o, "status", "Failure");
		} else {
			set_int(o, "status_id", 1);
			set_str(o, "status", "Success");
		}
	}
	set_str(o, "metadata.version", OCSF_VERSION);
	set_str(o, "metadata.product.name", "daudit");
	set_str(o, "metadata.product.vendor_name", "daudit");
	set_str(o, "metadata.product.version", fmt_product_version);
	copy(o, "metadata.uid", ecs, "event.id");
	copy(o, "metadata.log_name", ecs, "event.dataset");
	copy(o, "metadata.event_code", ecs, "event.action");
	copy(o, "device.hostname", ecs, "host.hostname");
	set_int(o, "device.type_id", 0);
	set_str(o, "device.type", "Unknown");
	actor(o, ecs);
	/* What OCSF has no place for, under its ECS names. */
	copy(o, "unmapped.daudit", ecs, "daudit");
	copy(o, "unmapped.user.effective", ecs, "user.effective");
	copy(o, "unmapped.user.audit", ecs, "user.audit");
	copy(o, "unmapped.user.group", ecs, "user.group");
	copy(o, "unmapped.event.reason", ecs, "event.reason");
	fb_puts(out, ecs_to_string(o));
	json_object_put(o);
}
