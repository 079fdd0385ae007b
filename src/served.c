// SPDX-License-Identifier: GPL-2.0
/*
 * Numbers in the user range, answered by host processes through a VM
 * handle.
 *
 * A vCPU that calls such a number puts a request on the serving handle's
 * queue and sleeps, interruptibly, until the process answers, the
 * handler's timeout passes, the handle is closed or a signal comes. While it sleeps it holds
 * pvhook_user_srcu (which only module unload waits for) and no lock: not
 * KVM's SRCU, not a spinlock. The request lives on the vCPU's stack; it is
 * linked into the handle only while the vCPU waits, and every path that
 * completes it does so under the handle's lock.
 *
 * Registrations live in vm->served[], published with RCU under vm->lock
 * and freed after a pvhook_user_srcu grace period; each holds a reference
 * on its handle.
 */
#include <linux/jiffies.h>
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pvhook.h"

static void pvhook_served_free(struct rcu_head *rcu)
{
	struct pvhook_served *s = container_of(rcu, struct pvhook_served, rcu);

	pvhook_handle_put(s->handle);
	kfree(s);
}

/* Caller holds vm->lock. */
static void pvhook_served_unpublish(struct pvhook_vm *vm, unsigned int i)
{
	struct pvhook_served *s;

	lockdep_assert_held(&vm->lock);
	s = rcu_dereference_protected(vm->served[i], lockdep_is_held(&vm->lock));
	RCU_INIT_POINTER(vm->served[i], NULL);
	call_srcu(&pvhook_user_srcu, &s->rcu, pvhook_served_free);
}

/**
 * pvhook_served_add() - let a handle answer a user-range number
 * @h: the handle
 * @vm: its VM
 * @req: the request from user space
 *
 * Return: 0; -EINVAL for a number outside the user range, unknown flags,
 * a timeout over PVHOOK_SERVE_TIMEOUT_MAX_MS or non-zero reserved fields;
 * -EBUSY if a handle already serves the number; -ENODEV if the VM is gone;
 * -ENOMEM.
 */
int pvhook_served_add(struct pvhook_handle *h, struct pvhook_vm *vm,
		      const struct pvhook_serve *req)
{
	unsigned int i = req->nr - PVHOOK_HC_USER_FIRST;
	struct pvhook_served *s;
	int ret = 0;

	if (!pvhook_nr_is_user(req->nr) || req->flags & ~PVHOOK_SERVE_F_USER ||
	    req->timeout_ms > PVHOOK_SERVE_TIMEOUT_MAX_MS ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->nr = req->nr;
	s->flags = req->flags;
	s->timeout = msecs_to_jiffies(req->timeout_ms ?:
				      PVHOOK_SERVE_TIMEOUT_DEFAULT_MS);
	s->handle = h;

	spin_lock(&vm->lock);
	if (vm->dead) {
		ret = -ENODEV;
	} else if (rcu_access_pointer(vm->served[i])) {
		ret = -EBUSY;
	} else {
		pvhook_handle_get(h);
		rcu_assign_pointer(vm->served[i], s);
	}
	spin_unlock(&vm->lock);

	if (ret)
		kfree(s);
	return ret;
}

/**
 * pvhook_served_remove() - stop answering a number
 * @h: the handle
 * @vm: its VM
 * @nr: the number
 *
 * vCPUs already waiting for @h keep waiting; @h may still answer them.
 *
 * Return: 0; -EINVAL for a number outside the user range; -ENOENT if @h
 * does not serve @nr.
 */
int pvhook_served_remove(struct pvhook_handle *h, struct pvhook_vm *vm,
			 unsigned long nr)
{
	unsigned int i = nr - PVHOOK_HC_USER_FIRST;
	struct pvhook_served *s;
	int ret = -ENOENT;

	if (!pvhook_nr_is_user(nr))
		return -EINVAL;

	spin_lock(&vm->lock);
	s = rcu_dereference_protected(vm->served[i], lockdep_is_held(&vm->lock));
	if (s && s->handle == h) {
		pvhook_served_unpublish(vm, i);
		ret = 0;
	}
	spin_unlock(&vm->lock);
	return ret;
}

/**
 * pvhook_served_remove_all() - stop answering every number of a handle
 * @vm: the VM, whose lock the caller holds
 * @h: the handle, or NULL for every handle
 */
void pvhook_served_remove_all(struct pvhook_vm *vm, struct pvhook_handle *h)
{
	struct pvhook_served *s;
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < PVHOOK_HC_USER_COUNT; i++) {
		s = rcu_dereference_protected(vm->served[i],
					      lockdep_is_held(&vm->lock));
		if (s && (!h || s->handle == h))
			pvhook_served_unpublish(vm, i);
	}
}

/**
 * pvhook_served_call() - have a process answer a hypercall
 * @s: the registration, valid under pvhook_user_srcu which the caller holds
 * @call: the hypercall
 *
 * Context: the vCPU's thread, inside KVM's SRCU read-side section; sleeps.
 * Return: the process's answer; -PVHOOK_ETIMEDOUT when it did not come in
 * time; -PVHOOK_EINTR when a signal reached the vCPU thread first;
 * -PVHOOK_ECONNRESET when the handle was closed, or the VM's process is
 * being killed.
 */
