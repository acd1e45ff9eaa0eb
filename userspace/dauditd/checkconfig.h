/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dauditd --check-config: what would go wrong at start, each problem on
 * a line of its own, without touching the database, the device or the
 * kernel's policy.
 */
#ifndef DAUDITD_CHECKCONFIG_H
#define DAUDITD_CHECKCONFIG_H

#include "config.h"

/*
 * Check @c: the policy file (present, valid, names at least one dataset,
 * every path it names exists), the database's directory (exists or can
 * be made, writable), each sink (a file sink's directory, a spool
 * directory, TLS certificates and keys).  Each problem is logged as one
 * line.  Returns the number of problems.
 */
unsigned int check_config(const struct config *c);

#endif
