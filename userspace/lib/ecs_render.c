// SPDX-License-Identifier: GPL-2.0
/*
 * Records and findings as ECS JSON objects: one function per record
 * type, and ecs_from_finding().  The context (names, the process table)
 * and the helpers that build an object by dotted field name are in
 * ecs.c.  docs/records.md has the field table.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "ecs.h"
#include "ecs_build.h"
#include "record.h"
#include "ruleinfo.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* Fields every rendered object carries. */
static json_object *base_at(struct ecs_ctx *ctx, uint64_t time_ns,
			    const char *dataset_type, const char *kind)
{
	json_object *o = json_object_new_object();
	char buf[64];

	ecs_put_time(o, "@timestamp", time_ns);
	ecs_put_str(o, "ecs.version", ECS_VERSION);
	ecs_put_str(o, "event.kind", kind);
	ecs_put_str(o, "event.module", "daudit");
	snprintf(buf, sizeof(buf), "daudit.%s", dataset_type);
	ecs_put_str(o, "event.dataset", buf);
	/* ECS keys a host by host.name; hostname is what it calls itself. */
	ecs_put_bytes(o, "host.name", ctx->hostname, strlen(ctx->hostname));
	ecs_put_bytes(o, "host.hostname", ctx->hostname, strlen(ctx->hostname));
	snprintf(buf, sizeof(buf), "%016" PRIx64, ctx->instance_id);
	ecs_put_str(o, "daudit.instance", buf);
	return o;
}

/* Fields every rendered record carries. */
static json_object *base(struct ecs_ctx *ctx, const struct daudit_rec_header *h,
			 const char *dataset_type, const char *kind)
{
	json_object *o = base_at(ctx, h->time_ns, dataset_type, kind);
	char buf[64];

	ecs_put_u64(o, "event.sequence", h->seq);
	/* Unique per record: instance, CPU, sequence number. */
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-%u-%" PRIu64,
		 ctx->instance_id, h->cpu, (uint64_t)h->seq);
	ecs_put_str(o, "event.id", buf);
	ecs_put_u64(o, "daudit.cpu", h->cpu);
	ecs_put_u64(o, "daudit.seq", h->seq);
	return o;
}

static void put_subject(struct ecs_ctx *ctx, json_object *o,
			const struct daudit_subject *s)
{
	const char *exe, *cmdline;

	ecs_put_u64(o, "process.pid", s->tgid);
	ecs_put_u64(o, "process.thread.id", s->tid);
	ecs_put_u64(o, "process.parent.pid", s->ppid);
	ecs_put_bytes(o, "process.name", s->comm, strnlen(s->comm, sizeof(s->comm)));
	exe = ecs_lookup_process(ctx, s->tgid, s->start_ns, &cmdline);
	if (exe)
		ecs_put_bytes(o, "process.executable", exe, strlen(exe));
	if (cmdline)
		ecs_put_bytes(o, "process.command_line", cmdline, strlen(cmdline));

	ecs_put_user(ctx, o, "user.id", "user.name", s->uid, 0);
	ecs_put_user(ctx, o, "user.group.id", "user.group.name", s->gid, 1);
	ecs_put_user(ctx, o, "user.effective.id", "user.effective.name", s->euid, 0);
	ecs_put_user(ctx, o, "user.effective.group.id", "user.effective.group.name",
		     s->egid, 1);
	/* auid 0 is root's login; a daemon's is unset, never 0. */
	if (s->auid == DAUDIT_UID_UNSET)
		ecs_put_str(o, "user.audit.id", "unset");
	else
		ecs_put_user(ctx, o, "user.audit.id", "user.audit.name", s->auid, 0);
	if (s->sessionid == DAUDIT_SESSION_UNSET)
		ecs_put_str(o, "daudit.login_session", "unset");
	else
		ecs_put_id(o, "daudit.login_session", s->sessionid);

	ecs_put_id(o, "daudit.fsuid", s->fsuid);
	ecs_put_id(o, "daudit.fsgid", s->fsgid);
	ecs_put_u64(o, "daudit.cgroup_id", s->cgroup_id);
	ecs_put_u64(o, "daudit.mnt_ns", s->mnt_ns);
	ecs_put_u64(o, "daudit.pid_ns", s->pid_ns);
	ecs_put_u64(o, "daudit.process_start_ns", s->start_ns);
}

