// SPDX-License-Identifier: GPL-2.0
/*
 * A host module for the hypercall benchmark (bench/run-bench.sh): it
 * registers every number of the module range through pvhook's in-kernel
 * API, each answering 0, so that pvhook's own path can be timed with a
 * full table beside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pvhook.h>

#define BENCH_HC_COUNT	(PVHOOK_HC_MODULE_LAST - PVHOOK_HC_MODULE_FIRST + 1)

static unsigned long bench_hc_zero(const struct pvhook_call *call)
{
	return 0;
}

static struct pvhook_hypercall bench_hcs[BENCH_HC_COUNT];

static void bench_hc_unregister(unsigned int n)
{
	while (n--)
		pvhook_unregister_hypercall(&bench_hcs[n]);
}

static int __init bench_hc_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < BENCH_HC_COUNT; i++) {
		bench_hcs[i] = (struct pvhook_hypercall) {
			.nr = PVHOOK_HC_MODULE_FIRST + i,
			.name = "bench_zero",
			.handler = bench_hc_zero,
			.owner = THIS_MODULE,
		};
		ret = pvhook_register_hypercall(&bench_hcs[i]);
		if (ret) {
			pr_err("registering %#lx: %d\n", bench_hcs[i].nr, ret);
			bench_hc_unregister(i);
			return ret;
		}
	}
	return 0;
}

static void __exit bench_hc_exit(void)
{
	bench_hc_unregister(BENCH_HC_COUNT);
}

module_init(bench_hc_init);
module_exit(bench_hc_exit);
MODULE_DESCRIPTION("pvhook benchmark: every module-range hypercall number registered");
MODULE_LICENSE("GPL");
