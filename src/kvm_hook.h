/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between kvm_hook.c and the file of the shape of KVM's hypercall path
 * that Kbuild builds beside it; included by kvm_hook*.c only.
 *
 *   kvm_hook.c            what every shape shares: attaching and detaching,
 *                         the VM-destruction hook, the VM-file test's
 *                         shared part, KVM's SRCU around a vCPU's sleep
 *   kvm_hook_full.c       FULL (6.1)
 *   kvm_hook_args.c       ARGS (6.12)
 *   kvm_hook_regs.c       REGS (7.x)
 *   kvm_hook_args_regs.c  what ARGS and REGS share: the kernels after 6.1
 *
 * A shape file holds the shape's pvhook_hook_entry() and
 * pvhook_hook_redirect() (which the trampoline calls; see pvhook.h), and
 * defines what kvm_hook.c asks of it below. What runs on every pvhook
 * hypercall and more than one shape needs is here, inline, so that a
 * shape's entry makes no call it did not make in one file.
 */
#ifndef _PVHOOK_KVM_HOOK_H
#define _PVHOOK_KVM_HOOK_H

#include <linux/kvm_host.h>
#include <linux/static_call_types.h>

#include "pvhook.h"

struct file;
struct ftrace_ops;
struct ftrace_regs;

/* kvm_hook.c */

/*
 * The static call key of the vendor's get_cs_db_l_bits(), taken by
 * pvhook_kvm_attach() before anything else and held until
 * pvhook_kvm_detach().
 */
extern struct static_call_key *pvhook_cs_db_l_key;

typedef void (*pvhook_cs_db_l_fn)(struct kvm_vcpu *vcpu, int *db, int *l);

/*
 * Whether the vCPU is in 64-bit mode, as KVM's is_64_bit_hypercall() says:
 * guests with protected state always are; others when EFER.LMA and CS.L.
 */
static inline bool pvhook_vcpu_long_mode(struct kvm_vcpu *vcpu)
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

static inline void pvhook_call_truncate(struct pvhook_call *call)
{
	int i;

	call->nr = (u32)call->nr;
	for (i = 0; i < ARRAY_SIZE(call->args); i++)
		call->args[i] = (u32)call->args[i];
}

/*
 * The trampoline calls the shape's pvhook_hook_redirect() when the low 32
 * bits of the number are in pvhook's range and bits 63..32 are not all
 * zero (FULL: whatever bits 63..32 hold). It reads the whole number @nr
 * (ARGS: the traced function's second argument), leaves a call that KVM
 * hands to Xen or Hyper-V emulation to KVM (FULL only: the others attach
 * after those branches), and returns this. A number with bits 63..32 set
 * is pvhook's only if the caller is not in 64-bit mode (its number is
 * truncated); otherwise it is KVM's.
 */
static __always_inline bool pvhook_hook_nr_ours(struct kvm_vcpu *vcpu,
						unsigned long nr)
{
	return !(nr >> 32) || !pvhook_vcpu_long_mode(vcpu);
}

/* REGS and FULL, whose traced function takes no number: */

/*
 * Read by the trampoline, which cannot see struct kvm_vcpu. KVM keeps the
 * general registers RAX to RSI in vcpu->arch.regs after every VM exit (only
 * RSP, RIP and control state are loaded lazily), so they can be read there
 * without KVM's kvm_register_read_raw(). Defined by kvm_hook_regs.c and
 * kvm_hook_full.c, as PVHOOK_VCPU_RAX_OFFSET.
 */
extern const unsigned long pvhook_vcpu_rax_offset;
#define PVHOOK_VCPU_RAX_OFFSET	offsetof(struct kvm_vcpu, arch.regs[VCPU_REGS_RAX])

static inline unsigned long pvhook_hook_raw_nr(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.regs[VCPU_REGS_RAX];
}

/*
 * The call as the guest made it, from the same registers KVM reads: the
 * number in RAX, the arguments in RBX, RCX, RDX and RSI, truncated to 32
 * bits outside 64-bit mode. The caller fills in the CPL.
 */
static inline void pvhook_call_read_regs(struct pvhook_call *call,
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

/*
 * Each shape's file, for kvm_hook.c; none of these is on the path of a
 * hypercall.
 */

/*
 * The traced function, KVM's function on the hypercall path that
 * pvhook_hook_entry() stands in for, writable for ftrace_set_filter().
 */
extern unsigned char pvhook_kvm_hc_func[];

/**
 * pvhook_kvm_helpers_get() - take what the shape uses of KVM
 *
 * Called by pvhook_kvm_attach() once pvhook_cs_db_l_key is set, and
 * undone by pvhook_kvm_helpers_put(); with symbol_get(), so that pvhook
 * still loads without KVM only to say so.
 *
 * Return: 0, or a negative errno (and a message) when this kernel's KVM
 * lacks one of them.
 */
int pvhook_kvm_helpers_get(void);

/**
 * pvhook_kvm_helpers_put() - release what pvhook_kvm_helpers_get() took
 */
void pvhook_kvm_helpers_put(void);

/**
 * pvhook_register_direct() - register an ftrace direct call
 * @ops: the ops, its filter set to the traced function
 * @addr: the trampoline
 *
 * This kernel's ftrace's name for registering the ops-based direct call.
 *
 * Return: 0 or ftrace's negative errno.
 */
int pvhook_register_direct(struct ftrace_ops *ops, unsigned long addr);

/**
 * pvhook_unregister_direct() - undo pvhook_register_direct()
 * @ops: the ops
 * @addr: the trampoline
 *
 * Also frees the filter of @ops.
 */
void pvhook_unregister_direct(struct ftrace_ops *ops, unsigned long addr);

/**
 * pvhook_fregs_arg0() - the first argument of a traced function
 * @fregs: what ftrace passes an ftrace_ops callback
 *
 * Return: the argument.
 */
unsigned long pvhook_fregs_arg0(struct ftrace_regs *fregs);

/**
 * pvhook_kvm_is_vm_file() - whether a file is a KVM VM file
 * @file: any file, held by the caller
 *
 * The shape's half of pvhook_kvm_from_file().
 *
 * Return: true when @file is a VM file of this kernel's KVM, whose
 * private_data is then the VM.
 */
bool pvhook_kvm_is_vm_file(struct file *file);

#endif /* _PVHOOK_KVM_HOOK_H */
