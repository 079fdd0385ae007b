// SPDX-License-Identifier: GPL-2.0
/*
 * One-way events: a guest posts one with PVHOOK_HC_NOTIFY and goes on; each
 * VM handle that asked for events (PVHOOK_VM_EVENTS) gets a copy in its own
 * bounded ring. A full ring drops the new event and counts it, so a guest
 * can neither block on a slow reader nor make the host hold more than the
 * rings' room.
 */
#include <linux/kvm_host.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "pvhook.h"

/* Offer @msg to @h. Return: true if it was queued. */
static bool pvhook_events_offer(struct pvhook_handle *h,
				struct pvhook_msg *msg)
{
	bool queued = false;

	spin_lock(&h->lock);
	if (!h->closed && h->events) {
		msg->seq = h->ev_seq++;
		msg->dropped = h->ev_dropped;
		if (h->ev_count == h->ev_size) {
			h->ev_dropped++;
		} else {
			h->events[(h->ev_head + h->ev_count) % h->ev_size] = *msg;
			h->ev_count++;
			queued = true;
		}
	}
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

/**
 * pvhook_events_set_queue() - start, resize or stop a handle's event ring
 * @h: the handle
 * @len: room in events; 0 stops taking events
 *
 * Events still queued are discarded.
 *
 * Return: 0; -EINVAL if @len is over PVHOOK_EVENTS_QUEUE_MAX; -ENOMEM.
 */
int pvhook_events_set_queue(struct pvhook_handle *h, u32 len)
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
	pvhook_events_set_queue(h, 0);
}
