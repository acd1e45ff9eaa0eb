// SPDX-License-Identifier: GPL-2.0
/*
 * Open, load and attach the skeleton bpftool generated from bpf/.  The
 * programs and maps live as long as this process holds their file
 * descriptors: when dauditd exits, killed or not, the kernel detaches
 * the programs and frees the maps, so nothing stays behind for the next
 * start to take over (docs/ebpf.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daudit.bpf.skel.h"
#include "sensor_int.h"
#include "util.h"

/*
 * Whether this kernel's BTF has function @fn to attach a trampoline to,
 * or with @tp the tracepoint @fn.
 */
static int kernel_has(const char *fn, int tp)
{
	return libbpf_find_vmlinux_btf_id(fn, tp ? BPF_TRACE_RAW_TP : BPF_TRACE_FEXIT) > 0;
}

/*
 * The programs whose names start with @prefix attach where their section
 * says: those whose function this kernel does not have are not loaded.
 */
static void load_if_found(struct daudit_bpf *skel, const char *prefix)
{
	struct bpf_program *p;
	size_t n = strlen(prefix);

	bpf_object__for_each_program(p, skel->obj) {
		const char *sec = bpf_program__section_name(p);
		const char *fn = strchr(sec, '/');

		/* An iterator is run by dauditd: no kernel function to find. */
		if (strncmp(bpf_program__name(p), prefix, n) || !fn ||
		    !strncmp(sec, "iter", 4))
			continue;
		if (!kernel_has(fn + 1, !strncmp(sec, "tp_btf/", 7)))
			bpf_program__set_autoload(p, false);
	}
}

/*
 * The io_uring programs (bpf/uring.bpf.h) attach to io_uring's own
 * functions: a kernel without one (no io_uring, or an older or newer one)
 * loads the others.  Auxiliary completions: 6.12's io_req_post_cqe() names
 * its request; 6.1's io_post_aux_cqe() takes five arguments (6.12's four)
 * and names none.  Returns whether the aux completions go by task.
 */
static int uring_choose(struct daudit_bpf *skel)
{
	int by_task = !kernel_has("io_req_post_cqe", 0);

	load_if_found(skel, "uring_");
	if (!by_task) {
		/* Only 6.1's aux completions need the receive a task runs. */
		bpf_program__set_autoload(skel->progs.uring_aux_6_1, false);
		bpf_program__set_autoload(skel->progs.uring_recv_entry, false);
		bpf_program__set_autoload(skel->progs.uring_recvmsg_entry, false);
	}
	/* Only READ_MULTISHOT (6.7+) is counted at the completion tracepoint. */
	if (!kernel_has("io_read_mshot", 0))
		bpf_program__set_autoload(skel->progs.uring_complete, false);
	return by_task;
}

/*
 * Legacy AIO (bpf/aio.bpf.h): both of its functions, or none of its
 * programs (a kernel without CONFIG_AIO has no io_submit to follow; one
 * without the completion would leave every submission in the map).
 */
static void aio_choose(struct daudit_bpf *skel)
{
	if (kernel_has("aio_read", 0) && kernel_has("aio_complete_rw", 0))
		return;
	bpf_program__set_autoload(skel->progs.aio_read_entry, false);
	bpf_program__set_autoload(skel->progs.aio_read_exit, false);
	bpf_program__set_autoload(skel->progs.aio_complete, false);
	bpf_program__set_autoload(skel->progs.aio_getevents, false);
	bpf_program__set_autoload(skel->progs.aio_pgetevents, false);
}

/*
 * mmap (bpf/mmap.bpf.h): one program each for a page table entry and a
 * PMD entry made, and for userfaultfd's UFFDIO_CONTINUE, by the function
 * this kernel has.
 */
static void mm_choose(struct daudit_bpf *skel)
{
	if (kernel_has("set_pte_range", 0) || !kernel_has("do_set_pte", 0))
		bpf_program__set_autoload(skel->progs.mm_pte_6_1, false);
	if (!kernel_has("set_pte_range", 0))
		bpf_program__set_autoload(skel->progs.mm_pte, false);
	if (kernel_has("folio_add_file_rmap_pmd", 0) || !kernel_has("do_set_pmd", 0))
		bpf_program__set_autoload(skel->progs.mm_pmd_6_1, false);
	if (!kernel_has("folio_add_file_rmap_pmd", 0))
		bpf_program__set_autoload(skel->progs.mm_pmd, false);
	if (kernel_has("mfill_atomic_continue", 0) || !kernel_has("mcopy_continue", 0))
		bpf_program__set_autoload(skel->progs.mm_uffd_6_1, false);
	if (!kernel_has("mfill_atomic_continue", 0))
		bpf_program__set_autoload(skel->progs.mm_uffd, false);
}

/*
 * Run trust_scan once over every process's mappings, the hooks attached:
 * then, and only then, a trusted reader may be trusted (trust_on).  A
 * scan that fails leaves trust off: their reads are recorded.
 */
