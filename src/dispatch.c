// SPDX-License-Identifier: GPL-2.0
/*
 * One guest hypercall in pvhook's range becomes one handler call: the VM's
 * policy (on or off, allowed numbers, user mode, rate limit), the lookup,
 * the handler, the statistics and the trace event. Called by kvm_hook.c in
 * the vCPU thread; preemptible.
 *
 * Everything between the two SRCU calls in pvhook_dispatch() may sleep;
 * nothing outside them does, which is what module unload relies on (see
 * pvhook_kvm_detach()).
 */
#include <linux/indirect_call_wrapper.h>
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/sched/clock.h>

#include "fast_path.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static unsigned long pvhook_call_handler(const struct pvhook_hypercall *hc,
					 const struct pvhook_call *call)
{
	unsigned long ret;

	/*
	 * pvhook's own handlers: the ones guests call often are called
	 * directly, not through a retpoline (the rest, PROBE, FEATURES and
	 * RING_SETUP, once per guest or vCPU).
	 */
	if (hc->owner == THIS_MODULE)
		return INDIRECT_CALL_4(hc->handler, pvhook_hc_ping,
				       pvhook_hc_notify, pvhook_hc_ring_flush,
				       pvhook_hc_op, call);

	/* The owner is going away: its numbers are already gone. */
	if (!try_module_get(hc->owner))
		return -KVM_ENOSYS;
	ret = hc->handler(call);
	module_put(hc->owner);
	return ret;
}

/*
 * Time since @start (from local_clock(), cheap and per CPU). A vCPU that
 * slept may wake on another CPU, whose clock may be a little behind.
 */
static u64 pvhook_elapsed_ns(u64 start)
{
	s64 ns = local_clock() - start;

	return ns > 0 ? ns : 0;
}

/*
 * Apply @vm's policy to @call and run the handler; @v is the calling vCPU's
 * state (NULL when out of memory), @now the call's local_clock(). The
 * caller holds pvhook_srcu for numbers in the module range and
 * pvhook_user_srcu for the others.
 */
static unsigned long pvhook_dispatch_vm(struct pvhook_vm *vm,
					struct pvhook_vcpu *v,
					const struct pvhook_call *call,
					u64 now, bool *throttled)
{
	unsigned int idx = call->nr - PVHOOK_HC_BASE;
	const struct pvhook_hypercall *hc = NULL;
	struct pvhook_served *s = NULL;
	struct pvhook_vm_policy *policy;
	bool enabled, allowed, user;
	u32 rate;

	if (pvhook_nr_is_user(call->nr)) {
		unsigned long i = array_index_nospec(call->nr - PVHOOK_HC_USER_FIRST,
						     PVHOOK_HC_USER_COUNT);

		s = srcu_dereference(vm->served[i], &pvhook_user_srcu);
		user = s && (s->flags & PVHOOK_SERVE_F_USER);
	} else {
		hc = pvhook_registry_lookup(call->nr);
		user = hc && (hc->flags & PVHOOK_HC_F_USER);
	}

	/* Inline sched-RCU; policies are freed with kfree_rcu(). */
	rcu_read_lock_sched();
	policy = rcu_dereference_sched(vm->policy);
	enabled = policy->enabled;
	allowed = test_bit(idx, policy->allow);
	user = user && test_bit(idx, policy->allow_user);
	rate = policy->rate_limit;
	rcu_read_unlock_sched();

	if (!enabled)
		return pvhook_absent(call);
	/* As in KVM: user mode is refused before the number is looked at. */
	if (call->cpl && !user)
		return -KVM_EPERM;
	if (!allowed)
		return -KVM_EPERM;
	/* A vCPU without state (out of memory) cannot be held to a rate. */
	if (rate && (!v || pvhook_vcpu_throttle(v, rate, now))) {
		*throttled = true;
		return -PVHOOK_EAGAIN;
	}
	if (s)
		return pvhook_served_call(s, call);
	if (hc)
		return pvhook_call_handler(hc, call);
	return -KVM_ENOSYS;
}

/**
 * pvhook_dispatch() - serve one hypercall whose number is in pvhook's range
 * @call: the call, with number and arguments already truncated for callers
 *        not in 64-bit mode, of a VM itself (not of a nested guest: see
 *        kvm_hook.c)
 *
 * Return: the value for the guest's RAX.
 */
unsigned long pvhook_dispatch(const struct pvhook_call *call)
{
	struct srcu_struct *srcu = &pvhook_srcu;
	bool throttled = false;
	struct pvhook_vcpu *v;
	struct pvhook_vm *vm;
	unsigned long ret;
	u64 start;
	int idx;

	if (!pvhook_nr_in_range(call->nr))
		return pvhook_absent(call);
	if (!pvhook_nr_is_module(call->nr))
		srcu = &pvhook_user_srcu;

	start = local_clock();
	idx = srcu_read_lock(srcu);
	vm = pvhook_vm_of_vcpu(call->vcpu);
	if (vm) {
		/* NULL when out of memory: the call is not counted. */
		v = pvhook_vcpu_state(vm, call->vcpu);
		ret = pvhook_dispatch_vm(vm, v, call, start, &throttled);
		if (v)
			pvhook_stats_account(v, call->nr - PVHOOK_HC_BASE, ret,
					     pvhook_elapsed_ns(start),
					     throttled);
	} else {
		ret = pvhook_absent(call);
	}
	srcu_read_unlock(srcu, idx);

	trace_pvhook_hypercall(call, ret);
	return ret;
}
