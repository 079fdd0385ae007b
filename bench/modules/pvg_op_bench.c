// SPDX-License-Identifier: GPL-2.0
/*
 * What one paravirt operation costs in this guest, hooked or not: at load,
 * time blocks of calls of __flush_tlb_one_user(), the pv_ops operation
 * that TLB flushes of user memory call most, and print the fastest
 * block's time per call:
 *
 *   pvg_op_bench: flush_tlb_one_user ps_per_call=N calls=C blocks=B
 *
 * The call site in this module is patched at load like every paravirt
 * call site, so it is what kernel code pays. bench/guest_bench.sh loads
 * it with the slot unhooked and hooked in count mode, in turn: the
 * difference is what the hook adds to each call. Interrupts and other
 * vCPUs only ever slow a block down, hence the fastest block.
 *
 * Not a test. The address flushed is a user address this module never
 * maps; flushing a translation that does not exist is harmless.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <asm/tlbflush.h>

static unsigned int calls = 20000;
module_param(calls, uint, 0444);
MODULE_PARM_DESC(calls, "calls per block (default 20000)");

static unsigned int blocks = 50;
module_param(blocks, uint, 0444);
MODULE_PARM_DESC(blocks, "blocks of calls (default 50)");

#define PVG_BENCH_ADDR	0x10000UL

static u64 pvg_bench_block(void)
{
	unsigned int i;
	u64 t0, t1;

	preempt_disable();
	t0 = ktime_get_ns();
	for (i = 0; i < calls; i++)
		__flush_tlb_one_user(PVG_BENCH_ADDR);
	t1 = ktime_get_ns();
	preempt_enable();
	return t1 - t0;
}

static int __init pvg_bench_init(void)
{
	u64 best = U64_MAX;
	unsigned int b;

	if (!calls || calls > 10000000 || !blocks || blocks > 10000)
		return -EINVAL;
	for (b = 0; b < blocks; b++) {
		best = min(best, pvg_bench_block());
		cond_resched();
	}
	pr_info("flush_tlb_one_user ps_per_call=%llu calls=%u blocks=%u\n",
		div_u64(best * 1000, calls), calls, blocks);
	return 0;
}

static void __exit pvg_bench_exit(void)
{
}

module_init(pvg_bench_init);
module_exit(pvg_bench_exit);
MODULE_DESCRIPTION("pvhook guest benchmark: cost of one paravirt operation");
MODULE_LICENSE("GPL");
