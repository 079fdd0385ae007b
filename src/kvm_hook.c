// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching to KVM's hypercall path, without changing KVM.
 *
 * This is the only file that knows what KVM's hypercall emulation looks
 * like in a given kernel. Every kernel uses the same mechanism: an ftrace
 * direct call from the entry of a KVM function on the path that VMCALL
 * (Intel) and VMMCALL (AMD) share, to pvhook_hook_tramp (kvm_hook_tramp.S).
 * The trampoline looks only at the number: for any number outside pvhook's
 * range it returns and KVM runs exactly as before; for a pvhook number it
 * may make pvhook_hook_entry(), which has the signature of the traced
 * function, run in its place and return to KVM's caller.
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
 *
 * FULL: 6.1 has no such function. kvm_emulate_hypercall() makes the Xen
 * and Hyper-V checks, reads the registers, truncates them for callers not
 * in 64-bit mode, refuses CPL > 0 with -KVM_EPERM, runs its switch, writes
 * RAX, counts the call and skips the instruction. For a pvhook number the
 * trampoline first asks pvhook_hook_redirect(), which leaves the call to
 * KVM, untouched, when KVM would hand it to Xen or Hyper-V emulation. Else
 * pvhook_hook_entry() does what kvm_emulate_hypercall() does for a number
 * its switch does not know, with pvhook's result for -KVM_ENOSYS: the same
 * registers, truncation, CPL and 64-bit tests, RAX write and statistics,
 * and KVM's exported kvm_skip_emulated_instruction(). The CPL comes from
 * the vendor's get_cpl(), as in KVM; 6.1 does not export the static call
 * key that holds it, so pvhook finds it next to the exported
 * kvm_x86_get_cs_db_l_bits key and has kallsyms confirm its name (see
 * pvhook_find_cpl_key()). 6.1's ftrace calls the ops-based direct-call API
 * *_multi.
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
 * file_is_kvm(), which 6.1 exports.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/static_call_types.h>
#include <linux/string.h>

#include "pvhook.h"

/* Kbuild defines one of these from the kernel version; see there. */
#if defined(PVHOOK_KVM_HC_REGS)
#define PVHOOK_KVM_HC_FUNC	"____kvm_emulate_hypercall"
#elif defined(PVHOOK_KVM_HC_ARGS)
#define PVHOOK_KVM_HC_FUNC	"__kvm_emulate_hypercall"
#elif defined(PVHOOK_KVM_HC_FULL)
#define PVHOOK_KVM_HC_FUNC	"kvm_emulate_hypercall"
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

/*
 * KVM hands a nested guest's VMCALL/VMMCALL that its L1 hypervisor does
 * not intercept to its own hypercall code, with L2's registers, CPL and
 * addresses. pvhook answers only the VM itself: to a nested guest, a host
 * without pvhook. Checked here, where KVM's internals are known, and
 * inline, as every pvhook hypercall passes here.
 */
static __always_inline unsigned long
pvhook_hook_dispatch(const struct pvhook_call *call)
{
	/* KVM's is_guest_mode(), from arch/x86/kvm/kvm_cache_regs.h */
	if (unlikely(call->vcpu->arch.hflags & HF_GUEST_MASK))
		return pvhook_absent(call);
	return pvhook_dispatch(call);
}

static void pvhook_call_truncate(struct pvhook_call *call)
{
	int i;

	call->nr = (u32)call->nr;
	for (i = 0; i < ARRAY_SIZE(call->args); i++)
		call->args[i] = (u32)call->args[i];
}

#if defined(PVHOOK_KVM_HC_REGS) || defined(PVHOOK_KVM_HC_FULL)

/*
 * Read by the trampoline, which cannot see struct kvm_vcpu. KVM keeps the
 * general registers RAX to RSI in vcpu->arch.regs after every VM exit (only
 * RSP, RIP and control state are loaded lazily), so they can be read there
 * without KVM's kvm_register_read_raw().
 */
extern const unsigned long pvhook_vcpu_rax_offset;
const unsigned long pvhook_vcpu_rax_offset =
	offsetof(struct kvm_vcpu, arch.regs[VCPU_REGS_RAX]);

static unsigned long pvhook_hook_raw_nr(struct kvm_vcpu *vcpu,
					unsigned long nr_arg)
{
	return vcpu->arch.regs[VCPU_REGS_RAX];
}

/*
 * The call as the guest made it, from the same registers KVM reads: the
 * number in RAX, the arguments in RBX, RCX, RDX and RSI, truncated to 32
 * bits outside 64-bit mode. The caller fills in the CPL.
 */
