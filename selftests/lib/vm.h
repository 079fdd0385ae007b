/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small library that drives KVM from the selftests: one VM with a few
 * vCPUs, guest memory at GPA 0, guest code copied from guest_code.S, and
 * hypercalls issued from 64-bit long mode or 32-bit protected mode, at
 * CPL 0 or CPL 3.
 */
#ifndef PVHOOK_SELFTEST_VM_H
#define PVHOOK_SELFTEST_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

/* KVM's hypercall error codes, as a guest sees them in RAX. */
#define KVM_ENOSYS	1000
#define KVM_EFAULT	14
#define KVM_EINVAL	22
#define KVM_E2BIG	7
#define KVM_EPERM	1
#define KVM_HC_VAPIC_POLL_IRQ	1

#define HC_ERR(e)	((uint64_t)-(int64_t)(e))
/* The same, as a guest not in 64-bit mode sees it. */
#define HC_ERR32(e)	((uint64_t)(uint32_t)-(int32_t)(e))

#define VM_MAX_VCPUS	4

enum vm_mode {
	VM_MODE_LONG64,		/* 64-bit long mode, 4-level paging */
	VM_MODE_PROT32,		/* 32-bit protected mode, no paging */
};

struct vm;

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct vm {
	int kvm_fd;
	int fd;
	enum vm_mode mode;
	bool intel;
	uint8_t *mem;
	size_t mem_size;
	int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
};

struct hc_regs {
	uint64_t nr;
	uint64_t args[4];
};

/* Every function below reports a failure on stderr and returns NULL or -1. */
struct vm *vm_create(enum vm_mode mode);
struct vcpu *vm_vcpu_add(struct vm *vm);
void vm_destroy(struct vm *vm);

/* One hypercall from @cpl (0 or 3); the result lands in *@ret. */
int vcpu_hypercall(struct vcpu *vcpu, int cpl, const struct hc_regs *hc,
		   uint64_t *ret);

/*
 * @count hypercalls in a guest loop (64-bit mode only); *@mismatches counts
 * results that differed from @expect; *@ns is the time KVM_RUN took.
 */
int vcpu_hypercall_loop(struct vcpu *vcpu, const struct hc_regs *hc,
			uint64_t count, uint64_t expect, uint64_t *mismatches,
			uint64_t *ns);

/* A statistic of the vCPU from KVM's binary stats (KVM_GET_STATS_FD). */
int vcpu_stat(struct vcpu *vcpu, const char *name, uint64_t *value);

/* Whether a module is loaded, from /sys/module. */
bool module_loaded(const char *name);

#endif /* PVHOOK_SELFTEST_VM_H */
