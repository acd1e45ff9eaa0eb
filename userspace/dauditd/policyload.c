// SPDX-License-Identifier: GPL-2.0
/*
 * The collector loads the policy at start and on SIGHUP, so the policy
 * file is the one source of truth across reboots and module reloads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>

#include "device.h"
#include "policy.h"
#include "policyload.h"
#include "sensors.h"
#include "util.h"

static uint32_t refused_line(const struct policy *p,
			     const struct daudit_policy_load *pl)
{
	if (pl->err_kind == DAUDIT_PERR_SOURCE && pl->err_item < p->n_sources)
		return p->sources[pl->err_item].line;
	if (pl->err_kind == DAUDIT_PERR_DATASET && pl->err_item < p->n_datasets)
		return p->datasets[pl->err_item].line;
	return 0;
}

static int load(const struct policy *p, const void *blob, size_t len)
{
	struct daudit_policy_load pl;
	struct dev d;
	char err[256];
	int e;

	e = sensor_ebpf_policy(p->file, blob, len);
	if (e) {
		if (e > 0)
			util_log(LOG_NOTICE, "policy %s loaded into the eBPF sensor: %u datasets, %u sources",
				 p->file, p->n_datasets, p->n_sources);
		return e > 0 ? 0 : -1;
	}

	if (dev_open(&d, DEV_CONTROL, 0, "the collector", err, sizeof(err)) < 0) {
		util_err("policy %s not loaded: %s", p->file, err);
		return -1;
	}
	memset(&pl, 0, sizeof(pl));
	pl.ptr = (uintptr_t)blob;
	pl.len = (uint32_t)len;
	pl.err_item = UINT32_MAX;
	if (ioctl(d.fd, DAUDIT_IOC_POLICY_LOAD, &pl) < 0) {
		e = errno;
		pl.err_msg[sizeof(pl.err_msg) - 1] = '\0';
		util_err("%s:%u: kernel refused the policy: %s (%s); the previous policy stays in force",
			 p->file, refused_line(p, &pl),
			 pl.err_msg[0] ? pl.err_msg :
			 e == EPERM ? "loading needs CAP_AUDIT_CONTROL or CAP_SYS_ADMIN" :
			 "no reason given", strerror(e));
		dev_close(&d);
		return -1;
	}
	util_log(LOG_NOTICE, "policy %s loaded: generation %" PRIu64 ", %u datasets, %u sources",
		 p->file, (uint64_t)pl.generation, p->n_datasets, p->n_sources);
	dev_close(&d);
	return 0;
}

/* What the loader added, or could not add, to the log. */
static void say_added(void *arg, bool warning, const char *msg)
{
	util_log(warning ? LOG_WARNING : LOG_INFO, "policy %s: %s%s",
		 (const char *)arg, warning ? "warning: " : "", msg);
}

int policyload_file(const char *path, int link_scan)
{
	struct policy p;
	void *blob = NULL;
	size_t len = 0;
	int rc;

	if (policy_parse_file(&p, path)) {
		policy_print_errors(&p, stderr);
		util_err("policy %s not loaded; the previous policy stays in force",
			 path);
		policy_free(&p);
		return -1;
	}
	policy_add_implied(&p, link_scan, say_added, (void *)path);
	if (policy_encode(&p, &blob, &len) < 0) {
		util_err("policy %s: cannot encode: %s", path, strerror(errno));
		policy_free(&p);
		return -1;
	}
	rc = load(&p, blob, len);
	free(blob);
	policy_free(&p);
	return rc;
}
