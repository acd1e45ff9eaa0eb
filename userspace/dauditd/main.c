// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd: the collector.  This file only reads the command line, sets up
 * signals, and starts and stops the parts: config.c, loop.c (device and
 * event loop), ingest.c, store.c, rollup.c, rules/ (the review rules),
 * policyload.c.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <syslog.h>

#include "analyst.h"
#include "checkconfig.h"
#include "config.h"
#include "daudit.h"
#include "device.h"
#include "health.h"
#include "loop.h"
#include "policyload.h"
#include "replay.h"
#include "sensors.h"
#include "util.h"

#ifndef DAUDIT_PKG_VERSION
#define DAUDIT_PKG_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: dauditd [--foreground] [--config PATH] [--database PATH]\n"
		"       dauditd --check-config [--config PATH]\n"
		"\n"
		"Collect the records of daudit.ko from %s into an SQLite database:\n"
		"raw records, per-user rollups per hour and day, and review findings.\n"
		"Runs in the foreground and logs to stderr (the journal under systemd,\n"
		"with each line's priority; with Type=notify it says when it is ready\n"
		"and, in its status line, what is protected).  With no policy in force\n"
		"it runs but says so at LOG_CRIT, to systemd and to every SIEM sink.\n"
		"SIGHUP reloads the configuration and the policy; SIGTERM or SIGINT\n"
		"drains the kernel's records, commits and exits.\n"
		"\n"
		"Options:\n"
		"  -f, --foreground     stay in the foreground, log to stderr (the default;\n"
		"                       accepted for systemd units and scripts)\n"
		"  -c, --config PATH    configuration file (default %s)\n"
		"  -d, --database PATH  database, overriding [collector] database\n"
		"  -n, --check-config   check what would fail at start and exit: the\n"
		"                       configuration, the policy file (valid, names a\n"
		"                       dataset, every path exists), the database's\n"
		"                       directory, sink directories and certificates;\n"
		"                       each problem on a line; 0 if none, 1 if any\n"
		"  -h, --help           this help\n"
		"  -V, --version        version and ABI\n"
		"\n"
		"See dauditd(8) and docs/collector.md.\n",
		DAUDIT_DEVICE_PATH, CONFIG_DEFAULT_PATH);
}

static void load_policy(const struct config *c)
{
	if (!c->policy)
		return;
	if (access(c->policy, F_OK) < 0) {
		util_err("policy file %s does not exist; the kernel's policy is left as it is",
			 c->policy);
		return;
	}
	policyload_file(c->policy, c->policy_link_scan);
}

/*
 * What the kernel protects now that dauditd loaded its policy: said to
 * systemd, the journal and the sinks, loudly when it is nothing.
 */
