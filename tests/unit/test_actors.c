// SPDX-License-Identifier: GPL-2.0
/*
 * Declared actors (ABI 1.3) through the collector: the actor block is
 * checked and decoded, an actor's reads are stored, rolled up, judged and
 * listed as that person's, beside the account and the application they
 * came through, and every SIEM format names the actor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "synth.h"
#include "cli.h"
#include "ecs.h"
#include "fmt.h"
#include "record.h"
#include "../../userspace/daudit/users.c"

/* The CRM service: uid 990, no login, /opt/crm/bin/crm-server. */
static const struct who crm = { 990, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET,
				700, 7 * NS, "crm-server" };
static const struct who alice = { 1000, 1000, 7, 4242, 111 * NS, "cat" };

#define WORK	(T0 + 10 * HOUR_NS)	/* Monday 10:00 UTC */
#define CLIENT	0xc6336407U		/* 198.51.100.7 */

struct fixture {
	char *path;
	struct collector c;
	struct source src;
	struct synth s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->path = test_db_path("actors");
	test_db_remove(f->path);
	fake_source(&f->src, NULL, 0xabcdef);
	test_collector(&f->c, f->path, &f->src, NULL);
	synth_init(&f->s);
	synth_process(&f->s, 0, T0, &crm, "/opt/crm/bin/crm-server",
		      DAUDIT_PROC_SEEN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	collector_close(&f->c);
	test_db_remove(f->path);
	synth_free(&f->s);
	free(f->path);
	free(f);
	return 0;
}

/* One read of @bytes by the CRM for @actor at @t. */
static void actor_read(struct fixture *f, uint64_t t, const char *actor,
		       const char *path, uint64_t bytes)
{
	synth_read1(&f->s, 0, t, &crm, "customers", path, bytes);
	synth_actor(&f->s, actor, strlen(actor), "req-1", CLIENT, 51000);
}

static void the_actor_block_is_checked(void **state)
{
	struct synth s;
	const struct daudit_rec_header *h;
	struct daudit_rec_actor *a;
	const char *why = NULL;
	char text[REC_ACTOR_TEXT], client[64];

	(void)state;
	synth_init(&s);
	synth_read1(&s, 0, T0, &crm, "customers", "/d/a", 10);
	synth_actor(&s, "emp\n07\0x", 8, NULL, CLIENT, 0);
	h = (const void *)s.buf;
	assert_int_equal(rec_check(h, s.len, &why), 0);
	a = (void *)(s.buf + s.len - sizeof(*a));
	assert_ptr_equal(rec_actor(h), a);
	/* Control bytes and NUL escaped: printable, and lossless. */
	rec_actor_text(a->actor, a->actor_len, text);
	assert_string_equal(text, "emp\\x0A07\\x00x");
	assert_string_equal(rec_actor_client(a, client, sizeof(client)),
			    "198.51.100.7");

	a->actor_len = 65;
	assert_int_equal(rec_check(h, s.len, &why), -1);
	assert_string_equal(why, "actor or request id longer than 64 bytes");
	a->actor_len = 3;
	a->request_len = 65;
	assert_int_equal(rec_check(h, s.len, &why), -1);
	a->request_len = 0;
	/* The path may not run into the block. */
	((struct daudit_rec_file *)(void *)s.buf)->path_len =
		(uint16_t)(h->size - sizeof(struct daudit_rec_file) - 8);
	assert_int_equal(rec_check(h, s.len, &why), -1);
	synth_free(&s);

	/* The flag without room for the block. */
	synth_init(&s);
	synth_read1(&s, 0, T0, &crm, "customers", "/d/a", 10);
	((struct daudit_rec_header *)(void *)s.buf)->flags = DAUDIT_REC_F_ACTOR;
	assert_int_equal(rec_check((const void *)s.buf, s.len, &why), -1);
	assert_string_equal(why, "record too short for its actor block");
	/* No flag: no block, as before ABI 1.3. */
	((struct daudit_rec_header *)(void *)s.buf)->flags = 0;
	assert_int_equal(rec_check((const void *)s.buf, s.len, &why), 0);
	assert_null(rec_actor((const void *)s.buf));
	synth_free(&s);
}

static void actor_reads_count_for_the_actor_beside_the_account(void **state)
{
	struct fixture *f = *state;
	char *t;

	actor_read(f, WORK, "emp-07", "/d/a", 1000);
	actor_read(f, WORK + NS, "emp-07", "/d/b", 2000);
	actor_read(f, WORK + 2 * NS, "mallory", "/d/a", 5000);
	/* The service's own read, with no actor declared. */
	synth_read1(&f->s, 0, WORK + 3 * NS, &crm, "customers", "/d/c", 7);
	test_feed(&f->c, &f->s);

	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM actors"), 2);
	t = test_text(&f->c, "SELECT actor || '|' || account_uid || '|' ||"
		      " account_login || '|' || app_exe FROM actors ORDER BY id LIMIT 1");
	assert_string_equal(t, "emp-07|990|0|/opt/crm/bin/crm-server");
	free(t);
	/* The events keep the subject's ids and name the actor. */
	t = test_text(&f->c, "SELECT actor || '|' || request || '|' || client ||"
		      " '|' || uid || '|' || login FROM events WHERE path = '/d/b'");
	assert_string_equal(t, "emp-07|req-1|198.51.100.7:51000|990|2");
	free(t);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM events WHERE"
				  " actor IS NULL AND login = 0 AND user_uid = 990"), 1);
	/* Rollups per actor, apart from the account's own. */
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup r JOIN actors a"
				  " ON a.id = r.user_uid WHERE r.login = 2 AND"
				  " a.actor = 'emp-07' AND period = 86400"), 3000);
	assert_int_equal(test_int(&f->c, "SELECT files FROM rollup r JOIN actors a"
				  " ON a.id = r.user_uid WHERE r.login = 2 AND"
				  " a.actor = 'emp-07' AND period = 86400"), 2);
	assert_int_equal(test_int(&f->c, "SELECT bytes FROM rollup WHERE login = 0"
				  " AND user_uid = 990 AND period = 86400"), 7);
	/* Each actor's first access is its own finding. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings WHERE"
				  " rule = 'first_access' AND login = 2"), 2);
}

static void delivery_to_the_actors_client_is_delivered_and_judged(void **state)
{
	struct fixture *f = *state;
	struct daudit_rec_egress *g;
	char *t;

	actor_read(f, WORK, "emp-07", "/d/a", 50 << 20);
	/* The answer to emp-07's own browser. */
	synth_egress(&f->s, 0, WORK + NS, &crm, "customers", DAUDIT_EGRESS_NET,
		     0, NULL, 50 << 20);
	g = (void *)(f->s.buf + f->s.last);
	g->dst_addr[0] = 198;
	g->dst_addr[1] = 51;
	g->dst_addr[2] = 100;
	g->dst_addr[3] = 7;
	g->dst_port = 51000;
	synth_actor(&f->s, "emp-07", 6, "req-1", CLIENT, 51000);
	test_feed(&f->c, &f->s);
	/*
	 * 50 MiB read for emp-07 and sent to her own machine: the data left
	 * the server for her, her read then egress (an ordinary lookup is
	 * far below the threshold), and the finding says where it went.
	 */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings f JOIN"
				  " actors a ON a.id = f.user_uid WHERE f.login = 2"
				  " AND a.actor = 'emp-07' AND rule = 'read_then_egress'"), 1);
	t = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'read_then_egress'");
	if (!strstr(t, "the application read 50.0 MiB (52428800 bytes) of protected data for this actor, then sent 50.0 MiB (52428800 bytes) out for the same actor (last to ") ||
	    !strstr(t, ", the client declared for them) within "))
		fail_msg("%s", t);
	free(t);

	/* The same actor's data also sent elsewhere: the same finding grows. */
	synth_egress(&f->s, 0, WORK + 2 * NS, &crm, "customers",
		     DAUDIT_EGRESS_NET, 0, NULL, 40 << 20);
	synth_actor(&f->s, "emp-07", 6, "req-2", CLIENT, 51000);
	test_feed(&f->c, &f->s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings f JOIN"
				  " actors a ON a.id = f.user_uid WHERE f.login = 2"
				  " AND a.actor = 'emp-07' AND rule = 'read_then_egress'"), 1);

	/* Rollups: the answer is delivered, only the rest is egress. */
	assert_int_equal(test_int(&f->c, "SELECT delivered FROM rollup WHERE"
				  " login = 2 AND period = 86400"), 50 << 20);
	assert_int_equal(test_int(&f->c, "SELECT egress_net FROM rollup WHERE"
				  " login = 2 AND period = 86400"), 40 << 20);
	assert_int_equal(test_int(&f->c, "SELECT delivered FROM rollup WHERE"
				  " login = 2 AND period = 3600"), 50 << 20);
	/* The reason speaks of the actor and the application. */
	t = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'read_then_egress'");
	if (!strstr(t, "the application read 50.0 MiB (52428800 bytes) of protected data for this actor, then sent 90.0 MiB (94371840 bytes) out for the same actor (last to ") ||
	    strstr(t, "the client declared for them"))
		fail_msg("%s", t);
	assert_null(strstr(t, "login session"));
	free(t);
}

