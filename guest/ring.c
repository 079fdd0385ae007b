// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU record rings shared with the host (Documentation/guest.rst).
 *
 * Each online CPU owns one ring in its own pages and registers it with
 * PVHOOK_HC_RING_SETUP from that CPU, so the host ties it to that vCPU. A
 * hook in notify mode appends a record with interrupts off; the CPU rings
 * the doorbell, PVHOOK_HC_RING_FLUSH, when the ring is full, from a work
 * item every flush_ms milliseconds when records wait, and on demand. The
 * host takes the records during the doorbell and only reads the ring, so
 * once the hypercall returns the ring starts again from its first record.
 *
 * A CPU's ring is only touched on that CPU with interrupts off. The one
 * thing that can interrupt that is an NMI running a hook; @busy makes it
 * drop its record instead of corrupting the ring.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kvm_para.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/workqueue.h>

#include "pvhook_guest.h"

unsigned int pvg_ring_pages = 4;
unsigned int pvg_flush_ms = 100;

/**
 * struct pvg_ring - one CPU's record ring
 * @hdr: the ring's first page, NULL when the CPU has none
 * @rec: the records after the header
 * @cap: how many records fit
 * @order: allocation order of the pages
 * @registered: the host accepted the ring
 * @busy: the ring is being written or flushed on this CPU
 * @pending: records in the ring, by PVHOOK_OP_*
 * @work: flushes the ring on this CPU
 */
struct pvg_ring {
	struct pvhook_ring_header *hdr;
	struct pvhook_record *rec;
	u32 cap;
	unsigned int order;
	bool registered;
	bool busy;
	u32 pending[PVHOOK_OP_COUNT];
	struct work_struct work;
};

static DEFINE_PER_CPU(struct pvg_ring, pvg_rings);
static enum cpuhp_state pvg_cpuhp_state;
static atomic_t pvg_nr_registered = ATOMIC_INIT(0);
static struct delayed_work pvg_flush_dwork;
/* Doorbells the host refused; logged from the flush tick, not from hooks. */
static atomic_long_t pvg_flush_errors = ATOMIC_LONG_INIT(0);
static long pvg_flush_errors_logged;

/* Mark this CPU's ring busy; an NMI hook then leaves it alone. */
static void pvg_ring_lock(struct pvg_ring *r)
{
	WRITE_ONCE(r->busy, true);
	barrier();
}

static void pvg_ring_unlock(struct pvg_ring *r)
{
	barrier();
	WRITE_ONCE(r->busy, false);
}

/*
 * Ring the doorbell. Interrupts off, @r is this CPU's ring, busy. This may
 * run inside a hook, even one of a spinlock slow path: no printk here.
 */
static void pvg_ring_flush_locked(struct pvg_ring *r)
{
	u32 n = r->hdr->count;
	unsigned int op;
	long ret;

	if (!n)
		return;
	ret = kvm_hypercall0(PVHOOK_HC_RING_FLUSH);
	for (op = 0; op < pvg_nr_slots; op++) {
		if (!r->pending[op])
			continue;
		if (ret == n)
			this_cpu_add(pvg_slots[op].stats->records, r->pending[op]);
		else
			this_cpu_add(pvg_slots[op].stats->dropped, r->pending[op]);
		r->pending[op] = 0;
	}
	if (ret != n)
		atomic_long_inc(&pvg_flush_errors);
	WRITE_ONCE(r->hdr->count, 0);
}

/**
 * pvg_ring_put() - append a record to this CPU's ring
 * @op: PVHOOK_OP_* of the operation
 * @arg0: its first argument
 * @arg1: its second argument
 *
 * Context: any, NMI included.
 * Return: false when the record was dropped: no ring on this CPU, or the
 * ring was busy (an NMI while this CPU wrote it).
 */
bool notrace pvg_ring_put(unsigned int op, unsigned long arg0,
			  unsigned long arg1)
{
	struct pvhook_record *rec;
	unsigned long flags;
	struct pvg_ring *r;
	bool ok = false;
	u32 n;

	local_irq_save(flags);
	r = this_cpu_ptr(&pvg_rings);
	if (!r->registered || READ_ONCE(r->busy))
		goto out;
	pvg_ring_lock(r);
	n = r->hdr->count;
	rec = &r->rec[n];
	rec->slot = op;
	rec->flags = 0;
	rec->cpu = smp_processor_id();
	rec->time_ns = local_clock();
	rec->args[0] = arg0;
	rec->args[1] = arg1;
	r->pending[op]++;
	WRITE_ONCE(r->hdr->count, n + 1);
	if (n + 1 == r->cap)
		pvg_ring_flush_locked(r);
	pvg_ring_unlock(r);
	ok = true;
out:
	local_irq_restore(flags);
	return ok;
}

static void pvg_ring_flush_work(struct work_struct *work)
{
	unsigned long flags;
	struct pvg_ring *r;

	/* Runs on the ring's CPU, or on another after that CPU went down. */
	local_irq_save(flags);
	r = this_cpu_ptr(&pvg_rings);
	if (r->registered && !READ_ONCE(r->busy)) {
		pvg_ring_lock(r);
		pvg_ring_flush_locked(r);
		pvg_ring_unlock(r);
	}
	local_irq_restore(flags);
}