static void protection_at_start(struct collector *c)
{
	struct daudit_stats st;
	struct dev d;
	char err[256];
	uint64_t gen;
	unsigned int datasets, sources;

	if (!sensor_ebpf_protection(&gen, &datasets, &sources)) {
		health_policy(&c->health, c->sinks, gen, datasets, sources);
		sinks_commit(c->sinks);
		return;
	}

	if (dev_open(&d, DEV_CONTROL, 0, "the collector", err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	if (dev_stats(&d, &st, NULL, 0) < 0) {
		dev_explain_ioctl("the collector", DAUDIT_IOC_STATS, errno, err,
				  sizeof(err));
		util_die(EXIT_FAIL, "%s", err);
	}
	dev_close(&d);
	health_policy(&c->health, c->sinks, st.policy_generation,
		      st.policy_datasets, st.policy_sources);
	/* The event now, not when the first batch is committed. */
	sinks_commit(c->sinks);
}

static void on_reload(struct collector *c)
{
	load_policy(&c->cfg);
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * The collector competes for the CPU with the readers it records: a
 * burst of readers at nice 0 would starve it while the kernel's rings
 * fill and drop (docs/collector.md, "Keeping up").  Like auditd's
 * priority_boost, run at nice DAUDITD_NICE or better; a higher priority
 * set by the service manager is kept.
 */
#define DAUDITD_NICE	(-10)

static void boost_priority(void)
{
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno || now <= DAUDITD_NICE)
		return;
	if (setpriority(PRIO_PROCESS, 0, DAUDITD_NICE) < 0)
		util_err("cannot raise the scheduling priority to nice %d: %m (records may be dropped under load)",
			 DAUDITD_NICE);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "database", required_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		/* A test aid, not in --help: docs/collector.md. */
		{ "replay", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = CONFIG_DEFAULT_PATH, *db = NULL;
	const char *replay = NULL;
	int check = 0, explicit_config = 0, c, sigfd, status;
	struct collector col;
	struct source src;
	struct sensor_choice choice = { .sensor = SENSOR_MODULE };
	struct config cfg;
	char err[512];

	util_progname = "dauditd";
	while ((c = getopt_long(argc, argv, "fc:d:nhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			break;
		case 'c':
			config_path = optarg;
			explicit_config = 1;
			break;
		case 'd':
			db = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'R':
			replay = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dauditd %s (ABI %u.%u)\n", DAUDIT_PKG_VERSION,
			       DAUDIT_ABI_MAJOR, DAUDIT_ABI_MINOR);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "unexpected argument '%s' (see dauditd --help)",
			 argv[optind]);

	/* The default file may be absent (defaults apply); a named one not. */
	if (config_load(&cfg, config_path, !explicit_config, err, sizeof(err)) < 0) {
		config_free(&cfg);
		util_die(EXIT_FAIL, "%s", err);
	}
	if (db) {
		if (db[0] != '/')
			util_die(EXIT_USAGE, "--database needs an absolute path: '%s'", db);
		free(cfg.database);
		cfg.database = util_xstrdup(db);
	}
	if (check) {
		unsigned int bad = check_config(&cfg);

		if (bad)
			util_err("%s: %u problem%s", cfg.file ? cfg.file : "(defaults)",
				 bad, bad == 1 ? "" : "s");
		else
			printf("%s: ok\n", cfg.file ? cfg.file : "(defaults)");
		config_free(&cfg);
		return bad ? EXIT_FAIL : 0;
	}

	/* The intake and the indexer are threads, each with its connections. */
	if (!sqlite3_threadsafe())
		util_die(EXIT_FAIL, "this SQLite is built without thread support (SQLITE_THREADSAFE=0); dauditd needs it");
	/* Before the store is opened: the files it makes follow the umask. */
	if (analyst_share(cfg.database, cfg.analyst_group, err, sizeof(err)) < 0)
		util_log(LOG_WARNING, "%s", err);
	/*
	 * The database first, then the device and the policy: a database
	 * refused (damaged, another program's, a newer schema) then changes
	 * nothing, in the file or in the kernel.
	 */
	if (collector_open_store(&col, &cfg, err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	sigfd = signal_fd();
	if (sigfd < 0)
		util_die(EXIT_FAIL, "signalfd: %m");
	if (replay) {
		if (source_open_replay(&src, replay, err, sizeof(err)) < 0)
			util_die(EXIT_FAIL, "%s", err);
	} else {
		if (sensor_source_open(&src, &col.cfg, &choice, err, sizeof(err)) < 0)
			util_die(EXIT_FAIL, "%s (%s)", err, choice.why);
		load_policy(&col.cfg);
		boost_priority();
	}
	if (collector_attach(&col, &src, err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	if (!replay)
		protection_at_start(&col);
	if (!replay)
		col.on_reload = on_reload;
	col.config_path = col.cfg.file;
	col.db_override = db;
	if (!replay)
		util_log(LOG_NOTICE, "sensor: %s (%s)", src.sensor, choice.why);
	util_log(LOG_NOTICE, "collecting from %s (%s %s, instance %016llx, %u CPUs) into %s",
		 replay ? replay : choice.sensor == SENSOR_EBPF ?
		 "the eBPF sensor" : dev_path(),
		 choice.sensor == SENSOR_EBPF ? "eBPF sensor" : "daudit.ko",
		 src.module_version,
		 (unsigned long long)src.instance_id, src.ncpus,
		 col.cfg.database);
	health_ready(&col.health);
	status = collector_run(&col, sigfd);
	collector_close(&col);
	if (replay)
		source_close_replay(&src);
	else
		sensor_source_close(&src, &choice);
	close(sigfd);
	if (!status)
		util_log(LOG_NOTICE, "stopped; every record read is stored and acknowledged");
	return status;
}
