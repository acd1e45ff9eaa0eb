// SPDX-License-Identifier: GPL-2.0
/*
 * libdaudit's declared actors (userspace/libdaudit/actor.c), compiled into
 * this test with its system calls replaced: open, ioctl, dauditd's actor
 * socket and the clock are the test's, so it counts them and plays a
 * missing module, a dauditd that answers or not, a refusal and the
 * passing of time.
 */
#define DAUDIT_ACTOR_TEST
#include "../../userspace/libdaudit/actor.c"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <cmocka.h>

static atomic_int opens, ioctls, open_errno, ioctl_errno;
/* dauditd's actor socket: requests sent, and its answer (-ENOENT: none). */
static atomic_int asks, ask_result;
static _Atomic int32_t ask_tid;
static _Atomic int64_t now_ns;
static _Atomic uint64_t last_area;	/* area_ptr of the last registration */

int daudit_actor_test_open(const char *path, int flags)
{
	atomic_fetch_add(&opens, 1);
	assert_string_equal(path, "/dev/daudit-actor");
	assert_int_equal(flags, O_RDWR | O_CLOEXEC);
	if (open_errno) {
		errno = open_errno;
		return -1;
	}
	return open("/dev/null", flags);
}

int daudit_actor_test_ioctl(int fd, unsigned long req, void *arg)
{
	const struct daudit_actor_reg *reg = arg;

	atomic_fetch_add(&ioctls, 1);
	assert_true(fd >= 0);
	assert_int_equal(req, DAUDIT_IOC_ACTOR_REGISTER);
	assert_int_equal(reg->area_size, sizeof(struct daudit_actor_area));
	assert_int_equal(reg->flags, 0);
	assert_int_equal(reg->area_ptr % 8, 0);
	if (ioctl_errno) {
		errno = ioctl_errno;
		return -1;
	}
	atomic_store(&last_area, reg->area_ptr);
	return 0;
}

int daudit_actor_test_ask(const struct daudit_actor_sock_req *rq)
{
	atomic_fetch_add(&asks, 1);
	assert_int_equal(rq->magic, DAUDIT_ACTOR_SOCK_MAGIC);
	assert_int_equal(rq->op, DAUDIT_ACTOR_SOCK_REGISTER);
	assert_int_equal(rq->reserved, 0);
	assert_int_equal(rq->reg.area_size, sizeof(struct daudit_actor_area));
	assert_int_equal(rq->reg.flags, 0);
	assert_int_equal(rq->reg.area_ptr % 8, 0);
	atomic_store(&ask_tid, rq->tid);
	if (!ask_result)
		atomic_store(&last_area, rq->reg.area_ptr);
	return ask_result;
}

int daudit_actor_test_clock(struct timespec *ts)
{
	int64_t t = atomic_load(&now_ns);

	ts->tv_sec = t / 1000000000LL;
	ts->tv_nsec = t % 1000000000LL;
	return 0;
}

/* A fresh process as far as the library knows: no thread state. */
static int setup(void **state)
{
	(void)state;
	memset(&self, 0, sizeof(self));
	atomic_store(&opens, 0);
	atomic_store(&ioctls, 0);
	atomic_store(&open_errno, ENOENT);
	atomic_store(&ioctl_errno, 0);
	atomic_store(&now_ns, 1000000000LL);
	atomic_store(&last_area, 0);
	atomic_store(&asks, 0);
	atomic_store(&ask_result, -ENOENT);
	atomic_store(&ask_tid, 0);
	return 0;
}

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
	return sa;
}

static void without_the_module_set_fails_fast_and_opens_once(void **state)
{
	struct sockaddr_in sa = v4("192.0.2.1", 40000);
	int i;

	(void)state;
	assert_int_equal(daudit_actor_status(), 0);	/* never tried */
	assert_int_equal(daudit_actor_set("emp-01", "req-1",
					  (struct sockaddr *)&sa, sizeof(sa)),
			 -ENOENT);
	assert_int_equal(daudit_actor_status(), -ENOENT);
	for (i = 0; i < 100000; i++)
		assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -ENOENT);
	assert_int_equal(daudit_actor_clear(), 0);
	assert_int_equal(opens, 1);
	assert_int_equal(ioctls, 0);

	/* The module exists but does not answer: -ENODEV comes through. */
	setup(NULL);
	atomic_store(&open_errno, ENODEV);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -ENODEV);
}