/* Flush every CPU whose ring holds records; @wait for them. */
static void pvg_rings_kick(bool wait)
{
	int cpu;

	if (!pvg_cpuhp_state)
		return;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct pvg_ring *r = per_cpu_ptr(&pvg_rings, cpu);

		if (r->registered && READ_ONCE(r->hdr->count))
			queue_work_on(cpu, system_wq, &r->work);
	}
	if (wait)
		for_each_online_cpu(cpu)
			flush_work(&per_cpu_ptr(&pvg_rings, cpu)->work);
	cpus_read_unlock();
}

/**
 * pvg_rings_flush() - send the records of every CPU to the host now
 */
void pvg_rings_flush(void)
{
	pvg_rings_kick(true);
}

static void pvg_flush_tick(struct work_struct *work)
{
	long errors = atomic_long_read(&pvg_flush_errors);

	if (errors != pvg_flush_errors_logged) {
		pr_warn("pvhook_guest: the host refused %ld doorbells so far; their records count as dropped\n",
			errors);
		pvg_flush_errors_logged = errors;
	}
	pvg_rings_kick(false);
	schedule_delayed_work(&pvg_flush_dwork, msecs_to_jiffies(pvg_flush_ms));
}

/**
 * pvg_rings_flush_errors() - doorbells the host refused since load
 *
 * Return: the number.
 */
unsigned long pvg_rings_flush_errors(void)
{
	return atomic_long_read(&pvg_flush_errors);
}

/**
 * pvg_rings_registered() - how many CPUs have a ring the host accepted
 *
 * Return: the number.
 */
unsigned int pvg_rings_registered(void)
{
	return atomic_read(&pvg_nr_registered);
}

/* cpuhp: runs on @cpu as it comes online, and at load for online CPUs. */
static int pvg_ring_online(unsigned int cpu)
{
	struct pvg_ring *r = per_cpu_ptr(&pvg_rings, cpu);
	size_t size = (size_t)pvg_ring_pages << PAGE_SHIFT;
	unsigned int order = get_order(size);
	struct page *page;
	long ret;

	page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO,
				order);
	if (!page)
		return -ENOMEM;
	memset(r->pending, 0, sizeof(r->pending));
	r->order = order;
	r->hdr = page_address(page);
	r->rec = (struct pvhook_record *)(r->hdr + 1);
	r->cap = (size - sizeof(*r->hdr)) / sizeof(*r->rec);

	preempt_disable();
	ret = kvm_hypercall2(PVHOOK_HC_RING_SETUP, page_to_phys(page), size);
	if (!ret) {
		WRITE_ONCE(r->registered, true);
		atomic_inc(&pvg_nr_registered);
	}
	preempt_enable();
	if (ret)
		pr_warn("pvhook_guest: CPU %u: host refused the record ring (%ld); notify mode is off there\n",
			cpu, ret);
	return 0;
}

/* cpuhp: runs on @cpu as it goes offline, and at unload. */
static int pvg_ring_offline(unsigned int cpu)
{
	struct pvg_ring *r = per_cpu_ptr(&pvg_rings, cpu);
	struct pvhook_ring_header *hdr;
	unsigned long flags;

	local_irq_save(flags);
	if (r->registered) {
		pvg_ring_lock(r);
		pvg_ring_flush_locked(r);
		kvm_hypercall2(PVHOOK_HC_RING_SETUP, 0, 0);
		WRITE_ONCE(r->registered, false);
		atomic_dec(&pvg_nr_registered);
		pvg_ring_unlock(r);
	}
	hdr = r->hdr;
	r->hdr = NULL;
	local_irq_restore(flags);

	/* The host reads the ring only during our hypercalls: it is ours. */
	if (hdr)
		free_pages((unsigned long)hdr, r->order);
	return 0;
}

/**
 * pvg_rings_init() - give every CPU a ring if the host takes records
 *
 * Return: 0, or a negative errno.
 */
int pvg_rings_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu)
		INIT_WORK(&per_cpu_ptr(&pvg_rings, cpu)->work,
			  pvg_ring_flush_work);
	INIT_DELAYED_WORK(&pvg_flush_dwork, pvg_flush_tick);
	if (!(pvg_host_features & PVHOOK_F_RING)) {
		pr_info("pvhook_guest: the host takes no records; notify mode is off\n");
		return 0;
	}
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "pvhook_guest:online",
				pvg_ring_online, pvg_ring_offline);
	if (ret < 0)
		return ret;
	pvg_cpuhp_state = ret;
	if (pvg_flush_ms)
		schedule_delayed_work(&pvg_flush_dwork,
				      msecs_to_jiffies(pvg_flush_ms));
	return 0;
}

/**
 * pvg_rings_exit() - flush, unregister and free every ring
 *
 * Context: no hook runs any more (pvg_slots_exit()).
 */
void pvg_rings_exit(void)
{
	int cpu;

	if (!pvg_cpuhp_state)
		return;
	cancel_delayed_work_sync(&pvg_flush_dwork);
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(&pvg_rings, cpu)->work);
	cpuhp_remove_state(pvg_cpuhp_state);
	pvg_cpuhp_state = 0;
}
