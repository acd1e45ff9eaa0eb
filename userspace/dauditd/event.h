/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One record as the collector understands it: decoded from the kernel's
 * layout, joined to its process's executable, attributed to a user.  The
 * store, the rollups and the rules all take this, never raw records.
 */
#ifndef DAUDITD_EVENT_H
#define DAUDITD_EVENT_H

#include <stdint.h>
#include <string.h>

#include "daudit.h"
#include "query.h"

struct event {
	int64_t id;			/* events.id once stored */
	unsigned int type;		/* DAUDIT_REC_* */
	uint64_t time_ns;		/* when it happened (see ingest.c) */
	uint64_t hdr_ns;		/* when the record was written */
	uint64_t instance_id;
	unsigned int cpu;
	uint64_t seq;

	/*
	 * The person it counts for: the login uid when set, else the real
	 * uid with login = 0 (daemons, cron without pam_loginuid, ...);
	 * for a record of a declared actor (ABI 1.3), the actor: user is
	 * its actors.id and login DB_LOGIN_ACTOR, and acct_user and
	 * acct_login are the account it came through (what user and login
	 * would be without the actor).
	 */
	uint32_t user;
	int login;
	uint32_t acct_user;
	int acct_login;
	/*
	 * The user's name, or the actor id, for a store shared by many hosts
	 * (uids and actors.id are per host); set only when one is
	 * configured.
	 */
	const char *user_name;

	/* Declared actor (ABI 1.3); all NULL without one. */
	const struct daudit_rec_actor *actor_rec;
	const char *actor;		/* canonical text (record.h) */
	const char *request;		/* canonical text, NULL if none */
	const char *client;		/* "addr:port", NULL if none */

	const struct daudit_subject *subj;	/* NULL for LOST records */
	const char *exe;		/* NULL when no process record was seen */
	const char *cmdline;		/* rec_cmdline(), NULL when none */
	const char *dataset;
	const char *path;		/* file, unix socket, or peer address */
	const char *dest;		/* egress destination */
	const char *extra;		/* type-specific detail, "k=v k=v" */

	uint64_t session_id;
	uint32_t part;
	int final;
	int reason;
	uint32_t paths;
	uint64_t bytes;
	uint64_t calls;
	uint64_t mmap_bytes;
	uint64_t first_ns, last_ns;
	uint64_t off_min, off_max;	/* file reads; DAUDIT_OFFSET_UNKNOWN */
	unsigned int kind;		/* egress kind, alert kind, module event */
	uint32_t flags;
	uint64_t dev, ino;
};

static inline int event_is_actor(const struct event *e)
{
	return e->login == DB_LOGIN_ACTOR;
}

static inline int event_is_read(const struct event *e)
{
	return e->type == DAUDIT_REC_FILE_READ || e->type == DAUDIT_REC_SOCK_READ;
}

/* Bytes a read counts for: exact read bytes plus mmap'd pages faulted in. */
static inline uint64_t event_read_bytes(const struct event *e)
{
	return e->bytes + e->mmap_bytes;
}

/*
 * Egress to @dest ("addr:port/proto") that goes to @client ("addr:port",
 * or "addr", "[v6]" when the application declared no port): an actor's
 * egress to the client the application declared for it is the answer to
 * that person (delivered), not data leaving.  Same address and port, or
 * the address with any port when no port was declared.
 */
static inline int actor_delivery(const char *dest, const char *client)
{
	size_t n;

	if (!dest || !client || !*client)
		return 0;
	n = strlen(client);
	if (strncmp(dest, client, n))
		return 0;
	if (client[0] == '[' ? strstr(client, "]:") != NULL :
	    strchr(client, ':') != NULL)
		return dest[n] == '/';		/* the same address and port */
	return dest[n] == ':';			/* the address, any port */
}

/* An egress record of an actor to its own declared client. */
static inline int event_is_delivery(const struct event *e)
{
	return e->type == DAUDIT_REC_EGRESS && event_is_actor(e) &&
	       actor_delivery(e->dest, e->client);
}

#endif