/* file.path, file.name, file.directory, file.inode, file.device. */
static void put_file(json_object *o, const char *path, size_t len,
		     uint64_t dev, uint64_t ino)
{
	const char *slash = memrchr(path, '/', len);
	char buf[32];

	ecs_put_bytes(o, "file.path", path, len);
	/* '/' is never part of a multi-byte sequence: parts escape alike. */
	if (slash) {
		size_t dlen = (size_t)(slash - path);

		if (dlen)
			ecs_put_bytes(o, "file.directory", path, dlen);
		else
			ecs_put_str(o, "file.directory", "/");
		if (slash + 1 < path + len)
			ecs_put_bytes(o, "file.name", slash + 1,
				      len - dlen - 1);
	} else if (len) {
		ecs_put_bytes(o, "file.name", path, len);
	}
	ecs_put_id(o, "file.inode", ino);
	snprintf(buf, sizeof(buf), "%u:%u", major((dev_t)dev),
		 minor((dev_t)dev));
	ecs_put_str(o, "file.device", buf);
}

/* DAUDIT_PATH_* bits as an array of names, unknown bits by number. */
static void put_paths(json_object *o, const char *path, uint32_t bits)
{
	json_object *paths = json_object_new_array();
	unsigned int bit;
	char buf[64];

	for (bit = 0; bit < 32; bit++) {
		if (!(bits & (1U << bit)))
			continue;
		rec_paths_str(1U << bit, buf, sizeof(buf));
		if (!buf[0])
			snprintf(buf, sizeof(buf), "bit%u", bit);
		json_object_array_add(paths, json_object_new_string(buf));
	}
	ecs_put(o, path, paths);
}

/* daudit.session.*: the per-open (or per-destination) session. */
static void put_session(json_object *o, uint64_t id, uint32_t part, int final)
{
	ecs_put_u64(o, "daudit.session.id", id);
	ecs_put_u64(o, "daudit.session.part", part);
	ecs_put(o, "daudit.session.final", json_object_new_boolean(final != 0));
}

static void put_dataset(json_object *o, const char *name, size_t max)
{
	ecs_put_bytes(o, "daudit.dataset", name, strnlen(name, max));
}

/*
 * A declared actor (ABI 1.3) is the person the record is about: user.id
 * and user.name are its id (the escaping rule with control characters
 * escaped, as the collector stores it); the account the application runs
 * as, which put_subject() wrote there, moves to process.user.*; both
 * are in related.user.  daudit.actor.* has the rest (docs/siem.md).
 */
static void put_actor_ids(struct ecs_ctx *ctx, json_object *o,
			  const char *actor, uint32_t uid, const char *app)
{
	const char *name = ecs_cached_name(ctx, uid, 0);
	json_object *rel = json_object_new_array();
	char buf[24];

	ecs_put_str(o, "user.id", actor);
	ecs_put_str(o, "user.name", actor);
	ecs_put_user(ctx, o, "process.user.id", "process.user.name", uid, 0);
	json_object_array_add(rel, json_object_new_string(actor));
	if (name) {
		char *e = ecs_escape(name, strlen(name));

		json_object_array_add(rel, json_object_new_string(e));
		free(e);
	} else {
		snprintf(buf, sizeof(buf), "%u", uid);
		json_object_array_add(rel, json_object_new_string(buf));
	}
	ecs_put(o, "related.user", rel);
	ecs_put_str(o, "daudit.actor.id", actor);
	if (app)
		ecs_put_bytes(o, "daudit.actor.app.executable", app, strlen(app));
}

static void put_actor(struct ecs_ctx *ctx, json_object *o,
		      const struct daudit_rec_header *h,
		      const struct daudit_subject *s)
{
	const struct daudit_rec_actor *a = rec_actor(h);
	char text[REC_ACTOR_TEXT], client[64];
	const char *app;

	if (!a)
		return;
	rec_actor_text(a->actor, a->actor_len, text);
	app = ecs_lookup_process(ctx, s->tgid, s->start_ns, NULL);
	put_actor_ids(ctx, o, text, s->uid, app);
	if (a->request_len) {
		rec_actor_text(a->request, a->request_len, text);
		ecs_put_str(o, "daudit.actor.request", text);
	}
	ecs_put_u64(o, "daudit.actor.requests", a->requests);
	ecs_put_u64(o, "daudit.actor.seq", a->seq);
	ecs_put_u64(o, "daudit.actor.thread", a->tid);
	ecs_put_id(o, "daudit.actor.app.inode", a->app_ino);
	snprintf(text, sizeof(text), "%u:%u", major((dev_t)a->app_dev),
		 minor((dev_t)a->app_dev));
	ecs_put_str(o, "daudit.actor.app.device", text);
	if (*rec_actor_client(a, client, sizeof(client))) {
		ecs_put_str(o, "daudit.actor.client.address", client);
		if (inet_ntop(a->client_family, a->client_addr, text, sizeof(text)))
			ecs_put_str(o, "daudit.actor.client.ip", text);
		ecs_put_u64(o, "daudit.actor.client.port", a->client_port);
	}
}

