/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets: who is on the other end (a protected data service?), for the
 * socket read sensor and for egress.  Decided once per open socket.
 */
#ifndef _DAUDIT_SOCKET_H
#define _DAUDIT_SOCKET_H

#include <linux/fs.h>
#include <linux/un.h>

struct daudit_policy;

struct daudit_sockinfo {
	u16 family;		/* AF_UNIX, AF_INET, AF_INET6 */
	u8 protocol;		/* IPPROTO_TCP/UDP, 0 for unix */
	u8 type;		/* SOCK_STREAM, ... */
	u16 local_port;		/* host order */
	u16 peer_port;
	u8 local_addr[16];	/* network order; IPv4 in the first 4 */
	u8 peer_addr[16];
	bool connected;		/* the peer is known */
	u32 peer_pid;
	u32 peer_uid;		/* DAUDIT_UID_UNSET if unknown */
	u32 path_len;
	char path[UNIX_PATH_MAX + 2];	/* the peer's bound path; "@x" abstract */
};

/* Describe the socket behind @file; false if it is not one we read. */
bool daudit_sock_describe(struct file *file, struct daudit_sockinfo *si);
/* The dataset of the socket's protected peer, or -1. */
int daudit_sock_classify(const struct daudit_policy *p,
			 const struct daudit_sockinfo *si);
bool daudit_sock_loopback(const struct daudit_sockinfo *si);

#endif /* _DAUDIT_SOCKET_H */
