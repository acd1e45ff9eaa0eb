/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy of protected sources: the text format people write, the
 * binary form daudit.ko takes (module/uapi/daudit.h), and the one
 * in-memory model both are turned into.
 *
 *   text --policy_parse_*--> model --policy_encode--> binary
 *   binary --policy_decode--> model --policy_print--> canonical text
 *
 * The parser and the decoder apply the same rules, so any binary the
 * decoder accepts prints as text that parses back to it, and the
 * canonical text of a policy is a fixed point: parse, encode, decode and
 * print give the same text again.  docs/policy.md describes the format.
 */
#ifndef DAUDIT_POLICY_H
#define DAUDIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daudit.h"

/* A policy file larger than this is refused before parsing. */
#define POLICY_TEXT_MAX		(64U << 20)
/* Errors kept per parse; the rest are only counted. */
#define POLICY_MAX_ERRORS	1000

struct policy_source {
	uint16_t type;			/* enum daudit_source_type */
	uint16_t dataset;		/* index into policy.datasets */
	uint16_t family;		/* AF_INET or AF_INET6 for tcp/udp */
	uint8_t prefix_len;
	uint8_t addr[16];		/* network byte order */
	uint16_t port_lo;
	uint16_t port_hi;
	uint32_t line;			/* text line, or as decoded */
	uint8_t flags;			/* DAUDIT_SRC_F_LINKED or 0 */
	char *path;			/* NUL-terminated; NULL for tcp/udp */
	uint32_t path_len;		/* without the NUL */
};

struct policy_dataset {
	char name[DAUDIT_NAME_MAX];	/* NUL-terminated */
	uint32_t line;			/* line of its 'dataset' keyword */
	uint32_t n_sources;		/* readers and apps included */
	uint32_t n_protected;		/* sources that are not readers or apps */
};

/*
 * One problem found.  @kind and @item say what it is about, as the
 * kernel's DAUDIT_PERR_* and err_item do, so the decoder can report like
 * the kernel and the CLI can map a kernel error back to a line.
 */
struct policy_error {
	uint32_t line;			/* 0: about the whole file */
	uint32_t kind;			/* DAUDIT_PERR_* */
	uint32_t item;			/* index of that kind, or UINT32_MAX */
	char *msg;			/* "message: 'token'" */
};

struct policy {
	struct policy_dataset *datasets;
	uint32_t n_datasets;
	uint32_t cap_datasets;
	struct policy_source *sources;
	uint32_t n_sources;
	uint32_t cap_sources;
	char *file;			/* name used in messages */
	struct policy_error *errors;
	uint32_t n_errors;		/* kept in @errors */
	uint32_t cap_errors;
	uint32_t n_errors_dropped;	/* beyond POLICY_MAX_ERRORS */
};

/* What policy_decode() found wrong, the way the kernel reports it. */
struct policy_decode_error {
	uint32_t kind;			/* DAUDIT_PERR_* */
	uint32_t item;			/* index, or UINT32_MAX */
	char msg[128];
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * Parse a text policy into @p (initialised by the call).  Every error is
 * collected, not only the first; the return value is how many there are
 * (0 on success).  @file names the text in messages.  A file that cannot
 * be read is one error with line 0.  policy_parse_file() reads stdin for
 * the path "-".
 */
unsigned int policy_parse_string(struct policy *p, const char *file,
				 const char *text, size_t len);
unsigned int policy_parse_file(struct policy *p, const char *path);

/* Every error, one per line: "FILE:LINE: message: 'token'". */
void policy_print_errors(const struct policy *p, FILE *f);

/* Bytes the binary form of @p takes. */
size_t policy_encoded_size(const struct policy *p);

/*
 * The binary form of a policy parsed without error, in a malloc'd buffer.
 * Returns 0, or -1 with errno EINVAL (the policy has errors or no
 * dataset) or E2BIG (beyond a DAUDIT_POLICY_MAX_* limit).
 */
int policy_encode(const struct policy *p, void **buf, size_t *len);

/*
 * Check a binary policy as strictly as the kernel does and turn it into
 * @p (initialised by the call).  Returns 0, or -1 with @err filled and @p
 * left empty.
 */
int policy_decode(struct policy *p, const void *buf, size_t len,
		  struct policy_decode_error *err);

/* What policy_add_links() found. */
struct policy_links {
	uint32_t added;		/* linked files added as sources */
	uint32_t unreadable;	/* directories or entries it could not read */
	uint32_t left_out;	/* beyond the policy's limits, or bad paths */
};

/*
 * Walk every tree of @p (its own filesystem only) and add each regular
 * file with more than one link that the policy does not name already as
 * a FILE source flagged DAUDIT_SRC_F_LINKED, in the tree's dataset: a
 * name of it made outside the tree before the policy was loaded is then
 * caught by inode (policy_links.c).  Call it on a parsed policy, before
 * policy_encode().
 */
void policy_add_links(struct policy *p, struct policy_links *out);

/* What policy_add_devices() found. */
struct policy_devices {
	uint32_t added;		/* member devices added as sources */
	uint32_t no_node;	/* members with no node in /dev */
};

/*
 * Add the members of the device mapper or md devices the trees and files
 * of @p live on (from sysfs, at any depth), and the whole disks of those
 * that are partitions, as DEVICE sources of the dataset, by their nodes in
 * /dev: a raw read of one reads the protected file system's blocks
 * (policy_devices.c).  Call it on a parsed policy, before policy_encode().
 */
void policy_add_devices(struct policy *p, struct policy_devices *out);

/* One line about what policy_add_implied() added; @warning: a gap. */
typedef void (*policy_say_fn)(void *arg, bool warning, const char *msg);

/*
 * What a loader adds before encoding: policy_add_links() unless
 * !@link_scan, then policy_add_devices(); each finding said through @say.
 */
void policy_add_implied(struct policy *p, bool link_scan, policy_say_fn say,
			void *arg);

/* The canonical text of @p: it parses back to the same binary. */
void policy_print(const struct policy *p, FILE *f);

/* "tree", "file", ...; NULL for an unknown type. */
const char *policy_source_kind(unsigned int type);

/*
 * The kind a source is written as: its type's, or "linked" for a file the
 * loader added (policy_add_links()).
 */
#define POLICY_LINKED_KIND	"linked"
const char *policy_source_kind_of(const struct policy_source *s);

/*
 * The argument of a source as the canonical text writes it, unquoted:
 * the path, or "10.0.0.0/8" for an endpoint.  @buf needs 64 bytes for an
 * endpoint; a path is returned as it is.
 */
const char *policy_source_arg(const struct policy_source *s, char *buf,
			      size_t len);

#endif
