// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's hypercall path of shape REGS (7.x): ____kvm_emulate_hypercall(vcpu,
 * cpl, complete_hypercall), which reads the number and arguments from the
 * vCPU's registers itself. See kvm_hook.c for what all shapes share, and
 * kvm_hook_args_regs.c for what REGS shares with ARGS.
 */
#include <linux/kvm_host.h>

#include "kvm_hook.h"

unsigned char pvhook_kvm_hc_func[] = "____kvm_emulate_hypercall";

const unsigned long pvhook_vcpu_rax_offset = PVHOOK_VCPU_RAX_OFFSET;

/* See pvhook_hook_nr_ours(); the number is in the vCPU's RAX. */
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg)
{
	return pvhook_hook_nr_ours(vcpu, pvhook_hook_raw_nr(vcpu));
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
	struct pvhook_call call = { .cpl = cpl };

	pvhook_call_read_regs(&call, vcpu);
	++vcpu->stat.hypercalls;
	vcpu->run->hypercall.ret = pvhook_hook_dispatch(&call);
	return 1;
}
