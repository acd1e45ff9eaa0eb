// SPDX-License-Identifier: GPL-2.0
/*
 * daudit.ko: records every read of protected customer data, with exact
 * bytes, attributed to the process and the login user behind it.
 *
 * This file only brings the subsystems up in order and down in reverse.
 */

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/random.h>

#include "device.h"
#include "record.h"
#include "ring.h"

static unsigned int ring_kb = 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb,
		 "Size of each per-CPU record ring in KiB, a power of two, 64..262144 (default 1024)");

static int __init daudit_init(void)
{
	int ret;

	if (ring_kb < 64 || ring_kb > 262144 || !is_power_of_2(ring_kb)) {
		pr_err("ring_kb=%u: must be a power of two in 64..262144\n",
		       ring_kb);
		return -EINVAL;
	}
	daudit_instance_id = get_random_u64();

	ret = daudit_ring_init(ring_kb * 1024);
	if (ret)
		goto err;
	ret = daudit_device_init();
	if (ret)
		goto err_ring;

	daudit_emit_module(DAUDIT_MOD_LOAD);
	pr_info("loaded, version %s, ABI %u.%u, %u KiB ring per CPU\n",
		DAUDIT_VERSION, DAUDIT_ABI_MAJOR, DAUDIT_ABI_MINOR, ring_kb);
	return 0;

err_ring:
	daudit_ring_exit();
err:
	pr_err("failed to load: %d\n", ret);
	return ret;
}

static void __exit daudit_exit(void)
{
	u64 records, dropped;

	daudit_emit_module(DAUDIT_MOD_UNLOAD);
	daudit_device_exit();
	daudit_ring_totals(&records, &dropped);
	daudit_ring_exit();
	pr_info("unloaded: %llu records written, %llu dropped\n",
		records, dropped);
}

module_init(daudit_init);
module_exit(daudit_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("daudit developers");
MODULE_DESCRIPTION("Per-user audit of reads of protected customer data");
MODULE_VERSION(DAUDIT_VERSION);
