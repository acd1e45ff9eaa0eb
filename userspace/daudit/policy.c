// SPDX-License-Identifier: GPL-2.0
/*
 * daudit policy check|load|show: the policy of protected sources.
 *
 * check and load parse the whole text first and print every error; load
 * sends nothing unless the text is clean.  When the kernel refuses a
 * policy, the source or dataset it names is mapped back to its line.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "commands.h"
#include "device.h"
#include "policy.h"
#include "text.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daudit policy check FILE\n"
		"       daudit policy load FILE\n"
		"       daudit policy show [--format text|json]\n"
		"       daudit policy SUBCOMMAND --help\n"
		"\n"
		"The policy names the protected datasets and their sources: directory\n"
		"trees, files, unix sockets, TCP/UDP endpoints, and trusted readers.\n"
		"\n"
		"  check  parse FILE and report every error; nothing is sent\n"
		"  load   parse FILE and, if it has no error, make it the policy in force\n"
		"  show   print the policy in force as canonical text (or JSON)\n"
		"\n"
		"FILE may be '-' for standard input.  See docs/policy.md and daudit(8).\n");
}

static void usage_check(FILE *f)
{
	fprintf(f,
		"Usage: daudit policy check FILE\n"
		"\n"
		"Parse FILE and report every error, one per line, as FILE:LINE: message:\n"
		"'token'.  Nothing is sent to the kernel, so paths need not exist.\n"
		"\n"
		"Exit status: 0 if FILE is a valid policy, 1 if not, 2 on a usage error.\n");
}

static void usage_load(FILE *f)
{
	fprintf(f,
		"Usage: daudit policy load [--no-link-scan] FILE\n"
		"\n"
		"Parse FILE; if it has no error, replace the policy in force with it.\n"
		"First every tree is walked, and each file there with more than one\n"
		"link is added as a 'linked' source: protected by inode under every\n"
		"name, also one made outside the tree before this load.  And the\n"
		"devices below a protected file system (the members of a device\n"
		"mapper or md device, from sysfs) are added as 'device' sources, so\n"
		"their raw reads are recorded.\n"
		"The kernel checks the policy again and resolves every path; if it\n"
		"refuses, the policy in force does not change and the line it objects\n"
		"to is named.  Needs CAP_AUDIT_CONTROL or CAP_SYS_ADMIN.\n"
		"\n"
		"  --no-link-scan  do not walk the trees (a hard link made out of a tree\n"
		"                  before this load is then not caught once the tree's\n"
		"                  name has left the kernel's dentry cache)\n"
		"\n"
		"Exit status: 0 if loaded, 1 if not, 2 on a usage error.\n");
}

static void usage_show(FILE *f)
{
	fprintf(f,
		"Usage: daudit policy show [--format text|json]\n"
		"\n"
		"Print the policy in force, read back from the kernel, as canonical text\n"
		"(which 'daudit policy load' accepts as it is) after a comment giving its\n"
		"generation and load time, or as a JSON object.\n"
		"\n"
		"Exit status: 0 if shown (also when no policy is loaded), 1 if the module\n"
		"cannot be queried, 2 on a usage error.\n");
}

/*
 * A subcommand's options: --help, and --no-link-scan where @no_scan is
 * given.  Returns the index of the first operand, or -1 after printing
 * help (exit 0), or -2 on a usage error.
 */
