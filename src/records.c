// SPDX-License-Identifier: GPL-2.0
/*
 * Records of guest paravirt operations (ABI 1.2).
 *
 * A guest registers one record ring per vCPU with PVHOOK_HC_RING_SETUP: a
 * range of its own memory that must lie in one memory slot. It writes
 * records after the ring's header, sets the header's count and rings the
 * doorbell, PVHOOK_HC_RING_FLUSH; the host takes the records at once, in
 * the vCPU's thread, and the guest then writes from the start again.
 * PVHOOK_HC_OP reports one operation synchronously instead. Each record
 * taken is counted per VM and per slot, and posted to the VM handles that
 * asked for records (events.c).
 *
 * The host only reads the ring, so it never marks guest pages dirty. It
 * keeps just the ring's guest physical address and size, and translates
 * them at every doorbell: the VMM may move or remove memory slots at any
 * time. KVM exports no guest-memory accessor to other modules on every
 * supported kernel, so the ring is read like KVM itself does it: the
 * header inlines map the guest address to the VMM's virtual address
 * (memslot lookup under kvm->srcu, which KVM holds across a hypercall
 * exit), and copy_from_user() reads it in the vCPU's thread, which runs in
 * the VMM's address space.
 *
 * Everything in a ring is hostile and may change while the host reads it:
 * the host copies the header once, bounds the count by the ring's size,
 * copies records in small chunks into a buffer on its stack, and checks
 * each record in its own copy. A flush allocates nothing.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/nospec.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "fast_path.h"

/* Records copied and posted at a time: 512 bytes of stack. */
#define PVHOOK_RING_CHUNK	16

static_assert(sizeof(struct pvhook_ring_header) == 64);
static_assert(sizeof(struct pvhook_record) == 32);
/* A ring's page count minus one fits below the page offset. */
static_assert(PVHOOK_RING_SIZE_MAX / PAGE_SIZE <= PAGE_SIZE);
static_assert(PVHOOK_RING_SIZE_MIN % PAGE_SIZE == 0);

/* No memory on x86 lies above 2^52; the entry must stay below LONG_MAX. */
#define PVHOOK_RING_GPA_LIMIT	BIT_ULL(52)

/*
 * A vCPU's ring in vm->vcpu_ring: an xarray value entry holding the
 * page-aligned guest physical address with the page count minus one in
 * the page offset bits. Nothing to allocate or free per ring.
 */
static void *pvhook_ring_entry(u64 gpa, unsigned long size)
{
	return xa_mk_value(gpa | (size / PAGE_SIZE - 1));
}

static u64 pvhook_ring_gpa(void *entry)
{
	return xa_to_value(entry) & PAGE_MASK;
}

static unsigned long pvhook_ring_size(void *entry)
{
	return ((xa_to_value(entry) & ~PAGE_MASK) + 1) * PAGE_SIZE;
}

/*
 * The VMM's virtual address of the guest range [@gpa, @gpa + @size), if
 * the range lies in one usable memory slot of address space 0; else 0.
 * @gpa is page-aligned and below PVHOOK_RING_GPA_LIMIT, @size a multiple
 * of the page size of at most PVHOOK_RING_SIZE_MAX. The caller holds
 * kvm->srcu, as KVM does across every hypercall exit; the address is good
 * until it drops it.
 */
static unsigned long pvhook_ring_hva(struct kvm *kvm, u64 gpa,
				     unsigned long size)
{
	struct kvm_memory_slot *slot;
	gfn_t gfn = gpa >> PAGE_SHIFT;

	slot = __gfn_to_memslot(kvm_memslots(kvm), gfn);
	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID))
		return 0;
	/* No overflow: gfn is below 2^40 and the ring 16 pages at most. */
	if (gfn + size / PAGE_SIZE > slot->base_gfn + slot->npages)
		return 0;
	return __gfn_to_hva_memslot(slot, gfn);
}

/*
 * Copy @len bytes of the ring at @hva. The vCPU thread runs in the VMM's
 * address space (KVM refuses KVM_RUN from any other); check it anyway.
 */
