// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM, per-number statistics: calls, errors, throttled calls and a log2
 * histogram of the time pvhook took to answer. Also the per-VM, per-slot
 * counts of guest paravirt-operation records, which records.c keeps in
 * struct pvhook_vm itself.
 *
 * Each vCPU counts its own calls in its struct pvhook_vcpu, with plain
 * stores by its thread alone: no atomic, no cache line that another vCPU
 * writes. A number's counters are allocated at the vCPU's first call of
 * it, so a vCPU costs memory only for the numbers it uses (charged to the
 * VMM's memory cgroup). Readers sum the vCPUs: each counter is read
 * whole, but not all counters of one instant.
 */
#include <linux/err.h>
#include <linux/slab.h>

#include "fast_path.h"

/**
 * pvhook_counters_alloc() - a vCPU's counters of a number, at its first call
 * @v: the vCPU's state
 * @idx: the number's index from PVHOOK_HC_BASE
 *
 * The slow path of pvhook_stats_account() (fast_path.h).
 *
 * Context: the vCPU's thread; may sleep.
 * Return: the counters, or NULL when memory ran out.
 */
struct pvhook_hc_counters *pvhook_counters_alloc(struct pvhook_vcpu *v,
						 unsigned int idx)
{
	struct pvhook_hc_counters *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	/* Pairs with smp_load_acquire() of readers: seen zeroed, or not. */
	smp_store_release(&v->counters[idx], c);
	return c;
}

/* The state of vCPU @i of @vm, or NULL; for readers. */
static struct pvhook_vcpu *pvhook_stats_vcpu(struct pvhook_vm *vm,
					     unsigned int i)
{
	/* Pairs with smp_store_release() in pvhook_vcpu_state_alloc(). */
	return smp_load_acquire(&vm->vcpus[i]);
}

/**
 * pvhook_stats_totals() - a VM's calls, errors and throttled calls
 * @vm: the VM
 * @info: its calls, errors and throttled fields are set
 */
void pvhook_stats_totals(struct pvhook_vm *vm, struct pvhook_vm_info *info)
{
	unsigned int i, nr = READ_ONCE(vm->nr_vcpus);
	struct pvhook_vcpu *v;

	info->calls = 0;
	info->errors = 0;
	info->throttled = 0;
	for (i = 0; i < nr; i++) {
		v = pvhook_stats_vcpu(vm, i);
		if (!v)
			continue;
		info->calls += READ_ONCE(v->calls);
		info->errors += READ_ONCE(v->errors);
		info->throttled += READ_ONCE(v->throttled);
	}
}

/* Add vCPU @v's counters of number @idx to @s. */
static void pvhook_stats_add(struct pvhook_vcpu *v, unsigned int idx,
			     struct pvhook_hc_stats *s)
{
	/* Pairs with smp_store_release() in pvhook_counters(). */
	struct pvhook_hc_counters *c = smp_load_acquire(&v->counters[idx]);
	unsigned int b;

	if (!c)
		return;
	s->calls += READ_ONCE(c->calls);
	s->errors += READ_ONCE(c->errors);
	s->throttled += READ_ONCE(c->throttled);
	for (b = 0; b < PVHOOK_HIST_BUCKETS; b++)
		s->time_hist[b] += READ_ONCE(c->time_hist[b]);
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
	unsigned int i, vi, n = 0, nr = READ_ONCE(vm->nr_vcpus);
	struct pvhook_hc_stats sum;
	struct pvhook_vcpu *v;

	for (i = 0; i < PVHOOK_HC_COUNT; i++) {
		memset(&sum, 0, sizeof(sum));
		for (vi = 0; vi < nr; vi++) {
			v = pvhook_stats_vcpu(vm, vi);
			if (v)
				pvhook_stats_add(v, i, &sum);
		}
		if (!sum.calls)
			continue;
		if (n < room) {
			sum.nr = PVHOOK_HC_BASE + i;
			out[n] = sum;
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

/**
 * pvhook_stats_free() - free a vCPU's counters
 * @v: the vCPU's state, which nobody can reach any more
 */
void pvhook_stats_free(struct pvhook_vcpu *v)
{
	unsigned int i;

	for (i = 0; i < PVHOOK_HC_COUNT; i++)
		kfree(v->counters[i]);
}