/* A version 2 database: it counted the answers as egress. */
static void downgrade_to_schema_2(struct fixture *f)
{
	sqlite3 *db;
	char *msg = NULL;

	collector_close(&f->c);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, "UPDATE rollup SET egress_net = egress_net + delivered;"
			 "ALTER TABLE rollup DROP COLUMN delivered;"
			 "ALTER TABLE findings DROP COLUMN instance_id;"
			 "ALTER TABLE procs DROP COLUMN cmdline;"
			 "ALTER TABLE events DROP COLUMN cmdline;"
			 "ALTER TABLE evidence DROP COLUMN cmdline;"
			 "UPDATE meta SET value = 2 WHERE key = 'schema_version';",
			 NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s", msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void a_schema_2_database_moves_the_answers_to_delivered(void **state)
{
	struct fixture *f = *state;
	struct daudit_rec_egress *g;
	struct cli c;

	actor_read(f, WORK, "emp-07", "/d/a", 50 << 20);
	synth_egress(&f->s, 0, WORK + NS, &crm, "customers", DAUDIT_EGRESS_NET,
		     0, NULL, 30 << 20);
	g = (void *)(f->s.buf + f->s.last);
	memcpy(g->dst_addr, "\xc6\x33\x64\x07", 4);	/* 198.51.100.7 */
	g->dst_port = 51000;
	synth_actor(&f->s, "emp-07", 6, "req-1", CLIENT, 51000);
	synth_egress(&f->s, 0, WORK + 2 * NS, &crm, "customers",
		     DAUDIT_EGRESS_NET, 0, NULL, 20 << 20);
	synth_actor(&f->s, "emp-07", 6, "req-2", CLIENT, 51000);
	test_feed(&f->c, &f->s);
	downgrade_to_schema_2(f);

	/* The CLI asks for dauditd first. */
	cli_run(&c, cmd_users, "users", "--database", f->path, END);
	assert_int_equal(c.status, 1);
	assert_non_null(strstr(c.err, "has schema version 2: start this version's dauditd once to upgrade it to 5"));
	cli_free(&c);

	test_collector(&f->c, f->path, &f->src, NULL);
	assert_int_equal(test_int(&f->c, "SELECT value FROM meta WHERE"
				  " key = 'schema_version'"), DB_SCHEMA_VERSION);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup WHERE"
				  " login = 2 AND egress_net > 0"), 2);
	assert_int_equal(test_int(&f->c, "SELECT SUM(delivered) FROM rollup WHERE"
				  " login = 2"), 2 * (30 << 20));
	assert_int_equal(test_int(&f->c, "SELECT SUM(egress_net) FROM rollup WHERE"
				  " login = 2"), 2 * (20 << 20));
	/* The account's own rows were never the actor's. */
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM rollup WHERE"
				  " login <> 2 AND delivered > 0"), 0);

	cli_run(&c, cmd_users, "users", "--database", f->path, "--since",
		"2026-11-02", "--until", "2026-11-03", "--by", "actor",
		"--format", "csv", END);
	if (c.status || !strstr(c.out, "actor,account,app,bytes,files,datasets,sessions,egress,delivered,findings,risk\r\n") ||
	    !strstr(c.out, "\r\nemp-07,990 (no login),/opt/crm/bin/crm-server,52428800,1,1,1,20971520,31457280,"))
		fail_msg("%d %s%s", c.status, c.out, c.err);
	cli_free(&c);
}

