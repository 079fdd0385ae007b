// SPDX-License-Identifier: GPL-2.0
/*
 * What pvhook knows of each KVM VM: its identity, its policy, its counters,
 * the handles processes opened on it.
 *
 * A VM becomes known at its first pvhook hypercall, or when a process
 * attaches it, and is forgotten when KVM destroys it (kvm_hook.c calls
 * pvhook_vm_destroyed()). The table is keyed by struct kvm; a pointer in it
 * always names a live VM, since it is removed before KVM frees the VM.
 *
 * A vCPU inside a hypercall keeps its VM alive, so pvhook_vm_of_vcpu() needs
 * no reference. Handles take references, as they outlive the VM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/kvm_host.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fast_path.h"

DEFINE_HASHTABLE(pvhook_vms, PVHOOK_VMS_HASH_BITS);
static DEFINE_SPINLOCK(pvhook_vms_lock);
static unsigned int pvhook_nr_vms;
static atomic64_t pvhook_next_vm_id = ATOMIC64_INIT(0);

/* The default policy of a VM nobody attached: allow (true) or deny. */
static bool pvhook_default_allow = true;

static int pvhook_default_policy_set(const char *val,
				     const struct kernel_param *kp)
{
	if (sysfs_streq(val, "allow"))
		WRITE_ONCE(pvhook_default_allow, true);
	else if (sysfs_streq(val, "deny"))
		WRITE_ONCE(pvhook_default_allow, false);
	else
		return -EINVAL;
	return 0;
}

static int pvhook_default_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  READ_ONCE(pvhook_default_allow) ? "allow" : "deny");
}

static const struct kernel_param_ops pvhook_default_policy_ops = {
	.set = pvhook_default_policy_set,
	.get = pvhook_default_policy_get,
};
module_param_cb(default_policy, &pvhook_default_policy_ops, NULL, 0644);
MODULE_PARM_DESC(default_policy,
		 "pvhook on (allow, the default) or off (deny) for VMs until a process sets their policy");

static struct pvhook_vm *pvhook_vm_alloc(struct kvm *kvm)
{
	struct pvhook_vm_policy *policy;
	struct pvhook_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	policy = kzalloc(sizeof(*policy), GFP_KERNEL_ACCOUNT);
	if (vm)
		vm->vcpus = kvcalloc(KVM_MAX_VCPUS, sizeof(*vm->vcpus),
				     GFP_KERNEL_ACCOUNT);
	if (!vm || !policy || !vm->vcpus) {
		if (vm)
			kvfree(vm->vcpus);
		kfree(vm);
		kfree(policy);
		return NULL;
	}

	policy->enabled = READ_ONCE(pvhook_default_allow);
	bitmap_fill(policy->allow, PVHOOK_HC_COUNT);
	bitmap_fill(policy->allow_user, PVHOOK_HC_COUNT);
	RCU_INIT_POINTER(vm->policy, policy);

	kref_init(&vm->ref);
	vm->kvm = kvm;
	vm->pid = kvm->userspace_pid;
	strscpy(vm->stats_id, kvm->stats_id, sizeof(vm->stats_id));
	xa_init(&vm->vcpu_ring);
	spin_lock_init(&vm->lock);
	INIT_LIST_HEAD(&vm->handles);
	return vm;
}

/*
 * Free the per-vCPU state, which only the VM's vCPUs use: once no vCPU of
 * it can run pvhook code, and in process context, where the vCPUs take
 * the same xarray locks (never from an RCU callback, in softirq).
 */
static void pvhook_vm_free_vcpu_state(struct pvhook_vm *vm)
{
	/* Value entries (records.c): nothing to free but the tree. */
	xa_destroy(&vm->vcpu_ring);
}

/*
 * The rest, once no reference and no RCU reader is left: the statistics
 * ioctls read the vCPUs' counters with a reference to the VM.
 */
static void pvhook_vm_free_rcu(struct rcu_head *rcu)
{
	struct pvhook_vm *vm = container_of(rcu, struct pvhook_vm, rcu);
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i])
			continue;
		pvhook_stats_free(vm->vcpus[i]);
		kfree(vm->vcpus[i]);
	}
	kvfree(vm->vcpus);
	kfree(rcu_dereference_protected(vm->policy, true));
	kfree(vm);
}

