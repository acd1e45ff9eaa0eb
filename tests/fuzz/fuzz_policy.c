// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harnesses for the policy, built twice (tests/fuzz/Makefile):
 *
 *  -DFUZZ_POLICY_PARSE   arbitrary bytes as a text policy.  Besides the
 *	sanitizers: a text that parses encodes, decodes and prints as text
 *	that parses to the same binary (line numbers aside), and the
 *	canonical text is a fixed point.  A text that does not parse has
 *	at least one error, every one with a message.
 *
 *  -DFUZZ_POLICY_DECODE  arbitrary bytes as a binary policy, as the
 *	kernel might hand back.  Whatever the decoder accepts must print
 *	as text that parses without error back to the same text: the
 *	decoder is never more lenient than the parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const struct policy *p)
{
	fprintf(stderr, "fuzz_policy: %s\n", what);
	if (p)
		policy_print_errors(p, stderr);
	abort();
}

static char *print_text(const struct policy *p)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		die("open_memstream", NULL);
	policy_print(p, f);
	fclose(f);
	return s;
}

/* Text that must parse: its binary. */
static void *must_encode(const char *text, size_t *len)
{
	struct policy p;
	void *blob;

	if (policy_parse_string(&p, "canonical", text, strlen(text)))
		die("the canonical text does not parse", &p);
	if (policy_encode(&p, &blob, len))
		die("a parsed policy does not encode", &p);
	policy_free(&p);
	return blob;
}

/* A binary that must decode: its canonical text. */
static char *must_print(const void *blob, size_t len)
{
	struct policy_decode_error e;
	struct policy p;
	char *text;

	if (policy_decode(&p, blob, len, &e)) {
		fprintf(stderr, "decode: kind %u item %u: %s\n", e.kind, e.item,
			e.msg);
		die("an encoded policy does not decode", NULL);
	}
	text = print_text(&p);
	policy_free(&p);
	return text;
}

/* @text is canonical: encoding and printing give it back, byte for byte. */
static void check_fixed_point(const char *text)
{
	size_t l1, l2;
	void *b1 = must_encode(text, &l1), *b2;
	char *again = must_print(b1, l1);

	if (strcmp(text, again))
		die("canonical text is not a fixed point", NULL);
	b2 = must_encode(again, &l2);
	if (l1 != l2 || memcmp(b1, b2, l1))
		die("canonical text encodes differently twice", NULL);
	free(again);
	free(b1);
	free(b2);
}

#ifdef FUZZ_POLICY_DECODE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_decode_error e;
	struct policy p;
	char *text;

	if (policy_decode(&p, data, size, &e)) {
		if (!memchr(e.msg, 0, sizeof(e.msg)) || !e.msg[0])
			die("a refusal without a message", NULL);
		return 0;
	}
	text = print_text(&p);
	policy_free(&p);
	check_fixed_point(text);
	free(text);
	return 0;
}

#else /* FUZZ_POLICY_PARSE */

static void zero_lines(void *blob)
{
	const struct daudit_policy_header *h = blob;
	struct daudit_policy_source *s;
	uint32_t i;

	s = (void *)((char *)blob + sizeof(*h) +
		     h->n_datasets * sizeof(struct daudit_policy_dataset));
	for (i = 0; i < h->n_sources; i++)
		s[i].line = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	size_t l0, l1;
	void *b0, *b1;
	char *text;
	uint32_t i;

	if (policy_parse_string(&p, "fuzz", (const char *)data, size)) {
		if (!p.n_errors)
			die("errors counted but none kept", &p);
		for (i = 0; i < p.n_errors; i++)
			if (!p.errors[i].msg || !p.errors[i].msg[0])
				die("an error without a message", &p);
		if (policy_encode(&p, &b0, &l0) == 0)
			die("a policy with errors encodes", &p);
		policy_free(&p);
		return 0;
	}
	if (policy_encode(&p, &b0, &l0))
		die("a policy without errors does not encode", &p);
	policy_free(&p);
	text = must_print(b0, l0);
	b1 = must_encode(text, &l1);
	zero_lines(b0);
	zero_lines(b1);
	if (l0 != l1 || memcmp(b0, b1, l0))
		die("the canonical text encodes to another policy", NULL);
	check_fixed_point(text);
	free(text);
	free(b0);
	free(b1);
	return 0;
}

#endif
