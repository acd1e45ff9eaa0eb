// SPDX-License-Identifier: GPL-2.0
/*
 * The collector's two sensors (sensors.h).  The eBPF one is a struct
 * source over the loader of userspace/ebpf/: its records are built in
 * this process, so an acknowledgement has nothing to release; the flush
 * at a stop detaches its programs and asks a last record of every open
 * session (docs/ebpf.md, "Interim records and the stop").
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "sensors.h"
#include "util.h"

#ifdef DAUDIT_EBPF
#include "../ebpf/sensor.h"

static struct sensor *ebpf;
static unsigned int ebpf_flush_age;	/* s; 0: no interim records by age */

static ssize_t ebpf_read(struct source *src, void *buf, size_t len)
{
	(void)src;
	return sensor_read(ebpf, buf, len);
}

static int ebpf_ack(struct source *src, const uint64_t *seq, unsigned int n)
{
	(void)src;
	(void)seq;
	(void)n;
	return 0;
}

/* Only at the stop (loop.c's drain()): the sensor goes with dauditd. */
static int ebpf_flush(struct source *src)
{
	(void)src;
	return sensor_flush_stop(ebpf);
}

static const struct source_ops ebpf_ops = {
	.read = ebpf_read,
	.ack = ebpf_ack,
	.flush = ebpf_flush,
};

static int open_ebpf(struct source *src, const struct config *cfg, char *err,
		     size_t errlen)
{
	uint32_t ring = 4096;

	/* A power of two pages, as the kernel takes it. */
	while (ring < cfg->ebpf_ring_kb * 1024U && ring < (1U << 30))
		ring <<= 1;
	memset(src, 0, sizeof(*src));
	ebpf = sensor_open(ring, err, errlen);
	if (!ebpf)
		return -1;
	sensor_set_flush_bytes(ebpf, (uint64_t)cfg->ebpf_flush_kb * 1024);
	/* Declared actors: registrations come to dauditd, not to a device. */
	if (sensor_actor_listen(ebpf, DAUDIT_ACTOR_SOCKET_PATH, err, errlen) < 0)
		util_err("eBPF sensor: %s: applications cannot declare actors, their reads are recorded without one (docs/ebpf.md)",
			 err);
	ebpf_flush_age = cfg->ebpf_flush_age_sec;
	src->ops = &ebpf_ops;
	src->fd = sensor_fd(ebpf);
	src->instance_id = sensor_instance(ebpf);
	src->ncpus = sensor_ncpus(ebpf);
	src->ring_bytes = sensor_ring_bytes(ebpf);
	snprintf(src->module_version, sizeof(src->module_version), "ebpf-%s",
		 DAUDIT_PKG_VERSION);
	return 0;
}

int sensor_ebpf_policy(const char *file, const void *blob, size_t len)
{
	unsigned int skipped;
	char err[256];

	if (!ebpf)
		return 0;
	if (sensor_policy(ebpf, blob, len, &skipped, err, sizeof(err)) < 0) {
		util_err("%s: the eBPF sensor refused the policy: %s; the previous policy stays in force",
			 file, err);
		return -1;
	}
	if (skipped)
		util_log(LOG_WARNING, "policy %s: %u device source%s not covered by the eBPF sensor (docs/ebpf.md)",
			 file, skipped, skipped == 1 ? " is" : "s are");
	return 1;
}

int sensor_ebpf_protection(uint64_t *generation, unsigned int *datasets,
			   unsigned int *sources)
{
	struct sensor_stats st;

	if (!ebpf)
		return -1;
	sensor_get_stats(ebpf, &st);
	*generation = st.policy_generation;
	*datasets = st.policy_datasets;
	*sources = st.policy_sources;
	return 0;
}

void sensor_ebpf_tick(void)
{
	static int failing;

	if (!ebpf || !ebpf_flush_age)
		return;
	if (sensor_flush_age(ebpf, ebpf_flush_age) == 0) {
		failing = 0;
	} else if (!failing) {
		/* Said once, until it works again. */
		util_log(LOG_WARNING, "eBPF sensor: cannot ask the interim records of open sessions: %s; they are recorded at their end",
			 strerror(errno));
		failing = 1;
	}
}

/* What the indexer last said about missed io_uring and AIO reads. */
static uint64_t uring_missed_said, aio_missed_said, clones_full_said;

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

