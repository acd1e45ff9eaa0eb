/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets: both ends described, judged by their peer, and a socket
 * session's record.
 */
#ifndef DAUDIT_BPF_SOCK_H
#define DAUDIT_BPF_SOCK_H

/* The unix socket's peer: the path it is bound to, the peer's pid and uid. */
static __always_inline void describe_unix(struct sock *sk, struct sensor_sockinfo *si)
{
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
	struct unix_address *addr;
	struct pid *pid;
	const struct cred *cred;
	__u64 *w = (__u64 *)si->path;
	long len;
	char c = 0;
	int i;

	if (!peer)
		return;
	si->connected = 1;
	addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
	if (addr && BPF_CORE_READ(addr, len) >
		    (int)bpf_core_field_offset(struct sockaddr_un, sun_path)) {
		const char *name = (void *)addr +
			bpf_core_field_offset(struct unix_address, name) +
			bpf_core_field_offset(struct sockaddr_un, sun_path);

		/*
		 * A path name only: an abstract one (a NUL first) never
		 * matches a policy's path, so its record is never written.
		 */
		bpf_probe_read_kernel(&c, 1, name);
		if (c) {
			for (i = 0; i < (int)(sizeof(si->path) / 8); i++)
				w[i] = 0;
			len = bpf_probe_read_kernel_str(si->path, SENSOR_UNIX_PATH + 1, name);
			si->path_len = len > 1 ? len - 1 : 0;
		}
	}
	pid = BPF_CORE_READ(sk, sk_peer_pid);
	if (pid)
		si->peer_pid = BPF_CORE_READ(pid, numbers[0].nr);
	cred = BPF_CORE_READ(sk, sk_peer_cred);
	if (cred)
		si->peer_uid = BPF_CORE_READ(cred, euid.val);
}

static __always_inline __u16 ntohs16(__u16 v)
{
	return __builtin_bswap16(v);
}

/*
 * Both ends of the socket behind @file into @si, as the module's
 * daudit_sock_describe(): 0 if it is no unix, IPv4 or IPv6 socket.
 */
static __always_inline int describe(struct file *file, struct sensor_sockinfo *si)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct in6_addr d, l;
	int i;

	if (!sk)
		return 0;
	si->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->type = BPF_CORE_READ(sk, sk_type);
	si->protocol = 0;
	si->local_port = 0;
	si->peer_port = 0;
	for (i = 0; i < 4; i++) {
		si->local_addr[i] = 0;
		si->peer_addr[i] = 0;
	}
	si->connected = 0;
	si->peer_pid = 0;
	si->peer_uid = DAUDIT_UID_UNSET;
	si->path_len = 0;
	si->path[0] = 0;
	if (si->family == AF_UNIX) {
		describe_unix(sk, si);
		return 1;
	}
	if (si->family != AF_INET && si->family != AF_INET6)
		return 0;
	si->protocol = BPF_CORE_READ(sk, sk_protocol);
	si->peer_port = ntohs16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	si->local_port = ntohs16(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (si->family == AF_INET) {
		si->peer_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		si->local_addr[0] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		si->connected = si->peer_addr[0] || si->peer_port;
		return 1;
	}
	bpf_core_read(&d, sizeof(d), &sk->__sk_common.skc_v6_daddr);
	bpf_core_read(&l, sizeof(l), &sk->__sk_common.skc_v6_rcv_saddr);
	/* An IPv4 peer reached through an IPv6 socket is an IPv4 peer. */
	if (!d.w[0] && !d.w[1] && d.w[2] == __builtin_bswap32(0xffff)) {
		si->family = AF_INET;
		si->peer_addr[0] = d.w[3];
		si->local_addr[0] = l.w[3];
	} else {
		for (i = 0; i < 4; i++) {
			si->peer_addr[i] = d.w[i];
			si->local_addr[i] = l.w[i];
		}
	}
	si->connected = d.w[0] || d.w[1] || d.w[2] || d.w[3] || si->peer_port;
	return 1;
}

