/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records as JSON objects with Elastic Common Schema (ECS 8.8+) field
 * names, shared by `daudit monitor`, the collector and the SIEM sinks.
 * docs/records.md has the full field table.
 *
 * Objects are nested ({"event":{"kind":"event"}}), as ECS recommends.
 * Identifiers that ECS types as keyword (user.id, user.audit.id,
 * file.inode, ...) are JSON strings; counters are JSON numbers.  A field
 * never changes JSON type between records: where the kernel says "not
 * set" (auid, audit session) the value is the string "unset".
 *
 * String escaping.  Strings from the kernel (paths, comm, executable,
 * dataset, version) and from NSS (user and group names) are arbitrary
 * bytes; the JSON must be valid UTF-8 and must lose nothing.  Each such
 * string is rewritten before json-c sees it, scanning left to right:
 *
 *  - a well-formed UTF-8 sequence (Unicode 15, table 3-7: no overlong
 *    forms, no surrogates, nothing above U+10FFFF) is copied unchanged,
 *    except that a backslash is treated by the next rule;
 *  - a backslash is written doubled ("\\") when the text written right
 *    after it would start with a backslash or with 'x' and two hex
 *    digits; otherwise it is written alone;
 *  - any other byte (one that does not start a well-formed sequence, and
 *    NUL) is written as the four characters '\', 'x' and two upper-case
 *    hex digits, one escape per byte.
 *
 * So valid UTF-8 without "\\" and without "\x" plus two hex digits comes
 * out unchanged.  json-c then adds the ordinary JSON escapes (quotes,
 * backslashes, control characters), which any JSON parser removes.  To
 * get the original bytes back from the parsed string value, replace left
 * to right every "\\" by one backslash and every "\xHH" (either case) by
 * the byte 0xHH; any other backslash stands for itself.  In Python:
 *
 *   re.sub(rb'\\\\|\\x([0-9A-Fa-f]{2})',
 *          lambda m: bytes([int(m[1], 16)]) if m[1] else b'\\', s)
 *
 * ecs_unescape() below is the same rule in C.
 */
#ifndef DAUDIT_ECS_H
#define DAUDIT_ECS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "daudit.h"

#define ECS_VERSION		"8.11.0"
#define ECS_PROCS_DEFAULT	8192	/* processes remembered by default */
#define ECS_NAMES_CACHE		64	/* uid and gid names cached, each */
#define ECS_NAMES_TTL		300	/* seconds before a name is asked again */
#define ECS_TIME_LEN		32	/* "2026-11-27T20:20:32.123456789Z" + NUL */

/*
 * event.severity, 0 to 10 (the CEF scale; LEEF, OCSF and syslog map
 * from it, docs/siem.md): what a reviewer should look at first.
 */
#define ECS_SEV_PROCESS		1	/* process seen or exec */
#define ECS_SEV_CONFIG		2	/* module load/unload, policy loaded */
#define ECS_SEV_READ		3	/* file or socket read of protected data */
#define ECS_SEV_CONFIG_FAILED	4	/* a policy load was refused */
#define ECS_SEV_EGRESS		5	/* data left after a protected read */
#define ECS_SEV_LOSS		6	/* records lost: totals may be low */
#define ECS_SEV_UNPROTECTED	7	/* no policy in force: nothing recorded */
#define ECS_SEV_ALERT		8	/* a protected file was hard-linked */
#define ECS_SEV_FINDING_LOW	4
#define ECS_SEV_FINDING_MEDIUM	6
#define ECS_SEV_FINDING_HIGH	8

struct ecs_proc;

/* One cached uid or gid: name is NULL when NSS did not know the id. */
struct ecs_name {
	uint32_t id;
	int used;
	char *name;
	time_t expires;
};

/**
 * struct ecs_ctx - what records are rendered against.
 * @hostname: host.hostname.
 * @instance_id: daudit.instance, the module instance the records came from.
 * @resolve_names: 0 leaves user and group names out (no NSS calls).
 * @procs: executables by (tgid, start_ns), least recently used evicted.
 *
 * Not locked: a thread that renders records uses its own context.
 */
struct ecs_ctx {
	char *hostname;
	uint64_t instance_id;
	int resolve_names;
	/*
	 * Asked for the executable of a process the table does not hold
	 * (the collector answers from its own process table and database);
	 * NULL: only the table.  The string must stay valid until the next
	 * call; so must *cmdline (NULL: none).
	 */
	const char *(*exe_lookup)(void *arg, uint32_t tgid, uint64_t start_ns,
				  const char **cmdline);
	void *exe_lookup_arg;

	struct ecs_proc **buckets;
	size_t nbuckets;
	size_t nprocs;
	size_t max_procs;
	struct ecs_proc *lru_head;	/* most recently used */
	struct ecs_proc *lru_tail;

	struct ecs_name users[ECS_NAMES_CACHE];
	struct ecs_name groups[ECS_NAMES_CACHE];
};

/*
 * @hostname NULL means gethostname(); @max_procs 0 means
 * ECS_PROCS_DEFAULT.  Allocation failure exits (util.h).
 */
void ecs_ctx_init(struct ecs_ctx *ctx, const char *hostname,
		  uint64_t instance_id, size_t max_procs);
void ecs_ctx_free(struct ecs_ctx *ctx);

