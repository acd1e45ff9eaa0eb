#!/usr/bin/env bats
# Reads from protected data services (unix socket paths, TCP and UDP
# endpoints): exact bytes per (socket, process), both ends, every read path.

load lib

setup_file() {
	load lib
	fresh_module
	head -c 200000 /dev/urandom >/srv/rows.bin
	chmod a+r /srv/rows.bin
	cat >/tmp/net.conf <<'POL'
dataset customers { tree /srv/customers }
dataset db {
	unix /run/db.sock
	tcp 127.0.0.1 port 5555
	udp 127.0.0.0/8 port 5556
}
POL
	daudit policy load /tmp/net.conf
	start_bg UNIX netpeer serve unix /run/db.sock /srv/rows.bin
	start_bg TCP netpeer serve tcp 127.0.0.1:5555 /srv/rows.bin
	start_bg OTHER netpeer serve tcp 127.0.0.1:5557 /srv/rows.bin
	start_bg UDP netpeer serve udp 127.0.0.1:5556 /srv/rows.bin
}

teardown_file() {
	stop_bg UNIX
	stop_bg TCP
	stop_bg OTHER
	stop_bg UDP
	unload_module
}

setup() {
	drain_records /dev/null
}

# get_as USER KIND ADDR MODE: bytes received.
get_as() {
	as_user "$1" netpeer get "$2" "$3" "$4" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p'
}

# check_tcp MODE PATHNAME
check_tcp() {
	n=$(get_as alice tcp 127.0.0.1:5555 "$1")
	[ "$n" -eq 200000 ]
	drain_records
	cat "$RECS" >&2
	sel='.event.action == "socket_read" and .server.port == 5555'
	[ "$(sum_where "$sel")" -eq "$n" ]
	r=$(records_where "$sel" | head -n1)
	[ "$(echo "$r" | jq -r .network.transport)" = tcp ]
	[ "$(echo "$r" | jq -r .server.ip)" = 127.0.0.1 ]
	[ "$(echo "$r" | jq -r .client.port)" -gt 0 ]
	[ "$(echo "$r" | jq -r .daudit.dataset)" = db ]
	[ "$(echo "$r" | jq -r .user.audit.id)" = 1001 ]
	[ "$(echo "$r" | jq -r '.daudit.read_paths | join(",")')" = "$2" ]
}

@test "TCP: read(2)" {
	check_tcp read read
}

@test "TCP: readv(2)" {
	check_tcp readv readv
}

@test "TCP: recv(2)" {
	check_tcp recv recv
}

@test "TCP: recvfrom(2)" {
	check_tcp recvfrom recv
}

@test "TCP: recvmsg(2)" {
	check_tcp recvmsg recvmsg
}

@test "TCP: splice(2) from the socket" {
	check_tcp splice splice
}

@test "TCP: io_uring RECV" {
	check_tcp uring-recv io_uring_recv
}

@test "TCP: io_uring RECV with IOSQE_CQE_SKIP_SUCCESS (no completion posted)" {
	check_tcp uring-recv-skip io_uring_recv
}

@test "TCP: io_uring RECVMSG with IOSQE_CQE_SKIP_SUCCESS (no completion posted)" {
	check_tcp uring-recvmsg-skip io_uring_recv
}

@test "TCP: io_uring READ on the socket" {
	check_tcp uring-read io_uring_read
}

@test "TCP: io_uring multishot RECV into provided buffers" {
	check_tcp uring-recv-multi io_uring_recv
}

@test "UDP: recvmmsg(2) from a protected endpoint (prefix match)" {
	# UDP may drop datagrams a slow reader has no room for: what counts is
	# that the records say exactly what the reader received.
	n=$(get_as alice udp 127.0.0.1:5556 recvmmsg)
	[ "$n" -gt 0 ]
	drain_records
	sel='.event.action == "socket_read" and .server.port == 5556'
	[ "$(sum_where "$sel")" -eq "$n" ]
	[ "$(records_where "$sel" | head -n1 | jq -r .network.transport)" = udp ]
	[ "$(records_where "$sel" | head -n1 | jq -r '.daudit.read_paths | join(",")')" = recvmmsg ]
}

@test "unix socket: bytes, path, and the server's pid and uid" {
	n=$(get_as alice unix /run/db.sock recv)
	drain_records
	cat "$RECS" >&2
	sel='.event.action == "socket_read" and .daudit.unix.path == "/run/db.sock"'
	[ "$(sum_where "$sel")" -eq "$n" ]
	r=$(records_where "$sel" | head -n1)
	[ "$(echo "$r" | jq -r .network.transport)" = unix ]
	[ "$(echo "$r" | jq -r .daudit.peer.pid)" = "$BG_UNIX" ]
	[ "$(echo "$r" | jq -r .daudit.peer.uid)" = 0 ]
}

@test "unix socket reached through a symlink is the same protected service" {
	ln -sf /run/db.sock /tmp/db-link.sock
	n=$(get_as bob unix /tmp/db-link.sock read)
	drain_records
	[ "$(sum_where '.event.action == "socket_read" and .daudit.unix.path == "/run/db.sock"')" -eq "$n" ]
}

@test "a TCP service that is not protected produces no record" {
	get_as alice tcp 127.0.0.1:5557 read >/dev/null
	drain_records
	[ "$(jq -s '[.[] | select(.event.action == "socket_read")] | length' "$RECS")" -eq 0 ]
}
