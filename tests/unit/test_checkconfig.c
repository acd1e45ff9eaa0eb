// SPDX-License-Identifier: GPL-2.0
/*
 * dauditd --check-config names every problem start would meet; and
 * messages carry their priority when stderr is the journal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "checkconfig.h"
#include "cli.h"
#include "config.h"
#include "util.h"

static char dir[] = "/tmp/daudit-checkconfig-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;

	assert_non_null(f);
	s = slurp(f);
	fclose(f);
	return s;
}

/* Load dauditd.conf from @text and check it, stderr into *out. */
static unsigned int check(const char *text, char **out)
{
	char path[256], log[256], err[512];
	struct config c;
	unsigned int bad;
	int saved, fd;

	put("c.conf", text);
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	if (config_load(&c, path, 0, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	snprintf(log, sizeof(log), "%s/log", dir);
	fflush(stderr);
	saved = dup(2);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	bad = check_config(&c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	config_free(&c);
	*out = read_log(log);
	return bad;
}

static void good_configuration_has_no_problem(void **state)
{
	char conf[1024], *out;

	(void)state;
	snprintf(conf, sizeof(conf),
		 "[collector]\ndatabase = %s/db/new/d.db\npolicy = %s/p.conf\n"
		 "[sink f]\ntype = file\npath = %s/out.json\n",
		 dir, dir, dir);
	put("p.conf", "dataset d {\n\ttree /tmp\n\treader /bin/sh\n}\n");
	assert_int_equal(check(conf, &out), 0);
	assert_string_equal(out, "");
	free(out);
}

static void every_problem_is_named(void **state)
{
	char conf[1024], *out;

	(void)state;
	snprintf(conf, sizeof(conf),
		 "[collector]\ndatabase = %s/p.conf/db/d.db\npolicy = %s/p.conf\n"
		 "[sink f]\ntype = file\npath = %s/gone/out.json\n"
		 "[sink s]\ntype = syslog\nhost = siem.example\n"
		 "ca_file = %s/none.pem\n",
		 dir, dir, dir, dir);
	put("p.conf", "dataset d {\n\ttree /srv/daudit-no-such-tree\n"
	    "\tfile /etc/passwd\n\treader /usr/bin/daudit-no-such-reader\n}\n");
	/* The syslog sink's spool is under the database's directory too. */
	if (check(conf, &out) != 6)
		fail_msg("not 6 problems:\n%s", out);
	assert_non_null(strstr(out, "database directory "));
	assert_non_null(strstr(out, "p.conf/db: Not a directory"));
	assert_non_null(strstr(out, "sink s: "));
	assert_non_null(strstr(out, "p.conf/db/sinks/s: Not a directory"));
	assert_non_null(strstr(out, "p.conf:2: /srv/daudit-no-such-tree: No such file or directory"));
	assert_non_null(strstr(out, "p.conf:4: /usr/bin/daudit-no-such-reader"));
	assert_non_null(strstr(out, "c.conf:4: sink f: the directory of"));
	assert_non_null(strstr(out, "c.conf:7: sink s: ca_file"));
	assert_null(strstr(out, "/etc/passwd"));
	free(out);
}

/* The fleet store's password file must exist and be private; the server is not asked. */
static void the_store_password_file_is_checked(void **state)
{
	char conf[1024], path[256], *out;

	(void)state;
	snprintf(path, sizeof(path), "%s/store.pass", dir);
	put("store.pass", "secret\n");
	assert_int_equal(chmod(path, 0644), 0);
	snprintf(conf, sizeof(conf),
		 "[collector]\ndatabase = %s/d.db\npolicy =\n"
		 "store = postgresql://daudit@db.invalid/daudit\n"
		 "store_password_file = %s\n", dir, path);
	assert_int_equal(check(conf, &out), 1);
	assert_non_null(strstr(out, "store: password file "));
	assert_non_null(strstr(out, "mode 0644"));
	free(out);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(check(conf, &out), 0);
	/* Only the note that no policy is loaded, a choice. */
	assert_null(strstr(out, "store"));
	free(out);
}

static void missing_or_empty_policy_is_a_problem(void **state)
{
	char conf[512], *out;

	(void)state;
	snprintf(conf, sizeof(conf),
		 "[collector]\ndatabase = %s/d.db\npolicy = %s/absent.conf\n",
		 dir, dir);
	assert_int_equal(check(conf, &out), 1);
	assert_non_null(strstr(out, "absent.conf: No such file or directory: nothing would be protected"));
	free(out);
	/* The shipped example: every dataset commented out. */
	snprintf(conf, sizeof(conf),
		 "[collector]\ndatabase = %s/d.db\npolicy = %s/p.conf\n", dir, dir);
	put("p.conf", "# nothing\n#dataset x { tree /srv }\n");
	assert_int_equal(check(conf, &out), 1);
	assert_non_null(strstr(out, "no dataset"));
	free(out);
	/* policy = (empty): a choice, said, not a problem. */
	snprintf(conf, sizeof(conf), "[collector]\ndatabase = %s/d.db\npolicy =\n",
		 dir);
	assert_int_equal(check(conf, &out), 0);
	assert_non_null(strstr(out, "loads no policy"));
	free(out);
}

/* In a child: stderr to @log, JOURNAL_STREAM as systemd sets it or not. */
static void log_in_child(const char *log, int journal)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat sb;
		char v[64];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || dup2(fd, 2) < 0 || fstat(2, &sb) < 0)
			_exit(9);
		snprintf(v, sizeof(v), "%llu:%llu",
			 (unsigned long long)sb.st_dev,
			 (unsigned long long)sb.st_ino + (journal ? 0 : 1));
		setenv("JOURNAL_STREAM", v, 1);
		util_progname = "dauditd";
		util_log(LOG_CRIT, "no policy in force");
		util_log(LOG_NOTICE, "collecting");
		util_err("an error");
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void journal_lines_carry_their_priority(void **state)
{
	char log[256], *out;

	(void)state;
	snprintf(log, sizeof(log), "%s/journal", dir);
	log_in_child(log, 1);
	out = read_log(log);
	assert_string_equal(out, "<2>dauditd: no policy in force\n"
			    "<5>dauditd: collecting\n<3>dauditd: an error\n");
	free(out);
	/* Another stream (stderr redirected by hand): no prefix. */
	log_in_child(log, 0);
	out = read_log(log);
	assert_string_equal(out, "dauditd: no policy in force\n"
			    "dauditd: collecting\ndauditd: an error\n");
	free(out);
}

int main(void)
{
	/*
	 * The journal test first: whether stderr is the journal is asked
	 * once per process, and its children must be the first to ask.
	 */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(journal_lines_carry_their_priority),
		cmocka_unit_test(good_configuration_has_no_problem),
		cmocka_unit_test(every_problem_is_named),
		cmocka_unit_test(missing_or_empty_policy_is_a_problem),
		cmocka_unit_test(the_store_password_file_is_checked),
	};
	char cmd[128];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		rc = 1;
	return rc;
}
