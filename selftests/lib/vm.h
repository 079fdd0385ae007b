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
#include <linux/kvm.h>
#include <linux/types.h>

typedef __u64 u64;
typedef __u32 u32;
typedef __u16 u16;
typedef __u8 u8;
typedef __s64 s64;
typedef __s32 s32;

#define BIT_ULL(n)	(1ULL << (n))

/* KVM's hypercall error codes, as a guest sees them in RAX. */
#define KVM_ENOSYS	1000
#define KVM_EFAULT	14
#define KVM_EINVAL	22
#define KVM_E2BIG	7
#define KVM_EPERM	1
#define KVM_HC_VAPIC_POLL_IRQ	1

#define HC_ERR(e)	((u64)-(s64)(e))
/* The same, as a guest not in 64-bit mode sees it. */
#define HC_ERR32(e)	((u64)(u32)-(s32)(e))

#define VM_MAX_VCPUS	4

enum vm_mode {
	VM_MODE_LONG64,		/* 64-bit long mode, 4-level paging */
	VM_MODE_PROT32,		/* 32-bit protected mode, no paging */
};

struct vm;

struct vcpu {
	struct vm *vm;
	int id;
	/*
	 * The mode the vCPU's calls run in: the VM's, unless the caller
	 * changes it (every VM has both modes' GDT and page tables).
	 */
	enum vm_mode mode;
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct vm {
	int kvm_fd;
	int fd;
	enum vm_mode mode;
	bool intel;
	u8 *mem;
	size_t mem_size;
	int nr_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	/* Xen hypercall exits (vm_xen_intercept()): answered with xen_result. */
	u64 xen_result;
	u64 xen_last_input;
	unsigned int xen_exits;
	/* Hypercall exits (vm_exit_hypercall()): answered with exit_result. */
	u64 exit_result;
	u64 exits;
};

struct hc_regs {
	u64 nr;
	u64 args[4];
};

/* Every function below reports a failure on stderr and returns NULL or -1. */
struct vm *vm_create(enum vm_mode mode);
struct vcpu *vm_vcpu_add(struct vm *vm);
void vm_destroy(struct vm *vm);

/* A VM with one vCPU, the common case; NULL if either fails. */
struct vm *vm_create_one(enum vm_mode mode, struct vcpu **vcpu);

/*
 * Make KVM hand every hypercall of @vm to Xen emulation, which exits to
 * us (KVM_EXIT_XEN); the vCPU functions below answer those exits with
 * vm->xen_result. Returns 1 if this KVM cannot do that.
 */
int vm_xen_intercept(struct vm *vm);

/*
 * Make KVM hand the hypercalls in @nr_mask (bits of KVM_HC_* numbers; KVM
 * accepts KVM_HC_MAP_GPA_RANGE) to us with KVM_EXIT_HYPERCALL; the vCPU
 * functions below answer those exits with vm->exit_result.
 */
int vm_exit_hypercall(struct vm *vm, u64 nr_mask);

/* One hypercall from @cpl (0 or 3); the result lands in *@ret. */
int vcpu_hypercall(struct vcpu *vcpu, int cpl, const struct hc_regs *hc,
		   u64 *ret);

/*
 * @count hypercalls in a guest loop (64-bit mode only); *@mismatches counts
 * results that differed from @expect; *@ns is the time KVM_RUN took.
 */
int vcpu_hypercall_loop(struct vcpu *vcpu, const struct hc_regs *hc,
			u64 count, u64 expect, u64 *mismatches,
			u64 *ns);

/*
 * A batch of hypercalls (vcpu_hypercall_batch()): the caller fills in nr
 * and args in guest memory, the guest writes ret.
 */
struct hc_batch_entry {
	u64 nr;
	u64 args[4];
	u64 ret;
};

/*
 * @count hypercalls (1 and up) from @cpl in one KVM_RUN, each with its
 * own number and arguments: the guest reads the array of struct
 * hc_batch_entry at guest address @gpa and writes each result to its
 * entry's ret. A vCPU not in 64-bit mode loads the low halves and stores
 * the 32-bit result zero-extended. *@ns, if not NULL, is the time KVM_RUN
 * took.
 */
int vcpu_hypercall_batch(struct vcpu *vcpu, int cpl, u64 gpa, u64 count,
			 u64 *ns);

/*
 * Memory slot @slot (1 and up; slot 0 is the VM's main memory at GPA 0) of
 * @size bytes at guest address @gpa, backed by new anonymous memory, which
 * is returned (NULL on failure). vm_memslot_remove() takes the slot away
 * from the VM and unmaps that memory.
 */
void *vm_memslot_add(struct vm *vm, u32 slot, u64 gpa, size_t size);
int vm_memslot_remove(struct vm *vm, u32 slot, void *mem, size_t size);

/* A statistic of the vCPU from KVM's binary stats (KVM_GET_STATS_FD). */
int vcpu_stat(struct vcpu *vcpu, const char *name, u64 *value);

/* Guest code from guest_code.S, copied into every VM. */
extern const u8 guest_code_start[], guest_code_end[];
extern const u8 guest_hc_once_vmcall[], guest_hc_once_vmmcall[];
extern const u8 guest_hc_loop_vmcall[], guest_hc_loop_vmmcall[];
extern const u8 guest_hc_batch64_vmcall[], guest_hc_batch64_vmmcall[];
extern const u8 guest_hc_batch32_vmcall[], guest_hc_batch32_vmmcall[];

/* Whether a module is loaded, from /sys/module. */
bool module_loaded(const char *name);

#endif /* PVHOOK_SELFTEST_VM_H */