/*
 * Remember the executable of a DAUDIT_REC_PROCESS record, so later records
 * of the same (tgid, start_ns) get process.executable.  Other record types
 * are ignored, so it may be called on every record.  @h must come from
 * rec_next() or have passed rec_check().
 */
void ecs_note_process(struct ecs_ctx *ctx, const struct daudit_rec_header *h);

/*
 * The executable remembered for a process, or NULL; *@cmdline (when
 * @cmdline is not NULL) its command line (rec_cmdline()), or NULL.
 */
const char *ecs_lookup_process(struct ecs_ctx *ctx, uint32_t tgid,
			       uint64_t start_ns, const char **cmdline);

/*
 * The record as a new JSON object (the caller puts it), or NULL for record
 * types it does not render.  @h must come from rec_next() or rec_check().
 */
json_object *ecs_from_record(struct ecs_ctx *ctx,
			     const struct daudit_rec_header *h);

/*
 * A finding of the collector's review rules (a row of its `findings`
 * table), rendered as an alert: event.kind "alert", rule.*, the user it
 * counts for, and daudit.finding.*.
 */
struct ecs_finding {
	int64_t id;			/* findings.id */
	const char *rule;		/* rule name */
	const char *key;		/* findings.key */
	uint32_t user;			/* the login uid, or the real uid if !login */
	int login;
	/*
	 * A finding about a declared actor (login DB_LOGIN_ACTOR): its id
	 * as stored, the account it came through and the declaring
	 * executable (NULL if not known); actor NULL for a user.
	 */
	const char *actor;
	uint32_t account;
	int account_login;
	const char *actor_app;
	const char *dataset;		/* NULL: not about one dataset */
	uint64_t first_ns, last_ns;
	int64_t score;			/* risk points */
	uint64_t bytes, count;
	const char *reason;		/* the sentence the report prints */
};

json_object *ecs_from_finding(struct ecs_ctx *ctx, const struct ecs_finding *f);

/* "high", "medium" or "low", from a finding's risk points (as reports do). */
const char *ecs_finding_level(int64_t score);

/*
 * An event saying that records @expected .. @got - 1 of @cpu's sequence
 * never arrived and no LOST record accounted for them.
 */
json_object *ecs_sequence_gap(struct ecs_ctx *ctx, unsigned int cpu,
			      uint64_t expected, uint64_t got);

/*
 * The collector's view of what is protected: an event when dauditd
 * starts with no policy in force, when a policy comes into force after
 * that, and every reminder while none is (type "protection").
 * @generation, @datasets and @sources describe the policy in force (0:
 * none); @reason is one sentence.
 */
json_object *ecs_protection(struct ecs_ctx *ctx, int protecting,
			    uint64_t generation, uint32_t datasets,
			    uint32_t sources, const char *reason);

/* Serialise one object as a JSON line body (no newline), json-c owned. */
const char *ecs_to_string(json_object *o);

/* @ns since the epoch as RFC 3339 UTC with nanoseconds, into @buf. */
const char *ecs_format_time(uint64_t ns, char *buf, size_t len);

/*
 * The escaping rule above: @len bytes at @s as a new NUL-terminated UTF-8
 * string (free() it).  At most 4 * @len + 1 bytes.
 */
char *ecs_escape(const char *s, size_t len);

/*
 * The same rule with more bytes escaped as \xHH: every byte whose bit is
 * set in @also (bit c of also[c / 32]), such as control characters or a
 * format's delimiter.  ecs_unescape() decodes it the same way, since a
 * backslash that would read as an escape is still doubled.  Formats that
 * cannot carry some characters raw (CEF, LEEF) use it; see docs/siem.md.
 */
char *ecs_escape_set(const char *s, size_t len, const uint32_t also[8]);

/* The same into @out (4 * @len + 1 bytes); returns the length written. */
size_t ecs_escape_into(const char *s, size_t len, const uint32_t also[8],
		       char *out);

/*
 * Characters a terminal acts on instead of showing: C0 controls, DEL,
 * C1 controls (U+0080..U+009F; some terminals read U+009B as CSI) and
 * the bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) that reorder what follows them, so that a line reads
 * differently from its bytes.
 *
 * ecs_escape_shown() is the escaping rule above with those escaped too,
 * byte by byte (with @also for more bytes, like ecs_escape_set()):
 * lossless, for JSON a person may read.  ecs_shown_len() is the length
 * of the well-formed UTF-8 character at @s (@avail bytes) if a terminal
 * shows it as is, else 0 (text.h escapes such bytes).
 */
char *ecs_escape_shown(const char *s, size_t len, const uint32_t also[8]);
size_t ecs_shown_len(const char *s, size_t avail);

/*
 * C0 controls and DEL, for ecs_escape_set(): escaped so that the text
 * holds no control character at all (actor and request ids, which an
 * application chooses, are stored and shown this way).
 */
extern const uint32_t ecs_set_controls[8];

/* The escaped string at dotted @path of @o ("file.path"), or NULL. */
const char *ecs_get_str(json_object *o, const char *path);
/* The JSON value at @path, or NULL. */
json_object *ecs_get(json_object *o, const char *path);

/*
 * Its inverse: decode @s into @out, which needs strlen(@s) + 1 bytes.
 * Returns the number of bytes decoded (a NUL is added after them; the
 * result may itself contain NULs).
 */
size_t ecs_unescape(const char *s, char *out);

#endif