static json_object *render_file(struct ecs_ctx *ctx,
				const struct daudit_rec_file *r)
{
	json_object *o = base(ctx, &r->hdr, "file_read", "event");

	ecs_put_list(o, "event.category", "file");
	ecs_put_list(o, "event.type", "access");
	ecs_put_str(o, "event.action", "file_read");
	ecs_put_u64(o, "event.severity", ECS_SEV_READ);
	ecs_put_time(o, "event.start", r->first_ns);
	ecs_put_time(o, "event.end", r->last_ns);
	ecs_put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	put_file(o, r->path, r->path_len, r->dev, r->ino);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	ecs_put_u64(o, "daudit.bytes", r->bytes);
	ecs_put_u64(o, "daudit.calls", r->calls);
	ecs_put_u64(o, "daudit.mmap_bytes", r->mmap_bytes);
	ecs_put_u64(o, "daudit.mmap_len", r->mmap_len);
	put_paths(o, "daudit.read_paths", r->paths);
	if (r->off_min != DAUDIT_OFFSET_UNKNOWN)
		ecs_put_u64(o, "daudit.offset.min", r->off_min);
	if (r->off_max != DAUDIT_OFFSET_UNKNOWN)
		ecs_put_u64(o, "daudit.offset.max", r->off_max);
	put_session(o, r->session_id, r->part, r->final);
	ecs_put_time(o, "daudit.session.open", r->open_ns);
	return o;
}

/* ------------------------------------------------------------------ */
/* Sockets and egress                                                  */
/* ------------------------------------------------------------------ */

static const char *transport_name(unsigned int family, unsigned int proto)
{
	if (family == AF_UNIX)
		return "unix";
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : NULL;
}

static const char *family_name(unsigned int family)
{
	return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" :
	       family == AF_UNIX ? "unix" : NULL;
}

/* network.transport, network.type (and daudit.socket.family). */
static void put_network(json_object *o, unsigned int family,
			unsigned int proto)
{
	const char *t = transport_name(family, proto);

	if (t)
		ecs_put_str(o, "network.transport", t);
	if (family == AF_INET || family == AF_INET6)
		ecs_put_str(o, "network.type", family_name(family));
	if (family_name(family))
		ecs_put_str(o, "daudit.socket.family", family_name(family));
	else
		ecs_put_u64(o, "daudit.socket.family", family);
}

/* PREFIX.ip, PREFIX.port, PREFIX.address of an IPv4 or IPv6 endpoint. */
static void put_endpoint(json_object *o, const char *prefix,
			 unsigned int family, const uint8_t *addr,
			 unsigned int port)
{
	static const uint8_t zero[16];
	char a[INET6_ADDRSTRLEN], key[32];

	/* Not known (an unbound sender): nothing rather than 0.0.0.0:0. */
	if (!port && !memcmp(addr, zero, family == AF_INET ? 4 : 16))
		return;
	if ((family != AF_INET && family != AF_INET6) ||
	    !inet_ntop((int)family, addr, a, sizeof(a)))
		return;
	snprintf(key, sizeof(key), "%s.ip", prefix);
	ecs_put_str(o, key, a);
	snprintf(key, sizeof(key), "%s.address", prefix);
	ecs_put_str(o, key, a);
	snprintf(key, sizeof(key), "%s.port", prefix);
	ecs_put_u64(o, key, port);
}

/* PREFIX.address of a unix socket: its path. */
static void put_unix(json_object *o, const char *prefix, const char *path,
		     size_t len)
{
	char key[32];

	if (!len)
		return;
	snprintf(key, sizeof(key), "%s.address", prefix);
	ecs_put_bytes(o, key, path, len);
}

