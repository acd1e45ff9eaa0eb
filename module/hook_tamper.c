// SPDX-License-Identifier: GPL-2.0
/*
 * Tampering with what daudit records, by root: neither can be stopped by
 * a module, both become records a reviewer sees at once.
 *  - A login uid rewritten after the session began (a process with
 *    CAP_AUDIT_CONTROL writing /proc/PID/loginuid), which would make later
 *    reads look like another person's.  audit_set_loginuid() is called
 *    from fs/proc, never inlined; a return probe sees the old value at
 *    entry and the outcome at return.
 *  - kprobes disarmed as a whole through debugfs (kprobes/enabled),
 *    which silences the mmap, AIO, io_uring-skip, reflink, link, rename
 *    and release probes (the syscall and io_uring tracepoints go on).
 *    write_enabled_file_bool() is that file's write method, reached
 *    through a function pointer; the alert is written before the probes
 *    go quiet.
 */
#include <linux/audit.h>
#include <linux/uaccess.h>

#include "hooks.h"
#include "record.h"

struct loginuid_args {
	kuid_t old;
	unsigned int old_ses;
};

static int loginuid_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct loginuid_args *a = (void *)ri->data;

	a->old = audit_get_loginuid(current);
	a->old_ses = audit_get_sessionid(current);
	/* Setting it once, from unset, is a login: not tampering. */
	return uid_valid(a->old) ? 0 : 1;
}

static int loginuid_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct loginuid_args *a = (void *)ri->data;
	static const char none[2];

	if (regs_return_value(regs) != 0 ||
	    uid_eq(a->old, audit_get_loginuid(current)))
		return 0;
	/* The subject carries the new login uid; dev and ino the old. */
	daudit_emit_alert(DAUDIT_ALERT_LOGINUID, "", a->old_ses,
			  from_kuid(&init_user_ns, a->old), none, 0, 0);
	return 0;
}

struct kretprobe daudit_krp_loginuid = {
	.kp.symbol_name = "audit_set_loginuid",
	.entry_handler = loginuid_entry,
	.handler = loginuid_return,
	.data_size = sizeof(struct loginuid_args),
	.maxactive = 16,
};

/* write_enabled_file_bool(file, user_buf, count, ppos) */
static int kprobes_pre(struct kprobe *kp, struct pt_regs *regs)
{
	static const char ctl[] = "kprobes/enabled";
	const char __user *ubuf = (void __user *)regs_get_kernel_argument(regs, 1);
	size_t count = regs_get_kernel_argument(regs, 2);
	char paths[sizeof(ctl) + 8];
	size_t n = min_t(size_t, count, 7), i;
	char *val = paths + sizeof(ctl);

	memcpy(paths, ctl, sizeof(ctl));
	if (copy_from_user_nofault(val, ubuf, n))
		n = 0;
	/* What was written, printable ASCII only; the kernel parses it. */
	for (i = 0; i < n; i++)
		if (val[i] < 0x21 || val[i] > 0x7e)
			break;
	val[i] = '\0';
	daudit_emit_alert(DAUDIT_ALERT_KPROBES, "", 0, 0, paths,
			  sizeof(ctl) - 1, i);
	return 0;
}

struct kprobe daudit_kp_kprobes = {
	.symbol_name = "write_enabled_file_bool",
	.pre_handler = kprobes_pre,
};
