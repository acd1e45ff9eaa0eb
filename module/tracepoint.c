// SPDX-License-Identifier: GPL-2.0
#include "tracepoint.h"

struct tp_find {
	struct daudit_tp *tps;
	unsigned int n;
};

static void find_one(struct tracepoint *tp, void *priv)
{
	struct tp_find *f = priv;
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(tp->name, f->tps[i].name))
			f->tps[i].tp = tp;
}

/**
 * daudit_tp_register - attach probes to tracepoints found by name.
 * @tps: the probes.
 * @n: how many.
 *
 * Return: 0, or -ENOENT if a tracepoint does not exist, or the error of
 * tracepoint_probe_register(); then nothing stays registered.
 */
int daudit_tp_register(struct daudit_tp *tps, unsigned int n)
{
	struct tp_find f = { .tps = tps, .n = n };
	unsigned int i;
	int ret;

	for_each_kernel_tracepoint(find_one, &f);
	for (i = 0; i < n; i++) {
		if (!tps[i].tp) {
			pr_err("tracepoint %s not found\n", tps[i].name);
			ret = -ENOENT;
			goto fail;
		}
		ret = tracepoint_probe_register(tps[i].tp, tps[i].probe, NULL);
		if (ret) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       tps[i].name, ret);
			goto fail;
		}
		tps[i].registered = true;
	}
	return 0;
fail:
	daudit_tp_unregister(tps, n);
	return ret;
}

/**
 * daudit_tp_unregister - detach probes and wait for running ones.
 * @tps: the probes.
 * @n: how many.
 */
void daudit_tp_unregister(struct daudit_tp *tps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!tps[i].registered)
			continue;
		tracepoint_probe_unregister(tps[i].tp, tps[i].probe, NULL);
		tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}