static void pvhook_vm_release(struct kref *ref)
{
	struct pvhook_vm *vm = container_of(ref, struct pvhook_vm, ref);

	call_rcu(&vm->rcu, pvhook_vm_free_rcu);
}

/* Drop a reference taken by pvhook_vm_get() or pvhook_vm_get_by_id(). */
void pvhook_vm_put(struct pvhook_vm *vm)
{
	kref_put(&vm->ref, pvhook_vm_release);
}

/*
 * Find @kvm's state, or create it. The caller keeps @kvm alive (it holds
 * the VM's file, or runs one of its vCPUs). Returns NULL only when memory
 * runs out. With @get, the caller gets a reference. The slow path of
 * pvhook_vm_of_vcpu() (fast_path.h).
 */
struct pvhook_vm *pvhook_vm_find_or_add(struct kvm *kvm, bool get)
{
	struct pvhook_vm *vm, *new;

	rcu_read_lock();
	vm = pvhook_vm_lookup(kvm);
	if (vm && get)
		kref_get(&vm->ref);
	rcu_read_unlock();
	if (vm)
		return vm;

	new = pvhook_vm_alloc(kvm);
	if (!new)
		return NULL;

	spin_lock(&pvhook_vms_lock);
	vm = pvhook_vm_lookup(kvm);
	if (!vm) {
		vm = new;
		new = NULL;
		vm->id = atomic64_inc_return(&pvhook_next_vm_id);
		hash_add_rcu(pvhook_vms, &vm->node, (unsigned long)kvm);
		pvhook_nr_vms++;
	}
	if (get)
		kref_get(&vm->ref);
	spin_unlock(&pvhook_vms_lock);

	if (new) {
		pvhook_vm_free_vcpu_state(new);
		pvhook_vm_free_rcu(&new->rcu);
	}
	return vm;
}

/**
 * pvhook_vm_find_live() - the state of a live VM, if pvhook knows it
 * @kvm: a VM the caller keeps alive
 *
 * Return: the state, valid while @kvm lives, or NULL.
 */
struct pvhook_vm *pvhook_vm_find_live(struct kvm *kvm)
{
	struct pvhook_vm *vm;

	rcu_read_lock();
	vm = pvhook_vm_lookup(kvm);
	rcu_read_unlock();
	return vm;
}

/**
 * pvhook_vm_get() - a reference to a VM's state, created if need be
 * @kvm: a VM the caller keeps alive
 *
 * Return: the state, or NULL when memory ran out.
 */
struct pvhook_vm *pvhook_vm_get(struct kvm *kvm)
{
	return pvhook_vm_find_or_add(kvm, true);
}

/**
 * pvhook_vm_get_by_id() - a reference to a live VM's state, by pvhook's id
 * @id: struct pvhook_vm_info.id
 *
 * Return: the state, or NULL if no live VM has that id.
 */
struct pvhook_vm *pvhook_vm_get_by_id(u64 id)
{
	struct pvhook_vm *vm;
	unsigned int bkt;

	spin_lock(&pvhook_vms_lock);
	hash_for_each(pvhook_vms, bkt, vm, node) {
		if (vm->id == id) {
			kref_get(&vm->ref);
			spin_unlock(&pvhook_vms_lock);
			return vm;
		}
	}
	spin_unlock(&pvhook_vms_lock);
	return NULL;
}

/*
 * Forget @vm: no vCPU of it runs pvhook code, nor ever will. Its served
 * numbers go, its handles learn the VM is gone, its vCPUs' state is freed
 * and the table's reference is dropped.
 */
static void pvhook_vm_forget(struct pvhook_vm *vm)
{
	struct pvhook_handle *h;

	spin_lock(&vm->lock);
	vm->dead = true;
	pvhook_served_remove_all(vm, NULL);
	list_for_each_entry(h, &vm->handles, vm_node)
		pvhook_handle_vm_gone(h);
	spin_unlock(&vm->lock);
	pvhook_vm_free_vcpu_state(vm);
	pvhook_vm_put(vm);
}

/**
 * pvhook_vm_link_handle() - add a new handle to a VM's list
 * @vm: the VM
 * @h: the handle
 *
 * Return: 0; -ENODEV if KVM destroyed the VM; -ENOSPC if the VM has
 * PVHOOK_VM_HANDLES_MAX handles already.
 */
