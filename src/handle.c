// SPDX-License-Identifier: GPL-2.0
/*
 * VM handles: the file PVHOOK_ATTACH_VM returns. Through it a process sets
 * the VM's policy, answers user-range hypercalls (read() requests, write()
 * answers) and receives the VM's events and, if it asks, its paravirt
 * operation records.
 *
 * A handle does not keep the VM alive. When KVM destroys the VM, the
 * ioctls and write() return -ENODEV, read() does so once nothing is left
 * to read, and poll() reports EPOLLHUP. Closing the handle releases every vCPU waiting for it.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pvhook.h"

void pvhook_handle_get(struct pvhook_handle *h)
{
	kref_get(&h->ref);
}

static void pvhook_handle_release_ref(struct kref *ref)
{
	struct pvhook_handle *h = container_of(ref, struct pvhook_handle, ref);

	pvhook_vm_put(h->vm);
	kfree_rcu(h, rcu);
}

/* May be called from an SRCU callback (softirq). */
void pvhook_handle_put(struct pvhook_handle *h)
{
	kref_put(&h->ref, pvhook_handle_release_ref);
}

/*
 * KVM destroyed the handle's VM. Caller holds the VM's lock; called from
 * KVM's VM destruction, so it must not sleep.
 */
void pvhook_handle_vm_gone(struct pvhook_handle *h)
{
	lockdep_assert_held(&h->vm->lock);
	spin_lock(&h->lock);
	h->vm_gone = true;
	spin_unlock(&h->lock);
	wake_up_interruptible_poll(&h->readers, EPOLLHUP);
}

static bool pvhook_handle_readable(struct pvhook_handle *h)
{
	bool ret;

	spin_lock(&h->lock);
	ret = !list_empty(&h->queued) || h->ev_count;
	spin_unlock(&h->lock);
	return ret;
}

/* Requests first: a vCPU waits for each of them. */
static bool pvhook_handle_pop(struct pvhook_handle *h, struct pvhook_msg *msg)
{
	return pvhook_served_pop(h, msg) || pvhook_events_pop(h, msg);
}

static ssize_t pvhook_handle_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct pvhook_handle *h = file->private_data;
	struct pvhook_msg msg;
	size_t done = 0;
	int ret;

	if (count < sizeof(msg))
		return -EINVAL;

	while (done + sizeof(msg) <= count) {
		if (!pvhook_handle_pop(h, &msg)) {
			if (done)
				break;
			if (READ_ONCE(h->vm_gone))
				return -ENODEV;
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			ret = wait_event_interruptible(h->readers,
						       pvhook_handle_readable(h) ||
						       READ_ONCE(h->vm_gone));
			if (ret)
				return ret;
			continue;
		}
		if (copy_to_user(buf + done, &msg, sizeof(msg))) {
			/* A request goes back; an event is lost. */
			if (msg.type == PVHOOK_MSG_REQUEST)
				pvhook_served_unpop(h, msg.seq);
			return done ? done : -EFAULT;
		}
		done += sizeof(msg);
	}
	return done;
}

static ssize_t pvhook_handle_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct pvhook_handle *h = file->private_data;
	struct pvhook_reply reply;
	size_t done = 0;
	int ret;

	if (!count || count % sizeof(reply))
		return -EINVAL;
	if (READ_ONCE(h->vm_gone))
		return -ENODEV;

	for (; done < count; done += sizeof(reply)) {
		if (copy_from_user(&reply, buf + done, sizeof(reply)))
			return done ? done : -EFAULT;
		ret = pvhook_served_answer(h, &reply);
		if (ret)
			return done ? done : ret;
	}
	return done;
}

static __poll_t pvhook_handle_poll(struct file *file, poll_table *wait)
{
	struct pvhook_handle *h = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &h->readers, wait);
	if (pvhook_handle_readable(h))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(h->vm_gone))
		mask |= EPOLLHUP;
	return mask;
}

