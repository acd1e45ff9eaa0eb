// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd --check-config (checkconfig.h).  Each check asks what start
 * would do, with the same code where there is one (the policy parser,
 * the TLS loader), and names the file, the line and the path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "checkconfig.h"
#include "pgconn.h"
#include "policy.h"
#include "transport_tls.h"
#include "util.h"

/* Is there an existing ancestor of @path we could create it under? */
static int creatable_under(const char *path, char *why, size_t len)
{
	char *dir = util_xstrdup(path), *slash;
	struct stat sb;
	int rc = -1;

	while ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		if (!*dir)
			strcpy(dir, "/");
		if (stat(dir, &sb) == 0) {
			if (!S_ISDIR(sb.st_mode))
				snprintf(why, len, "%s is not a directory", dir);
			else if (access(dir, W_OK | X_OK) < 0)
				snprintf(why, len, "%s is not writable: %s", dir,
					 strerror(errno));
			else
				rc = 0;
			break;
		}
		if (errno != ENOENT) {
			snprintf(why, len, "%s: %s", dir, strerror(errno));
			break;
		}
		if (!strcmp(dir, "/"))
			break;
	}
	free(dir);
	return rc;
}

/* A directory that must exist or be made, and be writable. */
static int check_dir(const char *what, const char *dir)
{
	char why[512];
	struct stat sb;

	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			util_err("%s %s is not a directory", what, dir);
			return 1;
		}
		if (access(dir, W_OK | X_OK) < 0) {
			util_err("%s %s is not writable: %s", what, dir,
				 strerror(errno));
			return 1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		util_err("%s %s: %s", what, dir, strerror(errno));
		return 1;
	}
	if (creatable_under(dir, why, sizeof(why)) < 0) {
		util_err("%s %s does not exist and cannot be made: %s", what,
			 dir, why);
		return 1;
	}
	return 0;
}

static char *dir_of(const char *path)
{
	char *d = util_xstrdup(path), *slash = strrchr(d, '/');

	if (slash == d)
		d[1] = '\0';
	else if (slash)
		*slash = '\0';
	return d;
}

static unsigned int check_policy(const struct config *c)
{
	unsigned int bad = 0;
	struct policy p;
	uint32_t i;

	if (!c->policy) {
		util_log(LOG_NOTICE, "%s: policy is empty: dauditd loads no policy and leaves the kernel's as it is",
			 c->file ? c->file : "(defaults)");
		return 0;		/* a choice, said but not a problem */
	}
	if (access(c->policy, F_OK) < 0) {
		util_err("policy file %s: %s: nothing would be protected",
			 c->policy, strerror(errno));
		return 1;
	}
	if (policy_parse_file(&p, c->policy)) {
		policy_print_errors(&p, stderr);
		bad += p.n_errors + p.n_errors_dropped;
		policy_free(&p);
		return bad;
	}
	/* The kernel refuses a policy whose paths do not all resolve. */
	for (i = 0; i < p.n_sources; i++) {
		const struct policy_source *s = &p.sources[i];
		struct stat sb;

		if (!s->path || stat(s->path, &sb) == 0)
			continue;
		util_err("%s:%u: %s: %s (the kernel would refuse the whole policy)",
			 c->policy, s->line, s->path, strerror(errno));
		bad++;
	}
	policy_free(&p);
	return bad;
}

static unsigned int check_sinks(const struct config *c)
{
	unsigned int i, bad = 0;

	for (i = 0; i < c->n_sinks; i++) {
		const struct sink_config *s = &c->sinks[i];
		char what[128], *dir;

		snprintf(what, sizeof(what), "%s:%d: sink %s:",
			 c->file ? c->file : "(defaults)", s->line, s->name);
		if (s->type == SINK_FILE && s->path) {
			struct stat sb;

			dir = dir_of(s->path);
			if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
				util_err("%s the directory of %s does not exist",
					 what, s->path);
				bad++;
			} else {
				bad += check_dir(what, dir) ? 1 : 0;
			}
			free(dir);
		}
		if (s->type != SINK_SYSLOG)
			continue;
		dir = config_spool_dir(s, c->database);
		bad += check_dir(what, dir) ? 1 : 0;
		free(dir);
		if (s->transport == SINK_TLS) {
			struct tls_conn *t;
			char err[512];

			t = tls_new(s->ca_file, s->verify,
				    s->server_name ? s->server_name : s->host,
				    s->cert_file, s->key_file, err, sizeof(err));
			if (!t) {
				util_err("%s %s", what, err);
				bad++;
			}
			tls_free(t);
		}
	}
	return bad;
}

/*
 * The fleet store's password file, which start refuses when it cannot be
 * read or is not private; the server itself is not asked (being down is
 * not a configuration problem: the records would wait).
 */
static unsigned int check_store(const struct config *c)
{
	char err[512], *pw;

	if (!c->store || !c->store_password_file)
		return 0;
	pw = pgconn_read_password(c->store_password_file, err, sizeof(err));
	if (!pw) {
		util_err("store: %s", err);
		return 1;
	}
	explicit_bzero(pw, strlen(pw));
	free(pw);
	return 0;
}

unsigned int check_config(const struct config *c)
{
	unsigned int bad = 0;
	char *dir = dir_of(c->database);

	bad += check_dir("database directory", dir) ? 1 : 0;
	free(dir);
	bad += check_policy(c);
	bad += check_sinks(c);
	bad += check_store(c);
	return bad;
}