static void off_hours_judges_actors_like_people(void **state)
{
	struct fixture *f = *state;

	/* Monday 03:00: the service alone would not be judged. */
	actor_read(f, T0 + 3 * HOUR_NS, "emp-07", "/d/a", 100);
	synth_read1(&f->s, 0, T0 + 3 * HOUR_NS + NS, &crm, "customers", "/d/c", 7);
	test_feed(&f->c, &f->s);
	assert_int_equal(test_int(&f->c, "SELECT COUNT(*) FROM findings WHERE"
				  " rule = 'off_hours'"), 1);
	assert_int_equal(test_int(&f->c, "SELECT login FROM findings WHERE"
				  " rule = 'off_hours'"), 2);
}

static void a_refused_declaration_is_tampering(void **state)
{
	struct fixture *f = *state;
	struct daudit_rec_alert *r;
	char *t;

	synth_alert(&f->s, 0, WORK, &alice, "", "/usr/bin/python3",
		    "not an app of the policy");
	r = (void *)(f->s.buf + f->s.last);
	r->kind = DAUDIT_ALERT_ACTOR;
	test_feed(&f->c, &f->s);
	t = test_text(&f->c, "SELECT reason FROM findings WHERE rule = 'tamper'");
	assert_string_equal(t, "the sensor or its attribution tampered with: /usr/bin/python3 (uid 1000) was refused the declaration of actors: not an app of the policy");
	free(t);
}

