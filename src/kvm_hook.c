// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to KVM's hypercall path, without changing KVM.
 *
 * This is the only file that knows what KVM's hypercall emulation looks
 * like in a given kernel. Every kernel uses the same mechanism: an ftrace
 * direct call from the entry of KVM's generic hypercall function, which
 * sits after the Xen and Hyper-V branches and is shared by VMCALL (Intel)
 * and VMMCALL (AMD), to pvhook_hook_tramp (kvm_hook_tramp.S). The
 * trampoline looks only at the number: for any number outside pvhook's
 * range it returns and KVM runs exactly as before; for a pvhook number it
 * makes pvhook_hook_entry(), which has the signature of the traced
 * function, run in its place and return to KVM's caller.
 *
 *   shape  kernel  traced function                     number read from
 *   ARGS   6.12    __kvm_emulate_hypercall(vcpu, nr,   its second argument
 *                    a0..a3, op_64_bit, cpl)
 *   REGS   7.x     ____kvm_emulate_hypercall(vcpu,     vcpu->arch.regs[RAX]
 *                    cpl, complete_hypercall)
 *
 * The redirected function never calls the traced one, so there is no
 * recursion to guard against.
 *
 * KVM is found, and pinned while pvhook is loaded, through symbol_get() of
 * the GPL-exported static call key kvm_x86_get_cs_db_l_bits, which also
 * gives us the vendor's get_cs_db_l_bits() to tell 64-bit callers apart.
 *
 * pvhook learns that KVM destroys a VM from an ordinary ftrace callback on
 * kvm_arch_destroy_vm(kvm), the same in 6.12 and 7.x, which KVM calls once
 * the VM's last reference is gone and before it frees struct kvm.
 *
 * A KVM VM file is told apart by what KVM gives every one of them: an
 * anonymous inode named "kvm-vm" whose file operations belong to a module.
 * (KVM's own file_is_kvm() is not exported to other modules in 7.x.)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/static_call_types.h>

#include "pvhook.h"

/* Kbuild defines one of these from the kernel version; see there. */
#if defined(PVHOOK_KVM_HC_REGS)
#define PVHOOK_KVM_HC_FUNC	"____kvm_emulate_hypercall"
#elif defined(PVHOOK_KVM_HC_ARGS)
#define PVHOOK_KVM_HC_FUNC	"__kvm_emulate_hypercall"
#else
#error "pvhook: no PVHOOK_KVM_HC_* shape for this kernel (see Kbuild)"
#endif

/* For the load message: how pvhook is attached on this kernel. */
const char *pvhook_kvm_attach_point(void)
{
	return "ftrace direct call on " PVHOOK_KVM_HC_FUNC;
}

typedef void (*pvhook_cs_db_l_fn)(struct kvm_vcpu *vcpu, int *db, int *l);
static struct static_call_key *pvhook_cs_db_l_key;

/*
 * Whether the vCPU is in 64-bit mode, as KVM's is_64_bit_hypercall() says:
 * guests with protected state always are; others when EFER.LMA and CS.L.
 */
bool pvhook_vcpu_long_mode(struct kvm_vcpu *vcpu)
{
	pvhook_cs_db_l_fn get_cs_db_l;
	int db = 0, l = 0;

	if (vcpu->arch.guest_state_protected)
		return true;
	if (!(vcpu->arch.efer & EFER_LMA))
		return false;
	get_cs_db_l = READ_ONCE(pvhook_cs_db_l_key->func);
	if (get_cs_db_l)
		get_cs_db_l(vcpu, &db, &l);
	return l;
}

static void pvhook_call_truncate(struct pvhook_call *call)
{
	int i;

	call->nr = (u32)call->nr;
	for (i = 0; i < ARRAY_SIZE(call->args); i++)
		call->args[i] = (u32)call->args[i];
}

#if defined(PVHOOK_KVM_HC_REGS)

/* Read by the trampoline, which cannot see struct kvm_vcpu. */
const unsigned long pvhook_vcpu_rax_offset =
	offsetof(struct kvm_vcpu, arch.regs[VCPU_REGS_RAX]);

static unsigned long pvhook_hook_raw_nr(struct kvm_vcpu *vcpu,
					unsigned long nr_arg)
{
	return vcpu->arch.regs[VCPU_REGS_RAX];
}

/*
 * In place of ____kvm_emulate_hypercall(): KVM's __kvm_emulate_hypercall()
 * macro calls @complete (which writes RAX, truncated for 32-bit callers,
 * and skips the instruction) when this returns 1.
 */
int pvhook_hook_entry(struct kvm_vcpu *vcpu, int cpl,
		      int (*complete)(struct kvm_vcpu *));
int pvhook_hook_entry(struct kvm_vcpu *vcpu, int cpl,
		      int (*complete)(struct kvm_vcpu *))
{
	struct pvhook_call call = {
		.vcpu = vcpu,
		.cpl = cpl,
		.long_mode = pvhook_vcpu_long_mode(vcpu),
		.nr = vcpu->arch.regs[VCPU_REGS_RAX],
		.args = {
			vcpu->arch.regs[VCPU_REGS_RBX],
			vcpu->arch.regs[VCPU_REGS_RCX],
			vcpu->arch.regs[VCPU_REGS_RDX],
			vcpu->arch.regs[VCPU_REGS_RSI],
		},
	};

	++vcpu->stat.hypercalls;
	if (!call.long_mode)
		pvhook_call_truncate(&call);
	vcpu->run->hypercall.ret = pvhook_dispatch(&call);
	return 1;
}

#else /* PVHOOK_KVM_HC_ARGS */

static unsigned long pvhook_hook_raw_nr(struct kvm_vcpu *vcpu,
					unsigned long nr_arg)
{
	return nr_arg;
}

/*
 * In place of __kvm_emulate_hypercall(): kvm_emulate_hypercall() writes the
 * result to RAX (truncated for 32-bit callers) and skips the instruction.
 */
unsigned long pvhook_hook_entry(struct kvm_vcpu *vcpu, unsigned long nr,
				unsigned long a0, unsigned long a1,
				unsigned long a2, unsigned long a3,
				int op_64_bit, int cpl);
unsigned long pvhook_hook_entry(struct kvm_vcpu *vcpu, unsigned long nr,
				unsigned long a0, unsigned long a1,
				unsigned long a2, unsigned long a3,
				int op_64_bit, int cpl)
{
	struct pvhook_call call = {
		.vcpu = vcpu,
		.nr = nr,
		.args = { a0, a1, a2, a3 },
		.cpl = cpl,
		.long_mode = op_64_bit,
	};
	unsigned long ret;

	if (!op_64_bit)
		pvhook_call_truncate(&call);
	ret = pvhook_dispatch(&call);
	++vcpu->stat.hypercalls;
	return ret;
}

#endif

/*
 * Called by the trampoline when the low 32 bits of the number are in
 * pvhook's range and bits 63..32 are not all zero. @nr_arg is the traced
 * function's second argument. Such a number is pvhook's only if the caller
 * is not in 64-bit mode (its number is truncated); otherwise it is KVM's.
 */
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg)
{
	unsigned long nr = pvhook_hook_raw_nr(vcpu, nr_arg);

	return !(nr >> 32) || !pvhook_vcpu_long_mode(vcpu);
}