/*
 * Reads from a protected socket.  The peer sent the data: it is the
 * protected endpoint (the data service), so it is source.* (the sender,
 * as ECS defines source for a packet) and server.*; the reading process's
 * own socket is destination.* and client.*.  Who opened the connection
 * is not recorded; docs/records.md says so.
 */
static json_object *render_sock(struct ecs_ctx *ctx,
				const struct daudit_rec_sock *r)
{
	json_object *o = base(ctx, &r->hdr, "socket_read", "event");
	static const char *const types[] = { NULL, "stream", "dgram", NULL,
					     NULL, "seqpacket" };

	ecs_put_list(o, "event.category", "network");
	ecs_put_list(o, "event.type", "access");
	ecs_put_str(o, "event.action", "socket_read");
	ecs_put_u64(o, "event.severity", ECS_SEV_READ);
	ecs_put_time(o, "event.start", r->first_ns);
	ecs_put_time(o, "event.end", r->last_ns);
	ecs_put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	put_network(o, r->family, r->protocol);
	if (r->sock_type < sizeof(types) / sizeof(types[0]) &&
	    types[r->sock_type])
		ecs_put_str(o, "daudit.socket.type", types[r->sock_type]);
	else
		ecs_put_u64(o, "daudit.socket.type", r->sock_type);
	if (r->family == AF_UNIX) {
		put_unix(o, "source", r->path, r->path_len);
		put_unix(o, "server", r->path, r->path_len);
		if (r->path_len)
			ecs_put_bytes(o, "daudit.unix.path", r->path, r->path_len);
	} else {
		put_endpoint(o, "source", r->family, r->peer_addr, r->peer_port);
		put_endpoint(o, "server", r->family, r->peer_addr, r->peer_port);
		put_endpoint(o, "destination", r->family, r->local_addr,
			     r->local_port);
		put_endpoint(o, "client", r->family, r->local_addr,
			     r->local_port);
	}
	ecs_put_u64(o, "source.bytes", r->bytes);
	if (r->peer_pid)
		ecs_put_u64(o, "daudit.peer.pid", r->peer_pid);
	if (r->peer_uid != DAUDIT_UID_UNSET && (r->peer_pid || r->peer_uid))
		ecs_put_id(o, "daudit.peer.uid", r->peer_uid);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	ecs_put_u64(o, "daudit.bytes", r->bytes);
	ecs_put_u64(o, "daudit.calls", r->calls);
	put_paths(o, "daudit.read_paths", r->paths);
	put_session(o, r->session_id, r->part, r->final);
	ecs_put_time(o, "daudit.session.open", r->open_ns);
	return o;
}

static json_object *render_egress(struct ecs_ctx *ctx,
				  const struct daudit_rec_egress *r)
{
	json_object *o = base(ctx, &r->hdr, "egress", "event");
	const char *path = r->strings;
	const char *mount = path + r->path_len + 1;
	const char *fstype = mount + r->mount_len + 1;
	int file = r->kind == DAUDIT_EGRESS_FILE;

	ecs_put_list(o, "event.category", file ? "file" : "network");
	ecs_put_list(o, "event.type", file ? "change" : "connection");
	ecs_put_str(o, "event.action", "egress");
	ecs_put_u64(o, "event.severity", ECS_SEV_EGRESS);
	ecs_put_time(o, "event.start", r->first_ns);
	ecs_put_time(o, "event.end", r->last_ns);
	ecs_put_str(o, "event.reason", rec_end_reason_name(r->reason));
	put_subject(ctx, o, &r->subj);
	put_actor(ctx, o, &r->hdr, &r->subj);
	switch (r->kind) {
	case DAUDIT_EGRESS_NET:
		ecs_put_str(o, "daudit.egress.kind", "net");
		ecs_put_str(o, "network.direction", "egress");
		put_network(o, r->family, r->protocol);
		put_endpoint(o, "destination", r->family, r->dst_addr,
			     r->dst_port);
		put_endpoint(o, "source", r->family, r->src_addr, r->src_port);
		ecs_put_u64(o, "source.bytes", r->bytes);
		break;
	case DAUDIT_EGRESS_UNIX:
		ecs_put_str(o, "daudit.egress.kind", "unix");
		ecs_put_str(o, "network.direction", "egress");
		put_network(o, AF_UNIX, 0);
		put_unix(o, "destination", path, r->path_len);
		if (r->path_len)
			ecs_put_bytes(o, "daudit.unix.path", path, r->path_len);
		ecs_put_u64(o, "source.bytes", r->bytes);
		break;
	case DAUDIT_EGRESS_FILE:
		ecs_put_str(o, "daudit.egress.kind", "file");
		put_file(o, path, r->path_len, r->dev, r->ino);
		if (r->mount_len)
			ecs_put_bytes(o, "daudit.mount.point", mount, r->mount_len);
		if (r->fstype_len)
			ecs_put_bytes(o, "daudit.mount.fstype", fstype,
				      r->fstype_len);
		break;
	default:
		ecs_put_u64(o, "daudit.egress.kind", r->kind);
		if (r->path_len)
			ecs_put_bytes(o, "daudit.egress.path", path, r->path_len);
	}
	ecs_put(o, "daudit.egress.loopback",
		json_object_new_boolean(!!(r->flags & DAUDIT_EGRESS_F_LOOPBACK)));
	ecs_put_str(o, "daudit.egress.marked_by",
		    r->flags & DAUDIT_EGRESS_F_LOGIN ? "login_session" : "process");
	ecs_put_time(o, "daudit.egress.marked", r->marked_ns);
	put_dataset(o, r->dataset, sizeof(r->dataset));
	ecs_put_u64(o, "daudit.bytes", r->bytes);
	ecs_put_u64(o, "daudit.calls", r->calls);
	put_paths(o, "daudit.write_paths", r->paths);
	put_session(o, r->session_id, r->part, r->final);
	return o;
}

