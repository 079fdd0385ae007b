// SPDX-License-Identifier: GPL-2.0
/*
 * The pv_ops slots pvhook_guest can hook, and attaching a hook to one.
 *
 * At boot the kernel turned every paravirt call site in its text into a
 * direct call to the target that pv_ops held then, and it does the same for
 * each module as it loads. A slot is hooked by redirecting that target with
 * ftrace (IPMODIFY): a call of the target from anywhere but this module
 * continues in our hook, and our hook runs the target: past its __fentry__
 * call where the CPU allows it (pvg_redirect()), else through ftrace,
 * which lets the call through because the caller is this module. That
 * reaches every call of the operation: call sites patched at boot, those
 * of modules loaded before or after, and indirect calls through pv_ops.
 *
 * pv_ops itself keeps the original target. Writing the hook into it would
 * add nothing the redirection does not already reach, and could not be
 * undone: a module loaded meanwhile gets the hook's address patched into
 * its call sites, which only the kernel can rewrite, so it would call
 * freed text after this module is unloaded.
 *
 * Detaching unregisters the redirection; unregister_ftrace_function()
 * waits until no CPU runs in its trampoline, and unload waits for CPUs
 * still inside a hook (pvg_slots_exit()).
 *
 * A slot cannot be hooked when its target is the paravirt no-op (its call
 * sites were patched to NOPs at boot and nothing calls it) or cannot be
 * traced by ftrace (noinstr code such as native_safe_halt); attaching such
 * a slot fails with -EOPNOTSUPP and sysfs says why.
 */
#include <linux/cpumask.h>
#include <linux/ftrace.h>
#include <linux/kvm_para.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/kallsyms.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>
#include <asm/paravirt.h>

#include <linux/pvhook_guest.h>
#include "pvhook_guest.h"

/* Linux 6.1 has the x86 macro under its older name. */
#ifndef ftrace_regs_set_instruction_pointer
#define ftrace_regs_set_instruction_pointer ftrace_instruction_pointer_set
#endif

/* Serialises attaching, detaching and mode changes of every slot. */
DEFINE_MUTEX(pvg_lock);

const char *const pvg_mode_names[PVG_NR_MODES] = {
	[PVG_MODE_OFF] = "off",
	[PVG_MODE_COUNT] = "count",
	[PVG_MODE_NOTIFY] = "notify",
	[PVG_MODE_SYNC] = "sync",
};

/* Indexed by PVHOOK_OP_*; pvg_slots_init() sets each .op to its index. */
struct pvg_slot pvg_slots[] = {
	[PVHOOK_OP_FLUSH_TLB_USER] = { .name = "flush_tlb_user" },
	[PVHOOK_OP_FLUSH_TLB_KERNEL] = { .name = "flush_tlb_kernel" },
	[PVHOOK_OP_FLUSH_TLB_ONE_USER] = { .name = "flush_tlb_one_user" },
	[PVHOOK_OP_FLUSH_TLB_MULTI] = { .name = "flush_tlb_multi" },
	[PVHOOK_OP_EXIT_MMAP] = { .name = "exit_mmap" },
	[PVHOOK_OP_ENTER_MMAP] = { .name = "enter_mmap" },
	[PVHOOK_OP_IO_DELAY] = { .name = "io_delay" },
	[PVHOOK_OP_LOCK_KICK] = { .name = "lock_kick" },
	[PVHOOK_OP_LOCK_WAIT] = { .name = "lock_wait" },
	[PVHOOK_OP_SAFE_HALT] = { .name = "safe_halt" },
	[PVHOOK_OP_HALT] = { .name = "halt" },
};

const unsigned int pvg_nr_slots = ARRAY_SIZE(pvg_slots);

/*
 * Where each slot lives in this kernel's pv_ops. This is the only code
 * that knows how pv_ops differs between kernel versions; guest/Kbuild maps
 * versions to the PVG_* macros:
 *   PVG_HAVE_IO_DELAY      cpu.io_delay (up to 6.x; gone in 7.x)
 *   PVG_HAVE_ENTER_MMAP    mmu.enter_mmap (since 6.2, CONFIG_PARAVIRT_XXL)
 *   PVG_LOCK_OPS_APART     the lock operations are pv_ops_lock (7.x), not
 *                          pv_ops.lock
 */
