/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The story of scenario.h with an insider who names things to forge the
 * review (issue 18): on the last day at 22:00 "hostile" (uid 1004, login
 * session 15) runs an executable whose name sets the terminal's title
 * and reverses the text after it, reads a customer file whose name
 * clears the screen, returns the carriage and rings the bell, and a
 * 4,000-byte one, hard-links the first under a name that hides the text
 * after it, and copies 200 MiB to a USB file whose name moves the cursor
 * up and erases the line (and carries a C1 CSI).  An application
 * declares an actor whose id holds ESC and U+202E.  NSS names uid 1004
 * with ESC and U+202E too.
 *
 * hostile_output_is_safe() is what every verb's text must satisfy: no
 * byte a terminal acts on (ecs_shown_len()), but for the line ends.
 */
#ifndef DAUDIT_TEST_SCENARIO_HOSTILE_H
#define DAUDIT_TEST_SCENARIO_HOSTILE_H

#include "ecs.h"
#include "scenario.h"

#define HOSTILE_UID	1004
#define HOSTILE_EXE	"/tmp/\x1b]0;root\a\xe2\x80\xaegnp.exe"
#define HOSTILE_PATH	"/data/customers/\x1b[2J\x1b[Hwiped\rforged\a\xe2\x80\xaevsc.csv\xff\xc0"
#define HOSTILE_LINK	"/home/hostile/\x1b[8mhidden\xe2\x81\xa6.csv"
#define HOSTILE_DEST	"/media/usb0/\x1b[1A\x1b[2Kclean\r\xc2\x9b" "31m.csv"
#define HOSTILE_ACTOR	"emp-\x1b[31mred\xe2\x80\xae"
#define HOSTILE_LONG_LEN 4000
/* How they show (text.h): each byte a terminal acts on as \xHH. */
#define HOSTILE_EXE_SHOWN "/tmp/\\x1B]0;root\\x07\\xE2\\x80\\xAEgnp.exe"
#define HOSTILE_PATH_SHOWN "/data/customers/\\x1B[2J\\x1B[Hwiped\\x0Dforged\\x07\\xE2\\x80\\xAEvsc.csv\\xFF\\xC0"
#define HOSTILE_LINK_SHOWN "/home/hostile/\\x1B[8mhidden\\xE2\\x81\\xA6.csv"
#define HOSTILE_DEST_SHOWN "/media/usb0/\\x1B[1A\\x1B[2Kclean\\x0D\\xC2\\x9B31m.csv"
/* Its command line: a word that clears the screen, one that reverses. */
#define HOSTILE_ARGS	"gnp\0-x\0\x1b[2Jok\0\xe2\x80\xae" "fdp.txt"
#define HOSTILE_CMDLINE_SHOWN "gnp -x \\x1B[2Jok \\xE2\\x80\\xAEfdp.txt"
#define HOSTILE_ACTOR_SHOWN "emp-\\x1B[31mred\\xE2\\x80\\xAE"
#define HOSTILE_NAME_SHOWN "host\\x1B[2Jile\\xE2\\x80\\xAE"

static const struct who hostile_sh = { HOSTILE_UID, HOSTILE_UID, 15, 3500,
				       38 * NS, "\x1b[2Jcomm" };

/* A 4,000-byte path whose last bytes are an ESC sequence. */
static inline const char *hostile_long_path(void)
{
	static char p[HOSTILE_LONG_LEN + 1];

	if (!p[0]) {
		memset(p, 'a', HOSTILE_LONG_LEN);
		memcpy(p, "/data/customers/", 16);
		memcpy(p + HOSTILE_LONG_LEN - 8, "\x1b[2J.csv", 8);
	}
	return p;
}

static inline void hostile_build(struct synth *s, uint64_t base)
{
	uint64_t t = base + (SCENARIO_DAYS - 1) * DAY_NS + 22 * HOUR_NS;
	static const struct who app = { 991, DAUDIT_UID_UNSET,
					DAUDIT_SESSION_UNSET, 710, 8 * NS,
					"app" };

	scenario_build(s, base);
	synth_process_cmd(s, 4, t, &hostile_sh, HOSTILE_EXE, DAUDIT_PROC_SEEN,
			  SYNTH_ARGS(HOSTILE_ARGS));
	synth_read1(s, 4, t + NS, &hostile_sh, "customers", HOSTILE_PATH,
		    300 * MIB);
	synth_read1(s, 4, t + 2 * NS, &hostile_sh, "customers",
		    hostile_long_path(), 1 * MIB);
	synth_alert(s, 4, t + 3 * NS, &hostile_sh, "customers", HOSTILE_PATH,
		    HOSTILE_LINK);
	synth_egress(s, 4, t + 60 * NS, &hostile_sh, "customers",
		     DAUDIT_EGRESS_FILE, 0, HOSTILE_DEST, 200 * MIB);
	synth_process(s, 5, t, &app, "/opt/app/bin/app", DAUDIT_PROC_SEEN);
	synth_sock(s, 5, t + 5 * NS, &app, "customers", "/run/db.sock", 2 * MIB);
	synth_actor(s, HOSTILE_ACTOR, strlen(HOSTILE_ACTOR), "req-1",
		    0x0a010001, 50001);
}

#define HOSTILE_NAMES SCENARIO_NAMES ";" \
	" INSERT OR REPLACE INTO names (uid, name, seen_ns) VALUES" \
	" (1004, 'host' || char(27) || '[2Jile' || char(8238), 1)"

/* The story in a new database named after @name; free with hostile_db_free(). */
static inline char *hostile_db(const char *name)
{
	char *path = test_db_path(name);

	scenario_db_of(path, T0, hostile_build, HOSTILE_NAMES);
	return path;
}

static inline void hostile_db_free(char *path)
{
	test_db_remove(path);
	free(path);
}

/*
 * Every byte of @out (@what names it in the failure) is shown as is by
 * a terminal, but LF; on failure, the offset and the bytes there.
 */
static inline void hostile_output_is_safe(const char *out, const char *what)
{
	size_t len = strlen(out), i = 0;

	while (i < len) {
		size_t n = out[i] == '\n' ? 1 : ecs_shown_len(out + i, len - i);

		if (!n)
			fail_msg("%s: byte 0x%02X at offset %zu reaches the terminal raw: ...%.40s",
				 what, (unsigned char)out[i], i,
				 out + (i > 20 ? i - 20 : 0));
		i += n;
	}
}

/*
 * Run a verb (cli.h) that must succeed, and check its output is safe;
 * @what names it in a failure.
 */
#define hostile_run(c, cmd, what, ...) do { \
	cli_run(c, cmd, __VA_ARGS__, END); \
	if ((c)->status) \
		fail_msg("%s: status %d: %s", what, (c)->status, (c)->err); \
	hostile_output_is_safe((c)->out, what); \
} while (0)

/* @needle is in @out; else fail with @out (escaped) to see why. */
#define hostile_assert_in(out, needle) do { \
	if (!strstr(out, needle)) { \
		char *e_ = ecs_escape_set(out, strlen(out), NULL); \
		fprintf(stderr, "%s\n", e_); \
		free(e_); \
		fail_msg("no '%s' in the output above", needle); \
	} \
} while (0)

#endif