/*
 * The record's own command line: process.command_line (put_subject() may
 * have put the table's, from before an exec) and process.args, each
 * argument escaped as every field is.
 */
static void put_args(json_object *o, const struct daudit_rec_header *h)
{
	const struct daudit_rec_process *r = (const void *)h;
	char *line = rec_cmdline(h);
	const char *a, *end;
	json_object *args;

	if (!line)
		return;
	ecs_put_bytes(o, "process.command_line", line, strlen(line));
	free(line);
	args = json_object_new_array();
	a = r->exe + r->exe_len + 1;
	end = a + r->cmdline_len;
	while (a <= end) {
		size_t n = strnlen(a, (size_t)(end - a));

		char *e = ecs_escape(a, n);

		json_object_array_add(args, json_object_new_string(e));
		free(e);
		a += n + 1;
	}
	ecs_put(o, "process.args", args);
	ecs_put_u64(o, "process.args_count", json_object_array_length(args));
}

static json_object *render_process(struct ecs_ctx *ctx,
				   const struct daudit_rec_process *r)
{
	json_object *o = base(ctx, &r->hdr, "process", "event");
	int exec = r->event == DAUDIT_PROC_EXEC;

	ecs_put_list(o, "event.category", "process");
	ecs_put_list(o, "event.type", exec ? "start" : "info");
	ecs_put_str(o, "event.action", exec ? "process-exec" :
		    r->event == DAUDIT_PROC_SEEN ? "process-seen" : "process-event");
	ecs_put_u64(o, "event.severity", ECS_SEV_PROCESS);
	put_subject(ctx, o, &r->subj);
	/* The record's own exe, whether or not the table remembered it. */
	ecs_put_bytes(o, "process.executable", r->exe, r->exe_len);
	put_args(o, &r->hdr);
	return o;
}

/* How each alert kind is categorized; the last entry is for unknown kinds. */
static const struct {
	uint32_t kind;
	const char *category, *type, *action;
} alert_kinds[] = {
	{ DAUDIT_ALERT_HARDLINK, "file", "creation", "hardlink-protected-file" },
	{ DAUDIT_ALERT_RENAME, "file", "change", "rename-protected-file" },
	{ DAUDIT_ALERT_LOGINUID, "iam", "change", "loginuid-changed" },
	{ DAUDIT_ALERT_KPROBES, "configuration", "change", "kprobes-toggled" },
	{ DAUDIT_ALERT_ACTOR, "intrusion_detection", "denied", "actor-refused" },
	{ DAUDIT_ALERT_LOOP, "file", "access", "loop-protected-file" },
	{ 0, "file", "info", "alert-unknown" },
};

