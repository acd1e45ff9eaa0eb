/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 checked by the tests without the code under test. */
#ifndef DAUDIT_TEST_UTF8_H
#define DAUDIT_TEST_UTF8_H

#include <stddef.h>

/* Independent of ecs.c's table: decode code points and check ranges. */
static inline int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned int cp, need, min;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			cp = s[i] & 0x1f; need = 1; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			cp = s[i] & 0x0f; need = 2; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			cp = s[i] & 0x07; need = 3; min = 0x10000;
		} else {
			return 0;
		}
		if (i + need >= len)
			return 0;
		for (i++; need; need--, i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

#endif
