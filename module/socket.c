// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets.  A socket read is protected when its peer is a protected
 * endpoint: for TCP and UDP the connected peer's address and port, for
 * unix sockets the path the peer (the server) is bound to, whatever path
 * or link the client used to reach it.  Nothing here sleeps.
 */
#include <linux/cred.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/uidgid.h>
#include <net/af_unix.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "policy.h"
#include "socket.h"
#include "uapi/daudit.h"

static void describe_inet(struct sock *sk, struct daudit_sockinfo *si)
{
	struct inet_sock *inet = inet_sk(sk);
	__be32 daddr = READ_ONCE(inet->inet_daddr);
	__be32 saddr = READ_ONCE(inet->inet_rcv_saddr);

	memcpy(si->peer_addr, &daddr, 4);
	memcpy(si->local_addr, &saddr, 4);
	si->peer_port = ntohs(READ_ONCE(inet->inet_dport));
	si->local_port = ntohs(READ_ONCE(inet->inet_sport));
	si->connected = daddr || si->peer_port;
}

#if IS_ENABLED(CONFIG_IPV6)
static void describe_inet6(struct sock *sk, struct daudit_sockinfo *si)
{
	struct inet_sock *inet = inet_sk(sk);
	struct in6_addr d = sk->sk_v6_daddr, s = sk->sk_v6_rcv_saddr;

	si->peer_port = ntohs(READ_ONCE(inet->inet_dport));
	si->local_port = ntohs(READ_ONCE(inet->inet_sport));
	/* An IPv4 peer reached through an IPv6 socket is an IPv4 peer. */
	if (ipv6_addr_v4mapped(&d)) {
		si->family = AF_INET;
		memcpy(si->peer_addr, &d.s6_addr32[3], 4);
		memcpy(si->local_addr, &s.s6_addr32[3], 4);
	} else {
		memcpy(si->peer_addr, &d, 16);
		memcpy(si->local_addr, &s, 16);
	}
	si->connected = !ipv6_addr_any(&d) || si->peer_port;
}
#endif

static void describe_unix(struct sock *sk, struct daudit_sockinfo *si)
{
	struct unix_address *addr;
	struct sock *peer;
	size_t off = offsetof(struct sockaddr_un, sun_path), len;

	/* unix_peer_get(), but never waiting for the lock (compat.h). */
	if (!daudit_hook_spin_lock(&unix_sk(sk)->lock))
		return;
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	daudit_hook_spin_unlock(&unix_sk(sk)->lock);
	if (!peer)
		return;
	si->connected = true;
	/* Pairs with the release when the peer was bound. */
	addr = smp_load_acquire(&unix_sk(peer)->addr);
	if (addr && addr->len > off) {
		const char *name = addr->name->sun_path;

		len = addr->len - off;
		if (name[0]) {
			len = strnlen(name, len);
			memcpy(si->path, name, len);
		} else {
			/* Abstract: "@" and the name, as ss(8) shows it. */
			len = min_t(size_t, len, UNIX_PATH_MAX);
			si->path[0] = '@';
			memcpy(si->path + 1, name + 1, len - 1);
		}
		si->path[len] = '\0';
		si->path_len = len;
	}
	sock_put(peer);

	if (!daudit_hook_spin_lock(&sk->sk_peer_lock))
		return;
	if (sk->sk_peer_pid)
		si->peer_pid = pid_nr(sk->sk_peer_pid);
	if (sk->sk_peer_cred)
		si->peer_uid = from_kuid_munged(&init_user_ns,
						sk->sk_peer_cred->euid);
	daudit_hook_spin_unlock(&sk->sk_peer_lock);
}

/**
 * daudit_sock_describe - describe the socket behind a file.
 * @file: the file.
 * @si: filled in.
 *
 * Return: true for unix, IPv4 and IPv6 sockets.
 */
bool daudit_sock_describe(struct file *file, struct daudit_sockinfo *si)
{
	struct socket *sock = sock_from_file(file);
	struct sock *sk = sock ? sock->sk : NULL;

	memset(si, 0, sizeof(*si));
	si->peer_uid = DAUDIT_UID_UNSET;
	if (!sk)
		return false;
	si->family = sk->sk_family;
	si->type = sk->sk_type;
	switch (si->family) {
	case AF_UNIX:
		describe_unix(sk, si);
		return true;
	case AF_INET:
		si->protocol = sk->sk_protocol;
		describe_inet(sk, si);
		return true;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		si->protocol = sk->sk_protocol;
		describe_inet6(sk, si);
		return true;
#endif
	}
	return false;
}

/**
 * daudit_sock_classify - the dataset a socket's peer belongs to.
 * @p: the policy in force.
 * @si: the socket.
 *
 * Return: the dataset index, or -1.
 */
int daudit_sock_classify(const struct daudit_policy *p,
			 const struct daudit_sockinfo *si)
{
	if (!si->connected)
		return -1;
	if (si->family == AF_UNIX)
		return si->path_len && si->path[0] == '/' ?
		       daudit_policy_match_unix(p, si->path, si->path_len) : -1;
	if (si->protocol != IPPROTO_TCP && si->protocol != IPPROTO_UDP)
		return -1;
	return daudit_policy_match_net(p, si->protocol, si->family,
				       si->peer_addr, si->peer_port);
}

/**
 * daudit_sock_loopback - does the socket talk to this machine only?
 * @si: the socket.
 */
bool daudit_sock_loopback(const struct daudit_sockinfo *si)
{
	static const u8 lo6[16] = { [15] = 1 };

	if (si->family == AF_UNIX)
		return true;
	if (si->family == AF_INET)
		return si->peer_addr[0] == 127;
	return !memcmp(si->peer_addr, lo6, 16);
}