static long pvhook_handle_get_info(struct pvhook_handle *h, void __user *argp)
{
	struct pvhook_vm_info info;
	int ret;

	ret = pvhook_vm_info(h->vm, &info);
	if (ret)
		return ret;
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long pvhook_handle_get_policy(struct pvhook_handle *h,
				     void __user *argp)
{
	struct pvhook_policy policy;

	pvhook_vm_get_policy(h->vm, &policy);
	return copy_to_user(argp, &policy, sizeof(policy)) ? -EFAULT : 0;
}

static long pvhook_handle_set_policy(struct pvhook_handle *h,
				     void __user *argp)
{
	struct pvhook_policy policy;

	if (copy_from_user(&policy, argp, sizeof(policy)))
		return -EFAULT;
	return pvhook_vm_set_policy(h->vm, &policy);
}

static long pvhook_handle_serve(struct pvhook_handle *h, void __user *argp,
				bool serve)
{
	struct pvhook_serve req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (serve)
		return pvhook_served_add(h, h->vm, &req);
	if (req.flags || req.timeout_ms ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	return pvhook_served_remove(h, h->vm, req.nr);
}

static long pvhook_handle_events(struct pvhook_handle *h, void __user *argp)
{
	struct pvhook_events req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~PVHOOK_EVENTS_F_RECORDS ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	return pvhook_events_set_queue(h, req.queue_len, req.flags);
}

static long pvhook_handle_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct pvhook_handle *h = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case PVHOOK_VM_GET_INFO:
	case PVHOOK_VM_GET_POLICY:
	case PVHOOK_VM_SET_POLICY:
	case PVHOOK_VM_SERVE:
	case PVHOOK_VM_UNSERVE:
	case PVHOOK_VM_EVENTS:
		break;
	default:
		return -ENOTTY;
	}
	if (READ_ONCE(h->vm_gone))
		return -ENODEV;

	switch (cmd) {
	case PVHOOK_VM_GET_INFO:
		return pvhook_handle_get_info(h, argp);
	case PVHOOK_VM_GET_POLICY:
		return pvhook_handle_get_policy(h, argp);
	case PVHOOK_VM_SET_POLICY:
		return pvhook_handle_set_policy(h, argp);
	case PVHOOK_VM_SERVE:
		return pvhook_handle_serve(h, argp, true);
	case PVHOOK_VM_UNSERVE:
		return pvhook_handle_serve(h, argp, false);
	default:
		return pvhook_handle_events(h, argp);
	}
}

static int pvhook_handle_release(struct inode *inode, struct file *file)
{
	struct pvhook_handle *h = file->private_data;
	struct pvhook_vm *vm = h->vm;

	/* No new request: the handle's numbers are gone from the VM. */
	pvhook_vm_unlink_handle(vm, h);

	/* A vCPU that found them just before takes ECONNRESET. */
	spin_lock(&h->lock);
	h->closed = true;
	spin_unlock(&h->lock);
	pvhook_served_fail_all(h);
	pvhook_events_free(h);

	pvhook_handle_put(h);
	return 0;
}

static const struct file_operations pvhook_handle_fops = {
	.owner = THIS_MODULE,
	.read = pvhook_handle_read,
	.write = pvhook_handle_write,
	.poll = pvhook_handle_poll,
	.unlocked_ioctl = pvhook_handle_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = pvhook_handle_release,
	.llseek = noop_llseek,
};

/**
 * pvhook_handle_create() - a new handle on a VM
 * @vm: the VM; on success the handle owns the caller's reference
 *
 * Return: the handle's file descriptor (close-on-exec), or a negative
 * error: -ENODEV if KVM destroyed the VM meanwhile, -ENOSPC if the VM has
 * PVHOOK_VM_HANDLES_MAX handles, -ENOMEM, -EMFILE.
 */
int pvhook_handle_create(struct pvhook_vm *vm)
{
	struct pvhook_handle *h;
	int fd, ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h)
		return -ENOMEM;
	kref_init(&h->ref);
	h->vm = vm;
	spin_lock_init(&h->lock);
	init_waitqueue_head(&h->readers);
	init_waitqueue_head(&h->vcpus);
	INIT_LIST_HEAD(&h->queued);
	INIT_LIST_HEAD(&h->delivered);

	ret = pvhook_vm_link_handle(vm, h);
	if (ret) {
		kfree(h);
		return ret;
	}

	fd = anon_inode_getfd("pvhook-vm", &pvhook_handle_fops, h,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		pvhook_vm_unlink_handle(vm, h);
		kfree_rcu(h, rcu);
	}
	return fd;
}
