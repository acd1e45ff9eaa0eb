/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a program running only its own code?  The checks behind trusted
 * readers (session.bpf.h) and declaring applications (actor.bpf.h), as
 * the module's trust.c: not traced, no code its loader was told to
 * inject, and no code mapped from a file that is neither the program
 * nor a system file (root's, in a directory of root's).
 *
 * The module walks a process's mappings when it needs the answer.  A
 * program on a read cannot (no walk of the maple tree before 6.7), so
 * the answer is kept per address space instead, as mappings are made:
 *  - mms, by struct mm_struct: `known` once every executable mapping
 *    of it has been seen (an exec's new mm, a fork's copy of a known
 *    one, or the scan dauditd runs over every process at the start);
 *    `taint` as soon as one maps code from a foreign file
 *    (mmap_region() with VM_EXEC, mprotect(2) adding PROT_EXEC); the
 *    environment's verdict, taken once;
 *  - an address space that is not known, or is tainted, is not trusted.
 * Running out of room for a taint turns trust off (taint_full): reads
 * are then recorded, never the other way round.
 */
#ifndef DAUDIT_BPF_TRUST_H
#define DAUDIT_BPF_TRUST_H

/* Set by the loader: trusted readers in each policy slot. */
__u32 n_readers[2];
/* A taint could not be kept: no process is trusted any more. */
__u32 taint_full;
/* dauditd's scan of every process (trust_scan) ran: mms are followed. */
__u32 trust_on;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * SENSOR_MAX_READERS);
	__type(key, struct sensor_reader_key);
	__type(value, __u32);
} readers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SENSOR_MAX_MMS);
	__type(key, __u64);
	__type(value, struct sensor_mm);
} mms SEC(".maps");

/* Root's, and writable by root alone (the module's trust.c). */
static __always_inline int root_only(struct inode *inode)
{
	return inode && BPF_CORE_READ(inode, i_uid.val) == 0 &&
	       !(BPF_CORE_READ(inode, i_mode) & 0022);
}

/* The environment is read a string (or this much of one) at a time. */
#define ENV_STR		256
#define ENV_SCAN_MAX	(64 * 1024)	/* as the module's trust.c */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[ENV_STR]);
} env_scratch SEC(".maps");

/* Does the string at @s start with @p (@n bytes, a constant)? */
static __always_inline int starts(const char *s, const char *p, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] != p[i])
			return 0;
	return 1;
}

struct env_scan {
	__u64 pos;
	__u64 end;
	__u32 at_start;
	__u32 injects;
};

/* One string of the environment (bpf_loop's callback). */
static long env_step(__u32 i, struct env_scan *e)
{
	__u32 zero = 0;
	char *buf = bpf_map_lookup_elem(&env_scratch, &zero);
	long n;

	if (!buf || e->pos >= e->end)
		return 1;
	n = bpf_probe_read_user_str(buf, ENV_STR, (void *)e->pos);
	if (n <= 0) {
		e->injects = 1;		/* unreadable: trust is not given */
		return 1;
	}
	if (e->at_start && buf[0] == 'L' &&
	    (starts(buf, "LD_PRELOAD=", 11) || starts(buf, "LD_AUDIT=", 9) ||
	     starts(buf, "LD_LIBRARY_PATH=", 16))) {
		e->injects = 1;
		return 1;
	}
	/* A string cut at ENV_STR - 1 bytes goes on in the next step. */
	e->at_start = n < ENV_STR;
	e->pos += n < ENV_STR ? n : ENV_STR - 1;
	return 0;
}

/*
 * Does @mm's environment ask the dynamic loader to run code that is not
 * the program's (the module's daudit_loader_injects())?  Read without
 * faulting, in the thread's own context: unreadable, or longer than
 * ENV_SCAN_MAX, is yes.
 */
static __always_inline __u32 env_injects(struct mm_struct *mm)
{
	struct env_scan e = {
		.pos = BPF_CORE_READ(mm, env_start),
		.end = BPF_CORE_READ(mm, env_end),
		.at_start = 1,
	};

	if (e.end <= e.pos)
		return 0;
	if (e.end - e.pos > ENV_SCAN_MAX)
		return 1;
	bpf_loop(ENV_SCAN_MAX, env_step, &e, 0);
	return e.injects;
}


/*
 * Code of file @f: foreign unless it is the program (@dev, @ino, kernel
 * encoding) or a system file.
 */