static void pvg_slots_locate(void)
{
	struct pvg_slot *s = pvg_slots;

	s[PVHOOK_OP_FLUSH_TLB_USER].pv_slot = (void **)&pv_ops.mmu.flush_tlb_user;
	s[PVHOOK_OP_FLUSH_TLB_KERNEL].pv_slot =
		(void **)&pv_ops.mmu.flush_tlb_kernel;
	s[PVHOOK_OP_FLUSH_TLB_ONE_USER].pv_slot =
		(void **)&pv_ops.mmu.flush_tlb_one_user;
	s[PVHOOK_OP_FLUSH_TLB_MULTI].pv_slot =
		(void **)&pv_ops.mmu.flush_tlb_multi;
	s[PVHOOK_OP_EXIT_MMAP].pv_slot = (void **)&pv_ops.mmu.exit_mmap;
#if defined(PVG_HAVE_ENTER_MMAP) && defined(CONFIG_PARAVIRT_XXL)
	s[PVHOOK_OP_ENTER_MMAP].pv_slot = (void **)&pv_ops.mmu.enter_mmap;
#endif
	s[PVHOOK_OP_SAFE_HALT].pv_slot = (void **)&pv_ops.irq.safe_halt;
	s[PVHOOK_OP_HALT].pv_slot = (void **)&pv_ops.irq.halt;
#ifdef PVG_HAVE_IO_DELAY
	s[PVHOOK_OP_IO_DELAY].pv_slot = (void **)&pv_ops.cpu.io_delay;
#endif
#if defined(CONFIG_PARAVIRT_SPINLOCKS) && defined(PVG_LOCK_OPS_APART)
	s[PVHOOK_OP_LOCK_KICK].pv_slot = (void **)&pv_ops_lock.kick;
	s[PVHOOK_OP_LOCK_WAIT].pv_slot = (void **)&pv_ops_lock.wait;
#elif defined(CONFIG_PARAVIRT_SPINLOCKS)
	s[PVHOOK_OP_LOCK_KICK].pv_slot = (void **)&pv_ops.lock.kick;
	s[PVHOOK_OP_LOCK_WAIT].pv_slot = (void **)&pv_ops.lock.wait;
#endif
}

/*
 * The paravirt no-op has another name in each version (nop_func,
 * _paravirt_nop) and is not exported everywhere: know it by name.
 */
static bool pvg_is_paravirt_nop(void *target)
{
	char name[KSYM_SYMBOL_LEN];

	snprintf(name, sizeof(name), "%ps", target);
	return !strcmp(name, "nop_func") || !strcmp(name, "_paravirt_nop") ||
	       !strcmp(name, "paravirt_nop");
}

/**
 * pvg_slot_by_name() - find a slot by its pv_ops field name
 * @name: the name, not necessarily NUL-terminated
 * @len: its length
 *
 * Return: the slot, or NULL.
 */
struct pvg_slot *pvg_slot_by_name(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < pvg_nr_slots; i++)
		if (strlen(pvg_slots[i].name) == len &&
		    !memcmp(pvg_slots[i].name, name, len))
			return &pvg_slots[i];
	return NULL;
}

/**
 * pvg_slot_by_op() - find a slot by its PVHOOK_OP_* number
 * @op: the number
 *
 * Return: the slot, or NULL.
 */
struct pvg_slot *pvg_slot_by_op(unsigned int op)
{
	return op < pvg_nr_slots ? &pvg_slots[op] : NULL;
}

/*
 * Can a hook call a target past its __fentry__ call? Only through an
 * indirect call that no CPU or compiler check refuses: IBT wants an ENDBR
 * instruction where an indirect call lands, kCFI a type hash before it.
 */
static bool pvg_body_callable __ro_after_init;

static void pvg_body_check(void)
{
	pvg_body_callable = !cpu_feature_enabled(X86_FEATURE_IBT) &&
			    !IS_ENABLED(CONFIG_CFI_CLANG) &&
			    !IS_ENABLED(CONFIG_CFI);
}

/*
 * The ftrace callback on a slot's old target: calls from anywhere but this
 * module continue in the hook. A hook calls the target, and never
 * tail-calls it (it accounts after the call), so a call from this module
 * is the hook's own and goes through.
 *
 * That second pass through ftrace costs as much as the first, so the hook
 * calls the target past its __fentry__ call instead where it can: @ip is
 * that call's address (after the ENDBR instruction, when there is one), so
 * the first redirection learns where the body starts.
 *
 * This runs for every call of the operation, in any context: it takes no
 * lock, calls nothing, and needs neither RCU nor ftrace's recursion guard.
 */
