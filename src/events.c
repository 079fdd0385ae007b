// SPDX-License-Identifier: GPL-2.0
/*
 * One-way events: a guest posts one with PVHOOK_HC_NOTIFY and goes on; each
 * VM handle that asked for events (PVHOOK_VM_EVENTS) gets a copy in its own
 * bounded ring. A full ring drops the new event and counts it, so a guest
 * can neither block on a slow reader nor make the host hold more than the
 * rings' room.
 *
 * Guest paravirt-operation records (records.c) share the ring, its
 * sequence numbers and its drop count, on handles that asked for them
 * with PVHOOK_EVENTS_F_RECORDS. A doorbell may carry two thousand records:
 * they are queued in batches, one lock and one wake-up per batch and
 * handle.
 */
#include <linux/kvm_host.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "pvhook.h"

/*
 * Queue @msg on @h, which takes events, or count it dropped. Caller holds
 * h->lock. Return: true if it was queued.
 */
static bool pvhook_events_queue(struct pvhook_handle *h,
				struct pvhook_msg *msg)
{
	lockdep_assert_held(&h->lock);
	msg->seq = h->ev_seq++;
	msg->dropped = h->ev_dropped;
	if (h->ev_count == h->ev_size) {
		h->ev_dropped++;
		return false;
	}
	h->events[(h->ev_head + h->ev_count) % h->ev_size] = *msg;
	h->ev_count++;
	return true;
}

/* Offer @msg to @h. Return: true if it was queued. */
static bool pvhook_events_offer(struct pvhook_handle *h,
				struct pvhook_msg *msg)
{
	bool queued = false;

	spin_lock(&h->lock);
	if (!h->closed && h->events)
		queued = pvhook_events_queue(h, msg);
	spin_unlock(&h->lock);
	return queued;
}

/**
 * pvhook_events_post() - post a guest's event to the VM's handles
 * @vm: the VM
 * @call: the PVHOOK_HC_NOTIFY call: code in args[0], data in args[1..3]
 *
 * Context: the vCPU's thread; does not sleep.
 * Return: how many handles queued the event.
 */
unsigned long pvhook_events_post(struct pvhook_vm *vm,
				 const struct pvhook_call *call)
{
	struct pvhook_msg msg = {
		.type = PVHOOK_MSG_EVENT,
		.vcpu = call->vcpu->vcpu_id,
		.nr = call->args[0],
		.args = { call->args[1], call->args[2], call->args[3] },
		.cpl = call->cpl,
		.flags = call->long_mode ? PVHOOK_MSG_F_LONG_MODE : 0,
	};
	struct pvhook_handle *h;
	unsigned long queued = 0;

	atomic64_inc(&vm->events);
	rcu_read_lock();
	list_for_each_entry_rcu(h, &vm->handles, vm_node) {
		if (pvhook_events_offer(h, &msg)) {
			queued++;
			wake_up_interruptible_poll(&h->readers,
						   EPOLLIN | EPOLLRDNORM);
		}
	}
	rcu_read_unlock();
	return queued;
}

/* Queue records @recs[0..@n) on @h; caller holds h->lock. */
static unsigned int pvhook_records_queue(struct pvhook_handle *h,
					 struct pvhook_msg *msg,
					 const struct pvhook_record *recs,
					 unsigned int n)
{
	unsigned int i, queued = 0;

	lockdep_assert_held(&h->lock);
	for (i = 0; i < n; i++) {
		msg->nr = recs[i].slot;
		msg->args[0] = recs[i].args[0];
		msg->args[1] = recs[i].args[1];
		msg->args[2] = recs[i].time_ns;
		msg->args[3] = recs[i].cpu;
		queued += pvhook_events_queue(h, msg);
	}
	return queued;
}

/**
 * pvhook_events_post_records() - post paravirt-operation records to the
 *                                VM's handles that take records
 * @vm: the VM
 * @call: the hypercall that delivered them (vCPU, CPL, mode)
 * @recs: the records, already checked
 * @n: how many
 * @flags: PVHOOK_MSG_F_SYNC for PVHOOK_HC_OP, else 0
 *
 * Each handle's lock is taken once for all @n records.
 *
 * Context: the vCPU's thread; does not sleep.
 */
void pvhook_events_post_records(struct pvhook_vm *vm,
				const struct pvhook_call *call,
				const struct pvhook_record *recs,
				unsigned int n, u32 flags)
{
	struct pvhook_msg msg = {
		.type = PVHOOK_MSG_RECORD,
		.vcpu = call->vcpu->vcpu_id,
		.cpl = call->cpl,
		.flags = flags | (call->long_mode ? PVHOOK_MSG_F_LONG_MODE : 0),
	};
	struct pvhook_handle *h;
	unsigned int queued;

	if (list_empty(&vm->handles))
		return;
	rcu_read_lock();
	list_for_each_entry_rcu(h, &vm->handles, vm_node) {
		if (!READ_ONCE(h->ev_records))
			continue;
		queued = 0;
		spin_lock(&h->lock);
		if (!h->closed && h->events && h->ev_records)
			queued = pvhook_records_queue(h, &msg, recs, n);
		spin_unlock(&h->lock);
		if (queued)
			wake_up_interruptible_poll(&h->readers,
						   EPOLLIN | EPOLLRDNORM);
	}
	rcu_read_unlock();
}

/**
 * pvhook_events_set_queue() - start, resize or stop a handle's event ring
 * @h: the handle
 * @len: room in events; 0 stops taking events
 * @flags: PVHOOK_EVENTS_F_* (checked by the caller); ignored when @len is 0
 *
 * Events and records still queued are discarded.
 *
 * Return: 0; -EINVAL if @len is over PVHOOK_EVENTS_QUEUE_MAX; -ENOMEM.
 */
int pvhook_events_set_queue(struct pvhook_handle *h, u32 len, u32 flags)
{
	struct pvhook_msg *ring = NULL, *old;

	if (len > PVHOOK_EVENTS_QUEUE_MAX)
		return -EINVAL;
	if (len) {
		ring = kvcalloc(len, sizeof(*ring), GFP_KERNEL_ACCOUNT);
		if (!ring)
			return -ENOMEM;
	}

	spin_lock(&h->lock);
	old = h->events;
	h->events = ring;
	h->ev_size = len;
	h->ev_head = 0;
	h->ev_count = 0;
	WRITE_ONCE(h->ev_records, len && (flags & PVHOOK_EVENTS_F_RECORDS));
	spin_unlock(&h->lock);

	kvfree(old);
	return 0;
}

/**
 * pvhook_events_pop() - take the oldest queued event
 * @h: the handle
 * @msg: set to the event
 *
 * Return: true if there was one.
 */
bool pvhook_events_pop(struct pvhook_handle *h, struct pvhook_msg *msg)
{
	bool found = false;

	spin_lock(&h->lock);
	if (h->ev_count) {
		*msg = h->events[h->ev_head];
		h->ev_head = (h->ev_head + 1) % h->ev_size;
		h->ev_count--;
		found = true;
	}
	spin_unlock(&h->lock);
	return found;
}

/* Free a closed handle's ring: no event is offered to it any more. */
void pvhook_events_free(struct pvhook_handle *h)
{
	pvhook_events_set_queue(h, 0, 0);
}