static __always_inline int foreign_file(struct file *f, __u64 dev, __u64 ino)
{
	struct inode *inode = BPF_CORE_READ(f, f_inode);

	if (BPF_CORE_READ(inode, i_sb, s_dev) == dev && BPF_CORE_READ(inode, i_ino) == ino)
		return 0;
	return !root_only(inode) ||
	       !root_only(BPF_CORE_READ(f, f_path.dentry, d_parent, d_inode));
}

/* Code of file @f mapped into @mm: foreign unless @mm's program or a system file. */
static __always_inline int foreign_in(struct file *f, struct mm_struct *mm)
{
	struct inode *exe = BPF_CORE_READ(mm, exe_file, f_inode);

	return foreign_file(f, BPF_CORE_READ(exe, i_sb, s_dev), BPF_CORE_READ(exe, i_ino));
}

/* @mm maps foreign code: never trusted again. */
static __always_inline void taint(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;
	struct sensor_mm *m = bpf_map_lookup_elem(&mms, &key);
	struct sensor_mm nm = { .taint = 1 };

	if (m) {
		m->taint = 1;
		return;
	}
	if (bpf_map_update_elem(&mms, &key, &nm, BPF_NOEXIST) && !bpf_map_lookup_elem(&mms, &key))
		taint_full = 1;
}

/* Every executable mapping of @mm from now on is seen: mark it known. */
static __always_inline void know(struct mm_struct *mm, const struct sensor_mm *from)
{
	__u64 key = (__u64)mm;
	struct sensor_mm *m = bpf_map_lookup_elem(&mms, &key);
	struct sensor_mm nm = { .known = 1 };

	if (from) {
		nm.taint = from->taint;
		nm.env = from->env;
	}
	if (m) {
		m->known = 1;
		if (nm.taint)
			m->taint = 1;
		return;
	}
	/* No room: not known, so not trusted. */
	bpf_map_update_elem(&mms, &key, &nm, BPF_NOEXIST);
}

/*
 * The environment of current's address space @mm, judged once, from its
 * own context: here, not on the read path (the scan made every program
 * that counts reads slower to verify, and 6.12's verifier by minutes).
 * Not before the exec has set it up (env_start, env_end).
 */
static __always_inline void judge_env(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;
	struct sensor_mm *m = bpf_map_lookup_elem(&mms, &key);

	if (!m || m->env || BPF_CORE_READ(mm, env_end) <= BPF_CORE_READ(mm, env_start))
		return;
	m->env = env_injects(mm) ? 2 : 1;
}

/*
 * A mapping made, by mmap(2), an exec's loader, shmat(2), ...: foreign
 * code taints its address space; and the address space's environment is
 * judged if it was not (a process followed since before it read).
 */
SEC("fentry/mmap_region")
int BPF_PROG(trust_mmap, struct file *file, unsigned long addr, unsigned long len,
	     unsigned long vm_flags)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm;

	if (!trust_on)
		return 0;
	mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return 0;
	judge_env(mm);
	if (file && (vm_flags & VM_EXEC) && foreign_in(file, mm))
		taint(mm);
	return 0;
}

struct span {
	__u64 end;
	__u32 foreign;
};

/* The mapping at an mprotect(2)'s start: foreign code, or more than it. */
static long span_step(struct task_struct *t, struct vm_area_struct *vma, struct span *sp)
{
	struct file *f = BPF_CORE_READ(vma, vm_file);
	struct mm_struct *mm = BPF_CORE_READ(vma, vm_mm);

	if (BPF_CORE_READ(vma, vm_end) < sp->end || (f && foreign_in(f, mm)))
		sp->foreign = 1;
	else
		sp->foreign = 0;
	return 0;
}

#define PROT_EXEC	4

/*
 * mprotect(2) or pkey_mprotect(2) made [@start, @start + @len)
 * executable: foreign code if the mapping there is a foreign file's, or
 * if the range is more than one mapping (not looked at further: tainted).
 */
static __always_inline void protected_exec(unsigned long start, unsigned long len,
					   unsigned long prot, long ret)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct span sp = { .end = start + len, .foreign = 1 };
	struct mm_struct *mm;

	if (!trust_on || ret || !(prot & PROT_EXEC))
		return;
	mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return;
	bpf_find_vma(bpf_get_current_task_btf(), start, span_step, &sp, 0);
	if (sp.foreign)
		taint(mm);
}

SEC("fexit/__x64_sys_mprotect")
int BPF_PROG(trust_mprotect, const struct pt_regs *regs, long ret)
{
	protected_exec(BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si),
		       BPF_CORE_READ(regs, dx), ret);
	return 0;
}

