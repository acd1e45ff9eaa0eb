// SPDX-License-Identifier: GPL-2.0
/*
 * The rules one dataset name, path or network obeys, shared by the text
 * parser and the binary decoder: a binary the decoder accepts always
 * prints as text the parser accepts.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Rules shared by the parser and the decoder                          */
/* ------------------------------------------------------------------ */

const char *name_problem(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return "dataset name is empty";
	if (len >= DAUDIT_NAME_MAX)
		return "dataset name longer than 31 bytes";
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return "dataset name may only contain A-Z a-z 0-9 _ . -";
	}
	return NULL;
}

/*
 * A path the kernel resolves as written: absolute and normalised, so two
 * spellings of one place cannot both appear and a typo is not silently
 * a different place.
 */
const char *path_problem(const char *s, size_t len)
{
	size_t i, start;

	if (len == 0)
		return "path is empty";
	if (s[0] != '/')
		return "path must be absolute";
	if (len > DAUDIT_PATH_MAX - 1)
		return "path longer than 4095 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == 0)
			return "path contains a NUL byte";
		if (c < 0x20 || c == 0x7f)
			return "path contains a control character";
	}
	if (len > 1 && s[len - 1] == '/')
		return "path must not end with '/'";
	for (start = 1; start <= len; start = i + 1) {
		for (i = start; i < len && s[i] != '/'; i++)
			;
		if (i == start && len > 1)
			return "path has an empty component ('//')";
		if ((i - start == 1 && s[start] == '.') ||
		    (i - start == 2 && s[start] == '.' && s[start + 1] == '.'))
			return "path has a '.' or '..' component";
	}
	return NULL;
}

/* Are the bits of @addr beyond @prefix all zero? */
bool host_bits_clear(const uint8_t *addr, unsigned int prefix,
		     unsigned int bits)
{
	unsigned int i;

	for (i = prefix; i < bits; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static bool is_v4_mapped(const uint8_t *addr, unsigned int prefix)
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return prefix >= 96 && !memcmp(addr, mapped, sizeof(mapped));
}

const char *net_problem(uint16_t family, unsigned int prefix,
			const uint8_t *addr)
{
	unsigned int bits = family_bits(family), i;

	if (family != AF_INET && family != AF_INET6)
		return "address family is neither AF_INET nor AF_INET6";
	if (prefix > bits)
		return "prefix length out of range";
	for (i = bits / 8; i < 16; i++)
		if (addr[i])
			return "IPv4 address with bytes beyond the first 4";
	if (!host_bits_clear(addr, prefix, bits))
		return "host bits set beyond the prefix";
	if (family == AF_INET6 && is_v4_mapped(addr, prefix))
		return "IPv4-mapped IPv6 address (write it as IPv4)";
	return NULL;
}
