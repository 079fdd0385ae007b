// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pvhook: what pvhook offers, the VMs it knows, their statistics and
 * paravirt-operation counts, and PVHOOK_ATTACH_VM, which turns a KVM VM
 * file descriptor into a VM handle (handle.c).
 *
 * The device is root's alone (mode 0600) unless udev says otherwise; see
 * Documentation/uapi.rst for the security model. Attaching a VM needs its
 * KVM file descriptor, that is, the rights of its VMM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pvhook.h"

static long pvhook_dev_get_info(void __user *argp)
{
	struct pvhook_info info = {
		.abi_version = PVHOOK_ABI_VERSION,
		.nr_vms = pvhook_vm_count(),
		.features = pvhook_features(),
		.hc_base = PVHOOK_HC_BASE,
		.hc_count = PVHOOK_HC_COUNT,
	};

	pvhook_registry_bitmap(info.registered);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long pvhook_dev_get_hc_info(void __user *argp)
{
	struct pvhook_hc_info hi;
	int ret;

	if (copy_from_user(&hi, argp, sizeof(hi)))
		return -EFAULT;
	if (hi.flags)
		return -EINVAL;
	ret = pvhook_registry_describe(&hi);
	if (ret)
		return ret;
	return copy_to_user(argp, &hi, sizeof(hi)) ? -EFAULT : 0;
}

static long pvhook_dev_attach(void __user *argp)
{
	struct pvhook_attach req;
	struct pvhook_vm *vm;
	struct file *file;
	struct kvm *kvm;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	file = fget(req.vm_fd);
	if (!file)
		return -EBADF;

	/* The file keeps the VM alive until fput(). */
	kvm = pvhook_kvm_from_file(file);
	if (!kvm) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * Who may take a VM over: its own process, like KVM's VM ioctls
	 * (kvm->mm == current->mm), or an administrator. A descriptor that
	 * left the VMM (a forked helper, SCM_RIGHTS) is not enough.
	 */
	if (!pvhook_kvm_is_current(kvm) && !capable(CAP_SYS_ADMIN)) {
		ret = -EPERM;
		goto out;
	}
	vm = pvhook_vm_get(kvm);
	if (!vm) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pvhook_handle_create(vm);
	if (ret < 0)
		pvhook_vm_put(vm);
out:
	fput(file);
	return ret;
}

/*
 * The tail of the list ioctls: copy the first min(@n, @room) of @n entries
 * of @size bytes to user address @uptr.
 */
static int pvhook_copy_entries(u64 uptr, const void *entries, unsigned int n,
			       unsigned int room, size_t size)
{
	unsigned int copy = min(n, room);

	if (copy && copy_to_user(u64_to_user_ptr(uptr), entries, copy * size))
		return -EFAULT;
	return 0;
}

static long pvhook_dev_list_vms(void __user *argp)
{
	struct pvhook_vm_info *infos = NULL;
	struct pvhook_vm_list req;
	unsigned int n;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.count > PVHOOK_LIST_MAX)
		return -E2BIG;

	if (req.count) {
		infos = kvcalloc(req.count, sizeof(*infos), GFP_KERNEL_ACCOUNT);
		if (!infos)
			return -ENOMEM;
	}
	n = pvhook_vm_list(infos, req.count);
	ret = pvhook_copy_entries(req.vms, infos, n, req.count, sizeof(*infos));
	kvfree(infos);
	if (ret)
		return ret;

	req.count = n;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static long pvhook_dev_get_vm_stats(void __user *argp)
{
	struct pvhook_hc_stats *stats = NULL;
	struct pvhook_vm_stats req;
	struct pvhook_vm *vm;
	unsigned int n;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.count > PVHOOK_HC_COUNT)
		return -E2BIG;

	vm = pvhook_vm_get_by_id(req.vm_id);
	if (!vm)
		return -ENOENT;
	if (req.count) {
		stats = kvcalloc(req.count, sizeof(*stats), GFP_KERNEL_ACCOUNT);
		if (!stats) {
			pvhook_vm_put(vm);
			return -ENOMEM;
		}
	}
	n = pvhook_stats_fill(vm, stats, req.count);
	pvhook_vm_put(vm);

	ret = pvhook_copy_entries(req.entries, stats, n, req.count,
				  sizeof(*stats));
	kvfree(stats);
	if (ret)
		return ret;

	req.count = n;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static long pvhook_dev_get_vm_ops(void __user *argp)
{
	struct pvhook_op_stats *ops = NULL;
	struct pvhook_vm_ops req;
	struct pvhook_vm *vm;
	unsigned int n;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.count > PVHOOK_OP_COUNT)
		return -E2BIG;

	vm = pvhook_vm_get_by_id(req.vm_id);
	if (!vm)
		return -ENOENT;
	if (req.count) {
		ops = kcalloc(req.count, sizeof(*ops), GFP_KERNEL_ACCOUNT);
		if (!ops) {
			pvhook_vm_put(vm);
			return -ENOMEM;
		}
	}
	n = pvhook_stats_ops_fill(vm, ops, req.count, &req.flushes,
				  &req.rejected);
	pvhook_vm_put(vm);

	ret = pvhook_copy_entries(req.entries, ops, n, req.count, sizeof(*ops));
	kfree(ops);
	if (ret)
		return ret;

	req.count = n;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static long pvhook_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case PVHOOK_GET_INFO:
		return pvhook_dev_get_info(argp);
	case PVHOOK_GET_HC_INFO:
		return pvhook_dev_get_hc_info(argp);
	case PVHOOK_ATTACH_VM:
		/* Reading the device shows; attaching changes. */
		if (!(file->f_mode & FMODE_WRITE))
			return -EPERM;
		return pvhook_dev_attach(argp);
	case PVHOOK_LIST_VMS:
		return pvhook_dev_list_vms(argp);
	case PVHOOK_GET_VM_STATS:
		return pvhook_dev_get_vm_stats(argp);
	case PVHOOK_GET_VM_OPS:
		return pvhook_dev_get_vm_ops(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pvhook_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = pvhook_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pvhook_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pvhook",
	.fops = &pvhook_dev_fops,
	.mode = 0600,
};

int pvhook_device_init(void)
{
	int ret = misc_register(&pvhook_miscdev);

	if (ret)
		pr_err("cannot register /dev/pvhook: %d\n", ret);
	return ret;
}

void pvhook_device_exit(void)
{
	misc_deregister(&pvhook_miscdev);
}
