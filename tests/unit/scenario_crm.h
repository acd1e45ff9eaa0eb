/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo's case in records (tests/demo/crm.sh), for the CLI tests: a
 * CRM web service that declares the people it works for.
 *
 * Two weeks from a Monday (T0); working days Mon-Fri, 08:00-18:00 UTC.
 *
 *  svc-crm  uid 990, no login: /opt/crm/bin/crm-server, the only program
 *           the dataset's allowlist names.  It reads the customer
 *           database over its unix socket for twenty employees,
 *           emp-01..emp-20, declaring each one (with the employee's own
 *           client address, 10.1.0.N:50000+N), and answers each request
 *           to that client.  At 08:00 each working day it checks the
 *           database for itself (no actor).
 *  emp-NN   a few dozen small look-ups every working day, 08:30-17:30
 *           (about half a MiB a day, never the same twice).
 *  emp-07   in the evenings of the second Wednesday and Thursday pages
 *           through the whole table (CRM_TABLE bytes, 19:00-21:00).
 *  emp-13   the same at 20:00-22:00, and has each page also sent to
 *           203.0.113.5:443, an address outside (not her client).
 *
 * The review is the second week (CRM_REVIEW), as in the demo: the first
 * one teaches the rules each employee's usual days.
 */
#ifndef DAUDIT_TEST_SCENARIO_CRM_H
#define DAUDIT_TEST_SCENARIO_CRM_H

#include "synth.h"

#define CRM_DAYS	14
#define CRM_EMPLOYEES	20
#define CRM_SOCK	"/run/postgresql/.s.PGSQL.5432"
#define CRM_EXE		"/opt/crm/bin/crm-server"
#define CRM_TABLE	(96ULL << 20)	/* the whole customer table */
#define CRM_PAGES	96		/* requests to page through it */
#define CRM_INSIDER_A	7		/* emp-07: reads it all */
#define CRM_INSIDER_B	13		/* emp-13: reads it all and sends it out */
/* Days 9 and 10: the second Wednesday and Thursday. */
#define CRM_EVENING(d)	((d) == 9 || (d) == 10)
/* The second week, as --since/--until take it (T0 is 2026-11-02). */
#define CRM_REVIEW	"--since", "2026-11-09", "--until", "2026-11-14"
#define CRM_WEEKS	"--since", "2026-11-02", "--until", "2026-11-16"
#define CRM_REVIEW_FIRST 7
#define CRM_REVIEW_LAST	11

static const struct who crm_svc = { 990, DAUDIT_UID_UNSET, DAUDIT_SESSION_UNSET,
				    700, 7 * NS, "crm-server" };

static inline int crm_workday(unsigned int d)
{
	return d % 7 < 5;
}

/* Look-ups of employee @e on day @d, and the bytes of look-up @i. */
static inline unsigned int crm_lookups(unsigned int e, unsigned int d)
{
	return crm_workday(d) ? 10 + (e * 3 + d) % 7 : 0;
}

static inline uint64_t crm_lookup_bytes(unsigned int e, unsigned int d,
					unsigned int i)
{
	return 16384ULL * (1 + (e + i + d) % 4) + 512 * e;
}

/* What employee @e read on day @d: the look-ups, and the evenings. */
static inline uint64_t crm_day_bytes(unsigned int e, unsigned int d)
{
	uint64_t b = 0;
	unsigned int i;

	for (i = 0; i < crm_lookups(e, d); i++)
		b += crm_lookup_bytes(e, d, i);
	if ((e == CRM_INSIDER_A || e == CRM_INSIDER_B) && CRM_EVENING(d))
		b += CRM_TABLE;
	return b;
}

/* What employee @e read in the review (CRM_REVIEW). */
static inline uint64_t crm_review_bytes(unsigned int e)
{
	uint64_t b = 0;
	unsigned int d;

	for (d = CRM_REVIEW_FIRST; d <= CRM_REVIEW_LAST; d++)
		b += crm_day_bytes(e, d);
	return b;
}

static inline uint32_t crm_client(unsigned int e)
{
	return 0x0a010000U | e;			/* 10.1.0.e */
}

