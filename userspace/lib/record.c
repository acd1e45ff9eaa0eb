// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ecs.h"
#include "record.h"
#include "util.h"

void rec_iter_init(struct rec_iter *it, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->off = 0;
}

/* A string of at most @max bytes with its NUL must end at @s + @len. */
static int str_ok(const char *s, size_t avail, size_t len)
{
	return len < avail && s[len] == '\0' && memchr(s, '\0', len) == NULL;
}

static size_t min_size(unsigned int type)
{
	switch (type) {
	case DAUDIT_REC_LOST:
		return sizeof(struct daudit_rec_lost);
	case DAUDIT_REC_MODULE:
		return sizeof(struct daudit_rec_module);
	case DAUDIT_REC_POLICY:
		return sizeof(struct daudit_rec_policy);
	case DAUDIT_REC_PROCESS:
		return sizeof(struct daudit_rec_process) + 1;
	case DAUDIT_REC_FILE_READ:
		return sizeof(struct daudit_rec_file) + 1;
	case DAUDIT_REC_ALERT:
		return sizeof(struct daudit_rec_alert) + 2;
	case DAUDIT_REC_SOCK_READ:
		return sizeof(struct daudit_rec_sock) + 1;
	case DAUDIT_REC_EGRESS:
		return sizeof(struct daudit_rec_egress) + 3;
	default:
		return sizeof(struct daudit_rec_header);
	}
}

/* Types that may carry an actor block, with the flag set. */
static int has_actor(const struct daudit_rec_header *h)
{
	return (h->flags & DAUDIT_REC_F_ACTOR) &&
	       (h->type == DAUDIT_REC_FILE_READ ||
		h->type == DAUDIT_REC_SOCK_READ || h->type == DAUDIT_REC_EGRESS);
}

const struct daudit_rec_actor *rec_actor(const struct daudit_rec_header *h)
{
	const struct daudit_rec_actor *a;

	if (!has_actor(h))
		return NULL;
	a = (const void *)((const unsigned char *)h + h->size - sizeof(*a));
	return a->actor_len ? a : NULL;
}

void rec_actor_text(const char *id, size_t len, char out[REC_ACTOR_TEXT])
{
	if (len > DAUDIT_ACTOR_MAX)
		len = DAUDIT_ACTOR_MAX;
	ecs_escape_into(id, len, ecs_set_controls, out);
}

const char *rec_actor_client(const struct daudit_rec_actor *a, char *buf,
			     size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	int v6 = a->client_family == AF_INET6;

	buf[0] = '\0';
	if ((a->client_family != AF_INET && !v6) ||
	    !inet_ntop(a->client_family, a->client_addr, ip, sizeof(ip)))
		return buf;
	if (a->client_port)
		snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", ip, a->client_port);
	else
		snprintf(buf, len, v6 ? "[%s]" : "%s", ip);
	return buf;
}

int rec_check(const struct daudit_rec_header *h, size_t len, const char **why)
{
	size_t size;

	if (len < sizeof(*h)) {
		*why = "truncated record header";
		return -1;
	}
	size = h->size;
	if (size < sizeof(*h) || size % 8 || size > len ||
	    size > DAUDIT_RECORD_MAX) {
		*why = "record size out of range";
		return -1;
	}
	if (size < min_size(h->type)) {
		*why = "record shorter than its type";
		return -1;
	}
	if (has_actor(h)) {
		const struct daudit_rec_actor *a;

		/* The block comes after the strings, which must fit before it. */
		if (size < min_size(h->type) + sizeof(*a)) {
			*why = "record too short for its actor block";
			return -1;
		}
		a = (const void *)((const unsigned char *)h + size - sizeof(*a));
		if (a->actor_len > DAUDIT_ACTOR_MAX ||
		    a->request_len > DAUDIT_REQUEST_MAX) {
			*why = "actor or request id longer than 64 bytes";
			return -1;
		}
		size -= sizeof(*a);
	}
	switch (h->type) {
	case DAUDIT_REC_MODULE: {
		const struct daudit_rec_module *m = (const void *)h;

		if (!memchr(m->version, '\0', sizeof(m->version))) {
			*why = "module version not terminated";
			return -1;
		}
		break;
	}
	case DAUDIT_REC_PROCESS: {
		const struct daudit_rec_process *p = (const void *)h;

		if (!str_ok(p->exe, size - sizeof(*p), p->exe_len)) {
			*why = "process exe not terminated";
			return -1;
		}
		if (p->cmdline_len &&
		    (p->cmdline_len > DAUDIT_CMDLINE_MAX ||
		     (size_t)p->exe_len + 1 + p->cmdline_len >= size - sizeof(*p) ||
		     p->exe[p->exe_len + 1 + p->cmdline_len] != '\0')) {
			*why = "process command line not terminated";
			return -1;
		}
		break;
	}
	case DAUDIT_REC_FILE_READ: {
		const struct daudit_rec_file *f = (const void *)h;

		if (!str_ok(f->path, size - sizeof(*f), f->path_len) ||
		    !memchr(f->dataset, '\0', sizeof(f->dataset))) {
			*why = "file path or dataset not terminated";
			return -1;
		}
		break;
	}
	case DAUDIT_REC_ALERT: {
		const struct daudit_rec_alert *a = (const void *)h;
		size_t avail = size - sizeof(*a);

		if (!str_ok(a->paths, avail, a->path_len) ||
		    !str_ok(a->paths + a->path_len + 1,
			    avail - a->path_len - 1, a->path2_len) ||
		    !memchr(a->dataset, '\0', sizeof(a->dataset))) {
			*why = "alert paths or dataset not terminated";
			return -1;
		}
		break;
	}
	case DAUDIT_REC_SOCK_READ: {
		const struct daudit_rec_sock *k = (const void *)h;

		if (!str_ok(k->path, size - sizeof(*k), k->path_len) ||
		    !memchr(k->dataset, '\0', sizeof(k->dataset))) {
			*why = "socket path or dataset not terminated";
			return -1;
		}
		break;
	}
	case DAUDIT_REC_EGRESS: {
		const struct daudit_rec_egress *e = (const void *)h;
		size_t avail = size - sizeof(*e);
		const char *s = e->strings;

		if (!str_ok(s, avail, e->path_len) ||
		    !str_ok(s + e->path_len + 1, avail - e->path_len - 1,
			    e->mount_len) ||
		    !str_ok(s + e->path_len + e->mount_len + 2,
			    avail - e->path_len - e->mount_len - 2,
			    e->fstype_len) ||
		    !memchr(e->dataset, '\0', sizeof(e->dataset))) {
			*why = "egress strings or dataset not terminated";
			return -1;
		}
		break;
	}
	}
	/* Names from the kernel are terminated; comm is fixed-size. */
	return 0;
}

