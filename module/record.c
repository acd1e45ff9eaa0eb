// SPDX-License-Identifier: GPL-2.0
/*
 * Attribution: who did it, as the initial namespaces see it.  Filled from
 * hook context, so nothing here sleeps or allocates.
 */

#include <linux/audit.h>
#include <uapi/linux/audit.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/highuid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "record.h"
#include "ring.h"

u64 daudit_instance_id;

/* Strings follow the fixed part exactly: no padding before them. */
static_assert(sizeof(struct daudit_rec_file) ==
	      offsetof(struct daudit_rec_file, path));
static_assert(sizeof(struct daudit_rec_sock) ==
	      offsetof(struct daudit_rec_sock, path));
static_assert(sizeof(struct daudit_rec_egress) ==
	      offsetof(struct daudit_rec_egress, strings));
static_assert(sizeof(struct daudit_rec_process) ==
	      offsetof(struct daudit_rec_process, exe));
static_assert(sizeof(struct daudit_rec_alert) ==
	      offsetof(struct daudit_rec_alert, paths));

/* One buffer per CPU for task context and one for softirq context. */
struct scratch {
	char *buf[2];
	bool busy[2];
};

static struct scratch __percpu *scratch;

static int scratch_level(void)
{
	if (in_nmi() || in_hardirq())
		return -1;
	return in_task() ? 0 : 1;
}

char *daudit_scratch_get(void)
{
	struct scratch *s = this_cpu_ptr(scratch);
	int l = scratch_level();

	if (l < 0 || s->busy[l])
		return NULL;
	s->busy[l] = true;
	return s->buf[l];
}

void daudit_scratch_put(void)
{
	struct scratch *s = this_cpu_ptr(scratch);
	int l = scratch_level();

	if (l >= 0)
		s->busy[l] = false;
}

int daudit_scratch_init(void)
{
	unsigned int cpu, l;

	scratch = alloc_percpu(struct scratch);
	if (!scratch)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct scratch *s = per_cpu_ptr(scratch, cpu);

		for (l = 0; l < 2; l++) {
			s->buf[l] = kmalloc_node(PATH_MAX, GFP_KERNEL,
						 cpu_to_node(cpu));
			if (!s->buf[l]) {
				daudit_scratch_exit();
				return -ENOMEM;
			}
		}
	}
	return 0;
}

void daudit_scratch_exit(void)
{
	unsigned int cpu;

	if (!scratch)
		return;
	for_each_possible_cpu(cpu) {
		kfree(per_cpu_ptr(scratch, cpu)->buf[0]);
		kfree(per_cpu_ptr(scratch, cpu)->buf[1]);
	}
	free_percpu(scratch);
	scratch = NULL;
}

/*
 * Ids as the initial user namespace sees them.  Its maps are the identity
 * on 0..4294967294, set at boot and never written, so this is
 * from_kuid_munged(&init_user_ns, k) (the invalid id becomes overflowuid)
 * without its call and map search: a session's start takes eight of them
 * (docs/performance.md, "Cost per stage": subject).
 */
static u32 uid_of(kuid_t k)
{
	return uid_valid(k) ? __kuid_val(k) : (u32)overflowuid;
}

static u32 gid_of(kgid_t k)
{
	return gid_valid(k) ? __kgid_val(k) : (u32)overflowgid;
}

/**
 * daudit_subject_fill - describe a task for a record.
 * @s: filled in.
 * @t: the task; current or one the caller keeps alive.
 */
