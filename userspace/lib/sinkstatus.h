/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the collector publishes the state of its SIEM sinks for `daudit
 * status`: a JSON file next to the database, DATABASE-sinks.json (for
 * /var/lib/daudit/daudit.db: /var/lib/daudit/daudit.db-sinks.json),
 * replaced atomically about once a second while something changes, and
 * when dauditd stops.  Its fields are listed in docs/siem.md ("Status").
 */
#ifndef DAUDIT_SINKSTATUS_H
#define DAUDIT_SINKSTATUS_H

#define SINKS_STATUS_SUFFIX	"-sinks.json"

#endif