int pvhook_vm_link_handle(struct pvhook_vm *vm, struct pvhook_handle *h)
{
	int ret = 0;

	spin_lock(&vm->lock);
	if (vm->dead) {
		ret = -ENODEV;
	} else if (vm->nr_handles >= PVHOOK_VM_HANDLES_MAX) {
		ret = -ENOSPC;
	} else {
		list_add_tail_rcu(&h->vm_node, &vm->handles);
		vm->nr_handles++;
	}
	spin_unlock(&vm->lock);
	return ret;
}

/**
 * pvhook_vm_unlink_handle() - take a handle off its VM: the numbers it
 *                             serves go, and no new event reaches it
 * @vm: the VM
 * @h: the handle, linked by pvhook_vm_link_handle()
 *
 * RCU readers of the list may still see @h until a grace period passes.
 */
void pvhook_vm_unlink_handle(struct pvhook_vm *vm, struct pvhook_handle *h)
{
	spin_lock(&vm->lock);
	pvhook_served_remove_all(vm, h);
	list_del_rcu(&h->vm_node);
	vm->nr_handles--;
	spin_unlock(&vm->lock);
}

/**
 * pvhook_vm_destroyed() - KVM is destroying a VM
 * @kvm: the VM, whose last reference is gone: none of its vCPUs runs
 *
 * Context: called from KVM's VM destruction through ftrace, with
 * preemption disabled; does not sleep.
 */
void pvhook_vm_destroyed(struct kvm *kvm)
{
	struct pvhook_vm *vm;

	spin_lock(&pvhook_vms_lock);
	vm = pvhook_vm_lookup(kvm);
	if (vm) {
		hash_del_rcu(&vm->node);
		vm->kvm = NULL;
		pvhook_nr_vms--;
	}
	spin_unlock(&pvhook_vms_lock);

	if (vm)
		pvhook_vm_forget(vm);
}

/* How many VMs pvhook knows. */
unsigned int pvhook_vm_count(void)
{
	return READ_ONCE(pvhook_nr_vms);
}

static void pvhook_vm_fill_info(struct pvhook_vm *vm, struct kvm *kvm,
				struct pvhook_vm_info *info)
{
	struct pvhook_vm_policy *policy;

	memset(info, 0, sizeof(*info));
	info->id = vm->id;
	info->pid = vm->pid;
	info->nr_vcpus = kvm ? atomic_read(&kvm->online_vcpus) : 0;
	strscpy(info->stats_id, vm->stats_id, sizeof(info->stats_id));

	rcu_read_lock();
	policy = rcu_dereference(vm->policy);
	if (policy->enabled)
		info->flags |= PVHOOK_VM_F_ENABLED;
	rcu_read_unlock();

	spin_lock(&vm->lock);
	info->nr_handles = vm->nr_handles;
	spin_unlock(&vm->lock);
	if (info->nr_handles)
		info->flags |= PVHOOK_VM_F_ATTACHED;

	info->events = atomic64_read(&vm->events);
	pvhook_stats_totals(vm, info);
}

/**
 * pvhook_vm_list() - describe the VMs pvhook knows
 * @out: room for @room entries
 * @room: entries at @out
 *
 * Context: process context; takes spinlocks.
 * Return: how many VMs pvhook knows, which may exceed @room.
 */
unsigned int pvhook_vm_list(struct pvhook_vm_info *out, unsigned int room)
{
	struct pvhook_vm *vm;
	unsigned int bkt, n = 0;

	spin_lock(&pvhook_vms_lock);
	hash_for_each(pvhook_vms, bkt, vm, node) {
		if (n < room)
			pvhook_vm_fill_info(vm, vm->kvm, &out[n]);
		n++;
	}
	spin_unlock(&pvhook_vms_lock);
	return n;
}

/**
 * pvhook_vm_info() - describe one VM
 * @vm: the VM, with a reference
 * @info: filled in
 *
 * Return: 0, or -ENODEV once KVM destroyed the VM.
 */
int pvhook_vm_info(struct pvhook_vm *vm, struct pvhook_vm_info *info)
{
	int ret = -ENODEV;

	spin_lock(&pvhook_vms_lock);
	if (vm->kvm) {
		pvhook_vm_fill_info(vm, vm->kvm, info);
		ret = 0;
	}
	spin_unlock(&pvhook_vms_lock);
	return ret;
}