static int options(int argc, char **argv, void (*help)(FILE *), int *no_scan)
{
	static const struct option opts[] = {
		{ "no-link-scan", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	/* Without @no_scan the option is unknown, and getopt says so. */
	while ((c = getopt_long(argc, argv, "h", no_scan ? opts : opts + 1,
				NULL)) != -1) {
		if (c == 'h') {
			help(stdout);
			return -1;
		}
		if (c == 'L' && no_scan) {
			*no_scan = 1;
			continue;
		}
		help(stderr);
		return -2;
	}
	return optind;
}

/* The FILE operand of check and load, or exit on a usage error. */
static const char *file_operand(int argc, char **argv, void (*help)(FILE *),
				const char *name, int *no_scan)
{
	int first = options(argc, argv, help, no_scan);

	if (first == -1)
		exit(0);
	if (first == -2)
		exit(EXIT_USAGE);
	if (first >= argc)
		util_die(EXIT_USAGE, "policy %s: missing FILE (see 'daudit policy %s --help')",
			 name, name);
	if (first + 1 < argc)
		util_die(EXIT_USAGE, "policy %s: unexpected argument '%s'",
			 name, argv[first + 1]);
	return argv[first];
}

static int parse_or_report(struct policy *p, const char *file)
{
	if (!policy_parse_file(p, file))
		return 0;
	policy_print_errors(p, stderr);
	policy_free(p);
	return -1;
}

static int policy_check(int argc, char **argv)
{
	const char *file = file_operand(argc, argv, usage_check, "check", NULL);
	struct policy p;

	if (parse_or_report(&p, file))
		return EXIT_FAIL;
	text_printf("%s: ok: %u datasets, %u sources\n", p.file, p.n_datasets,
		    p.n_sources);
	policy_free(&p);
	return 0;
}

/* Where the text of what the kernel refused begins, or 0 if unknown. */
static uint32_t refused_line(const struct policy *p,
			     const struct daudit_policy_load *pl)
{
	if (pl->err_kind == DAUDIT_PERR_SOURCE && pl->err_item < p->n_sources)
		return p->sources[pl->err_item].line;
	if (pl->err_kind == DAUDIT_PERR_DATASET && pl->err_item < p->n_datasets)
		return p->datasets[pl->err_item].line;
	return 0;
}

static void report_refusal(const struct policy *p,
			   struct daudit_policy_load *pl, int e)
{
	uint32_t line = refused_line(p, pl);
	char where[32] = "";
	const char *why = pl->err_msg;

	pl->err_msg[sizeof(pl->err_msg) - 1] = 0;
	if (line)
		snprintf(where, sizeof(where), ":%u", line);
	if (!*why && (e == EPERM || e == EACCES)) {
		char err[256];

		/* Nothing about the file: one line naming the capability. */
		dev_explain_ioctl("policy load", DAUDIT_IOC_POLICY_LOAD, e, err,
				  sizeof(err));
		util_err("%s", err);
		return;
	} else if (!*why && e == ENOTTY)
		why = "this daudit.ko does not take policies";
	else if (!*why)
		why = "no reason given";
	fprintf(stderr, "%s%s: kernel refused: %s (%s)\n", p->file, where, why,
		strerror(e));
}

/* What the loader added: to stdout; gaps as warnings to stderr. */
static void say_added(void *arg, bool warning, const char *msg)
{
	const struct policy *p = arg;

	if (warning)
		fprintf(stderr, "%s: warning: %s\n", p->file, msg);
	else
		text_printf("%s\n", msg);
}

static int policy_load(int argc, char **argv)
{
	struct daudit_policy_load pl;
	int no_scan = 0;
	const char *file = file_operand(argc, argv, usage_load, "load",
					&no_scan);
	struct policy p;
	struct dev d;
	char err[256];
	size_t len;
	void *blob;
	int rc = 0;

	if (parse_or_report(&p, file))
		return EXIT_FAIL;
	policy_add_implied(&p, !no_scan, say_added, &p);
	if (policy_encode(&p, &blob, &len) < 0)
		util_die(EXIT_FAIL, "%s: cannot encode: %m", p.file);
	if (dev_open(&d, DEV_CONTROL, 0, "policy load", err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	memset(&pl, 0, sizeof(pl));
	pl.ptr = (uintptr_t)blob;
	pl.len = len;
	pl.err_item = UINT32_MAX;
	if (ioctl(d.fd, DAUDIT_IOC_POLICY_LOAD, &pl) < 0) {
		report_refusal(&p, &pl, errno);
		rc = EXIT_FAIL;
	} else {
		text_printf("policy loaded: generation %" PRIu64 ", %u datasets, %u sources\n",
			    (uint64_t)pl.generation, p.n_datasets, p.n_sources);
	}
	dev_close(&d);
	free(blob);
	policy_free(&p);
	return rc;
}

/*
 * The binary policy in force, in a malloc'd buffer (g->len 0 if none).
 * A load between asking the size and fetching may grow the policy, so
 * ask again when the buffer turns out too small.
 */
static int fetch_policy(struct dev *d, struct daudit_policy_get *g,
			void **buf)
{
	unsigned int tries;

	*buf = NULL;
	for (tries = 0; tries < 8; tries++) {
		uint32_t want;

		memset(g, 0, sizeof(*g));
		if (ioctl(d->fd, DAUDIT_IOC_POLICY_GET, g) < 0)
			return -1;
		if (g->len == 0)
			return 0;
		want = g->len;
		*buf = util_xrealloc(*buf, want);
		memset(g, 0, sizeof(*g));
		g->ptr = (uintptr_t)*buf;
		g->len = want;
		if (ioctl(d->fd, DAUDIT_IOC_POLICY_GET, g) == 0) {
			if (g->len <= want)
				return 0;
		} else if (errno != ENOSPC && errno != E2BIG &&
			   errno != EOVERFLOW && errno != ERANGE) {
			return -1;
		}
	}
	errno = EAGAIN;
	return -1;
}

static void iso_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = ns / 1000000000ULL;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "unknown");
}

static json_object *source_json(const struct policy_source *s)
{
	json_object *o = json_object_new_object();
	char addr[64];

	json_object_object_add(o, "kind",
			       json_object_new_string(policy_source_kind_of(s)));
	if (s->path) {
		json_object_object_add(o, "path",
				       json_object_new_string_len(s->path, s->path_len));
	} else {
		policy_source_arg(s, addr, sizeof(addr));
		*strchrnul(addr, '/') = 0;
		json_object_object_add(o, "address", json_object_new_string(addr));
		json_object_object_add(o, "prefix_len",
				       json_object_new_int(s->prefix_len));
		json_object_object_add(o, "port_lo", json_object_new_int(s->port_lo));
		json_object_object_add(o, "port_hi", json_object_new_int(s->port_hi));
	}
	json_object_object_add(o, "line", json_object_new_uint64(s->line));
	return o;
}

static void print_json(const struct policy *p, const struct daudit_policy_get *g,
		       size_t size)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char when[32];
	uint32_t d, i;

	json_object_object_add(o, "policy_loaded", json_object_new_boolean(size > 0));
	json_object_object_add(o, "generation", json_object_new_uint64(g->generation));
	if (size) {
		iso_time(g->loaded_ns, when, sizeof(when));
		json_object_object_add(o, "loaded", json_object_new_string(when));
		json_object_object_add(o, "loaded_ns",
				       json_object_new_uint64(g->loaded_ns));
		json_object_object_add(o, "size", json_object_new_uint64(size));
	}
	for (d = 0; d < p->n_datasets; d++) {
		json_object *ds = json_object_new_object();
		json_object *srcs = json_object_new_array();

		json_object_object_add(ds, "name",
				       json_object_new_string(p->datasets[d].name));
		for (i = 0; i < p->n_sources; i++)
			if (p->sources[i].dataset == d)
				json_object_array_add(srcs, source_json(&p->sources[i]));
		json_object_object_add(ds, "sources", srcs);
		json_object_array_add(arr, ds);
	}
	json_object_object_add(o, "datasets", arr);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* A policy the kernel holds but this tool cannot read: say where. */
static noreturn void die_undecodable(const struct daudit_policy_get *g,
				     const struct policy_decode_error *e)
{
	char what[32];

	if (e->kind == DAUDIT_PERR_SOURCE)
		snprintf(what, sizeof(what), "source %u", e->item);
	else if (e->kind == DAUDIT_PERR_DATASET)
		snprintf(what, sizeof(what), "dataset %u", e->item);
	else
		snprintf(what, sizeof(what), "header");
	util_die(EXIT_FAIL, "the policy in force (generation %" PRIu64 ") does not decode: %s: %s",
		 (uint64_t)g->generation, what, e->msg);
}

static int policy_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct policy_decode_error derr;
	struct daudit_policy_get g;
	struct policy p;
	bool json = false;
	struct dev d;
	char err[256], when[32];
	void *blob;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				util_die(EXIT_USAGE, "policy show: --format must be text or json, not '%s'",
					 optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'h':
			usage_show(stdout);
			return 0;
		default:
			usage_show(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc)
		util_die(EXIT_USAGE, "policy show: unexpected argument '%s'",
			 argv[optind]);

	if (dev_open(&d, DEV_CONTROL, 0, "policy show", err, sizeof(err)) < 0)
		util_die(EXIT_FAIL, "%s", err);
	if (fetch_policy(&d, &g, &blob) < 0)
		util_die(EXIT_FAIL, "cannot read the policy from %s: %m", dev_path());
	dev_close(&d);
	policy_init(&p);
	if (g.len && policy_decode(&p, blob, g.len, &derr) < 0)
		die_undecodable(&g, &derr);
	if (json) {
		print_json(&p, &g, g.len);
	} else if (!g.len) {
		text_printf("# no policy loaded\n");
	} else {
		iso_time(g.loaded_ns, when, sizeof(when));
		text_printf("# generation %" PRIu64 ", loaded %s\n",
			    (uint64_t)g.generation, when);
		policy_print(&p, stdout);
	}
	policy_free(&p);
	free(blob);
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "check", policy_check },
		{ "load", policy_load },
		{ "show", policy_show },
	};
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	util_err("policy: unknown subcommand '%s' (check, load or show)",
		 argv[1]);
	return EXIT_USAGE;
}