static void without_the_module_dauditd_takes_the_registration(void **state)
{
	int i;

	(void)state;
	/* No module, dauditd's eBPF sensor answers: registered, once. */
	atomic_store(&ask_result, 0);
	assert_int_equal(daudit_actor_set("emp-01", "req-1", NULL, 0), 0);
	assert_int_equal(daudit_actor_status(), 1);
	assert_int_equal(asks, 1);
	assert_int_equal(ask_tid, gettid());
	assert_int_equal(last_area, (uintptr_t)daudit_actor_test_area());
	for (i = 0; i < 1000; i++)
		assert_int_equal(daudit_actor_set("emp-02", NULL, NULL, 0), 0);
	assert_int_equal(opens, 1);
	assert_int_equal(asks, 1);
	assert_int_equal(ioctls, 0);

	/* dauditd refuses this program: its errno, tried again in 5 s. */
	setup(NULL);
	atomic_store(&ask_result, -EPERM);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -EPERM);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -EPERM);
	assert_int_equal(asks, 1);
	atomic_fetch_add(&now_ns, 5000000001LL);
	atomic_store(&ask_result, 0);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), 0);
	assert_int_equal(asks, 2);

	/* The module is there: the socket is never asked. */
	setup(NULL);
	atomic_store(&open_errno, 0);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), 0);
	assert_int_equal(ioctls, 1);
	assert_int_equal(asks, 0);

	/* A module that refuses to open (EACCES): no socket either. */
	setup(NULL);
	atomic_store(&open_errno, EACCES);
	atomic_store(&ask_result, 0);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -EACCES);
	assert_int_equal(asks, 0);
}

static void the_area_holds_the_declaration(void **state)
{
	const struct daudit_actor_area *a = daudit_actor_test_area();
	struct sockaddr_in sa = v4("192.0.2.7", 40006);
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(443) };
	uint8_t want6[16];
	uint32_t seq;

	(void)state;
	assert_int_equal((uintptr_t)a % 8, 0);
	seq = a->seq;
	daudit_actor_set("emp-07", "req-7-3", (struct sockaddr *)&sa, sizeof(sa));
	assert_int_equal(a->seq, seq + 2);
	assert_int_equal(a->actor_len, 6);
	assert_memory_equal(a->actor, "emp-07", 6);
	assert_int_equal(a->actor[6], 0);
	assert_int_equal(a->request_len, 7);
	assert_memory_equal(a->request, "req-7-3", 7);
	assert_int_equal(a->client_family, AF_INET);
	assert_int_equal(a->client_port, 40006);
	assert_memory_equal(a->client_addr, "\xc0\x00\x02\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_int_equal(a->reserved, 0);

	/* A shorter id leaves nothing of the longer one behind. */
	daudit_actor_set("e", NULL, NULL, 0);
	assert_int_equal(a->seq, seq + 4);
	assert_int_equal(a->actor_len, 1);
	assert_memory_equal(a->actor, "e\0\0\0\0\0", 6);
	assert_int_equal(a->request_len, 0);
	assert_int_equal(a->client_family, 0);
	assert_int_equal(a->client_port, 0);

	assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", &sa6.sin6_addr), 1);
	memcpy(want6, &sa6.sin6_addr, 16);
	daudit_actor_set("emp-08", "r", (struct sockaddr *)&sa6, sizeof(sa6));
	assert_int_equal(a->client_family, AF_INET6);
	assert_int_equal(a->client_port, 443);
	assert_memory_equal(a->client_addr, want6, 16);

	/* An IPv4 client of a dual-stack socket is recorded as IPv4. */
	assert_int_equal(inet_pton(AF_INET6, "::ffff:198.51.100.9", &sa6.sin6_addr), 1);
	daudit_actor_set("emp-08", "r", (struct sockaddr *)&sa6, sizeof(sa6));
	assert_int_equal(a->client_family, AF_INET);
	assert_memory_equal(a->client_addr, "\xc6\x33\x64\x09\0\0\0\0", 8);

	assert_int_equal(daudit_actor_clear(), 0);
	assert_int_equal(a->seq, seq + 10);
	assert_int_equal(a->seq % 2, 0);
	assert_int_equal(a->actor_len, 0);
	assert_int_equal(a->request_len, 0);
	assert_int_equal(a->client_family, 0);
}

static void bad_arguments_are_refused_and_declare_nobody(void **state)
{
	const struct daudit_actor_area *a = daudit_actor_test_area();
	char id64[65], id65[66];
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in sa = v4("192.0.2.1", 1);

	(void)state;
	memset(id64, 'a', 64);
	id64[64] = 0;
	memset(id65, 'b', 65);
	id65[65] = 0;
	assert_int_equal(daudit_actor_set(id64, id64, NULL, 0), -ENOENT);
	assert_int_equal(a->actor_len, 64);
	assert_int_equal(a->request_len, 64);
	assert_memory_equal(a->actor, id64, 64);

	assert_int_equal(daudit_actor_set(id65, NULL, NULL, 0), -ENAMETOOLONG);
	assert_int_equal(a->actor_len, 0);	/* not cut, not the old one */
	daudit_actor_set("emp-01", NULL, NULL, 0);
	assert_int_equal(daudit_actor_set("emp-01", id65, NULL, 0), -ENAMETOOLONG);
	assert_int_equal(a->actor_len, 0);
	assert_int_equal(daudit_actor_set("", NULL, NULL, 0), -EINVAL);
	assert_int_equal(daudit_actor_set(NULL, NULL, NULL, 0), -EINVAL);
	assert_int_equal(daudit_actor_set("emp-01", NULL, (struct sockaddr *)&un,
					  sizeof(un)), -EAFNOSUPPORT);
	assert_int_equal(a->actor_len, 0);
	assert_int_equal(daudit_actor_set("emp-01", NULL, (struct sockaddr *)&sa,
					  sizeof(sa) - 1), -EINVAL);
	assert_int_equal(daudit_actor_set("emp-01", NULL, (struct sockaddr *)&sa, 1),
			 -EINVAL);
	assert_int_equal(a->seq % 2, 0);
	/* Bad arguments cost no registration attempt. */
	assert_int_equal(opens, 1);
}