static int pvhook_ring_read(struct kvm *kvm, void *dst, unsigned long hva,
			    size_t len)
{
	if (unlikely(current->mm != kvm->mm))
		return -EFAULT;
	if (copy_from_user(dst, (const void __user *)hva, len))
		return -EFAULT;
	return 0;
}

/**
 * pvhook_hc_ring_setup() - PVHOOK_HC_RING_SETUP: register or remove the
 *                          calling vCPU's record ring
 * @call: guest physical address in args[0] (0 removes the ring), size in
 *        bytes in args[1]
 *
 * Context: the vCPU's thread, under kvm->srcu; may sleep (allocation).
 * Return: 0; -KVM_EINVAL for an address not page-aligned or a size not a
 * multiple of 4096 in [PVHOOK_RING_SIZE_MIN, PVHOOK_RING_SIZE_MAX];
 * -KVM_EFAULT when the range does not lie in one memory slot;
 * -PVHOOK_EAGAIN when the host is out of memory.
 */
unsigned long pvhook_hc_ring_setup(const struct pvhook_call *call)
{
	struct kvm_vcpu *vcpu = call->vcpu;
	unsigned long size = call->args[1];
	u64 gpa = call->args[0];
	struct pvhook_vm *vm;
	void *old;

	vm = pvhook_vm_of_vcpu(vcpu);
	if (!vm)
		return -PVHOOK_EAGAIN;
	if (!gpa) {
		xa_erase(&vm->vcpu_ring, vcpu->vcpu_idx);
		return 0;
	}
	if (!PAGE_ALIGNED(gpa) || size % PAGE_SIZE ||
	    size < PVHOOK_RING_SIZE_MIN || size > PVHOOK_RING_SIZE_MAX)
		return -KVM_EINVAL;
	if (gpa >= PVHOOK_RING_GPA_LIMIT ||
	    !pvhook_ring_hva(vcpu->kvm, gpa, size))
		return -KVM_EFAULT;

	old = xa_store(&vm->vcpu_ring, vcpu->vcpu_idx,
		       pvhook_ring_entry(gpa, size), GFP_KERNEL_ACCOUNT);
	return xa_is_err(old) ? -PVHOOK_EAGAIN : 0;
}

/*
 * Keep the valid records of @recs at its start and count them by slot in
 * @taken. Return: how many are valid.
 */
static unsigned int pvhook_records_check(struct pvhook_record *recs,
					 unsigned int n, u32 *taken)
{
	unsigned int i, valid = 0, slot;

	for (i = 0; i < n; i++) {
		slot = recs[i].slot;
		if (slot >= PVHOOK_OP_COUNT || recs[i].flags)
			continue;
		taken[array_index_nospec(slot, PVHOOK_OP_COUNT)]++;
		if (valid != i)
			recs[valid] = recs[i];
		valid++;
	}
	return valid;
}

/* Add a flush's counts to the VM's counters: one atomic per slot used. */
static void pvhook_records_account(struct pvhook_vm *vm, const u32 *taken,
				   unsigned int valid, unsigned int rejected)
{
	unsigned int slot;

	if (rejected)
		atomic64_add(rejected, &vm->ops.rejected);
	if (!valid)
		return;
	atomic64_inc(&vm->ops.flushes);
	for (slot = 0; slot < PVHOOK_OP_COUNT; slot++)
		if (taken[slot])
			atomic64_add(taken[slot], &vm->ops.records[slot]);
}

/**
 * pvhook_hc_ring_flush() - PVHOOK_HC_RING_FLUSH: take the records in the
 *                          calling vCPU's ring
 * @call: the call; its arguments are ignored
 *
 * Takes the header's count of records from the start of the ring. Records
 * with a slot not below PVHOOK_OP_COUNT or non-zero flags are dropped and
 * counted as rejected; a refused flush counts as one rejected. If the ring
 * becomes unreadable midway, the records taken before stay taken, and the
 * flush counts as refused.
 *
 * Context: the vCPU's thread, under kvm->srcu; may sleep (page faults).
 * Return: how many records were taken; -KVM_EINVAL when the vCPU has no
 * ring, the count exceeds the ring's capacity, or the header's flags or
 * reserved fields are not zero; -KVM_EFAULT when the ring
 * is no longer in one memory slot or cannot be read.
 */
