// SPDX-License-Identifier: GPL-2.0
/*
 * One guest hypercall in pvhook's range becomes one handler call: the
 * privilege check, the lookup, the owner's module reference, the trace
 * event. Called by kvm_hook.c in the vCPU thread; preemptible.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/module.h>

#include "pvhook.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static unsigned long pvhook_call_handler(const struct pvhook_hypercall *hc,
					 const struct pvhook_call *call)
{
	unsigned long ret;

	if (hc->owner == THIS_MODULE)
		return hc->handler(call);

	/* The owner is going away: its numbers are already gone. */
	if (!try_module_get(hc->owner))
		return -KVM_ENOSYS;
	ret = hc->handler(call);
	module_put(hc->owner);
	return ret;
}

/**
 * pvhook_dispatch() - serve one hypercall whose number is in pvhook's range
 * @call: the call, with number and arguments already truncated for callers
 *        not in 64-bit mode
 *
 * Return: the value for the guest's RAX.
 */
unsigned long pvhook_dispatch(const struct pvhook_call *call)
{
	const struct pvhook_hypercall *hc = NULL;
	unsigned long ret;
	int idx;

	idx = srcu_read_lock(&pvhook_srcu);
	if (pvhook_nr_in_range(call->nr))
		hc = pvhook_registry_lookup(call->nr);

	/* As in KVM: user mode is refused before the number is looked at. */
	if (call->cpl && !(hc && (hc->flags & PVHOOK_HC_F_USER)))
		ret = -KVM_EPERM;
	else if (!hc)
		ret = -KVM_ENOSYS;
	else
		ret = pvhook_call_handler(hc, call);
	srcu_read_unlock(&pvhook_srcu, idx);

	trace_pvhook_hypercall(call, ret);
	return ret;
}