static json_object *render_alert(struct ecs_ctx *ctx,
				 const struct daudit_rec_alert *r)
{
	json_object *o = base(ctx, &r->hdr, "alert", "alert");
	const char *link = r->paths + r->path_len + 1;
	size_t i;

	for (i = 0; i + 1 < sizeof(alert_kinds) / sizeof(alert_kinds[0]); i++)
		if (alert_kinds[i].kind == r->kind)
			break;
	ecs_put_list(o, "event.category", alert_kinds[i].category);
	ecs_put_list(o, "event.type", alert_kinds[i].type);
	ecs_put_str(o, "event.action", alert_kinds[i].action);
	ecs_put_u64(o, "event.severity", ECS_SEV_ALERT);
	ecs_put_u64(o, "daudit.alert.kind", r->kind);
	put_subject(ctx, o, &r->subj);
	switch (r->kind) {
	case DAUDIT_ALERT_LOGINUID:
		/* Who the process was, before it claimed to be someone else. */
		ecs_put_user(ctx, o, "daudit.previous.audit.id",
			     "daudit.previous.audit.name", (uint32_t)r->ino, 0);
		ecs_put_id(o, "daudit.previous.login_session", (uint32_t)r->dev);
		break;
	case DAUDIT_ALERT_KPROBES:
		ecs_put_bytes(o, "daudit.kprobes.written", link, r->path2_len);
		break;
	case DAUDIT_ALERT_ACTOR:
		/* The executable that tried to declare actors, and why not. */
		ecs_put_bytes(o, "process.executable", r->paths, r->path_len);
		ecs_put_id(o, "daudit.actor.app.inode", r->ino);
		ecs_put_bytes(o, "event.reason", link, r->path2_len);
		ecs_put_str(o, "event.outcome", "failure");
		break;
	case DAUDIT_ALERT_LOOP:
		/* The protected file, and the device that now reads it. */
		put_file(o, r->paths, r->path_len, r->dev, r->ino);
		ecs_put_bytes(o, "daudit.loop.device", link, r->path2_len);
		put_dataset(o, r->dataset, sizeof(r->dataset));
		break;
	default:
		put_file(o, r->paths, r->path_len, r->dev, r->ino);
		ecs_put_bytes(o, "daudit.link_path", link, r->path2_len);
		put_dataset(o, r->dataset, sizeof(r->dataset));
	}
	return o;
}

static json_object *render_lost(struct ecs_ctx *ctx,
				const struct daudit_rec_lost *r)
{
	json_object *o = base(ctx, &r->hdr, "lost", "event");
	json_object *by = json_object_new_object();
	unsigned int t;

	ecs_put_list(o, "event.category", "host");
	ecs_put_list(o, "event.type", "info");
	ecs_put_str(o, "event.action", "records-lost");
	ecs_put_u64(o, "event.severity", ECS_SEV_LOSS);
	ecs_put_u64(o, "daudit.lost.count", r->count);
	ecs_put_u64(o, "daudit.lost.first_seq", r->first_seq);
	ecs_put_u64(o, "daudit.lost.last_seq", r->hdr.seq);
	for (t = 0; t < DAUDIT_REC_TYPE_MAX; t++) {
		const char *name = rec_type_name(t);
		char key[16];

		if (!r->by_type[t])
			continue;
		if (!strcmp(name, "unknown")) {
			snprintf(key, sizeof(key), "type_%u", t);
			name = key;
		}
		json_object_object_add(by, name,
				       json_object_new_uint64(r->by_type[t]));
	}
	ecs_put(o, "daudit.lost.by_type", by);
	return o;
}

/* ECS files kernel modules under the "driver" category. */
static json_object *render_module(struct ecs_ctx *ctx,
				  const struct daudit_rec_module *r)
{
	json_object *o = base(ctx, &r->hdr, "module", "event");
	char buf[32];

	ecs_put_list(o, "event.category", "driver");
	if (r->event == DAUDIT_MOD_LOAD) {
		ecs_put_list(o, "event.type", "start");
		ecs_put_str(o, "event.action", "module-load");
	} else if (r->event == DAUDIT_MOD_UNLOAD) {
		ecs_put_list(o, "event.type", "end");
		ecs_put_str(o, "event.action", "module-unload");
	} else {
		ecs_put_list(o, "event.type", "info");
		ecs_put_str(o, "event.action", "module-event");
	}
	ecs_put_u64(o, "event.severity", ECS_SEV_CONFIG);
	put_subject(ctx, o, &r->subj);
	ecs_put_bytes(o, "daudit.module.version", r->version,
		      strnlen(r->version, sizeof(r->version)));
	snprintf(buf, sizeof(buf), "%u.%u", r->abi_major, r->abi_minor);
	ecs_put_str(o, "daudit.module.abi", buf);
	snprintf(buf, sizeof(buf), "%016" PRIx64, (uint64_t)r->instance_id);
	ecs_put_str(o, "daudit.module.instance", buf);
	return o;
}

