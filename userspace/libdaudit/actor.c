// SPDX-License-Identifier: MIT
/*
 * libdaudit: declared actors (daudit_actor(3)).
 *
 * Each thread owns one struct daudit_actor_area in thread-local storage
 * and registers it once on /dev/daudit-actor; from then on a declaration
 * is a write to that memory under the area's sequence count, which
 * daudit.ko reads when the thread reads protected data.  Nothing here is
 * shared between threads; the device is opened for each registration
 * and closed at once, so it never keeps daudit.ko from being unloaded.
 *
 * Without daudit.ko (no /dev/daudit-actor), the registration goes to
 * dauditd's actor socket instead, where its eBPF sensor takes it
 * (DAUDIT_ACTOR_SOCKET_PATH, docs/ebpf.md): one request and its answer
 * on a connection made for it, so a registration costs the same system
 * calls in both cases, and nothing more afterwards.
 *
 * A registration that failed (module not loaded, program not an `app` of
 * the policy) is tried again at most every RETRY_NS per thread, timed
 * with CLOCK_MONOTONIC_COARSE (vDSO, no system call): a server keeps
 * serving at full speed without daudit and starts declaring once the
 * module is there.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daudit/actor.h"
#include "daudit.h"

#define API		__attribute__((visibility("default")))
#define RETRY_NS	(5LL * 1000000000LL)
/* How long a thread waits for dauditd's answer, at most. */
#define ASK_WAIT_S	2

/* The layout daudit.ko reads (module/uapi/daudit.h, ABI 1.3). */
_Static_assert(sizeof(struct daudit_actor_area) == 160, "area size");
_Static_assert(offsetof(struct daudit_actor_area, seq) == 0, "seq");
_Static_assert(offsetof(struct daudit_actor_area, actor_len) == 4, "actor_len");
_Static_assert(offsetof(struct daudit_actor_area, request_len) == 6, "request_len");
_Static_assert(offsetof(struct daudit_actor_area, client_family) == 8, "family");
_Static_assert(offsetof(struct daudit_actor_area, client_port) == 10, "port");
_Static_assert(offsetof(struct daudit_actor_area, client_addr) == 16, "addr");
_Static_assert(offsetof(struct daudit_actor_area, actor) == 32, "actor");
_Static_assert(offsetof(struct daudit_actor_area, request) == 32 + DAUDIT_ACTOR_MAX,
	       "request");
_Static_assert(sizeof(((struct daudit_actor_area *)0)->actor) == DAUDIT_ACTOR_MAX,
	       "actor bytes");
_Static_assert(sizeof(((struct daudit_actor_area *)0)->request) == DAUDIT_REQUEST_MAX,
	       "request bytes");
_Static_assert(sizeof(struct daudit_actor_reg) == 16, "reg size");
_Static_assert(AF_INET == 2 && AF_INET6 == 10, "families as in the uapi");

#ifdef DAUDIT_ACTOR_TEST
/* The unit test compiles this file in and supplies the system. */
int daudit_actor_test_open(const char *path, int flags);
int daudit_actor_test_ioctl(int fd, unsigned long req, void *arg);
int daudit_actor_test_clock(struct timespec *ts);
int daudit_actor_test_ask(const struct daudit_actor_sock_req *rq);
#define sys_open	daudit_actor_test_open
#define sys_ioctl	daudit_actor_test_ioctl
#define sys_clock	daudit_actor_test_clock
#define sys_ask		daudit_actor_test_ask
#else
#define sys_open(path, flags)	open(path, flags)
#define sys_ioctl(fd, req, arg)	ioctl(fd, req, arg)
#define sys_clock(ts)		clock_gettime(CLOCK_MONOTONIC_COARSE, ts)
#define sys_ask(rq)		ask_dauditd(rq)
#endif

struct actor_thread {
	alignas(8) struct daudit_actor_area area;
	int status;		/* 1: registered; 0: never tried; else -errno */
	int64_t retry_at;	/* monotonic ns of the next attempt */
};

static __thread struct actor_thread self;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

/* A fork child has the parent thread's memory but not its registration. */
static void forget_registration(void)
{
	self.status = 0;
	self.retry_at = 0;
}

static void watch_forks(void)
{
	pthread_atfork(NULL, NULL, forget_registration);
}

static int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#ifndef DAUDIT_ACTOR_TEST
/*
 * Send @rq on dauditd's actor socket and wait for its answer: 0 or the
 * negative errno dauditd gave; -ENOENT when no dauditd listens there.
 */
static int ask_dauditd(const struct daudit_actor_sock_req *rq)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = ASK_WAIT_S };
	struct daudit_actor_sock_reply rep;
	ssize_t n;
	int fd, ret;

	memcpy(sa.sun_path, DAUDIT_ACTOR_SOCKET_PATH, sizeof(DAUDIT_ACTOR_SOCKET_PATH));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return neg_errno();
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		ret = neg_errno();
		close(fd);
		return ret;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* No dauditd there (a socket left behind refuses): as no module. */
		ret = errno == ECONNREFUSED ? -ENOENT : neg_errno();
		close(fd);
		return ret;
	}
	if (send(fd, rq, sizeof(*rq), MSG_NOSIGNAL) != (ssize_t)sizeof(*rq)) {
		ret = neg_errno();
		close(fd);
		return ret;
	}
	n = recv(fd, &rep, sizeof(rep), 0);
	if (n == (ssize_t)sizeof(rep))
		ret = rep.result > 0 ? -EIO : rep.result;
	else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		ret = -ETIMEDOUT;
	else
		ret = n < 0 ? neg_errno() : -ECONNRESET;
	close(fd);
	return ret;
}
#endif