/**
 * pvhook_vcpu_state_alloc() - create a vCPU's state, at its first call
 * @vm: the vCPU's VM
 * @vcpu: the vCPU, inside a hypercall, its index below KVM_MAX_VCPUS
 *
 * The slow path of pvhook_vcpu_state() (fast_path.h).
 *
 * Context: the vCPU's thread; may sleep.
 * Return: the state, valid as long as @vm; NULL when memory ran out.
 */
struct pvhook_vcpu *pvhook_vcpu_state_alloc(struct pvhook_vm *vm,
					    struct kvm_vcpu *vcpu)
{
	unsigned int idx = vcpu->vcpu_idx, seen;
	struct pvhook_vcpu *v;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return NULL;
	/*
	 * Only the vCPU's thread writes its slot: KVM runs a vCPU in one
	 * thread at a time (vcpu->mutex). Pairs with smp_load_acquire() in
	 * pvhook_vcpu_state() and in the readers of statistics.
	 */
	smp_store_release(&vm->vcpus[idx], v);
	/* Readers walk the indexes below nr_vcpus; raise it past @idx. */
	do {
		seen = READ_ONCE(vm->nr_vcpus);
	} while (seen <= idx && cmpxchg(&vm->nr_vcpus, seen, idx + 1) != seen);
	return v;
}

/**
 * pvhook_vm_get_policy() - a VM's policy in uapi form
 * @vm: the VM
 * @out: filled in
 */
void pvhook_vm_get_policy(struct pvhook_vm *vm, struct pvhook_policy *out)
{
	struct pvhook_vm_policy *policy;

	memset(out, 0, sizeof(*out));
	rcu_read_lock();
	policy = rcu_dereference(vm->policy);
	out->flags = policy->enabled ? PVHOOK_POLICY_F_ENABLED : 0;
	out->rate_limit = policy->rate_limit;
	bitmap_to_arr64(out->allow, policy->allow, PVHOOK_HC_COUNT);
	bitmap_to_arr64(out->allow_user, policy->allow_user, PVHOOK_HC_COUNT);
	rcu_read_unlock();
}

/**
 * pvhook_vm_set_policy() - replace a VM's policy
 * @vm: the VM
 * @in: the new policy, from user space
 *
 * vCPUs see either the old or the new policy in full, never a mix.
 *
 * Return: 0; -EINVAL for unknown flags or non-zero reserved fields;
 * -ENOMEM.
 */
int pvhook_vm_set_policy(struct pvhook_vm *vm, const struct pvhook_policy *in)
{
	struct pvhook_vm_policy *policy, *old;

	if (in->flags & ~PVHOOK_POLICY_F_ENABLED ||
	    memchr_inv(in->reserved, 0, sizeof(in->reserved)))
		return -EINVAL;

	policy = kzalloc(sizeof(*policy), GFP_KERNEL_ACCOUNT);
	if (!policy)
		return -ENOMEM;
	policy->enabled = in->flags & PVHOOK_POLICY_F_ENABLED;
	policy->rate_limit = in->rate_limit;
	bitmap_from_arr64(policy->allow, in->allow, PVHOOK_HC_COUNT);
	bitmap_from_arr64(policy->allow_user, in->allow_user, PVHOOK_HC_COUNT);

	spin_lock(&vm->lock);
	old = rcu_replace_pointer(vm->policy, policy, lockdep_is_held(&vm->lock));
	spin_unlock(&vm->lock);
	kfree_rcu(old, rcu);
	return 0;
}

/*
 * Module unload: no handle is open and no vCPU runs pvhook code any more,
 * and KVM no longer tells us about destroyed VMs. Forget every VM.
 */
void pvhook_vms_exit(void)
{
	struct hlist_node *tmp;
	struct pvhook_vm *vm;
	unsigned int bkt;

	spin_lock(&pvhook_vms_lock);
	hash_for_each_safe(pvhook_vms, bkt, tmp, vm, node) {
		hash_del_rcu(&vm->node);
		vm->kvm = NULL;
		pvhook_nr_vms--;
		pvhook_vm_forget(vm);
	}
	spin_unlock(&pvhook_vms_lock);

	/*
	 * A served entry's SRCU callback may drop the last reference to a
	 * handle, and so to its VM, which queues pvhook_vm_free_rcu(): wait
	 * for the SRCU callbacks first, then for the RCU ones they queued.
	 */
	srcu_barrier(&pvhook_user_srcu);
	srcu_barrier(&pvhook_srcu);
	rcu_barrier();
}
