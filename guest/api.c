// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel API of pvhook_guest.ko for other guest modules
 * (include/linux/pvhook_guest.h).
 */
#include <linux/export.h>
#include <linux/kvm_para.h>
#include <linux/rculist.h>

#include <linux/pvhook_guest.h>
#include "pvhook_guest.h"

/**
 * pvhook_guest_hypercall() - issue a pvhook hypercall
 * @nr: a number in pvhook's range, [PVHOOK_HC_BASE, PVHOOK_HC_BASE +
 *      PVHOOK_HC_COUNT)
 * @a0: first argument
 * @a1: second argument
 * @a2: third argument
 * @a3: fourth argument
 *
 * Context: any; the call does not sleep in the guest, but the vCPU may wait
 * on the host (numbers served by host processes).
 * Return: what the host put in RAX (a negated KVM_E* or PVHOOK_E* code on
 * errors, see Documentation/hypercall-abi.rst), or -KVM_EINVAL when @nr is
 * not a pvhook number (no hypercall is made then).
 */
long pvhook_guest_hypercall(unsigned long nr, unsigned long a0,
			    unsigned long a1, unsigned long a2,
			    unsigned long a3)
{
	if (nr - PVHOOK_HC_BASE >= PVHOOK_HC_COUNT)
		return -KVM_EINVAL;
	return kvm_hypercall4(nr, a0, a1, a2, a3);
}
EXPORT_SYMBOL_GPL(pvhook_guest_hypercall);

/**
 * pvhook_guest_hook_register() - run a function on every call of a
 *                                paravirt operation
 * @hook: the hook, with @op, @fn and @owner set; it must stay valid until
 *        pvhook_guest_hook_unregister()
 *
 * Attaches the operation's slot if it is not yet (its mode stays as it
 * is). Several hooks may share a slot; they run in registration order
 * after the operation and after the slot's own mode.
 *
 * Context: process context; may sleep.
 * Return: 0; -EINVAL for a bad @op or no @fn; -EOPNOTSUPP when the slot
 * cannot be hooked on this kernel; or an ftrace error.
 */
int pvhook_guest_hook_register(struct pvhook_guest_hook *hook)
{
	struct pvg_slot *s = pvg_slot_by_op(hook->op);
	int ret;

	if (!s || !hook->fn)
		return -EINVAL;
	if (s->why)
		return -EOPNOTSUPP;
	mutex_lock(&pvg_lock);
	list_add_tail_rcu(&hook->node, &s->users);
	ret = pvg_slot_update(s);
	if (ret)
		list_del_rcu(&hook->node);
	mutex_unlock(&pvg_lock);
	if (ret)
		synchronize_rcu();
	return ret;
}
EXPORT_SYMBOL_GPL(pvhook_guest_hook_register);

/**
 * pvhook_guest_hook_unregister() - stop running a hook
 * @hook: a hook pvhook_guest_hook_register() accepted
 *
 * Detaches the slot when nothing else uses it. On return no CPU runs
 * @hook->fn any more.
 *
 * Context: process context; may sleep.
 */
void pvhook_guest_hook_unregister(struct pvhook_guest_hook *hook)
{
	struct pvg_slot *s = pvg_slot_by_op(hook->op);

	mutex_lock(&pvg_lock);
	list_del_rcu(&hook->node);
	if (s)
		pvg_slot_update(s);
	mutex_unlock(&pvg_lock);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(pvhook_guest_hook_unregister);