static void pvhook_call_read_regs(struct pvhook_call *call,
				  struct kvm_vcpu *vcpu)
{
	call->vcpu = vcpu;
	call->long_mode = pvhook_vcpu_long_mode(vcpu);
	call->nr = vcpu->arch.regs[VCPU_REGS_RAX];
	call->args[0] = vcpu->arch.regs[VCPU_REGS_RBX];
	call->args[1] = vcpu->arch.regs[VCPU_REGS_RCX];
	call->args[2] = vcpu->arch.regs[VCPU_REGS_RDX];
	call->args[3] = vcpu->arch.regs[VCPU_REGS_RSI];
	if (!call->long_mode)
		pvhook_call_truncate(call);
}

#endif

#if defined(PVHOOK_KVM_HC_REGS)

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
	struct pvhook_call call = { .cpl = cpl };

	pvhook_call_read_regs(&call, vcpu);
	++vcpu->stat.hypercalls;
	vcpu->run->hypercall.ret = pvhook_hook_dispatch(&call);
	return 1;
}

#elif defined(PVHOOK_KVM_HC_ARGS)

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
	ret = pvhook_hook_dispatch(&call);
	++vcpu->stat.hypercalls;
	return ret;
}

#else /* PVHOOK_KVM_HC_FULL */

typedef int (*pvhook_get_cpl_fn)(struct kvm_vcpu *vcpu);
static struct static_call_key *pvhook_cpl_key;
static int (*pvhook_skip_insn)(struct kvm_vcpu *vcpu);
static bool (*pvhook_file_is_kvm)(struct file *file);

/* The caller's CPL, from the vendor's get_cpl() as KVM reads it. */
static int pvhook_vcpu_cpl(struct kvm_vcpu *vcpu)
{
	pvhook_get_cpl_fn get_cpl = READ_ONCE(pvhook_cpl_key->func);

	/* No vendor module, no vCPU: not reached; be least privileged. */
	return get_cpl ? get_cpl(vcpu) : 3;
}

/*
 * In place of kvm_emulate_hypercall(), for a pvhook number of a VM whose
 * hypercalls KVM does not hand to Xen or Hyper-V emulation (see
 * pvhook_hook_redirect()): what KVM's function does for a number that its
 * switch does not know, with pvhook's result instead of -KVM_ENOSYS.
 * pvhook_dispatch() refuses CPL > 0 as KVM does, unless the number allows
 * user mode.
 */
int pvhook_hook_entry(struct kvm_vcpu *vcpu);
int pvhook_hook_entry(struct kvm_vcpu *vcpu)
{
	struct pvhook_call call = {};
	unsigned long ret;
	int idx, r;

	/*
	 * Handlers may sleep, and so may skipping the instruction, which may
	 * have to decode it from guest memory. One SRCU read-side section
	 * around all of it, in the domain that only module unload waits for,
	 * lets pvhook_kvm_detach() wait for it.
	 */
	idx = srcu_read_lock(&pvhook_user_srcu);
	pvhook_call_read_regs(&call, vcpu);
	call.cpl = pvhook_vcpu_cpl(vcpu);
	ret = pvhook_hook_dispatch(&call);
	if (!call.long_mode)
		ret = (u32)ret;

	/* KVM's kvm_rax_write() */
	vcpu->arch.regs[VCPU_REGS_RAX] = ret;
	vcpu->arch.regs_avail |= BIT(VCPU_REGS_RAX);
	vcpu->arch.regs_dirty |= BIT(VCPU_REGS_RAX);
	++vcpu->stat.hypercalls;

	r = pvhook_skip_insn(vcpu);
	srcu_read_unlock(&pvhook_user_srcu, idx);
	return r;
}

/*
 * 6.1's KVM exports the static call keys of get_cs_db_l_bits() and
 * cache_reg() but not get_cpl()'s. It defines all its kvm_x86_* keys side
 * by side (KVM_X86_OP() in x86.c), so pvhook looks at the words around the
 * exported key, nearest first, for the one that kallsyms names
 * __SCK__kvm_x86_get_cpl in kvm. Only an address kallsyms confirms is
 * used; none found, pvhook does not load.
 */
#define PVHOOK_CPL_KEY		"__SCK__kvm_x86_get_cpl"
#define PVHOOK_CPL_KEY_SCAN	512	/* words on each side */

static bool pvhook_is_cpl_key(unsigned long addr)
{
	char name[KSYM_SYMBOL_LEN];

	sprint_symbol(name, addr);
	return str_has_prefix(name, PVHOOK_CPL_KEY "+0x0/") &&
	       strstr(name, " [kvm]");
}

static struct static_call_key *pvhook_find_cpl_key(void)
{
	unsigned long base = (unsigned long)pvhook_cs_db_l_key;
	unsigned long step = __alignof__(struct static_call_key);
	int i;

	for (i = 1; i <= PVHOOK_CPL_KEY_SCAN; i++) {
		if (pvhook_is_cpl_key(base + i * step))
			return (struct static_call_key *)(base + i * step);
		if (pvhook_is_cpl_key(base - i * step))
			return (struct static_call_key *)(base - i * step);
	}
	return NULL;
}