SEC("fexit/__x64_sys_pkey_mprotect")
int BPF_PROG(trust_pkey_mprotect, const struct pt_regs *regs, long ret)
{
	protected_exec(BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si),
		       BPF_CORE_READ(regs, dx), ret);
	return 0;
}

/* A 32-bit process's mprotect(2), pkey_mprotect(2): start, len, prot in bx, cx, dx. */
SEC("fexit/__ia32_sys_mprotect")
int BPF_PROG(ia32_mprotect, const struct pt_regs *regs, long ret)
{
	protected_exec((__u32)BPF_CORE_READ(regs, bx), (__u32)BPF_CORE_READ(regs, cx),
		       (__u32)BPF_CORE_READ(regs, dx), ret);
	return 0;
}

SEC("fexit/__ia32_sys_pkey_mprotect")
int BPF_PROG(ia32_pkey_mprotect, const struct pt_regs *regs, long ret)
{
	protected_exec((__u32)BPF_CORE_READ(regs, bx), (__u32)BPF_CORE_READ(regs, cx),
		       (__u32)BPF_CORE_READ(regs, dx), ret);
	return 0;
}

/* A fork's copy of a known address space is known, with its verdicts. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(trust_fork, struct task_struct *parent, struct task_struct *child)
{
	struct mm_struct *pmm = BPF_CORE_READ(parent, mm), *cmm = BPF_CORE_READ(child, mm);
	__u64 key = (__u64)pmm;
	struct sensor_mm *m;

	if (!trust_on || !cmm || cmm == pmm)
		return 0;
	m = bpf_map_lookup_elem(&mms, &key);
	if (m && m->known)
		know(cmm, m);
	return 0;
}

/* An address space is freed: forget it (a new one may take its address). */
SEC("fentry/exit_mmap")
int BPF_PROG(trust_exit_mmap, struct mm_struct *mm)
{
	__u64 key = (__u64)mm;

	bpf_map_delete_elem(&mms, &key);
	return 0;
}

/*
 * Run once by dauditd after the programs are attached, over every
 * process's mappings: their address spaces become known, and those
 * mapping foreign code tainted.  A mapping made meanwhile is seen by
 * trust_mmap.
 */
SEC("iter/task_vma")
int trust_scan(struct bpf_iter__task_vma *ctx)
{
	struct vm_area_struct *vma = ctx->vma;
	struct task_struct *task = ctx->task;
	struct mm_struct *mm;
	struct file *f;

	if (!task || !vma)
		return 0;
	mm = BPF_CORE_READ(vma, vm_mm);
	if (!mm)
		return 0;
	know(mm, NULL);
	f = BPF_CORE_READ(vma, vm_file);
	if (f && (BPF_CORE_READ(vma, vm_flags) & VM_EXEC) && foreign_in(f, mm))
		taint(mm);
	return 0;
}

/*
 * What is known of @mm's code: SENSOR_CODE_OWN (followed, nothing
 * foreign), _FOREIGN, or _UNKNOWN (not followed, or trust is off).
 */
static __always_inline __u32 code_verdict(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;
	struct sensor_mm *m = bpf_map_lookup_elem(&mms, &key);

	if (m && m->taint)
		return SENSOR_CODE_FOREIGN;
	if (!trust_on || taint_full || !m || !m->known)
		return SENSOR_CODE_UNKNOWN;
	return SENSOR_CODE_OWN;
}

/*
 * Is task @t running a trusted reader of dataset index @ds with only its
 * own code (the module's trusted())?  Asked when a session starts.
 */
static __always_inline int trusted_reader(struct task_struct *t, __u32 ds, __u64 gen)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct sensor_reader_key rk = { .dataset = ds, .slot = gen & 1 };
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct inode *exe;
	struct sensor_mm *m;
	__u64 key = (__u64)mm;

	if (!n_readers[gen & 1] || !mm || mm != BPF_CORE_READ(cur, mm))
		return 0;
	exe = BPF_CORE_READ(mm, exe_file, f_inode);
	rk.dev = BPF_CORE_READ(exe, i_sb, s_dev);
	rk.ino = BPF_CORE_READ(exe, i_ino);
	if (!bpf_map_lookup_elem(&readers, &rk))
		return 0;
	if (BPF_CORE_READ(t, ptrace) || BPF_CORE_READ(t, group_leader, ptrace))
		return 0;
	if (code_verdict(mm) != SENSOR_CODE_OWN)
		return 0;
	m = bpf_map_lookup_elem(&mms, &key);
	/* The environment is judged elsewhere (judge_env()): not yet, not trusted. */
	return m && m->env == 1;
}

#endif
