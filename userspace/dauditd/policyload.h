/* SPDX-License-Identifier: GPL-2.0 */
/* Loading the policy file named in dauditd.conf into daudit.ko. */
#ifndef DAUDITD_POLICYLOAD_H
#define DAUDITD_POLICYLOAD_H

/*
 * Parse @path (userspace/lib/policy.h), encode it, and load it through a
 * control handle.  Every problem is logged as one line per error; a
 * refused or unreadable policy leaves the kernel's policy as it was.
 * Returns 0 or -1.
 */
int policyload_file(const char *path, int link_scan);

#endif