static void notrace pvg_redirect(unsigned long ip, unsigned long parent_ip,
				 struct ftrace_ops *op,
				 struct ftrace_regs *fregs)
{
	struct pvg_slot *s = container_of(op, struct pvg_slot, fops);

	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (unlikely(!READ_ONCE(s->body)) && pvg_body_callable &&
	    ip - (unsigned long)s->orig <= ENDBR_INSN_SIZE)
		WRITE_ONCE(s->body, (void *)(ip + MCOUNT_INSN_SIZE));
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)s->hook);
}

/* Can @s be hooked? Sets s->why when not. */
static void pvg_slot_check(struct pvg_slot *s)
{
	void *target;
	int ret;

	if (!s->pv_slot) {
		s->why = "no such pv_ops slot in this kernel";
		return;
	}
	target = READ_ONCE(*s->pv_slot);
	if (!target || pvg_is_paravirt_nop(target)) {
		s->why = "the operation is a no-op here: its call sites were patched out at boot";
		return;
	}
	if (!s->hook) {
		s->why = "no hook for this slot";
		return;
	}
	/* The filter stays set until pvg_slots_free(). */
	ret = ftrace_set_filter_ip(&s->fops, (unsigned long)target, 0, 0);
	if (ret) {
		s->why = "its target cannot be traced by ftrace";
		return;
	}
	s->orig = target;
}

static int pvg_slot_attach(struct pvg_slot *s)
{
	int ret;

	/* Only the kernel's own set-up writes pv_ops, before modules load. */
	if (READ_ONCE(*s->pv_slot) != s->orig) {
		pr_err("pvhook_guest: pv_ops %s changed since load; not hooking it\n",
		       s->name);
		return -EBUSY;
	}
	ret = register_ftrace_function(&s->fops);
	if (ret)
		return ret;
	s->attached = true;
	pr_debug("pvhook_guest: %s: %ps redirected to %ps\n", s->name, s->orig,
		 s->hook);
	return 0;
}

/*
 * Remove the redirection. Calls that entered the hook before may still
 * run in it; module unload waits for them (pvg_slots_exit()).
 */
static void pvg_slot_detach(struct pvg_slot *s)
{
	unregister_ftrace_function(&s->fops);
	s->attached = false;
}

/**
 * pvg_slot_update() - attach or detach a slot as its mode and users require
 * @s: the slot
 *
 * Context: pvg_lock held.
 * Return: 0, or the error of attaching.
 */
int pvg_slot_update(struct pvg_slot *s)
{
	bool want = s->mode != PVG_MODE_OFF || !list_empty(&s->users);

	lockdep_assert_held(&pvg_lock);
	if (want == s->attached)
		return 0;
	if (want)
		return pvg_slot_attach(s);
	pvg_slot_detach(s);
	return 0;
}

/**
 * pvg_slot_set_mode() - set what a slot's hook does, attaching or detaching
 *                       the slot as needed
 * @s: the slot
 * @mode: enum pvg_mode
 *
 * Context: process context; takes pvg_lock.
 * Return: 0; -EOPNOTSUPP when the slot cannot be hooked on this kernel, or
 * the mode needs something the host does not offer; or an ftrace error.
 */
int pvg_slot_set_mode(struct pvg_slot *s, int mode)
{
	int ret = 0;

	if (mode < 0 || mode >= PVG_NR_MODES)
		return -EINVAL;
	if (mode != PVG_MODE_OFF && s->why)
		return -EOPNOTSUPP;
	if (mode == PVG_MODE_NOTIFY && !pvg_rings_registered())
		return -EOPNOTSUPP;
	if (mode == PVG_MODE_SYNC && !(pvg_host_features & PVHOOK_F_OP))
		return -EOPNOTSUPP;

	mutex_lock(&pvg_lock);
	if (mode != PVG_MODE_OFF && !s->attached)
		ret = pvg_slot_attach(s);
	if (!ret) {
		WRITE_ONCE(s->mode, mode);
		pvg_slot_update(s);
	}
	mutex_unlock(&pvg_lock);
	return ret;
}

/*
 * Run the hooks other modules attached to @s. They may be called from any
 * context, so the list is walked under RCU.
 */
static void pvg_slot_run_users(struct pvg_slot *s, unsigned long arg0,
			       unsigned long arg1)
{
	struct pvhook_guest_hook *h;

	rcu_read_lock();
	list_for_each_entry_rcu(h, &s->users, node)
		h->fn(h, arg0, arg1);
	rcu_read_unlock();
}

