// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "format.h"

int format_parse(const char *s)
{
	if (!strcmp(s, "table"))
		return FORMAT_TABLE;
	if (!strcmp(s, "json"))
		return FORMAT_JSON;
	if (!strcmp(s, "csv"))
		return FORMAT_CSV;
	return -1;
}
