// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to KVM's hypercall path, without changing KVM.
 *
 * This file and the one of the shape that Kbuild builds beside it
 * (kvm_hook_full.c, kvm_hook_args.c or kvm_hook_regs.c, and
 * kvm_hook_args_regs.c for what ARGS and REGS share; kvm_hook.h is the
 * interface between them) are the only ones that know what KVM's
 * hypercall emulation looks like in a given kernel. Every kernel uses the
 * same mechanism: an ftrace direct call from the entry of a KVM function on
 * the path that VMCALL (Intel) and VMMCALL (AMD) share, to
 * pvhook_hook_tramp (kvm_hook_tramp.S). The trampoline looks only at the
 * number: for any number outside pvhook's range it returns and KVM runs
 * exactly as before; for a pvhook number it may make pvhook_hook_entry(),
 * which has the signature of the traced function, run in its place and
 * return to KVM's caller.
 *
 *   shape  kernel  traced function                     number read from
 *   FULL   6.1     kvm_emulate_hypercall(vcpu)         vcpu->arch.regs[RAX]
 *   ARGS   6.12    __kvm_emulate_hypercall(vcpu, nr,   its second argument
 *                    a0..a3, op_64_bit, cpl)
 *   REGS   7.x     ____kvm_emulate_hypercall(vcpu,     vcpu->arch.regs[RAX]
 *                    cpl, complete_hypercall)
 *
 * ARGS and REGS trace KVM's generic function, which sits after the Xen and
 * Hyper-V branches; for those, pvhook_hook_entry() only computes the result.
 * FULL: 6.1 has no such function, and pvhook_hook_entry() stands in for
 * the whole instruction; see kvm_hook_full.c.
 *
 * The redirected function never calls the traced one, so there is no
 * recursion to guard against.
 *
 * KVM is found, and pinned while pvhook is loaded, through symbol_get() of
 * the GPL-exported static call key kvm_x86_get_cs_db_l_bits, which also
 * gives us the vendor's get_cs_db_l_bits() to tell 64-bit callers apart.
 *
 * pvhook learns that KVM destroys a VM from an ordinary ftrace callback on
 * kvm_arch_destroy_vm(kvm), the same in 6.1, 6.12 and 7.x, which KVM calls
 * once the VM's last reference is gone and before it frees struct kvm.
 *
 * A KVM VM file is told apart by what KVM gives every one of them: an
 * anonymous inode named "kvm-vm" whose file operations belong to a module.
 * (KVM's own file_is_kvm() is not exported to other modules in 7.x.) 6.1
 * sets no owner on the VM file's operations; there pvhook uses
 * file_is_kvm(), which 6.1 exports. Each shape's pvhook_kvm_is_vm_file()
 * makes its kernel's test.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/static_call_types.h>
#include <linux/string.h>

#include "kvm_hook.h"

/* For the load message: the KVM function pvhook is attached to. */
const char *pvhook_kvm_attach_point(void)
{
	return (const char *)pvhook_kvm_hc_func;
}

struct static_call_key *pvhook_cs_db_l_key;

/**
 * pvhook_kvm_from_file() - the VM behind a KVM VM file
 * @file: any file
 *
 * Return: the VM, alive as long as the caller holds @file; NULL when
 * @file is not a KVM VM file.
 */
struct kvm *pvhook_kvm_from_file(struct file *file)
{
	if (!pvhook_kvm_is_vm_file(file))
		return NULL;
	return file->private_data;
}

/**
 * pvhook_kvm_is_current() - whether the calling process owns a VM
 * @kvm: the VM
 *
 * Return: true when the caller runs in the address space that created
 * @kvm, which KVM requires of its own VM and vCPU ioctls.
 */
bool pvhook_kvm_is_current(struct kvm *kvm)
{
	return kvm->mm == current->mm;
}

/*
 * A vCPU that sleeps in pvhook (waiting for a process to answer) leaves
 * KVM's SRCU read-side section for the time, as KVM does when a vCPU
 * blocks, so that memslot updates do not wait for it.
 */
void pvhook_vcpu_kvm_srcu_unlock(struct kvm_vcpu *vcpu)
	__releases(&vcpu->kvm->srcu)
{
	kvm_vcpu_srcu_read_unlock(vcpu);
}

void pvhook_vcpu_kvm_srcu_lock(struct kvm_vcpu *vcpu)
	__acquires(&vcpu->kvm->srcu)
{
	kvm_vcpu_srcu_read_lock(vcpu);
}

static void pvhook_kvm_destroy_vm(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
	pvhook_vm_destroyed((struct kvm *)pvhook_fregs_arg0(fregs));
}

/*
 * Permanent: while it is registered, ftrace refuses kernel.ftrace_enabled=0
 * (which would silence this callback and the direct call, and leave
 * destroyed VMs in pvhook's table), and registering it fails with -EBUSY
 * while ftrace_enabled is 0. It is registered before the direct call and
 * unregistered after it, so that ftrace stays on for the direct call too.
 */
static struct ftrace_ops pvhook_destroy_ops = {
	.func = pvhook_kvm_destroy_vm,
	.flags = FTRACE_OPS_FL_PERMANENT,
};

static int pvhook_destroy_hook_attach(void)
{
	static unsigned char func[] = "kvm_arch_destroy_vm";
	int ret;

	ret = ftrace_set_filter(&pvhook_destroy_ops, func, strlen(func), 0);
	if (ret) {
		pr_err("%s not found in this kernel's KVM (%d)\n", func, ret);
		return ret;
	}
	ret = register_ftrace_function(&pvhook_destroy_ops);
	if (ret == -EBUSY)
		pr_err("cannot trace %s: ftrace is off (kernel.ftrace_enabled = 0)\n",
		       func);
	else if (ret)
		pr_err("cannot trace %s: ftrace error %d\n", func, ret);
	if (ret)
		ftrace_free_filter(&pvhook_destroy_ops);
	return ret;
}

static void pvhook_destroy_hook_detach(void)
{
	unregister_ftrace_function(&pvhook_destroy_ops);
	ftrace_free_filter(&pvhook_destroy_ops);
}

static struct ftrace_ops pvhook_ftrace_ops;

int pvhook_kvm_attach(void)
{
	unsigned char *func = pvhook_kvm_hc_func;
	int ret;

	pvhook_cs_db_l_key = symbol_get(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
	if (!pvhook_cs_db_l_key) {
		pr_err("KVM is not loaded: load kvm and kvm_amd or kvm_intel first\n");
		return -ENODEV;
	}

	ret = pvhook_kvm_helpers_get();
	if (ret)
		goto put_kvm;

	/* First, so that pvhook hears of the end of every VM it learns of. */
	ret = pvhook_destroy_hook_attach();
	if (ret)
		goto put_helpers;

	ret = ftrace_set_filter(&pvhook_ftrace_ops, func, strlen(func), 0);
	if (ret) {
		pr_err("attach point %s not found in this kernel's KVM (%d)\n",
		       func, ret);
		goto detach_destroy;
	}

	ret = pvhook_register_direct(&pvhook_ftrace_ops,
				     (unsigned long)pvhook_hook_tramp);
	if (ret) {
		pr_err("cannot attach to %s: ftrace error %d\n", func, ret);
		goto free_filter;
	}
	return 0;

free_filter:
	ftrace_free_filter(&pvhook_ftrace_ops);
detach_destroy:
	pvhook_destroy_hook_detach();
put_helpers:
	pvhook_kvm_helpers_put();
put_kvm:
	symbol_put(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
	return ret;
}

void pvhook_kvm_detach(void)
{
	pvhook_unregister_direct(&pvhook_ftrace_ops,
				 (unsigned long)pvhook_hook_tramp);

	/*
	 * A vCPU that entered the trampoline just before the unregistration
	 * may still be in it, or on its way into pvhook_hook_entry() before
	 * pvhook_dispatch() takes the SRCU read lock, or on its way out after
	 * dropping it (FULL: before and after its own pvhook_user_srcu
	 * section, which also holds the skip of the instruction). None of
	 * these stretches sleeps voluntarily, so an
	 * RCU-tasks grace period on each side of the SRCU ones covers them;
	 * the SRCU grace periods cover handlers that sleep, and vCPUs that
	 * wait for a process's answer (none can be left: every handle is
	 * closed before pvhook can be unloaded, and closing releases them).
	 */
	synchronize_rcu_tasks();
	synchronize_srcu(&pvhook_srcu);
	synchronize_srcu(&pvhook_user_srcu);
	synchronize_rcu_tasks();

	/* From here on, pvhook_vms_exit() forgets the VMs still alive. */
	pvhook_destroy_hook_detach();

	pvhook_kvm_helpers_put();
	symbol_put(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
}
