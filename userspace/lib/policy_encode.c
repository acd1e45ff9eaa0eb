// SPDX-License-Identifier: GPL-2.0
/* The binary form of a policy, as daudit.ko takes it (module/uapi/daudit.h). */
#include <errno.h>
#include <string.h>

#include "policy_int.h"

/* ------------------------------------------------------------------ */
/* Binary form                                                         */
/* ------------------------------------------------------------------ */

size_t policy_encoded_size(const struct policy *p)
{
	size_t n = sizeof(struct daudit_policy_header);
	uint32_t i;

	n += (size_t)p->n_datasets * sizeof(struct daudit_policy_dataset);
	n += (size_t)p->n_sources * sizeof(struct daudit_policy_source);
	for (i = 0; i < p->n_sources; i++)
		if (p->sources[i].path)
			n += p->sources[i].path_len + 1;
	return n;
}

int policy_encode(const struct policy *p, void **out, size_t *outlen)
{
	const size_t ds_at = sizeof(struct daudit_policy_header);
	const size_t src_at = ds_at +
		p->n_datasets * sizeof(struct daudit_policy_dataset);
	const size_t str_at = src_at +
		p->n_sources * sizeof(struct daudit_policy_source);
	size_t size = policy_encoded_size(p), str_len = 0;
	struct daudit_policy_header h = { 0 };
	unsigned char *buf;
	uint32_t i;

	if (error_count(p) || !p->n_datasets) {
		errno = EINVAL;
		return -1;
	}
	if (size > DAUDIT_POLICY_MAX_SIZE ||
	    p->n_datasets > DAUDIT_POLICY_MAX_DATASETS ||
	    p->n_sources > DAUDIT_POLICY_MAX_SOURCES) {
		errno = E2BIG;
		return -1;
	}
	buf = util_xcalloc(1, size);
	for (i = 0; i < p->n_datasets; i++) {
		struct daudit_policy_dataset d = { 0 };

		memcpy(d.name, p->datasets[i].name, strlen(p->datasets[i].name));
		memcpy(buf + ds_at + i * sizeof(d), &d, sizeof(d));
	}
	for (i = 0; i < p->n_sources; i++) {
		const struct policy_source *s = &p->sources[i];
		struct daudit_policy_source b = {
			.type = s->type, .dataset = s->dataset,
			.family = s->family, .prefix_len = s->prefix_len,
			.port_lo = s->port_lo, .port_hi = s->port_hi,
			.line = s->line, .flags = s->flags,
		};

		memcpy(b.addr, s->addr, sizeof(b.addr));
		if (s->path) {
			b.path_off = str_len;
			b.path_len = s->path_len;
			memcpy(buf + str_at + str_len, s->path, s->path_len + 1);
			str_len += s->path_len + 1;
		}
		memcpy(buf + src_at + i * sizeof(b), &b, sizeof(b));
	}
	h.magic = DAUDIT_POLICY_MAGIC;
	h.abi_major = DAUDIT_ABI_MAJOR;
	h.header_size = sizeof(h);
	h.total_size = size;
	h.n_datasets = p->n_datasets;
	h.n_sources = p->n_sources;
	h.strings_len = str_len;
	memcpy(buf, &h, sizeof(h));
	*out = buf;
	*outlen = size;
	return 0;
}