/*
 * What FULL uses of KVM besides the key of get_cs_db_l_bits(), taken with
 * symbol_get() so that pvhook still loads without KVM only to say so.
 */
static int pvhook_kvm_helpers_get(void)
{
	pvhook_cpl_key = pvhook_find_cpl_key();
	if (!pvhook_cpl_key) {
		pr_err("%s not found in this kernel's KVM\n", PVHOOK_CPL_KEY);
		return -ENOENT;
	}
	pvhook_skip_insn = symbol_get(kvm_skip_emulated_instruction);
	if (!pvhook_skip_insn) {
		pr_err("kvm_skip_emulated_instruction not found in this kernel's KVM\n");
		return -ENOENT;
	}
	pvhook_file_is_kvm = symbol_get(file_is_kvm);
	if (!pvhook_file_is_kvm) {
		pr_err("file_is_kvm not found in this kernel's KVM\n");
		symbol_put(kvm_skip_emulated_instruction);
		return -ENOENT;
	}
	return 0;
}

static void pvhook_kvm_helpers_put(void)
{
	symbol_put(file_is_kvm);
	symbol_put(kvm_skip_emulated_instruction);
}

/* 6.1's names for ops-based direct calls; unregistering keeps the filter. */
static int pvhook_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct_multi(ops, addr);
}

static void pvhook_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	unregister_ftrace_direct_multi(ops, addr);
	ftrace_free_filter(ops);
}

/* 6.1 has no ftrace_regs_get_argument(); its ftrace_regs is a pt_regs. */
static unsigned long pvhook_fregs_arg0(struct ftrace_regs *fregs)
{
	return regs_get_kernel_argument(&fregs->regs, 0);
}

#endif

#if !defined(PVHOOK_KVM_HC_FULL)

static int pvhook_kvm_helpers_get(void)
{
	return 0;
}

static void pvhook_kvm_helpers_put(void)
{
}

static int pvhook_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct(ops, addr);
}

static void pvhook_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	unregister_ftrace_direct(ops, addr, true);
}

static unsigned long pvhook_fregs_arg0(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}

#endif

/*
 * Whether KVM hands @vcpu's hypercalls to Xen or Hyper-V emulation before
 * its generic path: the tests at the top of 6.1's kvm_emulate_hypercall().
 * Only FULL attaches before them.
 */
static bool pvhook_kvm_branches_off(struct kvm_vcpu *vcpu)
{
#if defined(PVHOOK_KVM_HC_FULL)
#ifdef CONFIG_KVM_XEN
	/*
	 * kvm_xen_hypercall_enabled(), without its static key: a VM that asks
	 * for Xen's hypercalls is left to KVM even when that key is off.
	 */
	if (vcpu->kvm->arch.xen_hvm_config.flags &
	    KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)
		return true;
#endif
	/* kvm_hv_hypercall_enabled() */
	return vcpu->arch.hyperv_enabled &&
	       vcpu->kvm->arch.hyperv.hv_guest_os_id;
#else
	return false;
#endif
}

/*
 * Called by the trampoline when the low 32 bits of the number are in
 * pvhook's range and bits 63..32 are not all zero (FULL: whatever bits
 * 63..32 hold). @nr_arg is the traced function's second argument. A call
 * that KVM hands to Xen or Hyper-V emulation is KVM's. A number with bits
 * 63..32 set is pvhook's only if the caller is not in 64-bit mode (its
 * number is truncated); otherwise it is KVM's.
 */
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg)
{
	unsigned long nr = pvhook_hook_raw_nr(vcpu, nr_arg);

	if (pvhook_kvm_branches_off(vcpu))
		return false;
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
#if defined(PVHOOK_KVM_HC_FULL)
	/* 6.1 leaves kvm_vm_fops without an owner, and exports file_is_kvm(). */
	if (!pvhook_file_is_kvm(file))
		return NULL;
#else
	void *vendor_op;

	if (file_inode(file)->i_sb->s_magic != ANON_INODE_FS_MAGIC ||
	    strcmp(file_dentry(file)->d_name.name, "kvm-vm") ||
	    !file->f_op->owner)
		return NULL;
	/*
	 * KVM sets the owner of its VM file's operations to the vendor
	 * module (kvm_amd, kvm_intel), whose get_cs_db_l_bits() the static
	 * call key holds: a file of another module's is not KVM's. The file
	 * pins its owner, so the test cannot race with that module's unload.
	 */
	vendor_op = READ_ONCE(pvhook_cs_db_l_key->func);
	if (!vendor_op ||
	    !within_module((unsigned long)vendor_op, file->f_op->owner))
		return NULL;
#endif
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
	static unsigned char func[] = PVHOOK_KVM_HC_FUNC;
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
		       PVHOOK_KVM_HC_FUNC, ret);
		goto detach_destroy;
	}

	ret = pvhook_register_direct(&pvhook_ftrace_ops,
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
