/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the collector publishes about the sensor it runs, in the meta
 * table of its database, for `daudit status`: which sensor and why
 * ("sensor", "sensor_reason"), and for the eBPF sensor its counters
 * since it was loaded, a JSON object under SENSOR_COUNTS_META rewritten
 * at most once a second while they change (fields: docs/ebpf.md,
 * "Counters").
 */
#ifndef DAUDIT_SENSORSTATUS_H
#define DAUDIT_SENSORSTATUS_H

#define SENSOR_META		"sensor"
#define SENSOR_REASON_META	"sensor_reason"
#define SENSOR_COUNTS_META	"sensor_counts"

#endif
