// SPDX-License-Identifier: GPL-2.0
/*
 * Declared actors without daudit.ko (bpf/actor.bpf.h, docs/ebpf.md,
 * "Declared actors"): dauditd's actor socket takes the registrations
 * libdaudit would make on /dev/daudit-actor.
 *
 * A thread connects and sends one struct daudit_actor_sock_req about
 * itself.  The send ran actor_ask() in that thread, which noted what the
 * kernel knows of it: its executable, whether it is traced, whether its
 * environment asks the loader to inject code.  Here that note is found
 * by the sender's process (SO_PEERCRED) and the tid the request names,
 * and judged as the module's ioctl judges: an executable the policy
 * names with `app`, not traced, nothing injected, no code mapped from a
 * file that is neither the program's nor root's (what bpf/trust.bpf.h
 * keeps of each address space, noted at the send).  A refusal is
 * counted and leaves a DAUDIT_ALERT_ACTOR record.
 *
 * Everything here runs in the thread that reads the records
 * (sensor_read()): the socket and its connections are in the epoll set
 * the collector watches, so a request is served as soon as it comes and
 * a refusal's record is queued with the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "sensor_int.h"
#include "util.h"

#include "../../bpf/sensor.h"

/* epoll data of the sensor's set (sensor_load.c adds the ring's). */
#define EP_RING		0
#define EP_LISTEN	1
#define EP_CONN		2	/* + the connection's slot */

/* A request not sent this long after its connection is dropped. */
#define CONN_WAIT_NS	(2LL * 1000000000LL)
/* The kernel's note of a send: judged within this long, or stale. */
#define ASK_FRESH_NS	(10ULL * 1000000000ULL)

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static dev_t user_dev(uint64_t kdev)
{
	return makedev((unsigned int)(kdev >> 20), (unsigned int)(kdev & 0xfffff));
}

int sensor_actor_listen(struct sensor *s, const char *path, char *err,
			size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EP_LISTEN };
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path) || strlen(path) > SENSOR_UNIX_PATH ||
	    path[0] != '/') {
		snprintf(err, errlen, "actor socket %s: not an absolute socket path", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* Its directory: root's, so that no one else binds the name. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		/* Made here: 0755 whatever dauditd's umask (UMask=0077). */
		if (mkdir(dir, 0755) == 0) {
			if (chmod(dir, 0755) < 0) {
				snprintf(err, errlen, "actor socket: cannot open %s to applications: %s",
					 dir, strerror(errno));
				return -1;
			}
		} else if (errno != EEXIST) {
			snprintf(err, errlen, "actor socket: cannot make %s: %s",
				 dir, strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "actor socket: %s", strerror(errno));
		return -1;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0666) < 0 || listen(fd, 64) < 0 ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		snprintf(err, errlen, "actor socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	s->actor_lfd = fd;
	snprintf(s->actor_path, sizeof(s->actor_path), "%s", path);
	memset(s->skel->bss->actor_sock, 0, sizeof(s->skel->bss->actor_sock));
	memcpy(s->skel->bss->actor_sock, path, strlen(path));
	__atomic_store_n(&s->skel->bss->actor_asks_on, 1, __ATOMIC_SEQ_CST);
	return 0;
}

void sensor_actor_close(struct sensor *s)
{
	unsigned int i;

	for (i = 0; i < SENSOR_ACTOR_CONNS; i++)
		if (s->conn[i].fd >= 0)
			close(s->conn[i].fd);
	if (s->actor_lfd >= 0) {
		close(s->actor_lfd);
		unlink(s->actor_path);
	}
	s->actor_lfd = -1;
	free(s->apps);
	s->apps = NULL;
}

void sensor_actor_apps(struct sensor *s, const uint64_t (*apps)[2], size_t n)
{
	int fd = bpf_map__fd(s->skel->maps.actors);
	uint32_t key, next, *gone = NULL;
	size_t i, ngone = 0, cap = 0;
	struct sensor_actor a;
	void *prev = NULL;

	free(s->apps);
	s->apps = NULL;
	if (n) {
		s->apps = util_xcalloc(n, sizeof(*s->apps));
		memcpy(s->apps, apps, n * sizeof(*s->apps));
	}
	s->n_apps = n;
	/* Threads of an executable the policy no longer names: at once. */
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &a)) {
			for (i = 0; i < n; i++)
				if (apps[i][0] == a.snap.app_dev &&
				    apps[i][1] == a.snap.app_ino)
					break;
			if (i == n) {
				if (ngone == cap) {
					cap = cap ? 2 * cap : 64;
					gone = util_xrealloc(gone, cap * sizeof(*gone));
				}
				gone[ngone++] = next;
			}
		}
		key = next;
		prev = &key;
	}
	for (i = 0; i < ngone; i++)
		if (!bpf_map_delete_elem(fd, &gone[i]))
			__atomic_fetch_add(&s->actor_dropped, 1, __ATOMIC_RELAXED);
	free(gone);
}

