/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhook host module: interfaces between its parts.
 *
 *   kvm_hook.c   attaches to KVM's hypercall path (the only file that knows
 *                how KVM's hypercall emulation looks in each kernel), with
 *                the trampoline in kvm_hook_tramp.S
 *   dispatch.c   turns one guest hypercall into one handler call
 *   registry.c   the number -> handler table and the exported API
 *   builtin.c    PVHOOK_HC_PROBE, PVHOOK_HC_FEATURES, PVHOOK_HC_PING
 *   main.c       module load and unload
 */
#ifndef _PVHOOK_INTERNAL_H
#define _PVHOOK_INTERNAL_H

#include <linux/pvhook.h>
#include <linux/srcu.h>

/* kvm_hook.c and its trampoline, kvm_hook_tramp.S */
int pvhook_kvm_attach(void);
void pvhook_kvm_detach(void);
bool pvhook_vcpu_long_mode(struct kvm_vcpu *vcpu);
void pvhook_hook_tramp(void);
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg);
const char *pvhook_kvm_attach_point(void);

/* dispatch.c */
unsigned long pvhook_dispatch(const struct pvhook_call *call);

/* registry.c */
extern struct srcu_struct pvhook_srcu;
int pvhook_registry_init(void);
void pvhook_registry_exit(void);
int pvhook_registry_add(struct pvhook_hypercall *hc);
void pvhook_registry_remove(struct pvhook_hypercall *hc);
const struct pvhook_hypercall *pvhook_registry_lookup(unsigned long nr);

/* builtin.c */
int pvhook_builtin_init(void);
void pvhook_builtin_exit(void);

/* True when @nr lies in pvhook's range of numbers. */
static inline bool pvhook_nr_in_range(unsigned long nr)
{
	return nr - PVHOOK_HC_BASE < PVHOOK_HC_COUNT;
}

#endif /* _PVHOOK_INTERNAL_H */