/**
 * pvg_slot_ran_slow() - what a hook does after the operation ran, in the
 *                       modes that pvg_slot_ran() does not finish itself
 * @s: the slot
 * @mode: its mode, as pvg_slot_ran() read it
 * @arg0: the operation's first argument, or 0
 * @arg1: its second argument, or 0
 *
 * Context: any, NMI included; the operation's own (often preemption or
 * interrupts off).
 */
void notrace pvg_slot_ran_slow(struct pvg_slot *s, int mode,
			       unsigned long arg0, unsigned long arg1)
{
	long ret;

	if (mode == PVG_MODE_OFF)
		goto users;
	this_cpu_inc(s->stats->calls);
	switch (mode) {
	case PVG_MODE_NOTIFY:
		if (!pvg_ring_put(s->op, arg0, arg1))
			this_cpu_inc(s->stats->dropped);
		break;
	case PVG_MODE_SYNC:
		ret = kvm_hypercall3(PVHOOK_HC_OP, s->op, arg0, arg1);
		if (ret == 0)
			this_cpu_inc(s->stats->records);
		else
			this_cpu_inc(s->stats->dropped);
		break;
	}
users:
	/*
	 * Hooks of other modules are walked under RCU, which does not cover a
	 * CPU that RCU is not watching (idle, coming up or going down): they
	 * do not run there.
	 */
	if (!list_empty(&s->users) && rcu_is_watching())
		pvg_slot_run_users(s, arg0, arg1);
}

/**
 * pvg_slot_totals() - sum a slot's per-CPU counters
 * @s: the slot
 * @sum: where to put the sums
 */
void pvg_slot_totals(struct pvg_slot *s, struct pvg_slot_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct pvg_slot_stats *st = per_cpu_ptr(s->stats, cpu);

		sum->calls += READ_ONCE(st->calls);
		sum->records += READ_ONCE(st->records);
		sum->dropped += READ_ONCE(st->dropped);
	}
}

/**
 * pvg_slots_init() - find this kernel's slots and what can be hooked
 *
 * Return: 0 or -ENOMEM.
 */
int pvg_slots_init(void)
{
	unsigned int i;
	int ret;

	pvg_hooks_bind();
	pvg_slots_locate();
	pvg_body_check();
	for (i = 0; i < pvg_nr_slots; i++) {
		struct pvg_slot *s = &pvg_slots[i];

		s->op = i;
		INIT_LIST_HEAD(&s->users);
		s->fops.func = pvg_redirect;
		/*
		 * x86 lets a callback change the instruction pointer without
		 * saving every register; pvg_redirect() is its own recursion
		 * guard (it calls nothing).
		 */
		s->fops.flags = FTRACE_OPS_FL_IPMODIFY;
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		s->fops.flags |= FTRACE_OPS_FL_SAVE_REGS;
#endif
		s->stats = alloc_percpu(struct pvg_slot_stats);
		if (!s->stats) {
			ret = -ENOMEM;
			goto err;
		}
		pvg_slot_check(s);
	}
	return 0;
err:
	while (i--) {
		ftrace_free_filter(&pvg_slots[i].fops);
		free_percpu(pvg_slots[i].stats);
	}
	return ret;
}

/**
 * pvg_slots_exit() - detach every slot and wait until no CPU runs a hook
 */
void pvg_slots_exit(void)
{
	unsigned int i;

	mutex_lock(&pvg_lock);
	for (i = 0; i < pvg_nr_slots; i++) {
		WRITE_ONCE(pvg_slots[i].mode, PVG_MODE_OFF);
		pvg_slot_update(&pvg_slots[i]);
	}
	mutex_unlock(&pvg_lock);

	/*
	 * Nothing reaches a hook any more. Wait for CPUs still inside one:
	 * hooks run with preemption off (synchronize_rcu()) or in tasks that
	 * may be preempted in them (synchronize_rcu_tasks()).
	 */
	synchronize_rcu();
	synchronize_rcu_tasks();
}

/**
 * pvg_slots_free() - free the slots' counters, after the rings are gone
 */
void pvg_slots_free(void)
{
	unsigned int i;

	for (i = 0; i < pvg_nr_slots; i++) {
		ftrace_free_filter(&pvg_slots[i].fops);
		free_percpu(pvg_slots[i].stats);
	}
}
