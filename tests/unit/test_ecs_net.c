// SPDX-License-Identifier: GPL-2.0
/*
 * Socket reads and egress rendered as ECS JSON: endpoints (source is the
 * peer that sent, destination the reader), unix sockets, egress kinds,
 * and the collector answering for an executable the table lacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ecs_check.h"

static struct daudit_rec_sock *make_sock(unsigned int family, const char *path)
{
	struct daudit_rec_sock *k = (void *)rbuf;
	size_t len = path ? strlen(path) : 0;
	size_t size = ALIGN8(sizeof(*k) + len + 1);

	memset(rbuf, 0, size);
	fill_header(&k->hdr, DAUDIT_REC_SOCK_READ, size);
	fill_subject(&k->subj);
	k->session_id = 88;
	k->bytes = 4096;
	k->calls = 3;
	k->first_ns = T_NS - 1000000000ULL;
	k->last_ns = T_NS;
	k->open_ns = T_NS - 2000000000ULL;
	k->paths = DAUDIT_PATH_RECV | DAUDIT_PATH_RECVMSG;
	k->reason = DAUDIT_END_CLOSE;
	k->final = 1;
	k->part = 1;
	k->family = (uint16_t)family;
	k->sock_type = 1;
	k->peer_uid = DAUDIT_UID_UNSET;
	strcpy(k->dataset, "db");
	if (family == AF_INET) {
		static const uint8_t peer[4] = { 10, 0, 0, 5 };
		static const uint8_t local[4] = { 10, 0, 0, 9 };

		k->protocol = 6;
		k->peer_port = 5432;
		k->local_port = 40001;
		memcpy(k->peer_addr, peer, 4);
		memcpy(k->local_addr, local, 4);
	} else if (family == AF_INET6) {
		k->protocol = 17;
		k->peer_port = 53;
		k->local_port = 40002;
		k->peer_addr[0] = 0x20;
		k->peer_addr[1] = 0x01;
		k->peer_addr[2] = 0x0d;
		k->peer_addr[3] = 0xb8;
		k->peer_addr[15] = 1;
		k->local_addr[15] = 1;
		k->sock_type = 2;
	} else {
		k->peer_pid = 777;
		k->peer_uid = 107;
		k->path_len = (uint16_t)len;
		memcpy(k->path, path, len);
	}
	return k;
}

static void socket_read_over_tcp(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *v;

	(void)state;
	ctx_setup(&ctx, 0);
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "event.dataset"), "daudit.socket_read");
	assert_string_equal(str(o, "event.kind"), "event");
	assert_list1(o, "event.category", "network");
	assert_list1(o, "event.type", "access");
	assert_string_equal(str(o, "event.action"), "socket_read");
	assert_int_equal(num(o, "event.severity"), ECS_SEV_READ);
	assert_string_equal(str(o, "event.id"), "feedface01020304-3-99");
	assert_string_equal(str(o, "event.start"), "2026-11-27T20:20:31.123456789Z");
	assert_string_equal(str(o, "event.end"), T_STR);
	assert_string_equal(str(o, "event.reason"), "close");
	assert_string_equal(str(o, "network.transport"), "tcp");
	assert_string_equal(str(o, "network.type"), "ipv4");
	/* The peer sent the data: source and server; we are the rest. */
	assert_string_equal(str(o, "source.ip"), "10.0.0.5");
	assert_string_equal(str(o, "source.address"), "10.0.0.5");
	assert_int_equal(num(o, "source.port"), 5432);
	assert_int_equal(num(o, "source.bytes"), 4096);
	assert_string_equal(str(o, "server.ip"), "10.0.0.5");
	assert_int_equal(num(o, "server.port"), 5432);
	assert_string_equal(str(o, "destination.ip"), "10.0.0.9");
	assert_int_equal(num(o, "destination.port"), 40001);
	assert_string_equal(str(o, "client.ip"), "10.0.0.9");
	assert_int_equal(num(o, "client.port"), 40001);
	assert_string_equal(str(o, "daudit.socket.family"), "ipv4");
	assert_string_equal(str(o, "daudit.socket.type"), "stream");
	assert_null(field(o, "daudit.unix"));
	assert_null(field(o, "daudit.peer"));
	assert_string_equal(str(o, "daudit.dataset"), "db");
	assert_int_equal(num(o, "daudit.bytes"), 4096);
	assert_int_equal(num(o, "daudit.calls"), 3);
	v = field(o, "daudit.read_paths");
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "recv");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "recvmsg");
	assert_int_equal(num(o, "daudit.session.id"), 88);
	assert_int_equal(num(o, "daudit.session.part"), 1);
	assert_true(json_object_get_boolean(field(o, "daudit.session.final")));
	assert_string_equal(str(o, "daudit.session.open"), "2026-11-27T20:20:30.123456789Z");
	assert_int_equal(num(o, "process.pid"), 4242);
	assert_string_equal(str(o, "user.audit.id"), "1000");
	assert_null(field(o, "file"));
	assert_host_and_message(o, "WHO read 4096 bytes of db from 10.0.0.5:5432");
	json_object_put(o);

	make_sock(AF_INET6, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "network.transport"), "udp");
	assert_string_equal(str(o, "network.type"), "ipv6");
	assert_string_equal(str(o, "source.ip"), "2001:db8::1");
	assert_int_equal(num(o, "source.port"), 53);
	assert_string_equal(str(o, "destination.ip"), "::1");
	assert_string_equal(str(o, "daudit.socket.type"), "dgram");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void socket_read_over_unix(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	make_sock(AF_UNIX, "/run/postgresql/.s.PGSQL.5432");
	o = render(&ctx);
	assert_string_equal(str(o, "network.transport"), "unix");
	assert_null(field(o, "network.type"));
	assert_string_equal(str(o, "daudit.socket.family"), "unix");
	assert_string_equal(str(o, "daudit.unix.path"), "/run/postgresql/.s.PGSQL.5432");
	assert_string_equal(str(o, "source.address"), "/run/postgresql/.s.PGSQL.5432");
	assert_string_equal(str(o, "server.address"), "/run/postgresql/.s.PGSQL.5432");
	assert_null(field(o, "source.ip"));
	assert_null(field(o, "destination"));
	assert_int_equal(num(o, "daudit.peer.pid"), 777);
	assert_string_equal(str(o, "daudit.peer.uid"), "107");
	assert_null(field(o, "file.path"));
	assert_host_and_message(o, "WHO read 4096 bytes of db from /run/postgresql/.s.PGSQL.5432");
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static struct daudit_rec_egress *make_egress(unsigned int kind, uint32_t flags,
					     const char *path,
					     const char *mount,
					     const char *fstype)
{
	struct daudit_rec_egress *g = (void *)rbuf;
	size_t pl = path ? strlen(path) : 0, ml = strlen(mount), fl = strlen(fstype);
	size_t size = ALIGN8(sizeof(*g) + pl + ml + fl + 3);

	memset(rbuf, 0, size);
	fill_header(&g->hdr, DAUDIT_REC_EGRESS, size);
	fill_subject(&g->subj);
	g->session_id = 99;
	g->bytes = 943718400;
	g->calls = 230;
	g->first_ns = T_NS - 1000000000ULL;
	g->last_ns = T_NS;
	g->marked_ns = T_NS - 60000000000ULL;
	g->paths = DAUDIT_PATH_SEND | DAUDIT_PATH_WRITE;
	g->reason = DAUDIT_END_CLOSE;
	g->final = 1;
	g->kind = (uint8_t)kind;
	g->flags = flags;
	strcpy(g->dataset, "customers");
	if (kind == DAUDIT_EGRESS_NET) {
		static const uint8_t dst[4] = { 203, 0, 113, 5 };
		static const uint8_t src[4] = { 192, 168, 1, 20 };

		g->family = AF_INET;
		g->protocol = 6;
		g->dst_port = 443;
		g->src_port = 51000;
		memcpy(g->dst_addr, dst, 4);
		memcpy(g->src_addr, src, 4);
	} else if (kind == DAUDIT_EGRESS_UNIX) {
		g->family = AF_UNIX;
	} else {
		g->dev = makedev(8, 17);
		g->ino = 4711;
	}
	g->path_len = (uint16_t)pl;
	g->mount_len = (uint16_t)ml;
	g->fstype_len = (uint16_t)fl;
	if (path)
		memcpy(g->strings, path, pl);
	memcpy(g->strings + pl + 1, mount, ml);
	memcpy(g->strings + pl + ml + 2, fstype, fl);
	return g;
}

static void egress_to_the_network(void **state)
{
	struct ecs_ctx ctx;
	json_object *o, *v;

	(void)state;
	ctx_setup(&ctx, 0);
	make_egress(DAUDIT_EGRESS_NET, DAUDIT_EGRESS_F_LOGIN, NULL, "", "");
	o = render(&ctx);
	assert_string_equal(str(o, "event.dataset"), "daudit.egress");
	assert_list1(o, "event.category", "network");
	assert_list1(o, "event.type", "connection");
	assert_string_equal(str(o, "event.action"), "egress");
	assert_int_equal(num(o, "event.severity"), ECS_SEV_EGRESS);
	assert_string_equal(str(o, "network.direction"), "egress");
	assert_string_equal(str(o, "network.transport"), "tcp");
	assert_string_equal(str(o, "network.type"), "ipv4");
	assert_string_equal(str(o, "destination.ip"), "203.0.113.5");
	assert_string_equal(str(o, "destination.address"), "203.0.113.5");
	assert_int_equal(num(o, "destination.port"), 443);
	assert_string_equal(str(o, "source.ip"), "192.168.1.20");
	assert_int_equal(num(o, "source.port"), 51000);
	assert_int_equal(num(o, "source.bytes"), 943718400);
	assert_string_equal(str(o, "daudit.egress.kind"), "net");
	v = field(o, "daudit.egress.loopback");
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_false(json_object_get_boolean(v));
	assert_string_equal(str(o, "daudit.egress.marked_by"), "login_session");
	assert_string_equal(str(o, "daudit.egress.marked"), "2026-11-27T20:19:32.123456789Z");
	assert_string_equal(str(o, "daudit.dataset"), "customers");
	assert_int_equal(num(o, "daudit.bytes"), 943718400);
	assert_int_equal(num(o, "daudit.calls"), 230);
	v = field(o, "daudit.write_paths");
	assert_int_equal(json_object_array_length(v), 2);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 0)), "write");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "send");
	assert_int_equal(num(o, "daudit.session.id"), 99);
	assert_null(field(o, "file"));
	assert_host_and_message(o, "WHO sent 943718400 bytes of customers to 203.0.113.5:443");
	json_object_put(o);

	/* Loopback, marked by the process; no source address known. */
	make_egress(DAUDIT_EGRESS_NET, DAUDIT_EGRESS_F_LOOPBACK, NULL, "", "");
	memset(((struct daudit_rec_egress *)rbuf)->src_addr, 0, 16);
	((struct daudit_rec_egress *)rbuf)->src_port = 0;
	o = render(&ctx);
	assert_true(json_object_get_boolean(field(o, "daudit.egress.loopback")));
	assert_string_equal(str(o, "daudit.egress.marked_by"), "process");
	assert_null(field(o, "source.ip"));
	assert_int_equal(num(o, "source.bytes"), 943718400);
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static void egress_to_a_unix_socket_and_a_file(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;

	(void)state;
	ctx_setup(&ctx, 0);
	make_egress(DAUDIT_EGRESS_UNIX, 0, "/tmp/.x11-unix/X0", "", "");
	o = render(&ctx);
	assert_list1(o, "event.category", "network");
	assert_string_equal(str(o, "daudit.egress.kind"), "unix");
	assert_string_equal(str(o, "network.transport"), "unix");
	assert_string_equal(str(o, "destination.address"), "/tmp/.x11-unix/X0");
	assert_string_equal(str(o, "daudit.unix.path"), "/tmp/.x11-unix/X0");
	assert_null(field(o, "destination.ip"));
	assert_host_and_message(o, "WHO sent 943718400 bytes of customers to /tmp/.x11-unix/X0");
	json_object_put(o);

	make_egress(DAUDIT_EGRESS_UNIX, 0, NULL, "", "");
	o = render(&ctx);
	assert_null(field(o, "destination"));
	assert_null(field(o, "daudit.unix"));
	json_object_put(o);

	make_egress(DAUDIT_EGRESS_FILE, DAUDIT_EGRESS_F_LOGIN,
		    "/media/usb0/part-01.csv", "/media/usb0", "vfat");
	o = render(&ctx);
	assert_list1(o, "event.category", "file");
	assert_list1(o, "event.type", "change");
	assert_string_equal(str(o, "daudit.egress.kind"), "file");
	assert_string_equal(str(o, "file.path"), "/media/usb0/part-01.csv");
	assert_string_equal(str(o, "file.name"), "part-01.csv");
	assert_string_equal(str(o, "file.directory"), "/media/usb0");
	assert_string_equal(str(o, "file.inode"), "4711");
	assert_string_equal(str(o, "file.device"), "8:17");
	assert_string_equal(str(o, "daudit.mount.point"), "/media/usb0");
	assert_string_equal(str(o, "daudit.mount.fstype"), "vfat");
	assert_null(field(o, "network"));
	assert_null(field(o, "destination"));
	assert_null(field(o, "source"));
	json_object_put(o);
	ecs_ctx_free(&ctx);
}