/* One request of employee @e: the read, then the answer to the client. */
static inline void crm_request(struct synth *s, uint64_t t, unsigned int e,
			       unsigned int n, uint64_t bytes, int export)
{
	unsigned int cpu = e % 4;
	uint32_t c = crm_client(e);
	struct daudit_rec_egress *g;
	char actor[16], req[32];

	snprintf(actor, sizeof(actor), "emp-%02u", e);
	snprintf(req, sizeof(req), "req-%02u-%u", e, n);
	synth_sock(s, cpu, t, &crm_svc, "customers", CRM_SOCK, bytes);
	synth_actor(s, actor, strlen(actor), req, c, (uint16_t)(50000 + e));
	synth_egress(s, cpu, t + NS / 10, &crm_svc, "customers",
		     DAUDIT_EGRESS_NET, 0, NULL, bytes + 2048);
	g = (void *)(s->buf + s->last);
	g->dst_addr[0] = (uint8_t)(c >> 24);
	g->dst_addr[1] = (uint8_t)(c >> 16);
	g->dst_addr[2] = (uint8_t)(c >> 8);
	g->dst_addr[3] = (uint8_t)c;
	g->dst_port = (uint16_t)(50000 + e);
	synth_actor(s, actor, strlen(actor), req, c, (uint16_t)(50000 + e));
	if (export) {
		/* The same page, to 203.0.113.5:443. */
		synth_egress(s, cpu, t + NS / 5, &crm_svc, "customers",
			     DAUDIT_EGRESS_NET, 0, NULL, bytes);
		synth_actor(s, actor, strlen(actor), req, c, (uint16_t)(50000 + e));
	}
}

/* Employee @e pages through the whole table from @start. */
static inline void crm_evening(struct synth *s, uint64_t start, unsigned int e,
			       int export)
{
	unsigned int i;

	for (i = 0; i < CRM_PAGES; i++)
		crm_request(s, start + (uint64_t)i * 75 * NS, e, 1000 + i,
			    CRM_TABLE / CRM_PAGES, export);
}

static inline void crm_build(struct synth *s, uint64_t base)
{
	unsigned int d, e, i;

	synth_process(s, 0, base, &crm_svc, CRM_EXE, DAUDIT_PROC_SEEN);
	for (d = 0; d < CRM_DAYS; d++) {
		uint64_t day0 = base + d * DAY_NS;

		if (!crm_workday(d))
			continue;
		synth_sock(s, 0, day0 + 8 * HOUR_NS, &crm_svc, "customers",
			   CRM_SOCK, 4096);
		for (e = 1; e <= CRM_EMPLOYEES; e++) {
			unsigned int n = crm_lookups(e, d);

			/* Spread over 08:30-17:30. */
			for (i = 0; i < n; i++)
				crm_request(s, day0 + 8 * HOUR_NS + 30 * 60 * NS +
					    (uint64_t)i * (9 * HOUR_NS / n) +
					    (uint64_t)e * 37 * NS, e, i,
					    crm_lookup_bytes(e, d, i), 0);
			if (e == CRM_INSIDER_A && CRM_EVENING(d))
				crm_evening(s, day0 + 19 * HOUR_NS, e, 0);
			if (e == CRM_INSIDER_B && CRM_EVENING(d))
				crm_evening(s, day0 + 20 * HOUR_NS, e, 1);
		}
	}
}

/* The demo's allowlist: only the service reads the customers. */
static inline void crm_config(struct config *c)
{
	c->allow = calloc(1, sizeof(*c->allow));
	c->n_allow = 1;
	snprintf(c->allow[0].dataset, sizeof(c->allow[0].dataset), "customers");
	c->allow[0].n = 1;
	c->allow[0].exes = calloc(1, sizeof(char *));
	c->allow[0].exes[0] = strdup(CRM_EXE);
}

/* Build the case into a new database at @path. */
static inline void crm_db(const char *path, uint64_t base)
{
	struct synth s;

	synth_init(&s);
	crm_build(&s, base);
	test_db_build(path, &s, 0xc7ac70a5, crm_config,
		      "INSERT OR REPLACE INTO names (uid, name, seen_ns)"
		      " VALUES (990, 'svc-crm', 1)");
	synth_free(&s);
}

#endif
