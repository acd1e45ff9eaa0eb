/* SPDX-License-Identifier: GPL-2.0 */
/* Output modes: aligned tables for people, JSON and CSV for machines. */
#ifndef DAUDIT_FORMAT_H
#define DAUDIT_FORMAT_H

enum format {
	FORMAT_TABLE,
	FORMAT_JSON,
	FORMAT_CSV,
};

/* Parse --format's argument; -1 if unknown. */
int format_parse(const char *s);

#endif