void daudit_subject_fill(struct daudit_subject *s, struct task_struct *t)
{
	const struct cred *c;
	kuid_t auid;
	unsigned int sid;
	struct pid_namespace *pidns;

	memset(s, 0, sizeof(*s));
	s->tgid = task_tgid_nr(t);
	s->tid = task_pid_nr(t);
	s->start_ns = t->group_leader->start_time;

	rcu_read_lock();
	s->ppid = task_tgid_nr(rcu_dereference(t->real_parent));
	c = __task_cred(t);
	s->uid = uid_of(c->uid);
	s->gid = gid_of(c->gid);
	s->euid = uid_of(c->euid);
	s->egid = gid_of(c->egid);
	s->fsuid = uid_of(c->fsuid);
	s->fsgid = gid_of(c->fsgid);
#ifdef CONFIG_CGROUPS
	s->cgroup_id = cgroup_id(task_dfl_cgroup(t));
#endif
	s->mnt_ns = daudit_mnt_ns_inum(READ_ONCE(t->nsproxy));
	pidns = task_active_pid_ns(t);
	s->pid_ns = pidns ? pidns->ns.inum : 0;
	rcu_read_unlock();

	auid = audit_get_loginuid(t);
	s->auid = uid_valid(auid) ? uid_of(auid) : DAUDIT_UID_UNSET;
	sid = audit_get_sessionid(t);
	s->sessionid = sid == AUDIT_SID_UNSET ? DAUDIT_SESSION_UNSET : sid;
	strscpy_pad(s->comm, t->comm, sizeof(s->comm));
}

/**
 * daudit_emit_module - record a module life-cycle event.
 * @event: enum daudit_module_event.
 */
void daudit_emit_module(u32 event)
{
	struct daudit_rec_module m;

	memset(&m, 0, sizeof(m));
	daudit_subject_fill(&m.subj, current);
	m.event = event;
	m.abi_major = DAUDIT_ABI_MAJOR;
	m.abi_minor = DAUDIT_ABI_MINOR;
	m.instance_id = daudit_instance_id;
	strscpy(m.version, DAUDIT_VERSION, sizeof(m.version));
	daudit_ring_write(DAUDIT_REC_MODULE, &m, sizeof(m), NULL, 0);
}

/**
 * daudit_emit_policy - record a policy load attempt.
 * @generation: generation in force afterwards.
 * @result: 0 or the positive errno the load was refused with.
 * @n_datasets: datasets in the policy offered.
 * @n_sources: sources in the policy offered.
 * @size: its size in bytes.
 */
void daudit_emit_policy(u64 generation, u32 result, u32 n_datasets,
			u32 n_sources, u32 size)
{
	struct daudit_rec_policy p;

	memset(&p, 0, sizeof(p));
	daudit_subject_fill(&p.subj, current);
	p.generation = generation;
	p.result = result;
	p.n_datasets = n_datasets;
	p.n_sources = n_sources;
	p.size = size;
	daudit_ring_write(DAUDIT_REC_POLICY, &p, sizeof(p), NULL, 0);
}

/**
 * daudit_emit_alert - record something a reviewer must see at once.
 * @kind: enum daudit_alert_kind.
 * @dataset: dataset concerned.
 * @dev: device of the file (st_dev encoding).
 * @ino: its inode.
 * @paths: first path, NUL, second path.
 * @path_len: length of the first path.
 * @path2_len: length of the second.
 */
void daudit_emit_alert(u32 kind, const char *dataset, u64 dev, u64 ino,
		       const char *paths, u32 path_len, u32 path2_len)
{
	struct daudit_rec_alert a;

	memset(&a, 0, sizeof(a));
	daudit_subject_fill(&a.subj, current);
	a.kind = kind;
	a.path_len = path_len;
	a.path2_len = path2_len;
	a.dev = dev;
	a.ino = ino;
	strscpy_pad(a.dataset, dataset, sizeof(a.dataset));
	daudit_ring_write(DAUDIT_REC_ALERT, &a, sizeof(a), paths,
			  path_len + 1 + path2_len);
}

/**
 * daudit_audit_lifecycle - put a module load or unload in the audit trail.
 * @op: "daudit_load" or "daudit_unload".
 * @records: records written so far.
 * @dropped: records dropped so far.
 *
 * An unload cannot reach a consumer (none may be attached while the module
 * goes away), so the system's audit trail and the kernel log carry it.
 */
void daudit_audit_lifecycle(const char *op, u64 records, u64 dropped)
{
	audit_log(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER,
		  "op=%s version=%s instance=%016llx records=%llu dropped=%llu",
		  op, DAUDIT_VERSION, daudit_instance_id, records, dropped);
}