static json_object *render_policy(struct ecs_ctx *ctx,
				  const struct daudit_rec_policy *r)
{
	json_object *o = base(ctx, &r->hdr, "policy", "event");

	ecs_put_list(o, "event.category", "configuration");
	ecs_put_list(o, "event.type", "change");
	ecs_put_str(o, "event.action", "policy-load");
	ecs_put_str(o, "event.outcome", r->result ? "failure" : "success");
	ecs_put_u64(o, "event.severity", r->result ? ECS_SEV_CONFIG_FAILED :
		    ECS_SEV_CONFIG);
	put_subject(ctx, o, &r->subj);
	ecs_put_u64(o, "daudit.policy.generation", r->generation);
	ecs_put_u64(o, "daudit.policy.datasets", r->n_datasets);
	ecs_put_u64(o, "daudit.policy.sources", r->n_sources);
	ecs_put_u64(o, "daudit.policy.size", r->size);
	if (r->result) {
		const char *name = r->result < 4096 ?
				   strerrorname_np((int)r->result) : NULL;
		const char *desc;
		char buf[24];

		if (!name) {
			snprintf(buf, sizeof(buf), "E%u", r->result);
			name = buf;
		}
		ecs_put_str(o, "error.code", name);
		/* strerrordesc_np: thread-safe and never translated. */
		desc = r->result < 4096 ? strerrordesc_np((int)r->result) : NULL;
		ecs_put_str(o, "error.message", desc ? desc : "unknown error");
		ecs_put_u64(o, "daudit.policy.errno", r->result);
	}
	return o;
}

static json_object *render_record(struct ecs_ctx *ctx,
			     const struct daudit_rec_header *h)
{
	switch (h->type) {
	case DAUDIT_REC_FILE_READ:
		return render_file(ctx, (const void *)h);
	case DAUDIT_REC_PROCESS:
		return render_process(ctx, (const void *)h);
	case DAUDIT_REC_ALERT:
		return render_alert(ctx, (const void *)h);
	case DAUDIT_REC_LOST:
		return render_lost(ctx, (const void *)h);
	case DAUDIT_REC_MODULE:
		return render_module(ctx, (const void *)h);
	case DAUDIT_REC_POLICY:
		return render_policy(ctx, (const void *)h);
	case DAUDIT_REC_SOCK_READ:
		return render_sock(ctx, (const void *)h);
	case DAUDIT_REC_EGRESS:
		return render_egress(ctx, (const void *)h);
	default:
		return NULL;
	}
}

json_object *ecs_from_record(struct ecs_ctx *ctx,
			     const struct daudit_rec_header *h)
{
	json_object *o = render_record(ctx, h);

	ecs_put_message(o);
	return o;
}

json_object *ecs_sequence_gap(struct ecs_ctx *ctx, unsigned int cpu,
			      uint64_t expected, uint64_t got)
{
	struct daudit_rec_header h = { .cpu = (uint16_t)cpu, .seq = got };
	char buf[64];
	struct timespec ts;
	json_object *o;

	clock_gettime(CLOCK_REALTIME, &ts);
	h.time_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	o = base(ctx, &h, "sequence_gap", "event");
	/* Not a record: named after the record that revealed it. */
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-%u-%" PRIu64 "-gap",
		 ctx->instance_id, cpu, got);
	ecs_put_str(o, "event.id", buf);
	ecs_put_list(o, "event.category", "host");
	ecs_put_list(o, "event.type", "info");
	ecs_put_str(o, "event.action", "sequence-gap");
	ecs_put_u64(o, "event.severity", ECS_SEV_LOSS);
	ecs_put_u64(o, "daudit.gap.expected", expected);
	ecs_put_u64(o, "daudit.gap.got", got);
	ecs_put_u64(o, "daudit.gap.missing", got - expected);
	ecs_put_message(o);
	return o;
}

