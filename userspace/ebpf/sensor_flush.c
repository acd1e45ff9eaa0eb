// SPDX-License-Identifier: GPL-2.0
/*
 * Records of the sessions still open (bpf/flush.bpf.h): interim ones of
 * sessions whose first unreported read is older than the age threshold,
 * and at dauditd's stop, once the hooks' programs are detached, a last
 * one of every session.  Each run creates an iterator over the sessions
 * map and reads it to its end, which runs the program once per session;
 * the records it writes reach the ring buffer like the hooks' ones.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "daudit.h"
#include "sensor_int.h"

/* Run the iterator once: -1 with errno if it could not be. */
static int run(struct sensor *s, uint16_t reason, uint64_t age_ns)
{
	union bpf_iter_link_info info;
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, o);
	char buf[64];
	ssize_t n;
	int fd, e;

	if (!s->flush_link) {
		memset(&info, 0, sizeof(info));
		info.map.map_fd = bpf_map__fd(s->skel->maps.sessions);
		o.link_info = &info;
		o.link_info_len = sizeof(info);
		s->flush_link = bpf_program__attach_iter(s->skel->progs.flush_sessions, &o);
		if (!s->flush_link)
			return -1;
	}
	s->skel->bss->flush_reason = reason;
	s->skel->bss->flush_age_ns = age_ns;
	fd = bpf_iter_create(bpf_link__fd(s->flush_link));
	if (fd < 0)
		return -1;
	/* The program writes nothing to the iterator: one read runs it all. */
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

int sensor_flush_age(struct sensor *s, unsigned int age_sec)
{
	int rc = 0;

	pthread_mutex_lock(&s->flush_lock);
	if (!s->detached)
		rc = run(s, DAUDIT_END_AGE, (uint64_t)age_sec * 1000000000ULL);
	pthread_mutex_unlock(&s->flush_lock);
	return rc;
}

int sensor_flush_stop(struct sensor *s)
{
	int rc = 0;

	pthread_mutex_lock(&s->flush_lock);
	if (!s->detached) {
		/* Nothing is counted after a session's last record. */
		daudit_bpf__detach(s->skel);
		s->detached = 1;
		rc = run(s, DAUDIT_END_UNLOAD, 0);
	}
	pthread_mutex_unlock(&s->flush_lock);
	return rc;
}
