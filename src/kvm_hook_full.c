// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's hypercall path of shape FULL (6.1): kvm_emulate_hypercall(vcpu),
 * the whole instruction. See kvm_hook.c for what all shapes share.
 *
 * 6.1 has no generic function after the Xen and Hyper-V branches.
 * kvm_emulate_hypercall() makes the Xen and Hyper-V checks, reads the
 * registers, truncates them for callers not in 64-bit mode, refuses
 * CPL > 0 with -KVM_EPERM, runs its switch, writes RAX, counts the call
 * and skips the instruction. For a pvhook number the trampoline first asks
 * pvhook_hook_redirect(), which leaves the call to KVM, untouched, when
 * KVM would hand it to Xen or Hyper-V emulation. Else pvhook_hook_entry()
 * does what kvm_emulate_hypercall() does for a number its switch does not
 * know, with pvhook's result for -KVM_ENOSYS: the same registers,
 * truncation, CPL and 64-bit tests, RAX write and statistics, and KVM's
 * exported kvm_skip_emulated_instruction(). The CPL comes from the
 * vendor's get_cpl(), as in KVM; 6.1 does not export the static call key
 * that holds it, so pvhook finds it next to the exported
 * kvm_x86_get_cs_db_l_bits key and has kallsyms confirm its name (see
 * pvhook_find_cpl_key()). 6.1's ftrace calls the ops-based direct-call API
 * *_multi.
 *
 * 6.1 sets no owner on the VM file's operations; there pvhook uses
 * file_is_kvm(), which 6.1 exports.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/static_call_types.h>
#include <linux/string.h>

#include "kvm_hook.h"

unsigned char pvhook_kvm_hc_func[] = "kvm_emulate_hypercall";

const unsigned long pvhook_vcpu_rax_offset = PVHOOK_VCPU_RAX_OFFSET;

typedef int (*pvhook_get_cpl_fn)(struct kvm_vcpu *vcpu);
static struct static_call_key *pvhook_cpl_key;
static int (*pvhook_skip_insn)(struct kvm_vcpu *vcpu);
static bool (*pvhook_file_is_kvm)(struct file *file);

/*
 * Whether KVM hands @vcpu's hypercalls to Xen or Hyper-V emulation before
 * its generic path: the tests at the top of 6.1's kvm_emulate_hypercall().
 * Only FULL attaches before them.
 */
static bool pvhook_kvm_branches_off(struct kvm_vcpu *vcpu)
{
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
}

/* See pvhook_hook_nr_ours(); the number is in the vCPU's RAX. */
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg)
{
	unsigned long nr = pvhook_hook_raw_nr(vcpu);

	if (pvhook_kvm_branches_off(vcpu))
		return false;
	return pvhook_hook_nr_ours(vcpu, nr);
}

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
int pvhook_kvm_helpers_get(void)
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

void pvhook_kvm_helpers_put(void)
{
	symbol_put(file_is_kvm);
	symbol_put(kvm_skip_emulated_instruction);
}

/* 6.1's names for ops-based direct calls; unregistering keeps the filter. */
int pvhook_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct_multi(ops, addr);
}

void pvhook_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	unregister_ftrace_direct_multi(ops, addr);
	ftrace_free_filter(ops);
}

/* 6.1 has no ftrace_regs_get_argument(); its ftrace_regs is a pt_regs. */
unsigned long pvhook_fregs_arg0(struct ftrace_regs *fregs)
{
	return regs_get_kernel_argument(&fregs->regs, 0);
}

bool pvhook_kvm_is_vm_file(struct file *file)
{
	/* 6.1 leaves kvm_vm_fops without an owner, and exports file_is_kvm(). */
	return pvhook_file_is_kvm(file);
}
