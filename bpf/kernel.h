/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types the sensor reads, with only the members it uses.
 * preserve_access_index makes every member access a CO-RE relocation:
 * libbpf finds each member by name in the running kernel's BTF
 * (/sys/kernel/btf/vmlinux) and patches the offsets at load, so one
 * object serves every kernel; a vmlinux.h of several megabytes is not
 * needed.  Members the kernels keep in anonymous structs (mm_struct) are
 * found there too.
 */
#ifndef DAUDIT_BPF_KERNEL_H
#define DAUDIT_BPF_KERNEL_H

#define __pai __attribute__((preserve_access_index))

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	unsigned int val;
} kuid_t;

typedef struct {
	unsigned int val;
} kgid_t;

struct pt_regs {
	unsigned long orig_ax;		/* the system call's number */
	unsigned long bx;		/* ia32: arguments in bx, cx, dx, si, di, bp */
	unsigned long cx;
	unsigned long bp;
	unsigned long r10;
	unsigned long r8;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
} __pai;

struct super_block {
	unsigned int s_dev;
} __pai;

struct inode {
	unsigned short i_mode;
	kuid_t i_uid;
	unsigned long i_ino;
	struct super_block *i_sb;
} __pai;

struct qstr {
	const unsigned char *name;
} __pai;

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
	struct super_block *d_sb;
} __pai;

struct vfsmount {
	struct dentry *mnt_root;
} __pai;

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
} __pai;

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} __pai;

struct file {
	struct path f_path;
	struct inode *f_inode;
	long long f_pos;
	void *private_data;		/* a socket's struct socket */
} __pai;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __pai;

struct files_struct {
	struct fdtable *fdt;
} __pai;

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t euid;
	kgid_t egid;
	kuid_t fsuid;
	kgid_t fsgid;
} __pai;

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
	unsigned long env_start;
	unsigned long env_end;
	struct file *exe_file;
} __pai;

/* mmap.bpf.h: a mapping and the fault that maps a page of it. */
struct vm_area_struct {
	unsigned long vm_start;		/* in an anonymous struct on 6.12 */
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	unsigned long vm_flags;		/* in a union on 6.12 */
	struct file *vm_file;
} __pai;

#define VM_EXEC	0x00000004

struct vm_fault {
	struct vm_area_struct *vma;	/* in an anonymous const struct */
} __pai;

struct folio;
struct page;

/* flush.bpf.h: an iterator's context over a map's elements. */
struct bpf_iter_meta {
	void *seq;
} __pai;

struct bpf_iter__bpf_map_elem {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
	void *key;
	void *value;
} __pai;

struct task_struct;

/* actor.bpf.h: an iterator's context over a process's mappings. */
struct bpf_iter__task_vma {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	struct vm_area_struct *vma;
} __pai;

struct ns_common {
	unsigned int inum;
} __pai;

struct mnt_namespace {
	struct ns_common ns;
} __pai;

struct pid_namespace {
	struct ns_common ns;
} __pai;

struct upid {
	int nr;
	struct pid_namespace *ns;
} __pai;

struct pid {
	unsigned int level;
	struct upid numbers[1];
} __pai;

struct nsproxy {
	struct mnt_namespace *mnt_ns;
} __pai;

struct kernfs_node {
	unsigned long long id;
} __pai;

struct cgroup {
	struct kernfs_node *kn;
} __pai;

struct css_set {
	struct cgroup *dfl_cgrp;
} __pai;

struct signal_struct {
	atomic_t live;
} __pai;

struct task_struct {
	unsigned int flags;		/* PF_* */
	unsigned int ptrace;		/* PT_*: traced when non-zero */
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	unsigned long long start_time;
	unsigned long long start_boottime;	/* /proc's starttime */
	const struct cred *real_cred;
	struct files_struct *files;
	struct mm_struct *mm;
	struct nsproxy *nsproxy;
	struct pid *thread_pid;
	struct signal_struct *signal;
	struct css_set *cgroups;
	kuid_t loginuid;
	unsigned int sessionid;
	char comm[16];
} __pai;

/* Sockets: what the module's socket.c reads of both ends. */
/* Read whole (16 bytes); the kernel's members are in a union. */
struct in6_addr {
	unsigned int w[4];
};

struct sock_common {
	unsigned int skc_daddr;			/* network order */
	unsigned int skc_rcv_saddr;
	unsigned short skc_dport;		/* network order */
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __pai;

struct sock {
	struct sock_common __sk_common;
	unsigned short sk_type;
	unsigned short sk_protocol;
	struct pid *sk_peer_pid;
	const struct cred *sk_peer_cred;
} __pai;

struct inet_sock {
	unsigned short inet_sport;		/* network order */
} __pai;

struct sockaddr_un {
	unsigned short sun_family;
	char sun_path[108];
} __pai;

struct unix_address {
	int len;
	struct sockaddr_un name[1];
} __pai;

struct unix_sock {
	struct unix_address *addr;
	struct sock *peer;
} __pai;

struct socket {
	struct sock *sk;
	struct file *file;
} __pai;

/* Legacy AIO: the kiocb of a request (fs.h). */
struct kiocb {
	struct file *ki_filp;
} __pai;

/* io_uring: a request and its ring (io_uring_types.h). */
struct io_ring_ctx {
	unsigned int flags;		/* IORING_SETUP_* */
} __pai;

struct io_cqe {
	int res;
} __pai;

struct io_kiocb {
	struct file *file;
	unsigned char opcode;
	struct io_cqe cqe;
	struct io_ring_ctx *ctx;
	struct task_struct *task;	/* the submitter */
} __pai;

#define S_IFSOCK 0140000
#define S_IFMT	00170000
#define S_IFREG	0100000

#endif