static void trust_scan(struct sensor *s)
{
	struct bpf_program *hooks[] = {
		s->skel->progs.trust_mmap, s->skel->progs.trust_mprotect,
		s->skel->progs.trust_fork, s->skel->progs.trust_exit_mmap,
	};
	struct bpf_link *link;
	char buf[64];
	ssize_t n;
	size_t i;
	int fd;

	/* Without every hook that follows mappings, none can be trusted. */
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!bpf_program__autoload(hooks[i])) {
			util_err("eBPF sensor: this kernel has no %s to follow the processes' code at; trusted readers are not trusted (their reads are recorded)",
				 bpf_program__section_name(hooks[i]));
			return;
		}
	link = bpf_program__attach_iter(s->skel->progs.trust_scan, NULL);
	if (!link) {
		util_err("eBPF sensor: cannot look at the processes' code: %s; trusted readers are not trusted (their reads are recorded)",
			 strerror(errno));
		return;
	}
	/* On before the walk: a mapping made during it is judged by the hook. */
	__atomic_store_n(&s->skel->bss->trust_on, 1, __ATOMIC_SEQ_CST);
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		s->skel->bss->trust_on = 0;
		util_err("eBPF sensor: cannot look at the processes' code: %s; trusted readers are not trusted (their reads are recorded)",
			 strerror(errno));
		bpf_link__destroy(link);
		return;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
	if (n < 0) {
		s->skel->bss->trust_on = 0;
		util_err("eBPF sensor: looking at the processes' code failed: %s; trusted readers are not trusted (their reads are recorded)",
			 strerror(errno));
	}
	close(fd);
	bpf_link__destroy(link);
}

struct sensor *sensor_open(uint32_t ring_bytes, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
	struct sensor *s;
	int ncpus, e, aux_by_task;
	unsigned int i;

	if (sensor_check_caps(err, errlen) < 0)
		return NULL;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		snprintf(err, errlen, "cannot count the possible CPUs: %s",
			 strerror(-ncpus));
		return NULL;
	}
	s = util_xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->flush_lock, NULL);
	s->ep = -1;
	s->actor_lfd = -1;
	for (i = 0; i < SENSOR_ACTOR_CONNS; i++)
		s->conn[i].fd = -1;
	s->ncpus = (unsigned int)ncpus;
	s->cpu = util_xcalloc(s->ncpus, sizeof(*s->cpu));
	s->ring_bytes = ring_bytes;
	if (getrandom(&s->instance_id, sizeof(s->instance_id), 0) !=
	    sizeof(s->instance_id))
		s->instance_id = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);

	s->skel = daudit_bpf__open();
	if (!s->skel) {
		snprintf(err, errlen, "cannot open the eBPF sensor: %s",
			 strerror(errno));
		goto fail;
	}
	aux_by_task = uring_choose(s->skel);
	aio_choose(s->skel);
	mm_choose(s->skel);
	/* A descriptor swapped under a read (bpf/fdswap.bpf.h). */
	load_if_found(s->skel, "fd_");
	/* 32-bit processes' calls (bpf/ia32.bpf.h): IA32_EMULATION only. */
	load_if_found(s->skel, "ia32_");
	/* dauditd runs it, over the sessions map (sensor_flush.c). */
	bpf_program__set_autoattach(s->skel->progs.flush_sessions, false);
	/* Declared actors (bpf/actor.bpf.h): a registration's send. */
	load_if_found(s->skel, "actor_ask");
	/* Trusted readers' code (bpf/trust.bpf.h): the scan is run below. */
	load_if_found(s->skel, "trust_");
	bpf_program__set_autoattach(s->skel->progs.trust_scan, false);
	e = bpf_map__set_max_entries(s->skel->maps.events, ring_bytes);
	if (!e)
		e = daudit_bpf__load(s->skel);
	if (e == -EPERM) {
		snprintf(err, errlen, "the kernel does not let this process load BPF programs: %s (the capabilities are there: a container, a seccomp filter or lockdown=confidentiality forbids it; docs/ebpf.md)",
			 strerror(-e));
		goto fail;
	}
	if (e) {
		snprintf(err, errlen, "the kernel refused the eBPF sensor's programs: %s (the verifier's log is above; docs/ebpf.md lists what the kernel needs: BTF, fentry)",
			 strerror(-e));
		goto fail;
	}
	s->skel->bss->self_tgid = (uint32_t)getpid();
	s->skel->bss->uring_aux_by_task = (uint32_t)aux_by_task;
	if (getrandom(&s->skel->bss->actor_seed, sizeof(s->skel->bss->actor_seed), 0) !=
	    sizeof(s->skel->bss->actor_seed))
		s->skel->bss->actor_seed = s->instance_id;
	s->skel->bss->actor_seed ^= 0xcbf29ce484222325ULL;	/* FNV-1a's basis */
	e = daudit_bpf__attach(s->skel);
	if (e) {
		snprintf(err, errlen, "cannot attach the eBPF sensor's programs: %s",
			 strerror(-e));
		goto fail;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events),
				 sensor_on_event, s, NULL);
	if (!s->rb) {
		snprintf(err, errlen, "cannot map the eBPF sensor's ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	/* Trusted readers: what every process maps now, followed from here. */
	trust_scan(s);
	/* The collector watches the ring and the actor socket together. */
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0 ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, ring_buffer__epoll_fd(s->rb), &ev) < 0) {
		snprintf(err, errlen, "cannot watch the eBPF sensor's ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	return s;
fail:
	sensor_close(s);
	return NULL;
}

void sensor_close(struct sensor *s)
{
	if (!s)
		return;
	sensor_actor_close(s);
	if (s->ep >= 0)
		close(s->ep);
	ring_buffer__free(s->rb);
	bpf_link__destroy(s->flush_link);
	daudit_bpf__destroy(s->skel);
	pthread_mutex_destroy(&s->flush_lock);
	free(s->cpu);
	free(s->q);
	free(s->datasets);
	free(s);
}

void sensor_set_flush_bytes(struct sensor *s, uint64_t bytes)
{
	s->skel->bss->flush_bytes = bytes;
}

int sensor_fd(const struct sensor *s)
{
	return s->ep;
}

uint64_t sensor_instance(const struct sensor *s)
{
	return s->instance_id;
}

unsigned int sensor_ncpus(const struct sensor *s)
{
	return s->ncpus;
}

uint32_t sensor_ring_bytes(const struct sensor *s)
{
	return s->ring_bytes;
}
