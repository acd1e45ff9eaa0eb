// SPDX-License-Identifier: GPL-2.0
/*
 * Registering the hooks.  The release kprobe goes first and comes off last
 * so that no cached file outlives its struct file; on the way down,
 * tracepoint_synchronize_unregister() and unregister_kprobes() wait until
 * no probe runs before the caches are freed.
 */
#include "egress.h"
#include "fcache.h"
#include "hooks.h"
#include "policy.h"
#include "session.h"
#include "tracepoint.h"

static struct daudit_tp tps[] = {
	{ .name = "sys_exit", .probe = daudit_probe_sys_exit },
	{ .name = "io_uring_complete", .probe = daudit_probe_uring_complete },
	{ .name = "sched_process_exec", .probe = daudit_probe_exec },
	{ .name = "sched_process_exit", .probe = daudit_probe_exit },
};

static struct kprobe *kps[] = {
	&daudit_kp_fput,
	&daudit_kp_link,
	&daudit_kp_rename,
	&daudit_kp_pte,
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	&daudit_kp_pmd,
#endif
	&daudit_kp_uffd,
	&daudit_kp_aio,
	&daudit_kp_kprobes,
	&daudit_kp_uring_rw_complete,
	&daudit_kp_uring_iopoll,
	&daudit_kp_copies[0], &daudit_kp_copies[1], &daudit_kp_copies[2],
	&daudit_kp_copies[3], &daudit_kp_copies[4], &daudit_kp_copies[5],
	&daudit_kp_copies[6],
	&daudit_kp_swaps[0], &daudit_kp_swaps[1], &daudit_kp_swaps[2],
	&daudit_kp_swaps[3], &daudit_kp_swaps[4], &daudit_kp_swaps[5],
	&daudit_kp_swaps[6], &daudit_kp_swaps[7], &daudit_kp_swaps[8],
};

static struct kretprobe *krps[] = {
	&daudit_krp_uring_read,
	&daudit_krp_uring_aux,
	&daudit_krp_uring_splice,
	&daudit_krp_do_splice,
	&daudit_krp_uring_recv,
	&daudit_krp_uring_recvmsg,
	&daudit_krp_clone,
	&daudit_krp_aio_submit,
	&daudit_krp_uring_close,
	&daudit_krp_loginuid,
};

/**
 * daudit_hook_write - account one write or send, if it is egress.
 * @file: the file written or socket sent to.
 * @pinned: the caller holds a reference on @file.
 * @fd: else, its descriptor in current's table.
 * @task: the task the write is attributed to.
 * @io: the write.
 *
 * The per-write fast path: one atomic read when no session has read
 * protected data lately; else one mark lookup, and for marked sessions
 * one cache lookup of the destination.
 *
 * Context: RCU read-side critical section (rcu_read_lock() or preemption
 * disabled).
 */
void daudit_hook_write(struct file *file, bool pinned, int fd,
		       struct task_struct *task, struct daudit_io *io)
{
	struct daudit_policy *p;
	struct daudit_fentry *fe;
	struct daudit_mark *m;

	if (!daudit_egress_any())
		return;
	p = daudit_policy_current();
	m = p ? daudit_egress_marked(task) : NULL;
	if (m) {
		fe = daudit_fcache_get_egress(p, file, pinned, fd);
		if (fe)
			daudit_session_egress(p, fe, task, m, io);
	}
}

int daudit_hooks_init(void)
{
	int ret;

	ret = register_kprobes(kps, ARRAY_SIZE(kps));
	if (ret) {
		pr_err("cannot register kprobes: %d\n", ret);
		return ret;
	}
	ret = register_kretprobes(krps, ARRAY_SIZE(krps));
	if (ret) {
		pr_err("cannot register return probes: %d\n", ret);
		unregister_kprobes(kps, ARRAY_SIZE(kps));
		return ret;
	}
	ret = daudit_tp_register(tps, ARRAY_SIZE(tps));
	if (ret) {
		unregister_kretprobes(krps, ARRAY_SIZE(krps));
		unregister_kprobes(kps, ARRAY_SIZE(kps));
		return ret;
	}
	return 0;
}

/*
 * Probe hits that did not run their handler (one probe hit while another
 * ran on the CPU, a return probe with no free instance, a multishot
 * receive with no slot): reads that may be missing from the records.
 */
u64 daudit_hooks_missed(void)
{
	u64 n = daudit_uring_missed() + daudit_claims_missed() +
		daudit_aio_missed();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kps); i++)
		n += READ_ONCE(kps[i]->nmissed);
	for (i = 0; i < ARRAY_SIZE(krps); i++)
		n += READ_ONCE(krps[i]->kp.nmissed) + READ_ONCE(krps[i]->nmissed);
	return n;
}

void daudit_hooks_exit(void)
{
	daudit_tp_unregister(tps, ARRAY_SIZE(tps));
	unregister_kretprobes(krps, ARRAY_SIZE(krps));
	unregister_kprobes(kps, ARRAY_SIZE(kps));
	synchronize_rcu();
	daudit_claims_exit();
	daudit_aio_exit();
}
