// SPDX-License-Identifier: GPL-2.0
/* The analyst group's read access to the store (analyst.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyst.h"
#include "util.h"

/* The store's files beside DATABASE, as dauditd and SQLite name them. */
static const char *const store_files[] = {
	"", "-wal", "-shm", ".journal", ".journal-wal", ".journal-shm",
	"-sinks.json",
};

/* The first warning is the one reported: "cannot WHAT PATH: reason". */
static void warn(char *err, size_t errlen, const char *what, const char *path,
		 int e)
{
	if (!*err)
		snprintf(err, errlen, "cannot %s %s: %s", what, path, strerror(e));
}

/* Only what dauditd owns, and never a directory anyone may write (/tmp). */
static int ours(const char *path, struct stat *st, int dir)
{
	if (lstat(path, st) < 0 || st->st_uid != geteuid())
		return 0;
	if (dir)
		return S_ISDIR(st->st_mode) && !(st->st_mode & (S_IWOTH | S_ISVTX));
	return S_ISREG(st->st_mode);
}

static void share_dir(const char *dir, const struct group *gr, char *err,
		      size_t errlen)
{
	struct stat st;
	mode_t want;

	if (!ours(dir, &st, 1))
		return;
	if (gr) {
		want = (st.st_mode & 0700) | 02750;
		if (st.st_gid != gr->gr_gid && chown(dir, (uid_t)-1, gr->gr_gid) < 0)
			warn(err, errlen, "give the analyst group", dir, errno);
	} else if (st.st_mode & S_ISGID) {
		/* Shared before, not now: root's alone again. */
		want = st.st_mode & 0700;
	} else {
		return;
	}
	if ((st.st_mode & 07777) == want || chmod(dir, want) == 0)
		return;
	/*
	 * The unit's RestrictSUIDSGID refuses the set-group-ID bit; its
	 * StateDirectoryMode=2750 has set it already.
	 */
	if (errno == EPERM && (want & S_ISGID) &&
	    ((st.st_mode & S_ISGID) || chmod(dir, want & ~S_ISGID) == 0))
		return;
	warn(err, errlen, "set the mode of", dir, errno);
}

static void share_file(const char *path, const struct group *gr, char *err,
		       size_t errlen)
{
	struct stat st;
	mode_t want;

	if (!ours(path, &st, 0))
		return;
	want = (st.st_mode & 0600) | (gr ? 0040 : 0);
	if (gr && st.st_gid != gr->gr_gid && chown(path, (uid_t)-1, gr->gr_gid) < 0)
		warn(err, errlen, "give the analyst group", path, errno);
	if ((st.st_mode & 0777) != want && chmod(path, want) < 0)
		warn(err, errlen, "set the mode of", path, errno);
}

int analyst_share(const char *database, const char *group, char *err,
		  size_t errlen)
{
	char *dir = util_xstrdup(database), *slash = strrchr(dir, '/');
	const struct group *gr = NULL;
	size_t i;

	*err = '\0';
	if (group && *group) {
		errno = 0;
		gr = getgrnam(group);
		if (!gr)
			snprintf(err, errlen,
				 "analyst_group %s: no such group%s%s: the store stays readable by root only (groupadd --system %s, then restart dauditd)",
				 group, errno ? ": " : "", errno ? strerror(errno) : "",
				 group);
	}
	/* What SQLite and dauditd create from now on. */
	umask(gr ? 027 : 077);
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, gr ? 0750 : 0700) < 0 && errno != EEXIST)
			util_err("cannot create %s: %s", dir, strerror(errno));
		share_dir(dir, gr, err, errlen);
	}
	free(dir);
	for (i = 0; i < sizeof(store_files) / sizeof(store_files[0]); i++) {
		char *path = util_xmalloc(strlen(database) + strlen(store_files[i]) + 1);

		sprintf(path, "%s%s", database, store_files[i]);
		share_file(path, gr, err, errlen);
		free(path);
	}
	return *err ? -1 : 0;
}
