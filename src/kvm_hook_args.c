// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's hypercall path of shape ARGS (6.12): __kvm_emulate_hypercall(vcpu,
 * nr, a0..a3, op_64_bit, cpl), which takes the number and arguments that
 * kvm_emulate_hypercall() read. See kvm_hook.c for what all shapes share,
 * and kvm_hook_args_regs.c for what ARGS shares with REGS.
 */
#include <linux/kvm_host.h>

#include "kvm_hook.h"

unsigned char pvhook_kvm_hc_func[] = "__kvm_emulate_hypercall";

/* See pvhook_hook_nr_ours(); @nr_arg is the number. */
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg)
{
	return pvhook_hook_nr_ours(vcpu, nr_arg);
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
