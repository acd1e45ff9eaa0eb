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

#include "actor.h"
#include "classify.h"
#include "device.h"
#include "egress.h"
#include "fcache.h"
#include "hooks.h"
#include "policy.h"
#include "pool.h"
#include "prof.h"
#include "proc.h"
#include "record.h"
#include "ring.h"
#include "session.h"

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
	daudit_prof_init();

	ret = daudit_pool_init();
	if (ret)
		goto err;
	ret = daudit_ring_init(ring_kb * 1024);
	if (ret)
		goto err_pool;
	ret = daudit_scratch_init();
	if (ret)
		goto err_ring;
	ret = daudit_policy_init();
	if (ret)
		goto err_scratch;
	ret = daudit_classify_init();
	if (ret)
		goto err_policy;
	ret = daudit_fcache_init();
	if (ret)
		goto err_classify;
	ret = daudit_proc_init();
	if (ret)
		goto err_fcache;
	ret = daudit_egress_init();
	if (ret)
		goto err_proc;
	ret = daudit_session_init();
	if (ret)
		goto err_egress;
	ret = daudit_actor_init();
	if (ret)
		goto err_session;
	ret = daudit_device_init();
	if (ret)
		goto err_actor;
	daudit_emit_module(DAUDIT_MOD_LOAD);
	ret = daudit_hooks_init();
	if (ret)
		goto err_device;

	daudit_audit_lifecycle("daudit_load", 1, 0);
	pr_info("loaded, version %s, ABI %u.%u, %u KiB ring per CPU\n",
		DAUDIT_VERSION, DAUDIT_ABI_MAJOR, DAUDIT_ABI_MINOR, ring_kb);
	return 0;

err_device:
	daudit_device_exit();
	/* Close what a hook opened before another failed (idempotent). */
	daudit_fcache_exit();
err_actor:
	daudit_actor_exit();
err_session:
	daudit_session_exit();
err_egress:
	daudit_egress_exit();
err_proc:
	daudit_proc_exit_all();
err_fcache:
	daudit_fcache_exit();
err_classify:
	daudit_classify_exit();
err_policy:
	daudit_policy_exit();
err_scratch:
	daudit_scratch_exit();
err_ring:
	daudit_ring_exit();
err_pool:
	rcu_barrier();
	daudit_pool_exit();
err:
	daudit_prof_exit();
	pr_err("failed to load: %d\n", ret);
	return ret;
}

static void __exit daudit_exit(void)
{
	struct daudit_stats st = { 0 };
	u64 records, dropped, parked;

	/* No probe runs after this; then close every session. */
	daudit_hooks_exit();
	daudit_emit_module(DAUDIT_MOD_UNLOAD);
	daudit_fcache_exit();
	daudit_session_stats(&st);
	parked = daudit_session_exit();
	daudit_egress_exit();
	daudit_proc_exit_all();
	daudit_device_exit();
	daudit_actor_exit();
	daudit_classify_exit();
	daudit_policy_exit();
	rcu_barrier();
	daudit_scratch_exit();
	daudit_ring_totals(&records, &dropped);
	dropped += parked;
	daudit_ring_exit();
	/* Every object hooks made is back: its RCU callbacks ran above. */
	daudit_pool_exit();
	daudit_audit_lifecycle("daudit_unload", records, dropped);
	/* Nobody can read what was still in the rings; say how much. */
	pr_info("unloaded: %llu records written, %llu dropped, %llu sessions ended\n",
		records, dropped, st.sessions_ended);
	daudit_prof_exit();
}

module_init(daudit_init);
module_exit(daudit_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("daudit developers");
MODULE_DESCRIPTION("Per-user audit of reads of protected customer data");
MODULE_VERSION(DAUDIT_VERSION);