struct net_match {
	__u32 addr[4];
	__u32 base;			/* slot * SENSOR_MAX_NETS */
	__u32 n;			/* entries used in the slot */
	__u32 dataset;			/* index + 1 once matched */
	__u16 family;
	__u16 port;
	__u8 protocol;
};

/* One protected endpoint (bpf_loop's callback): 1 stops at a match. */
static long net_step(__u32 i, struct net_match *m)
{
	__u32 key = m->base + i;
	struct sensor_net *n;
	int w;

	if (i >= m->n)
		return 1;
	n = bpf_map_lookup_elem(&nets, &key);
	if (!n || n->protocol != m->protocol || n->family != m->family ||
	    m->port < n->port_lo || m->port > n->port_hi)
		return 0;
	for (w = 0; w < 4; w++)
		if ((m->addr[w] & n->mask[w]) != n->addr[w])
			return 0;
	m->dataset = n->dataset + 1;
	return 1;
}

/*
 * Dataset index + 1 if the socket behind @file has a protected peer now,
 * as the module's daudit_sock_classify(); its description is then kept
 * in socks for its records.
 */
static __always_inline __u32 classify_sock(struct file *file, __u64 gen)
{
	__u32 zero = 0, slot = gen & 1;
	struct sensor_sockinfo *si = bpf_map_lookup_elem(&judge_scratch, &zero);
	struct sensor_unix_key *uk = bpf_map_lookup_elem(&unix_scratch, &zero);
	struct net_match m = {};
	struct sensor_obj *o;
	__u64 key = (__u64)file;
	int i;

	if (!si || !uk || !describe(file, si) || !si->connected)
		return 0;
	if (si->family == AF_UNIX) {
		if (!si->path_len || si->path[0] != '/')
			return 0;
		uk->slot = slot;
		for (i = 0; i < (int)(sizeof(uk->path) / 8); i++)
			((__u64 *)uk->path)[i] = ((__u64 *)si->path)[i];
		o = bpf_map_lookup_elem(&unixes, uk);
		m.dataset = o ? o->dataset + 1 : 0;
	} else {
		if (si->protocol != IPPROTO_TCP && si->protocol != IPPROTO_UDP)
			return 0;
		for (i = 0; i < 4; i++)
			m.addr[i] = si->peer_addr[i];
		m.base = slot * SENSOR_MAX_NETS;
		m.n = n_nets[slot & 1];
		m.family = si->family;
		m.port = si->peer_port;
		m.protocol = si->protocol;
		if (m.n)
			bpf_loop(SENSOR_MAX_NETS, net_step, &m, 0);
	}
	if (m.dataset && bpf_map_update_elem(&socks, &key, si, BPF_ANY))
		count(SENSOR_C_SOCKS_FULL, 1);
	return m.dataset;
}

static __always_inline int is_sock(struct file *file)
{
	return (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) == S_IFSOCK;
}

/* Write the record of socket session @s of @file, as emit_file(). */
static __always_inline void emit_sock(struct file *file, struct sensor_sess *s,
				      __u16 reason, __u32 slot)
{
	struct sensor_sock_ev *ev = bpf_map_lookup_elem(&sock_scratch, &slot);
	__u64 key = (__u64)file;
	struct sensor_sockinfo *si;

	if (!ev)
		return;
	EV_COMMON(ev, SENSOR_EV_SOCK, s, reason);
	si = bpf_map_lookup_elem(&socks, &key);
	if (si)
		ev->si = *si;
	else
		describe(file, &ev->si);	/* socks was full: as it is now */
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		count_drop(DAUDIT_REC_SOCK_READ);
	count(SENSOR_C_SESSIONS_ENDED, 1);
}

/* A session's record: a socket's or a file's; @slot: SCRATCH_*. */
static __always_inline void emit(struct file *file, struct sensor_sess *s, __u16 reason,
				 __u32 slot)
{
	if (is_sock(file))
		emit_sock(file, s, reason, slot);
	else
		emit_file(file, s, reason, slot);
}

#endif
