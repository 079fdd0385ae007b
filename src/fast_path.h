/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-call path's pieces that belong to vm.c, registry.c and stats.c,
 * inline for pvhook_dispatch(): finding the VM and the vCPU's state,
 * looking a number up, the rate limit and counting the call. Each is its
 * owner's code and touches only its owner's state; the slow paths (first
 * calls, which allocate) stay out of line in the owner's file.
 *
 * Inline because every call and return on this path costs: a function of
 * a few instructions costs as much as its body under QEMU's TCG, where
 * the benchmarks run, and a return thunk or retpoline on CPUs that need
 * them. See Documentation/testing.rst, "Benchmark".
 */
#ifndef _PVHOOK_FAST_PATH_H
#define _PVHOOK_FAST_PATH_H

#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/kvm_host.h>
#include <linux/log2.h>

#include "pvhook.h"

/* vm.c: the table of VMs pvhook knows, by struct kvm address. */
#define PVHOOK_VMS_HASH_BITS	6
extern struct hlist_head pvhook_vms[1 << PVHOOK_VMS_HASH_BITS];
struct pvhook_vm *pvhook_vm_find_or_add(struct kvm *kvm, bool get);
struct pvhook_vcpu *pvhook_vcpu_state_alloc(struct pvhook_vm *vm,
					    struct kvm_vcpu *vcpu);

/* Caller holds pvhook_vms_lock, rcu_read_lock() or rcu_read_lock_sched(). */
static __always_inline struct pvhook_vm *pvhook_vm_lookup(struct kvm *kvm)
{
	struct pvhook_vm *vm;

	hash_for_each_possible_rcu(pvhook_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

/**
 * pvhook_vm_of_vcpu() - the state of the VM a vCPU belongs to
 * @vcpu: a vCPU inside a hypercall, which keeps its VM alive
 *
 * Context: process context, may sleep (the first call allocates).
 * Return: the state, valid while the vCPU runs; NULL when memory ran out.
 */
static __always_inline struct pvhook_vm *pvhook_vm_of_vcpu(struct kvm_vcpu *vcpu)
{
	struct pvhook_vm *vm;

	/*
	 * A walk of one hash chain under sched-RCU, which is inline
	 * (rcu_read_lock() is a function call with preemptible RCU). Entries
	 * are freed with call_rcu(), whose grace periods cover
	 * preemption-disabled readers too.
	 */
	rcu_read_lock_sched();
	vm = pvhook_vm_lookup(vcpu->kvm);
	rcu_read_unlock_sched();
	return likely(vm) ? vm : pvhook_vm_find_or_add(vcpu->kvm, false);
}

/**
 * pvhook_vcpu_state() - pvhook's state of a vCPU, created on its first call
 * @vm: the vCPU's VM
 * @vcpu: the vCPU, inside a hypercall
 *
 * Context: the vCPU's thread; may sleep (the first call allocates).
 * Return: the state, valid as long as @vm; NULL when memory ran out.
 */
static __always_inline struct pvhook_vcpu *
pvhook_vcpu_state(struct pvhook_vm *vm, struct kvm_vcpu *vcpu)
{
	unsigned int idx = vcpu->vcpu_idx;
	struct pvhook_vcpu *v;

	/* KVM's own bound; the index comes from KVM, not from the guest. */
	if (unlikely(idx >= KVM_MAX_VCPUS))
		return NULL;
	/* Pairs with smp_store_release() in pvhook_vcpu_state_alloc(). */
	v = smp_load_acquire(&vm->vcpus[idx]);
	return likely(v) ? v : pvhook_vcpu_state_alloc(vm, vcpu);
}

/**
 * pvhook_vcpu_throttle() - count a call against the vCPU's rate limit
 * @v: the calling vCPU's state
 * @limit: calls allowed per one-second window
 * @now: local_clock() at the call
 *
 * Only the vCPU's own thread touches its window, so no lock is needed. A
 * vCPU that moved to a CPU whose clock is a little behind does not start
 * a new window early.
 *
 * Return: true when the call is over the limit.
 */
static __always_inline bool pvhook_vcpu_throttle(struct pvhook_vcpu *v,
						 u32 limit, u64 now)
{
	if ((s64)(now - v->rate_start) >= NSEC_PER_SEC) {
		v->rate_start = now;
		v->rate_calls = 0;
	}
	if (v->rate_calls >= limit)
		return true;
	v->rate_calls++;
	return false;
}

/* registry.c: the number -> handler table, by index from PVHOOK_HC_BASE. */
extern struct pvhook_hypercall __rcu *pvhook_table[PVHOOK_HC_COUNT];

/*
 * @nr is in pvhook's range. The caller holds pvhook_srcu's read lock for a
 * number of the module range, pvhook_user_srcu's for a built-in one: the
 * built-ins change only at load and unload, and unload waits for
 * pvhook_user_srcu.
 */
static __always_inline const struct pvhook_hypercall *
pvhook_registry_lookup(unsigned long nr)
{
	return srcu_dereference_check(pvhook_table[nr - PVHOOK_HC_BASE],
				      &pvhook_srcu,
				      srcu_read_lock_held(&pvhook_user_srcu));
}

/* stats.c */
struct pvhook_hc_counters *pvhook_counters_alloc(struct pvhook_vcpu *v,
						 unsigned int idx);

/* One more, by the counter's only writer. */
static __always_inline void pvhook_count(u64 *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

/**
 * pvhook_stats_account() - count one call
 * @v: the calling vCPU's state
 * @idx: the number's index from PVHOOK_HC_BASE
 * @ret: the value the guest got
 * @ns: how long pvhook took to answer
 * @throttled: the rate limit refused the call
 *
 * Context: the vCPU's thread; may sleep (the first call of a number
 * allocates). A call that cannot be counted for lack of memory is not.
 */
static __always_inline void pvhook_stats_account(struct pvhook_vcpu *v,
						 unsigned int idx,
						 unsigned long ret, u64 ns,
						 bool throttled)
{
	struct pvhook_hc_counters *c = v->counters[idx];

	if (unlikely(!c)) {
		c = pvhook_counters_alloc(v, idx);
		if (!c)
			return;
	}
	pvhook_count(&v->calls);
	pvhook_count(&c->calls);
	if (IS_ERR_VALUE(ret)) {
		pvhook_count(&v->errors);
		pvhook_count(&c->errors);
	}
	if (throttled) {
		pvhook_count(&v->throttled);
		pvhook_count(&c->throttled);
	}
	/* log2 buckets: below 2 ns in the first, the rest in the last. */
	pvhook_count(&c->time_hist[ns < 2 ? 0 :
				   min_t(unsigned int, ilog2(ns),
					 PVHOOK_HIST_BUCKETS - 1)]);
}

#endif /* _PVHOOK_FAST_PATH_H */