static void registration_is_retried_at_most_every_five_seconds(void **state)
{
	const struct daudit_actor_area *a = daudit_actor_test_area();
	int i;

	(void)state;
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -ENOENT);
	atomic_store(&open_errno, 0);		/* the module is loaded now */
	atomic_fetch_add(&now_ns, 4999999999LL);
	for (i = 0; i < 1000; i++)
		assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), -ENOENT);
	assert_int_equal(opens, 1);

	/* Five seconds on: the policy does not name this program. */
	atomic_store(&ioctl_errno, EPERM);
	atomic_fetch_add(&now_ns, 1);
	assert_int_equal(daudit_actor_set("emp-02", NULL, NULL, 0), -EPERM);
	assert_int_equal(daudit_actor_status(), -EPERM);
	assert_int_equal(opens, 2);
	assert_int_equal(ioctls, 1);
	atomic_fetch_add(&now_ns, 3000000000LL);
	assert_int_equal(daudit_actor_set("emp-02", NULL, NULL, 0), -EPERM);
	assert_int_equal(ioctls, 1);

	/* It does after a reload: the area declared meanwhile is in force. */
	atomic_store(&ioctl_errno, 0);
	atomic_fetch_add(&now_ns, 2000000000LL);
	assert_int_equal(daudit_actor_set("emp-03", NULL, NULL, 0), 0);
	assert_int_equal(daudit_actor_status(), 1);
	assert_int_equal(last_area, (uintptr_t)a);
	for (i = 0; i < 1000; i++)
		assert_int_equal(daudit_actor_set("emp-03", NULL, NULL, 0), 0);
	assert_int_equal(opens, 3);	/* one per attempt, none per request */
	assert_int_equal(ioctls, 2);
}

struct worker {
	pthread_t thread;
	int i;
	int first, status;
	uintptr_t area;
	char actor[16];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	int n;

	w->first = daudit_actor_status();
	snprintf(w->actor, sizeof(w->actor), "emp-%02d", w->i);
	for (n = 0; n < 100; n++)
		daudit_actor_set(w->actor, NULL, NULL, 0);
	w->status = daudit_actor_status();
	w->area = (uintptr_t)daudit_actor_test_area();
	/* Still this thread's own declaration after the others wrote. */
	if (memcmp(daudit_actor_test_area()->actor, w->actor, strlen(w->actor)))
		w->status = -1000;
	return NULL;
}

static void threads_have_their_own_areas(void **state)
{
	struct worker w[8];
	int i, j, fd_before;

	(void)state;
	atomic_store(&open_errno, 0);
	daudit_actor_set("main", NULL, NULL, 0);
	/* The lowest free descriptor: the device's, were it kept open. */
	fd_before = dup(0);
	close(fd_before);
	for (i = 0; i < 8; i++) {
		w[i].i = i;
		assert_int_equal(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
	}
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal(w[i].first, 0);	/* a new thread: none */
		assert_int_equal(w[i].status, 1);
		assert_int_not_equal(w[i].area, (uintptr_t)daudit_actor_test_area());
		for (j = 0; j < i; j++)
			assert_int_not_equal(w[i].area, w[j].area);
	}
	assert_memory_equal(daudit_actor_test_area()->actor, "main", 4);
	/* One registration per thread, the device closed after each. */
	assert_int_equal(opens, 9);
	assert_int_equal(ioctls, 9);
	assert_int_equal(fcntl(fd_before, F_GETFD), -1);
}

static void a_fork_child_registers_again(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	atomic_store(&open_errno, 0);
	assert_int_equal(daudit_actor_set("emp-01", NULL, NULL, 0), 0);
	assert_int_equal(daudit_actor_status(), 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok = daudit_actor_status() == 0 &&
			 daudit_actor_test_area()->actor_len == 6 &&
			 daudit_actor_set("emp-02", NULL, NULL, 0) == 0 &&
			 ioctls == 2 && opens == 2;

		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(daudit_actor_status(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(without_the_module_set_fails_fast_and_opens_once, setup),
		cmocka_unit_test_setup(without_the_module_dauditd_takes_the_registration, setup),
		cmocka_unit_test_setup(the_area_holds_the_declaration, setup),
		cmocka_unit_test_setup(bad_arguments_are_refused_and_declare_nobody, setup),
		cmocka_unit_test_setup(registration_is_retried_at_most_every_five_seconds, setup),
		cmocka_unit_test_setup(threads_have_their_own_areas, setup),
		cmocka_unit_test_setup(a_fork_child_registers_again, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