int sensor_ebpf_counts(char *buf, size_t len)
{
	struct sensor_counts n;
	json_object *o;

	if (!ebpf)
		return -1;
	if (sensor_get_counts(ebpf, &n) < 0) {
		util_log(LOG_WARNING, "eBPF sensor: cannot read its counters: %s",
			 strerror(errno));
		return -1;
	}
	if (n.uring_missed > uring_missed_said) {
		util_log(LOG_WARNING, "eBPF sensor: %" PRIu64 " io_uring reads not followed since it started (a map was full): they are not recorded (docs/ebpf.md)",
			 n.uring_missed);
		uring_missed_said = n.uring_missed;
	}
	if (n.aio_missed > aio_missed_said) {
		util_log(LOG_WARNING, "eBPF sensor: %" PRIu64 " legacy AIO reads not followed since it started (a map was full, or the submitting thread ended first): they are not recorded (docs/ebpf.md)",
			 n.aio_missed);
		aio_missed_said = n.aio_missed;
	}
	if (n.clones_full > clones_full_said) {
		util_log(LOG_WARNING, "eBPF sensor: %" PRIu64 " reflink clones of protected files not protected since it started (the protected map was full): their reads are not recorded (docs/ebpf.md)",
			 n.clones_full);
		clones_full_said = n.clones_full;
	}
	o = json_object_new_object();
	add_u64(o, "reads", n.reads);
	add_u64(o, "read_bytes", n.read_bytes);
	add_u64(o, "sessions_ended", n.sessions_ended);
	add_u64(o, "dropped", n.dropped);
	add_u64(o, "uring_missed", n.uring_missed);
	add_u64(o, "aio_missed", n.aio_missed);
	add_u64(o, "clones_full", n.clones_full);
	add_u64(o, "trusted_reads", n.trusted_reads);
	add_u64(o, "trust_off", n.trust_off);
	add_u64(o, "actor_threads", n.actor_threads);
	add_u64(o, "actor_refused", n.actor_refused);
	add_u64(o, "sessions_full", n.sessions_full);
	add_u64(o, "procs_full", n.procs_full);
	add_u64(o, "socks_full", n.socks_full);
	add_u64(o, "paths_cut", n.paths_cut);
	snprintf(buf, len, "%s",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return 0;
}

static void close_ebpf(void)
{
	sensor_close(ebpf);
	ebpf = NULL;
}
#else
static int open_ebpf(struct source *src, const struct config *cfg, char *err,
		     size_t errlen)
{
	(void)src;
	(void)cfg;
	snprintf(err, errlen, "this dauditd was built without the eBPF sensor (make EBPF=0, or clang, bpftool or libbpf-dev missing at build time; docs/ebpf.md)");
	return -1;
}

int sensor_ebpf_policy(const char *file, const void *blob, size_t len)
{
	(void)file;
	(void)blob;
	(void)len;
	return 0;
}

int sensor_ebpf_protection(uint64_t *generation, unsigned int *datasets,
			   unsigned int *sources)
{
	(void)generation;
	(void)datasets;
	(void)sources;
	return -1;
}

int sensor_ebpf_counts(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;
}

void sensor_ebpf_tick(void)
{
}

static void close_ebpf(void)
{
}
#endif

int sensor_source_open(struct source *src, const struct config *cfg,
		       struct sensor_choice *ch, char *err, size_t errlen)
{
	int sensor = cfg->sensor;

	if (sensor == SENSOR_AUTO) {
		if (access(DAUDIT_DEVICE_PATH, F_OK) == 0) {
			sensor = SENSOR_MODULE;
			snprintf(ch->why, sizeof(ch->why),
				 "sensor = auto and %s exists (daudit.ko is loaded)",
				 DAUDIT_DEVICE_PATH);
		} else {
			sensor = SENSOR_EBPF;
			snprintf(ch->why, sizeof(ch->why),
				 "sensor = auto and %s does not exist (daudit.ko is not loaded)",
				 DAUDIT_DEVICE_PATH);
		}
	} else {
		snprintf(ch->why, sizeof(ch->why), "sensor = %s in the configuration",
			 config_sensor_name(sensor));
	}
	ch->sensor = sensor;
	if ((sensor == SENSOR_MODULE ? source_open_device(src, err, errlen) :
	     open_ebpf(src, cfg, err, errlen)) < 0)
		return -1;
	snprintf(src->sensor, sizeof(src->sensor), "%s",
		 config_sensor_name(sensor));
	snprintf(src->sensor_why, sizeof(src->sensor_why), "%s", ch->why);
	return 0;
}

void sensor_source_close(struct source *src, const struct sensor_choice *ch)
{
	if (ch->sensor == SENSOR_MODULE) {
		source_close_device(src);
		return;
	}
	close_ebpf();
	src->fd = -1;
}
