/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhook guest module: interfaces between its parts.
 *
 *   main.c    module load and unload, finding a pvhook host, parameters
 *   slot.c    the pv_ops slots: attaching a hook to one, detaching it, and
 *             what a hook does per mode
 *   hooks.c   the hook functions, one per slot and signature
 *   ring.c    per-CPU record rings shared with the host, and flushing them
 *   sysfs.c   /sys/kernel/pvhook_guest
 *   api.c     the exported in-kernel API (include/linux/pvhook_guest.h)
 */
#ifndef _PVHOOK_GUEST_INTERNAL_H
#define _PVHOOK_GUEST_INTERNAL_H

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <uapi/linux/pvhook.h>
#include <linux/types.h>

/* What a slot's hook does when the operation runs. */
enum pvg_mode {
	PVG_MODE_OFF,		/* nothing: the slot is not hooked */
	PVG_MODE_COUNT,		/* count in per-CPU counters; no exit */
	PVG_MODE_NOTIFY,	/* a record in this CPU's ring */
	PVG_MODE_SYNC,		/* one PVHOOK_HC_OP hypercall */
	PVG_NR_MODES,
};

extern const char *const pvg_mode_names[PVG_NR_MODES];

/**
 * struct pvg_slot_stats - per-CPU counters of one slot
 * @calls: calls of the operation that ran the hook while it was on
 * @records: records the host took (notify and sync modes)
 * @dropped: records lost: the ring was busy or the host refused them
 */
struct pvg_slot_stats {
	u64 calls;
	u64 records;
	u64 dropped;
};

/**
 * struct pvg_slot - one pv_ops slot pvhook_guest can hook
 * @name: the slot's field name in pv_ops, e.g. "flush_tlb_one_user"
 * @op: PVHOOK_OP_* number in records
 * @pv_slot: the slot in pv_ops, or NULL when this kernel has none
 * @hook: our function for the slot
 * @orig: the slot's target at load
 * @body: @orig just past its __fentry__ call, which the hook calls
 *        instead of @orig when set (see pvg_redirect())
 * @why: NULL when the slot can be hooked, else why not
 * @fops: redirects calls of @orig to @hook; its filter is set at load
 * @mode: enum pvg_mode; read locklessly by @hook
 * @attached: @fops is registered: calls of the operation run @hook
 * @users: hooks of other modules (RCU list, changed under pvg_lock)
 * @stats: per-CPU counters
 * @kobj: /sys/kernel/pvhook_guest/slots/<name>
 */
struct pvg_slot {
	const char *name;
	unsigned int op;
	void **pv_slot;
	void *hook;
	void *orig;
	void *body;
	const char *why;
	struct ftrace_ops fops;
	int mode;
	bool attached;
	struct list_head users;
	struct pvg_slot_stats __percpu *stats;
	struct kobject kobj;
};

/* main.c */
extern unsigned long pvg_host_abi;
extern unsigned long pvg_host_features;
extern struct kobject *pvg_kobj;

/* slot.c; pvg_lock serialises every change of slot state. */
extern struct mutex pvg_lock;
extern struct pvg_slot pvg_slots[];
extern const unsigned int pvg_nr_slots;
int pvg_slots_init(void);
void pvg_slots_exit(void);
void pvg_slots_free(void);
struct pvg_slot *pvg_slot_by_name(const char *name, size_t len);
struct pvg_slot *pvg_slot_by_op(unsigned int op);
int pvg_slot_set_mode(struct pvg_slot *s, int mode);
int pvg_slot_update(struct pvg_slot *s);
void pvg_slot_ran_slow(struct pvg_slot *s, int mode, unsigned long arg0,
		       unsigned long arg1);
void pvg_slot_totals(struct pvg_slot *s, struct pvg_slot_stats *sum);

/**
 * pvg_slot_callee() - what a hook calls to run the operation
 * @s: the slot
 *
 * Return: the body of the original target past its __fentry__ call, which
 * runs the operation without a second pass through ftrace, or, until
 * pvg_redirect() has learnt where that is (or where it cannot be used),
 * the original target, which ftrace lets through because the caller is
 * this module.
 */
static __always_inline void *pvg_slot_callee(struct pvg_slot *s)
{
	void *body = READ_ONCE(s->body);

	return body ? body : s->orig;
}

/**
 * pvg_slot_ran() - what a hook does after the operation ran
 * @s: the slot
 * @arg0: the operation's first argument, or 0
 * @arg1: its second argument, or 0
 *
 * Count mode without hooks of other modules, the common case, is one
 * per-CPU increment here; everything else is pvg_slot_ran_slow().
 *
 * Context: any, NMI included; the operation's own (often preemption or
 * interrupts off).
 */
static __always_inline void pvg_slot_ran(struct pvg_slot *s,
					 unsigned long arg0,
					 unsigned long arg1)
{
	int mode = READ_ONCE(s->mode);

	if (likely(mode == PVG_MODE_COUNT && list_empty(&s->users)))
		this_cpu_inc(s->stats->calls);
	else
		pvg_slot_ran_slow(s, mode, arg0, arg1);
}

/* hooks.c */
void pvg_hooks_bind(void);

/* ring.c */
extern unsigned int pvg_ring_pages;
extern unsigned int pvg_flush_ms;
int pvg_rings_init(void);
void pvg_rings_exit(void);
bool pvg_ring_put(unsigned int op, unsigned long arg0, unsigned long arg1);
void pvg_rings_flush(void);
unsigned int pvg_rings_registered(void);
unsigned long pvg_rings_flush_errors(void);

/* sysfs.c */
int pvg_sysfs_init(void);
void pvg_sysfs_exit(void);

#endif /* _PVHOOK_GUEST_INTERNAL_H */