/**
 * pvhook_kvm_from_file() - the VM behind a KVM VM file
 * @file: any file
 *
 * Return: the VM, alive as long as the caller holds @file; NULL when
 * @file is not a KVM VM file.
 */
struct kvm *pvhook_kvm_from_file(struct file *file)
{
	if (file_inode(file)->i_sb->s_magic != ANON_INODE_FS_MAGIC ||
	    strcmp(file_dentry(file)->d_name.name, "kvm-vm") ||
	    !file->f_op->owner)
		return NULL;
	return file->private_data;
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
	pvhook_vm_destroyed((struct kvm *)ftrace_regs_get_argument(fregs, 0));
}

static struct ftrace_ops pvhook_destroy_ops = {
	.func = pvhook_kvm_destroy_vm,
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
	if (ret) {
		pr_err("cannot trace %s: ftrace error %d\n", func, ret);
		ftrace_free_filter(&pvhook_destroy_ops);
	}
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
	static unsigned char func[] = PVHOOK_KVM_HC_FUNC;
	int ret;

	pvhook_cs_db_l_key = symbol_get(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
	if (!pvhook_cs_db_l_key) {
		pr_err("KVM is not loaded: load kvm and kvm_amd or kvm_intel first\n");
		return -ENODEV;
	}

	/* First, so that pvhook hears of the end of every VM it learns of. */
	ret = pvhook_destroy_hook_attach();
	if (ret)
		goto put_kvm;

	ret = ftrace_set_filter(&pvhook_ftrace_ops, func, strlen(func), 0);
	if (ret) {
		pr_err("attach point %s not found in this kernel's KVM (%d)\n",
		       PVHOOK_KVM_HC_FUNC, ret);
		goto detach_destroy;
	}

	ret = register_ftrace_direct(&pvhook_ftrace_ops,
				     (unsigned long)pvhook_hook_tramp);
	if (ret) {
		pr_err("cannot attach to %s: ftrace error %d\n",
		       PVHOOK_KVM_HC_FUNC, ret);
		goto free_filter;
	}
	return 0;

free_filter:
	ftrace_free_filter(&pvhook_ftrace_ops);
detach_destroy:
	pvhook_destroy_hook_detach();
put_kvm:
	symbol_put(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
	return ret;
}

void pvhook_kvm_detach(void)
{
	unregister_ftrace_direct(&pvhook_ftrace_ops,
				 (unsigned long)pvhook_hook_tramp, true);

	/*
	 * A vCPU that entered the trampoline just before the unregistration
	 * may still be in it, or on its way into pvhook_hook_entry() before
	 * pvhook_dispatch() takes the SRCU read lock, or on its way out after
	 * dropping it. None of these stretches sleeps voluntarily, so an
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

	symbol_put(STATIC_CALL_KEY(kvm_x86_get_cs_db_l_bits));
}
