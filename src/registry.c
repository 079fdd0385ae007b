// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall registry: a fixed table indexed by (nr - PVHOOK_HC_BASE).
 *
 * Readers (vCPUs in pvhook_dispatch()) take no lock: they look a handler up
 * inside an SRCU read-side section, which lets handlers sleep. Writers
 * serialise on a mutex, publish with rcu_assign_pointer() and, on removal,
 * wait for every call in flight with synchronize_srcu().
 */
#include <linux/bitops.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "fast_path.h"

struct srcu_struct pvhook_srcu;
struct srcu_struct pvhook_user_srcu;

/* Read inline by pvhook_registry_lookup() (fast_path.h). */
struct pvhook_hypercall __rcu *pvhook_table[PVHOOK_HC_COUNT];
static DEFINE_MUTEX(pvhook_table_lock);

int pvhook_registry_init(void)
{
	int ret;

	ret = init_srcu_struct(&pvhook_srcu);
	if (ret)
		return ret;
	ret = init_srcu_struct(&pvhook_user_srcu);
	if (ret)
		cleanup_srcu_struct(&pvhook_srcu);
	return ret;
}

/* Waits for callbacks queued with call_srcu() (served.c) first. */
void pvhook_registry_exit(void)
{
	srcu_barrier(&pvhook_user_srcu);
	srcu_barrier(&pvhook_srcu);
	cleanup_srcu_struct(&pvhook_user_srcu);
	cleanup_srcu_struct(&pvhook_srcu);
}

/* The numbers served in the kernel, as a bitmap by index from the base. */
void pvhook_registry_bitmap(__u64 bitmap[4])
{
	unsigned int i;

	memset(bitmap, 0, 4 * sizeof(*bitmap));
	mutex_lock(&pvhook_table_lock);
	for (i = 0; i < PVHOOK_HC_COUNT; i++)
		if (rcu_access_pointer(pvhook_table[i]))
			bitmap[i / 64] |= 1ULL << (i % 64);
	mutex_unlock(&pvhook_table_lock);
}

/*
 * Fill in name, owner and flags of the number @hi->nr.
 * Return: 0; -EINVAL outside pvhook's range; -ENOENT if nothing in the
 * kernel serves it.
 */
int pvhook_registry_describe(struct pvhook_hc_info *hi)
{
	const struct pvhook_hypercall *hc;
	int ret = -ENOENT;

	if (!pvhook_nr_in_range(hi->nr))
		return -EINVAL;

	memset(hi->name, 0, sizeof(hi->name));
	memset(hi->owner, 0, sizeof(hi->owner));
	hi->hc_flags = 0;
	mutex_lock(&pvhook_table_lock);
	hc = rcu_dereference_protected(pvhook_table[hi->nr - PVHOOK_HC_BASE],
				       lockdep_is_held(&pvhook_table_lock));
	if (hc) {
		strscpy(hi->name, hc->name, sizeof(hi->name));
		strscpy(hi->owner, module_name(hc->owner), sizeof(hi->owner));
		if (hc->owner == THIS_MODULE)
			hi->hc_flags |= PVHOOK_HC_INFO_F_BUILTIN;
		if (hc->flags & PVHOOK_HC_F_USER)
			hi->hc_flags |= PVHOOK_HC_INFO_F_USER;
		ret = 0;
	}
	mutex_unlock(&pvhook_table_lock);
	return ret;
}

int pvhook_registry_add(struct pvhook_hypercall *hc)
{
	unsigned long idx = hc->nr - PVHOOK_HC_BASE;
	int ret = 0;

	mutex_lock(&pvhook_table_lock);
	if (rcu_access_pointer(pvhook_table[idx]))
		ret = -EBUSY;
	else
		rcu_assign_pointer(pvhook_table[idx], hc);
	mutex_unlock(&pvhook_table_lock);
	return ret;
}

void pvhook_registry_remove(struct pvhook_hypercall *hc)
{
	unsigned long idx = hc->nr - PVHOOK_HC_BASE;
	bool found = false;

	mutex_lock(&pvhook_table_lock);
	if (rcu_access_pointer(pvhook_table[idx]) == hc) {
		RCU_INIT_POINTER(pvhook_table[idx], NULL);
		found = true;
	}
	mutex_unlock(&pvhook_table_lock);

	/* No vCPU may still be inside @hc->handler once we return. */
	if (found)
		synchronize_srcu(&pvhook_srcu);
}

/**
 * pvhook_register_hypercall() - add a hypercall number served by a module
 * @hc: the number, its handler and its owner; must stay valid until
 *      pvhook_unregister_hypercall() returns
 *
 * From the moment this returns 0, a guest that issues @hc->nr gets the value
 * that @hc->handler returns. Calls from guest user mode (CPL > 0) are refused
 * with -KVM_EPERM unless @hc->flags has PVHOOK_HC_F_USER. While @hc->owner is
 * being unloaded, calls answer -KVM_ENOSYS; while a call runs, the owner
 * holds a module reference.
 *
 * Context: process context; takes a mutex.
 * Return: 0 on success; -EINVAL if @hc is malformed or @hc->nr lies outside
 * [PVHOOK_HC_MODULE_FIRST, PVHOOK_HC_MODULE_LAST]; -EBUSY if the number is
 * already registered.
 */
int pvhook_register_hypercall(struct pvhook_hypercall *hc)
{
	if (!hc || !hc->handler || !hc->name)
		return -EINVAL;
	if (hc->flags & ~PVHOOK_HC_F_USER)
		return -EINVAL;
	if (hc->nr < PVHOOK_HC_MODULE_FIRST || hc->nr > PVHOOK_HC_MODULE_LAST)
		return -EINVAL;
	return pvhook_registry_add(hc);
}
EXPORT_SYMBOL_GPL(pvhook_register_hypercall);

/**
 * pvhook_unregister_hypercall() - remove a number added by
 * pvhook_register_hypercall()
 * @hc: the structure that was registered
 *
 * After this returns, no vCPU runs @hc->handler and the number answers
 * -KVM_ENOSYS again. Unregistering a structure that is not registered does
 * nothing.
 *
 * Context: process context; sleeps until calls in flight have returned.
 */
void pvhook_unregister_hypercall(struct pvhook_hypercall *hc)
{
	if (hc && pvhook_nr_in_range(hc->nr))
		pvhook_registry_remove(hc);
}
EXPORT_SYMBOL_GPL(pvhook_unregister_hypercall);