static const char *lookup_exe(void *arg, uint32_t tgid, uint64_t start_ns,
			      const char **cmdline)
{
	(void)start_ns;
	*cmdline = NULL;
	*(int *)arg += 1;
	return tgid == 4242 ? "/usr/bin/from-the-collector" : NULL;
}

static void the_collector_may_answer_for_executables(void **state)
{
	struct ecs_ctx ctx;
	json_object *o;
	int asked = 0;

	(void)state;
	ctx_setup(&ctx, 0);
	ctx.exe_lookup = lookup_exe;
	ctx.exe_lookup_arg = &asked;
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "process.executable"), "/usr/bin/from-the-collector");
	json_object_put(o);
	assert_int_equal(asked, 1);
	/* The table comes first. */
	ecs_note_process(&ctx, &make_process(4242, 123456789012ULL, "/bin/cat", 8)->hdr);
	make_sock(AF_INET, NULL);
	o = render(&ctx);
	assert_string_equal(str(o, "process.executable"), "/bin/cat");
	json_object_put(o);
	assert_int_equal(asked, 1);
	ecs_ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socket_read_over_tcp),
		cmocka_unit_test(socket_read_over_unix),
		cmocka_unit_test(egress_to_the_network),
		cmocka_unit_test(egress_to_a_unix_socket_and_a_file),
		cmocka_unit_test(the_collector_may_answer_for_executables),
	};

	return cmocka_run_group_tests_name("ecs_net", tests, NULL, NULL);
}