unsigned long pvhook_served_call(struct pvhook_served *s,
				 const struct pvhook_call *call)
	__must_hold(&call->vcpu->kvm->srcu)
{
	struct pvhook_handle *h = s->handle;
	struct pvhook_request req = {
		.msg = {
			.type = PVHOOK_MSG_REQUEST,
			.vcpu = call->vcpu->vcpu_id,
			.nr = call->nr,
			.cpl = call->cpl,
			.flags = call->long_mode ? PVHOOK_MSG_F_LONG_MODE : 0,
		},
	};
	unsigned long ret;
	long left;

	memcpy(req.msg.args, call->args, sizeof(req.msg.args));

	spin_lock(&h->lock);
	if (h->closed || h->vm_gone) {
		spin_unlock(&h->lock);
		return -PVHOOK_ECONNRESET;
	}
	req.msg.seq = ++h->next_seq;
	list_add_tail(&req.node, &h->queued);
	spin_unlock(&h->lock);
	/* Sync: we are about to sleep, so the reader may take our CPU. */
	wake_up_interruptible_sync_poll(&h->readers, EPOLLIN | EPOLLRDNORM);

	/*
	 * Any signal ends the wait, as it ends KVM_RUN: the VMM gets its vCPU
	 * thread back at once (KVM returns -EINTR from KVM_RUN right after
	 * this exit) to pause, migrate or kill the VM.
	 */
	pvhook_vcpu_kvm_srcu_unlock(call->vcpu);
	left = wait_event_interruptible_timeout(h->vcpus, READ_ONCE(req.done),
						s->timeout);
	pvhook_vcpu_kvm_srcu_lock(call->vcpu);

	spin_lock(&h->lock);
	if (req.done) {
		ret = req.ret;
	} else {
		list_del(&req.node);
		if (!left)
			ret = -PVHOOK_ETIMEDOUT;
		else if (fatal_signal_pending(current))
			ret = -PVHOOK_ECONNRESET;
		else
			ret = -PVHOOK_EINTR;
	}
	spin_unlock(&h->lock);
	return ret;
}

/* Complete @req, a request of @h, with @ret. */
static void pvhook_request_complete(struct pvhook_handle *h,
				    struct pvhook_request *req,
				    unsigned long ret)
{
	lockdep_assert_held(&h->lock);
	list_del(&req->node);
	req->ret = ret;
	WRITE_ONCE(req->done, true);
}

/**
 * pvhook_served_pop() - take the oldest request not read yet
 * @h: the handle
 * @msg: set to the request's message
 *
 * The request moves to the handle's delivered list, where it waits for its
 * answer.
 *
 * Return: true if there was one.
 */
bool pvhook_served_pop(struct pvhook_handle *h, struct pvhook_msg *msg)
{
	struct pvhook_request *req;

	spin_lock(&h->lock);
	req = list_first_entry_or_null(&h->queued, struct pvhook_request, node);
	if (req) {
		*msg = req->msg;
		list_move_tail(&req->node, &h->delivered);
	}
	spin_unlock(&h->lock);
	return req;
}

/**
 * pvhook_served_unpop() - put a request back that could not be delivered
 * @h: the handle
 * @seq: its sequence number
 */
void pvhook_served_unpop(struct pvhook_handle *h, u64 seq)
{
	struct pvhook_request *req;

	spin_lock(&h->lock);
	list_for_each_entry(req, &h->delivered, node) {
		if (req->msg.seq == seq) {
			list_move(&req->node, &h->queued);
			break;
		}
	}
	spin_unlock(&h->lock);
}

/**
 * pvhook_served_answer() - answer a delivered request
 * @h: the handle
 * @reply: the answer from user space
 *
 * Return: 0; -EINVAL for non-zero flags or reserved fields; -ENOENT when no
 * vCPU waits for that sequence number (it timed out, or never existed).
 */
int pvhook_served_answer(struct pvhook_handle *h,
			 const struct pvhook_reply *reply)
{
	struct pvhook_request *req;
	int ret = -ENOENT;

	if (reply->flags || reply->reserved32 || reply->reserved)
		return -EINVAL;

	spin_lock(&h->lock);
	list_for_each_entry(req, &h->delivered, node) {
		if (req->msg.seq == reply->seq) {
			pvhook_request_complete(h, req, reply->ret);
			ret = 0;
			break;
		}
	}
	spin_unlock(&h->lock);

	/* Sync: the server normally goes back to read() and sleeps. */
	if (!ret)
		wake_up_sync(&h->vcpus);
	return ret;
}

/**
 * pvhook_served_fail_all() - release every vCPU waiting for a handle
 * @h: the handle, already marked closed
 *
 * They get -PVHOOK_ECONNRESET.
 */
void pvhook_served_fail_all(struct pvhook_handle *h)
{
	struct pvhook_request *req, *tmp;

	spin_lock(&h->lock);
	list_for_each_entry_safe(req, tmp, &h->queued, node)
		pvhook_request_complete(h, req, -PVHOOK_ECONNRESET);
	list_for_each_entry_safe(req, tmp, &h->delivered, node)
		pvhook_request_complete(h, req, -PVHOOK_ECONNRESET);
	spin_unlock(&h->lock);
	wake_up(&h->vcpus);
}
