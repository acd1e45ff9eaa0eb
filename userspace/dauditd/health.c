// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd's own state, for systemd, the journal and the SIEM (health.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "health.h"
#include "sink.h"
#include "util.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void health_init(struct health *h)
{
	h->state = -1;
	h->generation = 0;
	h->datasets = h->sources = 0;
	h->said_ms = 0;
}

/* The unit's STATUS line (systemctl status shows it). */
static void status_line(const struct health *h, char *buf, size_t len)
{
	if (h->state == 1)
		snprintf(buf, len,
			 "collecting; policy generation %" PRIu64 " in force: %u datasets, %u sources",
			 h->generation, h->datasets, h->sources);
	else
		snprintf(buf, len,
			 "NOT PROTECTING: no policy in force, no read is recorded (daudit policy load, or policy = in dauditd.conf)");
}

static void say(struct health *h, struct sinks *sinks, int reminder)
{
	char status[256], reason[256];

	status_line(h, status, sizeof(status));
	sd_notifyf(0, "STATUS=%s", status);
	if (h->state == 1) {
		util_log(LOG_NOTICE,
			 "policy generation %" PRIu64 " in force: protecting %u datasets, %u sources",
			 h->generation, h->datasets, h->sources);
		snprintf(reason, sizeof(reason),
			 "policy generation %" PRIu64 " in force: %u datasets, %u sources",
			 h->generation, h->datasets, h->sources);
	} else {
		util_log(LOG_CRIT,
			 "%sno policy in force: nothing is protected and no read is recorded; load one with `daudit policy load FILE` or name it in dauditd.conf (policy =)",
			 reminder ? "still " : "");
		snprintf(reason, sizeof(reason), "%s",
			 h->generation ?
			 "the policy in force protects no source: no read is recorded" :
			 "no policy in force: no read is recorded");
	}
	sinks_protection(sinks, h->state == 1, h->generation, h->datasets,
			 h->sources, reason);
	h->said_ms = now_ms();
}

void health_policy(struct health *h, struct sinks *sinks, uint64_t generation,
		   uint32_t datasets, uint32_t sources)
{
	int state = generation && sources ? 1 : 0;
	int changed = state != h->state;

	h->generation = generation;
	h->datasets = datasets;
	h->sources = sources;
	h->state = state;
	if (changed) {
		say(h, sinks, 0);
	} else {
		char status[256];

		status_line(h, status, sizeof(status));
		sd_notifyf(0, "STATUS=%s", status);
	}
}

void health_record(struct health *h, struct sinks *sinks,
		   const struct daudit_rec_header *rec)
{
	const struct daudit_rec_policy *p = (const void *)rec;

	if (rec->type != DAUDIT_REC_POLICY ||
	    rec->size < sizeof(struct daudit_rec_policy) || p->result ||
	    p->generation <= h->generation)
		return;
	health_policy(h, sinks, p->generation, p->n_datasets, p->n_sources);
}

void health_tick(struct health *h, struct sinks *sinks)
{
	if (h->state == 0 && now_ms() - h->said_ms >= HEALTH_REMIND_MS)
		say(h, sinks, 1);
}

void health_ready(const struct health *h)
{
	char status[256];

	status_line(h, status, sizeof(status));
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void health_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void health_reloaded(void)
{
	sd_notify(0, "READY=1");
}

void health_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping: draining the kernel's records");
}
