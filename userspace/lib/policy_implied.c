// SPDX-License-Identifier: GPL-2.0
/*
 * What a loader adds to a parsed policy before encoding it: the trees'
 * hard-linked files (policy_links.c) and the devices below the protected
 * file systems (policy_devices.c), with one line said for each finding.
 * daudit policy load and dauditd both load through here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy_int.h"

static void tell(policy_say_fn say, void *arg, bool warning, const char *fmt,
		 ...) UTIL_PRINTF(4, 5);

static void tell(policy_say_fn say, void *arg, bool warning, const char *fmt,
		 ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		util_die(EXIT_FAIL, "out of memory");
	va_end(ap);
	say(arg, warning, msg);
	free(msg);
}

void policy_add_implied(struct policy *p, bool link_scan, policy_say_fn say,
			void *arg)
{
	struct policy_devices d;
	struct policy_links l;

	if (link_scan) {
		policy_add_links(p, &l);
		if (l.added)
			tell(say, arg, false, "%u hard-linked files in protected trees: protected under every name",
			     l.added);
		if (l.unreadable)
			tell(say, arg, true, "%u entries of protected trees could not be read: a hard link to a file there made before this load is not caught",
			     l.unreadable);
		if (l.left_out)
			tell(say, arg, true, "%u hard-linked files in protected trees left out (policy size limits or unusable paths)",
			     l.left_out);
	}
	policy_add_devices(p, &d);
	if (d.added)
		tell(say, arg, false, "%u block devices below protected file systems: their raw reads are recorded",
		     d.added);
	if (d.no_node)
		tell(say, arg, true, "%u block devices below protected file systems have no node in /dev: their raw reads are not recorded",
		     d.no_node);
}
