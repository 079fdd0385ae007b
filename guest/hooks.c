// SPDX-License-Identifier: GPL-2.0
/*
 * The hook functions, one per pv_ops slot, with the slot's signature. Each
 * runs the operation first, through pvg_slot_callee(), and then
 * pvg_slot_ran(). The call is never the last thing a hook does, so the
 * compiler cannot turn it into a jump: when it goes to the original
 * target, the ftrace redirection (slot.c) sees this module as the caller
 * and lets the call through.
 *
 * What a record carries, by slot (args[0], args[1]):
 *   flush_tlb_one_user   the virtual address, 0
 *   flush_tlb_multi      how many CPUs were asked to flush, 0 (struct
 *                        flush_tlb_info is hidden from modules)
 *   lock_kick            the CPU kicked, 0
 *   lock_wait            the byte value waited for, 0
 *   the others           0, 0
 */
#include <linux/cpumask.h>
#include <linux/mm_types.h>

struct flush_tlb_info;

#include "pvhook_guest.h"

#define PVG_CALLEE(op, type)	((type)pvg_slot_callee(&pvg_slots[op]))

#define PVG_HOOK_VOID(fn, op)						\
static void notrace fn(void)						\
{									\
	struct pvg_slot *s = &pvg_slots[op];				\
									\
	((void (*)(void))pvg_slot_callee(s))();				\
	pvg_slot_ran(s, 0, 0);						\
}

PVG_HOOK_VOID(pvg_flush_tlb_user, PVHOOK_OP_FLUSH_TLB_USER)
PVG_HOOK_VOID(pvg_flush_tlb_kernel, PVHOOK_OP_FLUSH_TLB_KERNEL)
PVG_HOOK_VOID(pvg_io_delay, PVHOOK_OP_IO_DELAY)
PVG_HOOK_VOID(pvg_safe_halt, PVHOOK_OP_SAFE_HALT)
PVG_HOOK_VOID(pvg_halt, PVHOOK_OP_HALT)

static void notrace pvg_flush_tlb_one_user(unsigned long addr)
{
	PVG_CALLEE(PVHOOK_OP_FLUSH_TLB_ONE_USER, void (*)(unsigned long))(addr);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_FLUSH_TLB_ONE_USER], addr, 0);
}

typedef void (*pvg_flush_multi_fn)(const struct cpumask *,
				   const struct flush_tlb_info *);

static void notrace pvg_flush_tlb_multi(const struct cpumask *cpus,
					const struct flush_tlb_info *info)
{
	PVG_CALLEE(PVHOOK_OP_FLUSH_TLB_MULTI, pvg_flush_multi_fn)(cpus, info);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_FLUSH_TLB_MULTI],
		     cpumask_weight(cpus), 0);
}

static void notrace pvg_exit_mmap(struct mm_struct *mm)
{
	PVG_CALLEE(PVHOOK_OP_EXIT_MMAP, void (*)(struct mm_struct *))(mm);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_EXIT_MMAP], 0, 0);
}

static void notrace pvg_enter_mmap(struct mm_struct *mm)
{
	PVG_CALLEE(PVHOOK_OP_ENTER_MMAP, void (*)(struct mm_struct *))(mm);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_ENTER_MMAP], 0, 0);
}

static void notrace pvg_lock_kick(int cpu)
{
	PVG_CALLEE(PVHOOK_OP_LOCK_KICK, void (*)(int))(cpu);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_LOCK_KICK], cpu, 0);
}

static void notrace pvg_lock_wait(u8 *ptr, u8 val)
{
	PVG_CALLEE(PVHOOK_OP_LOCK_WAIT, void (*)(u8 *, u8))(ptr, val);
	pvg_slot_ran(&pvg_slots[PVHOOK_OP_LOCK_WAIT], val, 0);
}

/**
 * pvg_hooks_bind() - give every slot its hook
 */
void pvg_hooks_bind(void)
{
	pvg_slots[PVHOOK_OP_FLUSH_TLB_USER].hook = pvg_flush_tlb_user;
	pvg_slots[PVHOOK_OP_FLUSH_TLB_KERNEL].hook = pvg_flush_tlb_kernel;
	pvg_slots[PVHOOK_OP_FLUSH_TLB_ONE_USER].hook = pvg_flush_tlb_one_user;
	pvg_slots[PVHOOK_OP_FLUSH_TLB_MULTI].hook = pvg_flush_tlb_multi;
	pvg_slots[PVHOOK_OP_EXIT_MMAP].hook = pvg_exit_mmap;
	pvg_slots[PVHOOK_OP_ENTER_MMAP].hook = pvg_enter_mmap;
	pvg_slots[PVHOOK_OP_IO_DELAY].hook = pvg_io_delay;
	pvg_slots[PVHOOK_OP_LOCK_KICK].hook = pvg_lock_kick;
	pvg_slots[PVHOOK_OP_LOCK_WAIT].hook = pvg_lock_wait;
	pvg_slots[PVHOOK_OP_SAFE_HALT].hook = pvg_safe_halt;
	pvg_slots[PVHOOK_OP_HALT].hook = pvg_halt;
}