unsigned long pvhook_hc_ring_flush(const struct pvhook_call *call)
{
	struct pvhook_record recs[PVHOOK_RING_CHUNK];
	struct kvm_vcpu *vcpu = call->vcpu;
	u32 taken[PVHOOK_OP_COUNT] = { 0 };
	unsigned int valid = 0, rejected = 0;
	struct pvhook_ring_header hdr;
	unsigned long hva, size, ret;
	u32 count, done, n, ok;
	struct pvhook_vm *vm;
	void *entry;

	vm = pvhook_vm_of_vcpu(vcpu);
	if (!vm)
		return -PVHOOK_EAGAIN;
	entry = xa_load(&vm->vcpu_ring, vcpu->vcpu_idx);
	if (!entry) {
		ret = -KVM_EINVAL;
		goto refused;
	}
	size = pvhook_ring_size(entry);
	hva = pvhook_ring_hva(vcpu->kvm, pvhook_ring_gpa(entry), size);
	if (!hva || pvhook_ring_read(vcpu->kvm, &hdr, hva, sizeof(hdr))) {
		ret = -KVM_EFAULT;
		goto refused;
	}
	count = hdr.count;
	if (count > (size - sizeof(hdr)) / sizeof(recs[0]) || hdr.flags ||
	    memchr_inv(hdr.reserved, 0, sizeof(hdr.reserved))) {
		ret = -KVM_EINVAL;
		goto refused;
	}

	ret = 0;
	hva += sizeof(hdr);
	for (done = 0; done < count; done += n) {
		n = min_t(u32, count - done, PVHOOK_RING_CHUNK);
		if (pvhook_ring_read(vcpu->kvm, recs, hva, n * sizeof(recs[0]))) {
			ret = -KVM_EFAULT;
			break;
		}
		hva += n * sizeof(recs[0]);
		ok = pvhook_records_check(recs, n, taken);
		rejected += n - ok;
		valid += ok;
		if (ok)
			pvhook_events_post_records(vm, call, recs, ok, 0);
	}
	/* A flush cut short by a fault counts as refused too. */
	if (ret)
		rejected++;
	pvhook_records_account(vm, taken, valid, rejected);
	return ret ?: valid;

refused:
	atomic64_inc(&vm->ops.rejected);
	return ret;
}

/**
 * pvhook_hc_op() - PVHOOK_HC_OP: one operation, reported synchronously
 * @call: PVHOOK_OP_* slot in args[0], the operation's arguments in args[1]
 *        and args[2]
 *
 * The record posted has PVHOOK_MSG_F_SYNC, and neither a guest time nor a
 * guest CPU (0 for both).
 *
 * Context: the vCPU's thread.
 * Return: 0; -KVM_EINVAL for a slot not below PVHOOK_OP_COUNT.
 */
unsigned long pvhook_hc_op(const struct pvhook_call *call)
{
	unsigned long slot = call->args[0];
	struct pvhook_record rec;
	struct pvhook_vm *vm;

	if (slot >= PVHOOK_OP_COUNT)
		return -KVM_EINVAL;
	slot = array_index_nospec(slot, PVHOOK_OP_COUNT);
	vm = pvhook_vm_of_vcpu(call->vcpu);
	if (!vm)
		return -PVHOOK_EAGAIN;

	atomic64_inc(&vm->ops.sync_calls[slot]);
	rec = (struct pvhook_record){
		.slot = slot,
		.args = { call->args[1], call->args[2] },
	};
	pvhook_events_post_records(vm, call, &rec, 1, PVHOOK_MSG_F_SYNC);
	return 0;
}