const struct daudit_rec_header *rec_next(struct rec_iter *it, const char **why)
{
	const struct daudit_rec_header *h;

	if (it->off >= it->len)
		return NULL;
	if (it->off % 8) {
		*why = "misaligned record";
		it->off = it->len;
		return NULL;
	}
	h = (const void *)(it->buf + it->off);
	if (rec_check(h, it->len - it->off, why) < 0) {
		it->off = it->len;
		return NULL;
	}
	it->off += h->size;
	return h;
}

const char *rec_type_name(unsigned int type)
{
	static const char *const names[] = {
		[DAUDIT_REC_LOST] = "lost",
		[DAUDIT_REC_MODULE] = "module",
		[DAUDIT_REC_POLICY] = "policy",
		[DAUDIT_REC_PROCESS] = "process",
		[DAUDIT_REC_FILE_READ] = "file_read",
		[DAUDIT_REC_ALERT] = "alert",
		[DAUDIT_REC_SOCK_READ] = "socket_read",
		[DAUDIT_REC_EGRESS] = "egress",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

const char *rec_end_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[DAUDIT_END_CLOSE] = "close",
		[DAUDIT_END_EXIT] = "exit",
		[DAUDIT_END_BYTES] = "bytes",
		[DAUDIT_END_AGE] = "age",
		[DAUDIT_END_FLUSH] = "flush",
		[DAUDIT_END_UNLOAD] = "unload",
		[DAUDIT_END_LATE] = "late",
		[DAUDIT_END_NOMEM] = "nomem",
		[DAUDIT_END_POLICY] = "policy",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}

const char *rec_paths_str(uint32_t paths, char *buf, size_t len)
{
	static const char *const names[] = {
		"read", "pread", "readv", "preadv", "preadv2", "sendfile",
		"splice", "copy_file_range", "io_uring_read", "io_uring_readv",
		"io_uring_read_fixed", "mmap", "io_uring_other", "aio", "reflink",
		"fd_swapped", "recv", "recvmsg", "recvmmsg", "io_uring_recv", "write",
		"writev", "send", "sendmsg", "sendmmsg", "io_uring_write",
		"io_uring_send",
	};
	size_t i, used = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(paths & (1U << i)) || !names[i])
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     names[i]);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';	/* no half names */
			break;
		}
		used += n;
	}
	return buf;
}

/* An argument that a shell would not read back as one word as it is. */
static int needs_quotes(const char *a, size_t n)
{
	size_t i;

	if (!n)
		return 1;
	for (i = 0; i < n; i++)
		if (strchr(" \t\n'\"\\$`;&|<>(){}*?#~!", a[i]))
			return 1;
	return 0;
}

char *rec_cmdline(const struct daudit_rec_header *h)
{
	static const char cut[] = " [truncated]";
	const struct daudit_rec_process *p = (const void *)h;
	const char *a, *end;
	char *out, *o;

	if (h->type != DAUDIT_REC_PROCESS || !p->cmdline_len)
		return NULL;
	a = p->exe + p->exe_len + 1;
	end = a + p->cmdline_len;
	/* Worst case: every byte a quote, 4 bytes ('\''), plus 2 per word. */
	out = util_xmalloc(6 * (size_t)p->cmdline_len + sizeof(cut) + 2);
	o = out;
	while (a <= end) {
		size_t n = strnlen(a, (size_t)(end - a));

		if (o != out)
			*o++ = ' ';
		if (needs_quotes(a, n)) {
			size_t i;

			*o++ = '\'';
			for (i = 0; i < n; i++) {
				if (a[i] == '\'') {
					memcpy(o, "'\\''", 4);
					o += 4;
				} else {
					*o++ = a[i];
				}
			}
			*o++ = '\'';
		} else {
			memcpy(o, a, n);
			o += n;
		}
		a += n + 1;
	}
	if (h->flags & DAUDIT_REC_F_CMDLINE_CUT) {
		memcpy(o, cut, sizeof(cut) - 1);
		o += sizeof(cut) - 1;
	}
	*o = '\0';
	return out;
}