json_object *ecs_protection(struct ecs_ctx *ctx, int protecting,
			    uint64_t generation, uint32_t datasets,
			    uint32_t sources, const char *reason)
{
	struct timespec ts;
	uint64_t now;
	json_object *o;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	o = base_at(ctx, now, "protection", "state");
	/* Not a record: named by the instance and the time it was seen. */
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-protection-%" PRIu64,
		 ctx->instance_id, now);
	ecs_put_str(o, "event.id", buf);
	ecs_put_list(o, "event.category", "configuration");
	ecs_put_list(o, "event.type", "info");
	ecs_put_str(o, "event.action", protecting ? "policy-in-force" :
		    "no-policy-in-force");
	ecs_put_str(o, "event.outcome", protecting ? "success" : "failure");
	ecs_put_str(o, "event.reason", reason);
	ecs_put_u64(o, "event.severity", protecting ? ECS_SEV_CONFIG :
		    ECS_SEV_UNPROTECTED);
	ecs_put_u64(o, "daudit.policy.generation", generation);
	ecs_put_u64(o, "daudit.policy.datasets", datasets);
	ecs_put_u64(o, "daudit.policy.sources", sources);
	ecs_put_message(o);
	return o;
}

/* ------------------------------------------------------------------ */
/* Findings                                                            */
/* ------------------------------------------------------------------ */

const char *ecs_finding_level(int64_t score)
{
	return score >= 40 ? "high" : score >= 20 ? "medium" : "low";
}

json_object *ecs_from_finding(struct ecs_ctx *ctx, const struct ecs_finding *f)
{
	const char *level = ecs_finding_level(f->score);
	int rule = rule_by_name(f->rule);
	json_object *o;
	char buf[64];

	/*
	 * Named by its row of the collector's database, not by a record, and
	 * by the module instance the collector read when it made it: rows of
	 * two hosts' databases do not collide in one index.
	 */
	o = base_at(ctx, f->last_ns, "finding", "alert");
	snprintf(buf, sizeof(buf), "%016" PRIx64 "-finding-%" PRId64,
		 ctx->instance_id, f->id);
	ecs_put_str(o, "event.id", buf);
	ecs_put_list(o, "event.category", "intrusion_detection");
	ecs_put_list(o, "event.type", "info");
	ecs_put_bytes(o, "event.action", f->rule, strlen(f->rule));
	ecs_put_u64(o, "event.severity", !strcmp(level, "high") ?
		    ECS_SEV_FINDING_HIGH : !strcmp(level, "medium") ?
		    ECS_SEV_FINDING_MEDIUM : ECS_SEV_FINDING_LOW);
	ecs_put(o, "event.risk_score", json_object_new_double((double)f->score));
	ecs_put_time(o, "event.start", f->first_ns);
	ecs_put_time(o, "event.end", f->last_ns);
	ecs_put_bytes(o, "event.reason", f->reason, strlen(f->reason));
	ecs_put_bytes(o, "message", f->reason, strlen(f->reason));
	ecs_put_bytes(o, "rule.name", f->rule, strlen(f->rule));
	ecs_put_bytes(o, "rule.id", f->rule, strlen(f->rule));
	ecs_put_str(o, "rule.ruleset", "daudit");
	if (rule >= 0)
		ecs_put_str(o, "rule.description",
			    rule_summary(rule, f->actor ? 2 : f->login));	/* DB_LOGIN_ACTOR */
	if (f->actor) {
		put_actor_ids(ctx, o, f->actor, f->account, f->actor_app);
	} else {
		ecs_put_user(ctx, o, "user.id", "user.name", f->user, 0);
		if (f->login)
			ecs_put_user(ctx, o, "user.audit.id", "user.audit.name",
				     f->user, 0);
	}
	if (f->dataset)
		ecs_put_bytes(o, "daudit.dataset", f->dataset, strlen(f->dataset));
	ecs_put_u64(o, "daudit.bytes", f->bytes);
	ecs_put_u64(o, "daudit.finding.id", (uint64_t)f->id);
	ecs_put_bytes(o, "daudit.finding.key", f->key, strlen(f->key));
	ecs_put_str(o, "daudit.finding.severity", level);
	ecs_put_u64(o, "daudit.finding.score", (uint64_t)f->score);
	ecs_put_u64(o, "daudit.finding.count", f->count);
	ecs_put(o, "daudit.finding.login", json_object_new_boolean(f->actor ?
		f->account_login != 0 : f->login != 0));
	return o;
}