static void users_lists_actors_with_their_app_and_account(void **state)
{
	struct fixture *f = *state;
	struct cli c;

	actor_read(f, WORK, "emp-07", "/d/a", 1000);
	actor_read(f, WORK + NS, "ev\x1b[2Jil", "/d/b", 3000);
	synth_read1(&f->s, 0, WORK + 3 * NS, &alice, "customers", "/d/c", 5);
	test_feed(&f->c, &f->s);

	cli_run(&c, cmd_users, "users", "--database", f->path, "--since",
		"2026-11-02", "--until", "2026-11-03", "--by", "actor", END);
	if (c.status)
		fail_msg("status %d: %s", c.status, c.err);
	/* The escape sequence never reaches the terminal. */
	assert_null(strchr(c.out, '\x1b'));
	assert_non_null(strstr(c.out, "ev\\x1B[2Jil"));
	assert_non_null(strstr(c.out, "/opt/crm/bin/crm-server"));
	assert_non_null(strstr(c.out, "(no login)"));
	assert_null(strstr(c.out, "alice"));
	/* Most bytes first. */
	assert_true(strstr(c.out, "ev\\x1B") < strstr(c.out, "emp-07"));
	cli_free(&c);

	/* By default the account, with its actors' reads in it. */
	cli_run(&c, cmd_users, "users", "--database", f->path, "--since",
		"2026-11-02", "--until", "2026-11-03", "--format", "csv", END);
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, ",actors,delivered\r\n"));
	if (!strstr(c.out, ",990,no,4000,2,1,2,0,2,10,/opt/crm/bin/crm-server,2,0\r\n"))
		fail_msg("%s", c.out);
	assert_null(strstr(c.out, "emp-07"));
	cli_free(&c);
}

static void ecs_and_the_other_formats_name_the_actor(void **state)
{
	struct synth s;
	struct ecs_ctx ctx;
	struct fmt_buf b = { NULL, 0, 0 };
	json_object *o;
	const struct daudit_rec_header *h;

	(void)state;
	synth_init(&s);
	synth_process(&s, 0, T0, &crm, "/opt/crm/bin/crm-server",
		      DAUDIT_PROC_SEEN);
	synth_read1(&s, 0, T0, &crm, "customers", "/d/a", 10);
	synth_actor(&s, "emp-07", 6, "req-1", CLIENT, 51000);
	ecs_ctx_init(&ctx, "host1", 1, 0);
	ctx.resolve_names = 0;
	ecs_note_process(&ctx, (const void *)s.buf);
	h = (const void *)(s.buf + s.last);
	o = ecs_from_record(&ctx, h);
	assert_string_equal(ecs_get_str(o, "user.name"), "emp-07");
	assert_string_equal(ecs_get_str(o, "user.id"), "emp-07");
	assert_string_equal(ecs_get_str(o, "process.user.id"), "990");
	assert_string_equal(ecs_get_str(o, "daudit.actor.request"), "req-1");
	assert_string_equal(ecs_get_str(o, "daudit.actor.client.address"),
			    "198.51.100.7:51000");
	assert_string_equal(ecs_get_str(o, "daudit.actor.app.executable"),
			    "/opt/crm/bin/crm-server");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
				ecs_get(o, "related.user"), 1)), "990");

	fmt_cef(o, &b);
	assert_non_null(strstr(b.s, " suser=emp-07 "));
	assert_non_null(strstr(b.s, "cs3=990 "));
	fb_reset(&b);
	fmt_leef(o, &b);
	assert_non_null(strstr(b.s, "usrName=emp-07\t"));
	assert_non_null(strstr(b.s, "actorAccountUid=990"));
	fb_reset(&b);
	fmt_ocsf(o, &b);
	assert_non_null(strstr(b.s, "\"user\":{\"uid\":\"emp-07\",\"name\":\"emp-07\"}"));
	assert_non_null(strstr(b.s, "\"app_name\":\"/opt/crm/bin/crm-server\""));
	fb_free(&b);
	json_object_put(o);
	ecs_ctx_free(&ctx);
	synth_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_actor_block_is_checked),
		cmocka_unit_test_setup_teardown(actor_reads_count_for_the_actor_beside_the_account, setup, teardown),
		cmocka_unit_test_setup_teardown(delivery_to_the_actors_client_is_delivered_and_judged, setup, teardown),
		cmocka_unit_test_setup_teardown(a_schema_2_database_moves_the_answers_to_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(off_hours_judges_actors_like_people, setup, teardown),
		cmocka_unit_test_setup_teardown(a_refused_declaration_is_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(users_lists_actors_with_their_app_and_account, setup, teardown),
		cmocka_unit_test(ecs_and_the_other_formats_name_the_actor),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
