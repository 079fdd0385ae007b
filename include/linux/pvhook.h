/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhook in-kernel API: host modules add their own hypercall numbers.
 * See Documentation/kernel-api.rst.
 */
#ifndef _LINUX_PVHOOK_H
#define _LINUX_PVHOOK_H

#include <linux/bits.h>
#include <linux/types.h>
#include <uapi/linux/pvhook.h>

struct kvm_vcpu;
struct module;

/**
 * struct pvhook_call - one hypercall as the guest issued it
 * @vcpu: the calling vCPU; valid for the duration of the handler only
 * @nr: the hypercall number (already truncated for 32-bit callers)
 * @args: the four arguments from RBX, RCX, RDX and RSI (truncated to 32
 *        bits when the caller is not in 64-bit mode)
 * @cpl: the caller's privilege level, 0 to 3
 * @long_mode: true when the caller was in 64-bit mode
 *
 * Every field is guest-controlled: a handler checks each argument before
 * using it.
 */
struct pvhook_call {
	struct kvm_vcpu *vcpu;
	unsigned long nr;
	unsigned long args[4];
	int cpl;
	bool long_mode;
};

/* The handler may be called from guest user mode (CPL > 0). */
#define PVHOOK_HC_F_USER	BIT(0)

/**
 * struct pvhook_hypercall - a hypercall handler
 * @nr: the number, in [PVHOOK_HC_MODULE_FIRST, PVHOOK_HC_MODULE_LAST]
 * @flags: PVHOOK_HC_F_* flags
 * @name: a short name for logs and statistics
 * @handler: called in the vCPU thread, preemptible, and may sleep; returns
 *           the value for the guest's RAX: a result, or a negated KVM error
 *           code such as -KVM_EINVAL
 * @owner: the module that holds @handler, normally THIS_MODULE
 *
 * The structure must stay valid until pvhook_unregister_hypercall() returns.
 */
struct pvhook_hypercall {
	unsigned long nr;
	unsigned int flags;
	const char *name;
	unsigned long (*handler)(const struct pvhook_call *call);
	struct module *owner;
};

int pvhook_register_hypercall(struct pvhook_hypercall *hc);
void pvhook_unregister_hypercall(struct pvhook_hypercall *hc);

#endif /* _LINUX_PVHOOK_H */