static int is_app(const struct sensor *s, uint64_t dev, uint64_t ino)
{
	size_t i;

	for (i = 0; i < s->n_apps; i++)
		if (s->apps[i][0] == dev && s->apps[i][1] == ino)
			return 1;
	return 0;
}

/* A refused registration: counted, and a record for the reviewer. */
static int refuse(struct sensor *s, const struct sensor_actor_ask *ask,
		  const struct ucred *cr, const char *why)
{
	struct daudit_subject subj;
	char exe[DAUDIT_PATH_MAX];

	__atomic_fetch_add(&s->actor_refused, 1, __ATOMIC_RELAXED);
	exe[0] = '\0';
	if (ask) {
		subj = ask->subj;
		sensor_join_path(&ask->exe, exe);
	} else {
		/* Not seen by the kernel: what the socket says of the sender. */
		memset(&subj, 0, sizeof(subj));
		subj.tgid = (uint32_t)cr->pid;
		subj.tid = (uint32_t)cr->pid;
		subj.uid = subj.euid = subj.fsuid = cr->uid;
		subj.gid = subj.egid = subj.fsgid = cr->gid;
		subj.auid = DAUDIT_UID_UNSET;
		subj.sessionid = DAUDIT_SESSION_UNSET;
	}
	sensor_alert(s, &subj, DAUDIT_ALERT_ACTOR,
		     ask ? (uint64_t)user_dev(ask->exe_dev) : 0,
		     ask ? ask->exe_ino : 0, exe, why);
	return -EPERM;
}

/* The answer to request @rq from the process of @cr: 0 or -errno. */
static int judge(struct sensor *s, const struct daudit_actor_sock_req *rq,
		 const struct ucred *cr)
{
	int afd = bpf_map__fd(s->skel->maps.actors);
	int qfd = bpf_map__fd(s->skel->maps.actor_asks);
	struct sensor_actor_ask_key key;
	struct sensor_actor_ask *ask;
	struct sensor_actor a;
	uint64_t dev;
	int rc = 0;

	if (rq->magic != DAUDIT_ACTOR_SOCK_MAGIC || rq->reserved || rq->tid <= 0 ||
	    (rq->op != DAUDIT_ACTOR_SOCK_REGISTER &&
	     rq->op != DAUDIT_ACTOR_SOCK_UNREGISTER))
		return -EINVAL;
	if (rq->op == DAUDIT_ACTOR_SOCK_REGISTER &&
	    (rq->reg.flags || rq->reg.area_size != sizeof(struct daudit_actor_area) ||
	     !rq->reg.area_ptr || rq->reg.area_ptr % 8))
		return -EINVAL;
	memset(&key, 0, sizeof(key));
	key.tgid = (uint32_t)cr->pid;
	key.ns_tid = (uint32_t)rq->tid;
	ask = util_xcalloc(1, sizeof(*ask));
	if (bpf_map_lookup_elem(qfd, &key, ask) < 0) {
		free(ask);
		return refuse(s, NULL, cr, "not seen sending by the sensor");
	}
	/* One note, one registration. */
	bpf_map_delete_elem(qfd, &key);
	if ((uint64_t)mono_ns() - ask->now_ns > ASK_FRESH_NS) {
		rc = refuse(s, ask, cr, "not seen sending by the sensor");
		goto out;
	}
	if (rq->op == DAUDIT_ACTOR_SOCK_UNREGISTER) {
		if (!bpf_map_delete_elem(afd, &ask->tid))
			__atomic_fetch_add(&s->actor_dropped, 1, __ATOMIC_RELAXED);
		goto out;
	}
	dev = (uint64_t)user_dev(ask->exe_dev);
	if (!ask->exe_dev || !is_app(s, dev, ask->exe_ino))
		rc = refuse(s, ask, cr, "not an app of the policy");
	else if (ask->traced)
		rc = refuse(s, ask, cr, "traced");
	else if (ask->injects || ask->code == SENSOR_CODE_FOREIGN)
		rc = refuse(s, ask, cr, "code injected");
	else if (ask->code != SENSOR_CODE_OWN)
		rc = refuse(s, ask, cr, "code not followed by the sensor");
	if (rc)
		goto out;
	memset(&a, 0, sizeof(a));
	a.area = rq->reg.area_ptr;
	a.mm = ask->mm;
	a.start_ns = ask->start_ns;
	a.tgid = key.tgid;
	a.seq = 1;	/* odd: nothing read yet */
	a.snap.app_dev = dev;
	a.snap.app_ino = ask->exe_ino;
	a.snap.tid = ask->tid;
	if (!bpf_map_update_elem(afd, &ask->tid, &a, BPF_NOEXIST)) {
		__atomic_fetch_add(&s->actor_added, 1, __ATOMIC_RELAXED);
	} else if (errno != EEXIST ||
		   bpf_map_update_elem(afd, &ask->tid, &a, BPF_EXIST) < 0) {
		rc = errno == E2BIG || errno == ENOMEM || errno == EEXIST ?
		     -ENOSPC : -errno;
		goto out;
	}
	__atomic_store_n(&s->skel->bss->actors_on, 1, __ATOMIC_SEQ_CST);
out:
	free(ask);
	return rc;
}