/* Register with dauditd's eBPF sensor: 1, or a negative errno. */
static int try_dauditd(const struct daudit_actor_reg *reg)
{
	struct daudit_actor_sock_req rq = {
		.magic = DAUDIT_ACTOR_SOCK_MAGIC,
		.op = DAUDIT_ACTOR_SOCK_REGISTER,
		.tid = (int32_t)gettid(),
		.reg = *reg,
	};
	int ret = sys_ask(&rq);

	return ret ? ret : 1;
}

static int try_register(void)
{
	struct daudit_actor_reg reg = {
		.area_ptr = (uintptr_t)&self.area,
		.area_size = sizeof(self.area),
	};
	int fd, ret = 1;

	pthread_once(&fork_once, watch_forks);
	/*
	 * Opened for the one ioctl and closed: a registration belongs to the
	 * thread, not to the descriptor, and an open descriptor would keep
	 * daudit.ko from being unloaded while the application runs.
	 */
	fd = sys_open(DAUDIT_ACTOR_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = neg_errno();
		/* No module: dauditd's eBPF sensor, if it runs. */
		if (ret == -ENOENT || ret == -ENODEV) {
			int r = try_dauditd(&reg);

			return r == -ENOENT ? ret : r;
		}
		return ret;
	}
	if (sys_ioctl(fd, DAUDIT_IOC_ACTOR_REGISTER, &reg))
		ret = neg_errno();
	close(fd);
	return ret;
}

/* 1 if the thread's area is registered, trying again when it is time. */
static int registration(void)
{
	struct timespec ts = { 0 };
	int64_t now;

	if (self.status == 1)
		return 1;
	sys_clock(&ts);
	now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (self.status && now < self.retry_at)
		return self.status;
	self.status = try_register();
	self.retry_at = now + RETRY_NS;
	return self.status;
}

/* Seqcount writer: odd while the area changes, +2 per declaration. */
static void begin_write(struct daudit_actor_area *a)
{
	__atomic_store_n(&a->seq, a->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void end_write(struct daudit_actor_area *a)
{
	__atomic_store_n(&a->seq, a->seq + 1, __ATOMIC_RELEASE);
}

static void put_id(char *dst, uint16_t *dst_len, const char *s, size_t len,
		   size_t max)
{
	if (len)
		memcpy(dst, s, len);
	memset(dst + len, 0, max - len);
	*dst_len = (uint16_t)len;
}

/* Fills @a's client fields from @sa; a negative errno if it is not IP. */
static int put_client(struct daudit_actor_area *a, const struct sockaddr *sa,
		      socklen_t len)
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sockaddr_in6 in6;
	struct sockaddr_in in;
	sa_family_t family;

	memset(a->client_addr, 0, sizeof(a->client_addr));
	a->client_family = 0;
	a->client_port = 0;
	if (!sa)
		return 0;
	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, &sa->sa_family, sizeof(family));
	if (family == AF_INET) {
		if (len < sizeof(in))
			return -EINVAL;
		memcpy(&in, sa, sizeof(in));
		memcpy(a->client_addr, &in.sin_addr, 4);
		a->client_port = ntohs(in.sin_port);
	} else if (family == AF_INET6) {
		if (len < sizeof(in6))
			return -EINVAL;
		memcpy(&in6, sa, sizeof(in6));
		a->client_port = ntohs(in6.sin6_port);
		/* An IPv4 client of a dual-stack socket is an IPv4 client. */
		if (!memcmp(&in6.sin6_addr, v4mapped, sizeof(v4mapped))) {
			memcpy(a->client_addr, (uint8_t *)&in6.sin6_addr + 12, 4);
			family = AF_INET;
		} else {
			memcpy(a->client_addr, &in6.sin6_addr, 16);
		}
	} else {
		return -EAFNOSUPPORT;
	}
	a->client_family = family;
	return 0;
}

static int check_id(const char *s, size_t max, size_t *len)
{
	*len = s ? strnlen(s, max + 1) : 0;
	return *len > max ? -ENAMETOOLONG : 0;
}

API int daudit_actor_set(const char *actor, const char *request,
			 const struct sockaddr *client, socklen_t client_len)
{
	struct daudit_actor_area *a = &self.area;
	size_t alen, rlen;
	int err, r;

	err = check_id(actor, DAUDIT_ACTOR_MAX, &alen);
	if (!err && !alen)
		err = -EINVAL;
	if (!err)
		err = check_id(request, DAUDIT_REQUEST_MAX, &rlen);
	begin_write(a);
	if (!err)
		err = put_client(a, client, client_len);
	if (err) {
		/* Never leave the previous request's actor in force. */
		a->actor_len = 0;
		a->request_len = 0;
		end_write(a);
		return err;
	}
	put_id(a->actor, &a->actor_len, actor, alen, DAUDIT_ACTOR_MAX);
	put_id(a->request, &a->request_len, request, rlen, DAUDIT_REQUEST_MAX);
	end_write(a);
	r = registration();
	return r == 1 ? 0 : r;
}

API int daudit_actor_clear(void)
{
	struct daudit_actor_area *a = &self.area;

	begin_write(a);
	a->actor_len = 0;
	a->request_len = 0;
	a->client_family = 0;
	a->client_port = 0;
	end_write(a);
	return 0;
}

API int daudit_actor_status(void)
{
	return self.status;
}

#ifdef DAUDIT_ACTOR_TEST
const struct daudit_actor_area *daudit_actor_test_area(void);
const struct daudit_actor_area *daudit_actor_test_area(void)
{
	return &self.area;
}
#endif
