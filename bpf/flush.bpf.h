/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records of sessions still open, asked for by dauditd: interim ones for
 * sessions whose first read since their last record is older than the
 * age threshold (once a second, as the module's age worker), and final
 * ones for every session when dauditd stops (the programs on the hooks
 * are detached first, so nothing is counted after its record).
 *
 * An iterator over the sessions map (iter/bpf_map_elem): dauditd creates
 * it and reads it (userspace/ebpf/sensor_flush.c), which runs this
 * program once per session in dauditd's task.  It builds its records in
 * the scratch slot SCRATCH_FLUSH, never in the hooks' slot.
 */
#ifndef DAUDIT_BPF_FLUSH_H
#define DAUDIT_BPF_FLUSH_H

/* Set by the loader before each run, under its lock. */
__u64 flush_age_ns;	/* interim records of sessions at least this old; */
__u16 flush_reason;	/* DAUDIT_END_AGE, or DAUDIT_END_UNLOAD: every one */

SEC("iter/bpf_map_elem")
int flush_sessions(struct bpf_iter__bpf_map_elem *ctx)
{
	struct sensor_sess_key key;
	struct sensor_sess *s;
	__u64 first, now;
	void *k = ctx->key;	/* read once: the verifier checked this one */

	if (!k)
		return 0;
	/* The key on the stack: a map's lookup takes it from there. */
	__builtin_memcpy(&key, k, sizeof(key));
	s = bpf_map_lookup_elem(&sessions, &key);
	if (!s)
		return 0;
	if (flush_reason == DAUDIT_END_UNLOAD) {
		record((struct file *)key.file, s, DAUDIT_END_UNLOAD, SCRATCH_FLUSH);
		return 0;
	}
	first = s->first_ns;
	now = bpf_ktime_get_ns();
	/* Nothing read since the last record, or not old enough yet. */
	if (!first || first > now || now - first < flush_age_ns)
		return 0;
	record((struct file *)key.file, s, DAUDIT_END_AGE, SCRATCH_FLUSH);
	return 0;
}

#endif
