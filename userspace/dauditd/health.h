/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dauditd says about itself: to systemd (sd_notify(3): READY,
 * RELOADING, STOPPING and a STATUS line), to the journal, and to the
 * SIEM.  Above all it never runs silently while nothing is protected:
 * with no policy in force it logs at LOG_CRIT, shows "NOT PROTECTING" as
 * the unit's status, sends a "protection" event to every sink, and says
 * it again every HEALTH_REMIND_MS until a policy comes into force.
 *
 * The policy in force is read from the device at start and then followed
 * through the POLICY records the indexer stores (a load by dauditd or by
 * `daudit policy load`), so the state is the indexer thread's once it
 * runs.
 */
#ifndef DAUDITD_HEALTH_H
#define DAUDITD_HEALTH_H

#include <stdint.h>

#include "daudit.h"

struct sinks;

#define HEALTH_REMIND_MS	(10 * 60 * 1000)

struct health {
	int state;			/* -1 not known, 0 unprotected, 1 protecting */
	uint64_t generation;		/* policy in force (0: none) */
	uint32_t datasets, sources;
	int64_t said_ms;		/* when it was last said (monotonic) */
};

void health_init(struct health *h);
/*
 * The policy in force is @generation with @datasets and @sources (0: no
 * policy): say so if that changes whether anything is protected, or if
 * it was not said yet.
 */
void health_policy(struct health *h, struct sinks *sinks, uint64_t generation,
		   uint32_t datasets, uint32_t sources);
/* A POLICY record: a successful load newer than what is known. */
void health_record(struct health *h, struct sinks *sinks,
		   const struct daudit_rec_header *rec);
/* Periodically: the reminder while nothing is protected. */
void health_tick(struct health *h, struct sinks *sinks);

/*
 * To systemd (each a no-op outside a Type=notify unit): ready, with the
 * status line (before the indexer's thread runs); a SIGHUP begins and
 * ends; stopping.
 */
void health_ready(const struct health *h);
void health_reloading(void);
void health_reloaded(void);
void health_stopping(void);

#endif
