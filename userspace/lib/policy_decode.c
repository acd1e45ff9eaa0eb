// SPDX-License-Identifier: GPL-2.0
/*
 * A binary policy back into the model, checked as strictly as the kernel
 * checks it, and refused the way the kernel refuses it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

UTIL_PRINTF(4, 5)
static int dec_error(struct policy_decode_error *err, uint32_t kind,
		     uint32_t item, const char *fmt, ...)
{
	va_list ap;

	err->kind = kind;
	err->item = item;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int decode_header(const unsigned char *buf, size_t len,
			 struct daudit_policy_header *h,
			 struct policy_decode_error *err)
{
	uint64_t want;

	if (len < sizeof(*h))
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "truncated: %zu bytes, the header alone is %zu",
				 len, sizeof(*h));
	memcpy(h, buf, sizeof(*h));
	if (h->magic != DAUDIT_POLICY_MAGIC)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "bad magic 0x%08x", h->magic);
	if (h->abi_major != DAUDIT_ABI_MAJOR)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "ABI major %u, expected %u", h->abi_major,
				 DAUDIT_ABI_MAJOR);
	if (h->header_size != sizeof(*h))
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "header_size %u, expected %zu", h->header_size,
				 sizeof(*h));
	if (h->reserved[0] || h->reserved[1])
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "reserved header fields are not zero");
	if (h->total_size != len)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "total_size %u but %zu bytes given",
				 h->total_size, len);
	if (h->total_size > DAUDIT_POLICY_MAX_SIZE)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "total_size %u exceeds %u", h->total_size,
				 DAUDIT_POLICY_MAX_SIZE);
	if (!h->n_datasets)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "no dataset");
	if (h->n_datasets > DAUDIT_POLICY_MAX_DATASETS)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "%u datasets, at most %u", h->n_datasets,
				 DAUDIT_POLICY_MAX_DATASETS);
	if (h->n_sources > DAUDIT_POLICY_MAX_SOURCES)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "%u sources, at most %u", h->n_sources,
				 DAUDIT_POLICY_MAX_SOURCES);
	want = (uint64_t)sizeof(*h) +
	       (uint64_t)h->n_datasets * sizeof(struct daudit_policy_dataset) +
	       (uint64_t)h->n_sources * sizeof(struct daudit_policy_source) +
	       h->strings_len;
	if (want != h->total_size)
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "parts add up to %llu bytes, total_size is %u",
				 (unsigned long long)want, h->total_size);
	if (h->strings_len && buf[len - 1])
		return dec_error(err, DAUDIT_PERR_HEADER, NO_ITEM,
				 "string table does not end with a NUL");
	return 0;
}

static int decode_dataset(struct policy *p, const unsigned char *at,
			  uint32_t i, struct policy_decode_error *err)
{
	struct daudit_policy_dataset d;
	const char *end, *why;
	size_t n, k;

	memcpy(&d, at, sizeof(d));
	end = memchr(d.name, 0, sizeof(d.name));
	if (!end)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "name not NUL-terminated");
	n = end - d.name;
	for (k = n; k < sizeof(d.name); k++)
		if (d.name[k])
			return dec_error(err, DAUDIT_PERR_DATASET, i,
					 "name not NUL-padded");
	why = name_problem(d.name, n);
	if (why)
		return dec_error(err, DAUDIT_PERR_DATASET, i, "%s", why);
	if (d.flags || d.reserved)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "flags or reserved not zero");
	if (find_dataset(p, d.name, n) >= 0)
		return dec_error(err, DAUDIT_PERR_DATASET, i,
				 "duplicate dataset name '%s'", d.name);
	add_dataset(p, d.name, n, 0);
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int decode_path(struct policy_source *s,
		       const struct daudit_policy_source *b,
		       const char *strings, uint32_t strings_len, uint32_t i,
		       struct policy_decode_error *err)
{
	const char *why;

	if (b->family || b->prefix_len || b->port_lo || b->port_hi ||
	    !all_zero(b->addr, sizeof(b->addr)))
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "%s source with address or port fields set",
				 kind_names[b->type]);
	if ((uint64_t)b->path_off + b->path_len >= strings_len)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "path at %u+%u outside the %u-byte string table",
				 b->path_off, b->path_len, strings_len);
	if (strings[b->path_off + b->path_len])
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "path not NUL-terminated at its length");
	why = path_problem(strings + b->path_off, b->path_len);
	if (why)
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "%s", why);
	s->path = util_xmalloc(b->path_len + 1);
	memcpy(s->path, strings + b->path_off, b->path_len + 1);
	s->path_len = b->path_len;
	return 0;
}

static int decode_endpoint(struct policy_source *s,
			   const struct daudit_policy_source *b, uint32_t i,
			   struct policy_decode_error *err)
{
	const char *why;

	if (b->path_off || b->path_len)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "%s source with a path", kind_names[b->type]);
	why = net_problem(b->family, b->prefix_len, b->addr);
	if (why)
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "%s", why);
	if (b->port_lo == 0 || b->port_hi < b->port_lo)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "bad port range %u-%u", b->port_lo, b->port_hi);
	s->family = b->family;
	s->prefix_len = b->prefix_len;
	memcpy(s->addr, b->addr, sizeof(s->addr));
	s->port_lo = b->port_lo;
	s->port_hi = b->port_hi;
	return 0;
}

static int decode_source(struct policy *p, const unsigned char *at,
			 const char *strings, uint32_t strings_len, uint32_t i,
			 struct policy_decode_error *err)
{
	struct daudit_policy_source b;
	struct policy_source s = { 0 };
	int r;

	memcpy(&b, at, sizeof(b));
	if (b.type < 1 || b.type > DAUDIT_SRC_TYPE_MAX)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "unknown source type %u", b.type);
	if (b.dataset >= p->n_datasets)
		return dec_error(err, DAUDIT_PERR_SOURCE, i,
				 "dataset index %u, only %u datasets", b.dataset,
				 p->n_datasets);
	if (b.flags && (b.flags != DAUDIT_SRC_F_LINKED ||
			b.type != DAUDIT_SRC_FILE))
		return dec_error(err, DAUDIT_PERR_SOURCE, i, "flags not zero");
	s.type = b.type;
	s.flags = b.flags;
	s.dataset = b.dataset;
	s.line = b.line;
	if (is_net(b.type))
		r = decode_endpoint(&s, &b, i, err);
	else
		r = decode_path(&s, &b, strings, strings_len, i, err);
	if (r == 0)
		add_source(p, &s);
	return r;
}

static int decode_body(struct policy *p, const unsigned char *buf,
		       const struct daudit_policy_header *h,
		       struct policy_decode_error *err)
{
	const unsigned char *ds = buf + sizeof(*h);
	const unsigned char *src = ds + h->n_datasets * sizeof(struct daudit_policy_dataset);
	const char *strings = (const char *)src +
			      h->n_sources * sizeof(struct daudit_policy_source);
	uint32_t i;

	for (i = 0; i < h->n_datasets; i++)
		if (decode_dataset(p, ds + i * sizeof(struct daudit_policy_dataset),
				   i, err))
			return -1;
	for (i = 0; i < h->n_sources; i++)
		if (decode_source(p, src + i * sizeof(struct daudit_policy_source),
				  strings, h->strings_len, i, err))
			return -1;
	for (i = 0; i < p->n_datasets; i++)
		if (!p->datasets[i].n_protected)
			return dec_error(err, DAUDIT_PERR_DATASET, i,
					 "dataset '%s' has no protected source",
					 p->datasets[i].name);
	check_conflicts(p);
	if (p->n_errors)
		return dec_error(err, p->errors[0].kind, p->errors[0].item,
				 "%s", p->errors[0].msg);
	return 0;
}

int policy_decode(struct policy *p, const void *buf, size_t len,
		  struct policy_decode_error *err)
{
	struct daudit_policy_header h;

	policy_init(p);
	memset(err, 0, sizeof(*err));
	err->item = NO_ITEM;
	if (decode_header(buf, len, &h, err) || decode_body(p, buf, &h, err)) {
		policy_free(p);
		return -1;
	}
	return 0;
}
