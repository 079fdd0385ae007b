// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM, per-number statistics: calls, errors, throttled calls and a log2
 * histogram of the time pvhook took to answer. Also the per-VM, per-slot
 * counts of guest paravirt-operation records, which records.c keeps in
 * struct pvhook_vm itself.
 *
 * A number's counters are allocated at its first call, so a VM costs
 * memory only for the numbers it uses (at most PVHOOK_HC_COUNT blocks,
 * charged to the VMM's memory cgroup). vCPUs update them with atomics;
 * readers see each counter whole but not all counters of one instant.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "pvhook.h"

static struct pvhook_hc_counters *pvhook_counters(struct pvhook_vm *vm,
						  unsigned int idx)
{
	struct pvhook_hc_counters *c, *old;

	/* Pairs with cmpxchg_release(): a block is seen zeroed, or not. */
	c = smp_load_acquire(&vm->counters[idx]);
	if (c)
		return c;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	old = cmpxchg_release(&vm->counters[idx], NULL, c);
	if (old) {
		kfree(c);
		c = old;
	}
	return c;
}

static unsigned int pvhook_hist_bucket(u64 ns)
{
	if (ns < 2)
		return 0;
	return min_t(unsigned int, ilog2(ns), PVHOOK_HIST_BUCKETS - 1);
}

/**
 * pvhook_stats_account() - count one call
 * @vm: the calling VM
 * @idx: the number's index from PVHOOK_HC_BASE
 * @ret: the value the guest got
 * @ns: how long pvhook took to answer
 * @throttled: the rate limit refused the call
 *
 * Context: the vCPU's thread; may sleep (the first call of a number
 * allocates). A call that cannot be counted for lack of memory is not.
 */
void pvhook_stats_account(struct pvhook_vm *vm, unsigned int idx,
			  unsigned long ret, u64 ns, bool throttled)
{
	struct pvhook_hc_counters *c = pvhook_counters(vm, idx);

	if (!c)
		return;
	atomic64_inc(&c->calls);
	if (IS_ERR_VALUE(ret))
		atomic64_inc(&c->errors);
	if (throttled)
		atomic64_inc(&c->throttled);
	atomic64_inc(&c->time_hist[pvhook_hist_bucket(ns)]);
}

/**
 * pvhook_stats_totals() - a VM's calls, errors and throttled calls
 * @vm: the VM
 * @info: its calls, errors and throttled fields are set
 */
void pvhook_stats_totals(struct pvhook_vm *vm, struct pvhook_vm_info *info)
{
	struct pvhook_hc_counters *c;
	unsigned int i;

	info->calls = 0;
	info->errors = 0;
	info->throttled = 0;
	for (i = 0; i < PVHOOK_HC_COUNT; i++) {
		/* Pairs with cmpxchg_release() in pvhook_counters(). */
		c = smp_load_acquire(&vm->counters[i]);
		if (!c)
			continue;
		info->calls += atomic64_read(&c->calls);
		info->errors += atomic64_read(&c->errors);
		info->throttled += atomic64_read(&c->throttled);
	}
}

/**
 * pvhook_stats_fill() - per-number statistics of a VM
 * @vm: the VM
 * @out: room for @room entries, filled in increasing order of number
 * @room: entries at @out
 *
 * Return: how many numbers the VM called, which may exceed @room.
 */
unsigned int pvhook_stats_fill(struct pvhook_vm *vm,
			       struct pvhook_hc_stats *out, unsigned int room)
{
	struct pvhook_hc_counters *c;
	struct pvhook_hc_stats *s;
	unsigned int i, b, n = 0;

	for (i = 0; i < PVHOOK_HC_COUNT; i++) {
		/* Pairs with cmpxchg_release() in pvhook_counters(). */
		c = smp_load_acquire(&vm->counters[i]);
		if (!c || !atomic64_read(&c->calls))
			continue;
		if (n < room) {
			s = &out[n];
			memset(s, 0, sizeof(*s));
			s->nr = PVHOOK_HC_BASE + i;
			s->calls = atomic64_read(&c->calls);
			s->errors = atomic64_read(&c->errors);
			s->throttled = atomic64_read(&c->throttled);
			for (b = 0; b < PVHOOK_HIST_BUCKETS; b++)
				s->time_hist[b] = atomic64_read(&c->time_hist[b]);
		}
		n++;
	}
	return n;
}

/**
 * pvhook_stats_ops_fill() - per-slot paravirt-operation counts of a VM
 * @vm: the VM
 * @out: room for @room entries, filled in increasing order of slot
 * @room: entries at @out
 * @flushes: set to the flushes that took records
 * @rejected: set to the records and flushes refused
 *
 * Return: how many slots have records or synchronous calls, which may
 * exceed @room.
 */
unsigned int pvhook_stats_ops_fill(struct pvhook_vm *vm,
				   struct pvhook_op_stats *out,
				   unsigned int room, u64 *flushes,
				   u64 *rejected)
{
	unsigned int slot, n = 0;
	u64 records, sync;

	for (slot = 0; slot < PVHOOK_OP_COUNT; slot++) {
		records = atomic64_read(&vm->ops.records[slot]);
		sync = atomic64_read(&vm->ops.sync_calls[slot]);
		if (!records && !sync)
			continue;
		if (n < room) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].slot = slot;
			out[n].records = records;
			out[n].sync_calls = sync;
		}
		n++;
	}
	*flushes = atomic64_read(&vm->ops.flushes);
	*rejected = atomic64_read(&vm->ops.rejected);
	return n;
}

/* Free a VM's counters; nobody else can reach them any more. */
void pvhook_stats_free(struct pvhook_vm *vm)
{
	unsigned int i;

	for (i = 0; i < PVHOOK_HC_COUNT; i++)
		kfree(vm->counters[i]);
}
