// SPDX-License-Identifier: GPL-2.0
/*
 * The stage timings of a DAUDIT_PROF=1 build (prof.h), in debugfs:
 * /sys/kernel/debug/daudit/stages, one line per stage, "name calls ns"
 * summed over CPUs; a write of anything sets them to zero.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include "prof.h"

DEFINE_PER_CPU(struct daudit_prof_stage, daudit_prof[DAUDIT_ST_NR]);

static const char *const names[DAUDIT_ST_NR] = {
	[DAUDIT_ST_EMPTY] = "empty",
	[DAUDIT_ST_SYSCALL] = "syscall",
	[DAUDIT_ST_READ_SLOW] = "read_slow",
	[DAUDIT_ST_GET_SLOW] = "get_slow",
	[DAUDIT_ST_VERDICT] = "verdict",
	[DAUDIT_ST_CLASSIFY] = "classify",
	[DAUDIT_ST_RENDER] = "render",
	[DAUDIT_ST_ACCOUNT] = "account",
	[DAUDIT_ST_CREATE] = "create",
	[DAUDIT_ST_TRUSTED] = "trusted",
	[DAUDIT_ST_SUBJECT] = "subject",
	[DAUDIT_ST_ALLOC] = "alloc",
	[DAUDIT_ST_PROC_SEEN] = "proc_seen",
	[DAUDIT_ST_RELEASE] = "release",
	[DAUDIT_ST_END_FILE] = "end_file",
	[DAUDIT_ST_EMIT] = "emit",
	[DAUDIT_ST_RING] = "ring",
	[DAUDIT_ST_WAKE] = "wake",
	[DAUDIT_ST_FAULT] = "fault",
	[DAUDIT_ST_EXIT] = "exit",
};

static struct dentry *dir;

static int stages_show(struct seq_file *m, void *v)
{
	int st, cpu;

	for (st = 0; st < DAUDIT_ST_NR; st++) {
		u64 ns = 0, calls = 0;

		for_each_possible_cpu(cpu) {
			ns += per_cpu(daudit_prof[st], cpu).ns;
			calls += per_cpu(daudit_prof[st], cpu).calls;
		}
		seq_printf(m, "%s %llu %llu\n", names[st], calls, ns);
	}
	return 0;
}

static int stages_open(struct inode *inode, struct file *file)
{
	return single_open(file, stages_show, NULL);
}

static ssize_t stages_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *off)
{
	int st, cpu;

	for_each_possible_cpu(cpu)
		for (st = 0; st < DAUDIT_ST_NR; st++) {
			per_cpu(daudit_prof[st], cpu).ns = 0;
			per_cpu(daudit_prof[st], cpu).calls = 0;
		}
	return len;
}

static const struct file_operations stages_fops = {
	.owner = THIS_MODULE,
	.open = stages_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = stages_write,
};

int daudit_prof_init(void)
{
	dir = debugfs_create_dir("daudit", NULL);
	debugfs_create_file("stages", 0600, dir, NULL, &stages_fops);
	pr_info("stage timing build (DAUDIT_PROF): /sys/kernel/debug/daudit/stages\n");
	return 0;
}

void daudit_prof_exit(void)
{
	debugfs_remove(dir);
}
