// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/daudit: one consumer reads records; control handles issue ioctls.
 *
 * The open mode says which: FMODE_READ claims the single consumer slot
 * (EBUSY if taken), O_WRONLY is a control handle.  Every ioctl checks its
 * number, its size, its caller's capability and every field it reads.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "actor.h"
#include "device.h"
#include "policy.h"
#include "proc.h"
#include "record.h"
#include "ring.h"
#include "session.h"
#include "stats.h"

static DEFINE_MUTEX(consumer_lock);	/* serialises ring consumer calls */
static atomic_t consumer_tgid = ATOMIC_INIT(0);

u32 daudit_device_consumer(void)
{
	return atomic_read(&consumer_tgid);
}

static bool may_read(void)
{
	return capable(CAP_AUDIT_READ) || capable(CAP_SYS_ADMIN);
}

static bool may_control(void)
{
	return capable(CAP_AUDIT_CONTROL) || capable(CAP_SYS_ADMIN);
}

static int daudit_open(struct inode *inode, struct file *file)
{
	if (!(file->f_mode & FMODE_READ)) {
		/* Control handle. */
		return may_read() || may_control() ? 0 : -EPERM;
	}
	if (!may_read())
		return -EPERM;
	if (atomic_cmpxchg(&consumer_tgid, 0, task_tgid_nr(current)) != 0)
		return -EBUSY;
	mutex_lock(&consumer_lock);
	daudit_ring_consumer_reset();
	mutex_unlock(&consumer_lock);
	/* A new consumer has not seen any process record yet. */
	daudit_proc_new_epoch();
	return 0;
}

static int daudit_release(struct inode *inode, struct file *file)
{
	if (file->f_mode & FMODE_READ) {
		mutex_lock(&consumer_lock);
		daudit_ring_consumer_reset();
		mutex_unlock(&consumer_lock);
		atomic_set(&consumer_tgid, 0);
	}
	return 0;
}

static ssize_t daudit_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	ssize_t n;

	if (len < DAUDIT_RECORD_MAX)
		return -EINVAL;
	for (;;) {
		/*
		 * Each pass sleeps unless there is something to return, but
		 * a signal ends the read whatever the rings' state.
		 */
		if (signal_pending(current))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&consumer_lock))
			return -ERESTARTSYS;
		n = daudit_ring_read(buf, len);
		if (n == 0) {
			daudit_ring_flush_lost();
			daudit_session_drain();
			n = daudit_ring_read(buf, len);
		}
		/* The room read made: records that waited for it, for next. */
		daudit_session_drain();
		mutex_unlock(&consumer_lock);
		if (n != 0)
			return n;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(daudit_ring_wait,
					     daudit_ring_readable()))
			return -ERESTARTSYS;
		cond_resched();
	}
}

static __poll_t daudit_poll(struct file *file, poll_table *wait)
{
	if (!(file->f_mode & FMODE_READ))
		return EPOLLERR;
	poll_wait(file, &daudit_ring_wait, wait);
	return daudit_ring_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

static long ioc_version(void __user *arg)
{
	struct daudit_version v;

	memset(&v, 0, sizeof(v));
	v.abi_major = DAUDIT_ABI_MAJOR;
	v.abi_minor = DAUDIT_ABI_MINOR;
	v.instance_id = daudit_instance_id;
	v.ncpus = nr_cpu_ids;
	v.ring_bytes = daudit_ring_bytes();
	strscpy(v.module_version, DAUDIT_VERSION, sizeof(v.module_version));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long ioc_stats(void __user *arg)
{
	struct daudit_stats st;
	struct daudit_cpu_stats cs;
	struct daudit_cpu_stats __user *out;
	unsigned int cpu, n = 0;

	/* A control handle may have been opened for policy changes only. */
	if (!may_read())
		return -EPERM;
	if (copy_from_user(&st, arg, sizeof(st)))
		return -EFAULT;
	if (st.flags || memchr_inv(st.reserved, 0, sizeof(st.reserved)))
		return -EINVAL;
	if (st.cpu_stats_len && !st.cpu_stats_ptr)
		return -EINVAL;
	out = u64_to_user_ptr(st.cpu_stats_ptr);
	for_each_possible_cpu(cpu) {
		if (n >= st.cpu_stats_len)
			break;
		daudit_ring_cpu_stats(cpu, &cs);
		if (copy_to_user(&out[n], &cs, sizeof(cs)))
			return -EFAULT;
		n++;
	}
	memset(&st, 0, offsetof(struct daudit_stats, ncpus));
	st.cpu_stats_len = n;
	daudit_stats_fill(&st);
	daudit_policy_stats(&st);
	daudit_session_stats(&st);
	daudit_actor_stats(&st);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ioc_ack(void __user *arg)
{
	struct daudit_ack a;
	u64 *seq;
	long ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || !a.ncpus || a.ncpus > nr_cpu_ids || !a.seq_ptr)
		return -EINVAL;
	seq = memdup_user(u64_to_user_ptr(a.seq_ptr), a.ncpus * sizeof(*seq));
	if (IS_ERR(seq))
		return PTR_ERR(seq);
	mutex_lock(&consumer_lock);
	ret = daudit_ring_ack(seq, a.ncpus);
	/* Room made: records that waited for it (they wake the reader). */
	daudit_session_drain();
	mutex_unlock(&consumer_lock);
	kfree(seq);
	return ret;
}

static long ioc_ack_mode(void __user *arg)
{
	u32 on;

	if (get_user(on, (u32 __user *)arg))
		return -EFAULT;
	if (on > 1)
		return -EINVAL;
	mutex_lock(&consumer_lock);
	daudit_ring_set_ack_mode(on);
	mutex_unlock(&consumer_lock);
	return 0;
}

static long daudit_ioctl(struct file *file, unsigned int cmd, unsigned long a)
{
	void __user *arg = (void __user *)a;
	bool consumer = file->f_mode & FMODE_READ;

	switch (cmd) {
	case DAUDIT_IOC_VERSION:
		return ioc_version(arg);
	case DAUDIT_IOC_STATS:
		return ioc_stats(arg);
	case DAUDIT_IOC_POLICY_GET:
		return daudit_policy_get_user(arg);
	case DAUDIT_IOC_POLICY_LOAD:
		if (!may_control())
			return -EPERM;
		return daudit_policy_load_user(arg);
	case DAUDIT_IOC_FLUSH:
		if (!may_control())
			return -EPERM;
		daudit_session_flush_all(DAUDIT_END_FLUSH);
		return 0;
	case DAUDIT_IOC_ACK_MODE:
		return consumer ? ioc_ack_mode(arg) : -EBADF;
	case DAUDIT_IOC_ACK:
		return consumer ? ioc_ack(arg) : -EBADF;
	}
	/* Ours but with another size or direction: a caller built wrong. */
	if (_IOC_TYPE(cmd) == DAUDIT_IOC_MAGIC && _IOC_NR(cmd) >= 1 &&
	    _IOC_NR(cmd) <= 7)
		return -EINVAL;
	return -ENOTTY;
}

static const struct file_operations daudit_fops = {
	.owner = THIS_MODULE,
	.open = daudit_open,
	.release = daudit_release,
	.read = daudit_read,
	.poll = daudit_poll,
	.unlocked_ioctl = daudit_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice daudit_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = DAUDIT_DEVICE_NAME,
	.fops = &daudit_fops,
	.mode = 0600,
};

int daudit_device_init(void)
{
	return misc_register(&daudit_misc);
}

void daudit_device_exit(void)
{
	misc_deregister(&daudit_misc);
}