/* Connection @i has sent its request, or is to be dropped. */
static void serve_conn(struct sensor *s, unsigned int i)
{
	struct daudit_actor_sock_reply rep = { 0 };
	struct daudit_actor_sock_req rq;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	int fd = s->conn[i].fd;
	ssize_t n;

	n = recv(fd, &rq, sizeof(rq), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == (ssize_t)sizeof(rq) &&
	    !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen)) {
		rep.result = judge(s, &rq, &cr);
		send(fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL);
	} else if (n > 0) {
		rep.result = -EINVAL;
		send(fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	close(fd);
	s->conn[i].fd = -1;
}

static void accept_conns(struct sensor *s)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int i;
	int fd;

	while ((fd = accept4(s->actor_lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < SENSOR_ACTOR_CONNS && s->conn[i].fd >= 0; i++)
			;
		ev.data.u64 = EP_CONN + i;
		if (i == SENSOR_ACTOR_CONNS ||
		    epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);	/* too many at once: the library retries */
			continue;
		}
		s->conn[i].fd = fd;
		s->conn[i].since_ns = mono_ns();
	}
}

void sensor_actor_serve(struct sensor *s)
{
	struct epoll_event evs[16];
	int64_t now = mono_ns();
	unsigned int i;
	int n, k;

	if (s->actor_lfd < 0)
		return;
	n = epoll_wait(s->ep, evs, 16, 0);
	for (k = 0; k < n; k++) {
		uint64_t d = evs[k].data.u64;

		if (d == EP_LISTEN)
			accept_conns(s);
		else if (d >= EP_CONN && d < EP_CONN + SENSOR_ACTOR_CONNS &&
			 s->conn[d - EP_CONN].fd >= 0)
			serve_conn(s, (unsigned int)(d - EP_CONN));
	}
	/* Connections that never sent their request. */
	for (i = 0; i < SENSOR_ACTOR_CONNS; i++)
		if (s->conn[i].fd >= 0 && now - s->conn[i].since_ns > CONN_WAIT_NS) {
			close(s->conn[i].fd);
			s->conn[i].fd = -1;
		}
}

void sensor_actor_counts(const struct sensor *s, uint64_t gone,
			 uint64_t *threads, uint64_t *refused)
{
	uint64_t added = __atomic_load_n(&s->actor_added, __ATOMIC_RELAXED);
	uint64_t dropped = __atomic_load_n(&s->actor_dropped, __ATOMIC_RELAXED);

	*threads = added > gone + dropped ? added - gone - dropped : 0;
	*refused = __atomic_load_n(&s->actor_refused, __ATOMIC_RELAXED);
}
