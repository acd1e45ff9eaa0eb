/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may read the store besides root: a review should not need root.
 * The group analyst_group of dauditd.conf (default "daudit", which the
 * Debian package creates) gets read access to the database, its journal,
 * their -wal and -shm files and DATABASE-sinks.json: the directory is
 * root:GROUP mode 2750 (set-group-ID, so every file SQLite makes there
 * later is the group's too) and the files 0640 under umask 027.  Writing
 * stays root's: triage (daudit incident ack, note...) writes the
 * database, and policy load and the device need capabilities, not a
 * group.  Without the group (unset, or no such group) the store is
 * root's alone, 0700 and 0600, as before.  Applied at every start.
 */
#ifndef DAUDIT_ANALYST_H
#define DAUDIT_ANALYST_H

#include <stddef.h>

/*
 * Make the database's directory if it is missing, then give @group
 * (NULL or "": none) read access as above and set the umask for what
 * follows.  A directory dauditd does not own, or that anyone may write
 * (/tmp), is left as it is.  0, or -1 with a one-line warning in @err:
 * the store is then root's alone and dauditd runs on.
 */
int analyst_share(const char *database, const char *group, char *err,
		  size_t errlen);

#endif
