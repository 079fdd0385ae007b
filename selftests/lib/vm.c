// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal KVM driver for the pvhook selftests. See vm.h.
 *
 * Guest physical layout (all identity-mapped):
 *   0x1000  GDT           0x1800  TSS
 *   0x2000  PML4          0x3000  PDPT      0x4000  PD (2 MiB pages)
 *   0x10000 guest code (guest_code.S)
 *   0x80000 top of the (unused) stack
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

#define MEM_SIZE	(2UL << 20)
#define GDT_GPA		0x1000
#define TSS_GPA		0x1800
#define PML4_GPA	0x2000
#define PDPT_GPA	0x3000
#define PD_GPA		0x4000
#define CODE_GPA	0x10000
#define STACK_TOP	0x80000
#define PORT_DONE	0x10

/* GDT selectors. */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18
#define SEL_CODE64_U	0x20
#define SEL_DATA_U	0x28
#define SEL_CODE32_U	0x30
#define SEL_TSS		0x38

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)

#define X86_CR0_PE	BIT_ULL(0)
#define X86_CR0_MP	BIT_ULL(1)
#define X86_CR0_ET	BIT_ULL(4)
#define X86_CR0_NE	BIT_ULL(5)
#define X86_CR0_WP	BIT_ULL(16)
#define X86_CR0_PG	BIT_ULL(31)
#define X86_CR4_PAE	BIT_ULL(5)
#define EFER_LME	BIT_ULL(8)
#define EFER_LMA	BIT_ULL(10)
#define RFLAGS_FIXED	BIT_ULL(1)
#define RFLAGS_IOPL3	(3ULL << 12)

#define fail(...) fprintf(stderr, "vm: " __VA_ARGS__)

static u64 code_gpa(const u8 *sym)
{
	return CODE_GPA + (u64)(sym - guest_code_start);
}

static bool cpu_is_intel(void)
{
	unsigned int eax = 0, ebx, ecx, edx;

	__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
	return ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e;
}

/* A flat segment descriptor for the GDT. */
static u64 gdt_entry(int type, int dpl, int s, int l, int db)
{
	u64 e = 0xffff;			/* limit 15:0 */

	e |= (u64)type << 40;
	e |= (u64)s << 44;
	e |= (u64)dpl << 45;
	e |= 1ULL << 47;			/* present */
	e |= 0xfULL << 48;			/* limit 19:16 */
	e |= (u64)l << 53;
	e |= (u64)db << 54;
	e |= 1ULL << 55;			/* 4 KiB granularity */
	return e;
}

static void vm_setup_memory(struct vm *vm)
{
	u64 *gdt = (u64 *)(vm->mem + GDT_GPA);
	u64 *pml4 = (u64 *)(vm->mem + PML4_GPA);
	u64 *pdpt = (u64 *)(vm->mem + PDPT_GPA);
	u64 *pd = (u64 *)(vm->mem + PD_GPA);
	u64 tss_limit = 0x67;
	int i;

	gdt[SEL_CODE64 >> 3] = gdt_entry(11, 0, 1, 1, 0);
	gdt[SEL_DATA >> 3] = gdt_entry(3, 0, 1, 0, 1);
	gdt[SEL_CODE32 >> 3] = gdt_entry(11, 0, 1, 0, 1);
	gdt[SEL_CODE64_U >> 3] = gdt_entry(11, 3, 1, 1, 0);
	gdt[SEL_DATA_U >> 3] = gdt_entry(3, 3, 1, 0, 1);
	gdt[SEL_CODE32_U >> 3] = gdt_entry(11, 3, 1, 0, 1);
	gdt[SEL_TSS >> 3] = tss_limit | ((u64)TSS_GPA << 16) |
			    (11ULL << 40) | BIT_ULL(47);

	pml4[0] = PDPT_GPA | PTE_P | PTE_RW | PTE_US;
	pdpt[0] = PD_GPA | PTE_P | PTE_RW | PTE_US;
	for (i = 0; i < 512; i++)
		pd[i] = ((u64)i << 21) | PTE_P | PTE_RW | PTE_US | PTE_PS;

	memcpy(vm->mem + CODE_GPA, guest_code_start,
	       guest_code_end - guest_code_start);
}

struct vm *vm_create(enum vm_mode mode)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->mode = mode;
	vm->intel = cpu_is_intel();
	vm->fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		fail("open /dev/kvm: %s\n", strerror(errno));
		goto err;
	}
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		fail("KVM_CREATE_VM: %s\n", strerror(errno));
		goto err;
	}
	vm->mem_size = MEM_SIZE;
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		fail("mmap: %s\n", strerror(errno));
		goto err;
	}
	region.memory_size = vm->mem_size;
	region.userspace_addr = (unsigned long)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fail("KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		goto err;
	}
	vm_setup_memory(vm);
	return vm;
err:
	vm_destroy(vm);
	return NULL;
}

void *vm_memslot_add(struct vm *vm, u32 slot, u64 gpa, size_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
	};
	void *mem;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		fail("mmap: %s\n", strerror(errno));
		return NULL;
	}
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fail("KVM_SET_USER_MEMORY_REGION slot %u: %s\n", slot,
		     strerror(errno));
		munmap(mem, size);
		return NULL;
	}
	return mem;
}

int vm_memslot_remove(struct vm *vm, u32 slot, void *mem, size_t size)
{
	struct kvm_userspace_memory_region region = { .slot = slot };
	int ret = ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);

	if (ret < 0)
		fail("removing slot %u: %s\n", slot, strerror(errno));
	munmap(mem, size);
	return ret < 0 ? -1 : 0;
}

int vm_xen_intercept(struct vm *vm)
{
	/* KVM turns Xen emulation on only once a hypercall-page MSR is set. */
	struct kvm_xen_hvm_config cfg = {
		.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
		.msr = 0x40000200,
	};
	int caps = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);

	if (caps < 0 || !(caps & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL))
		return 1;
	if (ioctl(vm->fd, KVM_XEN_HVM_CONFIG, &cfg) < 0) {
		fail("KVM_XEN_HVM_CONFIG: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int vcpu_set_cpuid(struct vcpu *vcpu)
{
	struct kvm_cpuid2 *cpuid = NULL;
	int nent = 64, ret;

	for (;;) {
		free(cpuid);
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return -1;
		cpuid->nent = nent;
		ret = ioctl(vcpu->vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (ret == 0 || errno != E2BIG || nent >= 4096)
			break;
		nent *= 2;
	}
	if (ret == 0)
		ret = ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid);
	if (ret)
		fail("setting CPUID: %s\n", strerror(errno));
	free(cpuid);
	return ret;
}

struct vcpu *vm_vcpu_add(struct vm *vm)
{
	struct vcpu *vcpu;
	int run_size;

	if (vm->nr_vcpus >= VM_MAX_VCPUS)
		return NULL;
	vcpu = &vm->vcpus[vm->nr_vcpus];
	vcpu->vm = vm;
	vcpu->id = vm->nr_vcpus;
	vcpu->mode = vm->mode;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, vcpu->id);
	if (vcpu->fd < 0) {
		fail("KVM_CREATE_VCPU: %s\n", strerror(errno));
		return NULL;
	}
	run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		goto err;
	vcpu->run_size = run_size;
	vcpu->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		goto err;
	if (vcpu_set_cpuid(vcpu))
		goto err;
	vm->nr_vcpus++;
	return vcpu;
err:
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	close(vcpu->fd);
	return NULL;
}

struct vm *vm_create_one(enum vm_mode mode, struct vcpu **vcpu)
{
	struct vm *vm = vm_create(mode);

	if (!vm)
		return NULL;
	*vcpu = vm_vcpu_add(vm);
	if (!*vcpu) {
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

void vm_destroy(struct vm *vm)
{
	int i;

	if (!vm)
		return;
	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->vcpus[i].run, vm->vcpus[i].run_size);
		close(vm->vcpus[i].fd);
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	free(vm);
}

static void set_seg(struct kvm_segment *seg, u16 sel, int type, int s,
		    int l, int db)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = sel;
	seg->base = 0;
	seg->limit = 0xffffffff;
	seg->type = type;
	seg->s = s;
	seg->dpl = sel & 3;
	seg->present = 1;
	seg->l = l;
	seg->db = db;
	seg->g = 1;
}

static int vcpu_enter_mode(struct vcpu *vcpu, int cpl)
{
	bool lm = vcpu->mode == VM_MODE_LONG64;
	struct kvm_sregs sregs;
	u16 rpl = cpl ? 3 : 0;
	u16 cs, ds;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0) {
		fail("KVM_GET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	if (lm)
		cs = (cpl ? SEL_CODE64_U : SEL_CODE64) | rpl;
	else
		cs = (cpl ? SEL_CODE32_U : SEL_CODE32) | rpl;
	ds = (cpl ? SEL_DATA_U : SEL_DATA) | rpl;

	set_seg(&sregs.cs, cs, 11, 1, lm, !lm);
	set_seg(&sregs.ds, ds, 3, 1, 0, 1);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	set_seg(&sregs.tr, SEL_TSS, 11, 0, 0, 0);
	sregs.tr.base = TSS_GPA;
	sregs.tr.limit = 0x67;
	sregs.tr.g = 0;
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = 0x7ff;

	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE;
	if (lm) {
		sregs.cr0 |= X86_CR0_PG | X86_CR0_WP;
		sregs.cr3 = PML4_GPA;
		sregs.cr4 = X86_CR4_PAE;
		sregs.efer = EFER_LME | EFER_LMA;
	} else {
		sregs.cr3 = 0;
		sregs.cr4 = 0;
		sregs.efer = 0;
	}
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0) {
		fail("KVM_SET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int vm_exit_hypercall(struct vm *vm, u64 nr_mask)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_EXIT_HYPERCALL,
		.args = { nr_mask },
	};

	if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap) < 0) {
		fail("KVM_CAP_EXIT_HYPERCALL: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Answer an exit we asked for; false for any other exit. */
static bool vcpu_answer_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->exit_reason == KVM_EXIT_XEN &&
	    run->xen.type == KVM_EXIT_XEN_HCALL) {
		vcpu->vm->xen_exits++;
		vcpu->vm->xen_last_input = run->xen.u.hcall.input;
		run->xen.u.hcall.result = vcpu->vm->xen_result;
		return true;
	}
	if (run->exit_reason == KVM_EXIT_HYPERCALL) {
		vcpu->vm->exits++;
		run->hypercall.ret = vcpu->vm->exit_result;
		return true;
	}
	return false;
}

static int vcpu_run_to_done(struct vcpu *vcpu, u64 *ns)
{
	struct timespec t0, t1;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ret = ioctl(vcpu->fd, KVM_RUN, 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 || !vcpu_answer_exit(vcpu))
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ns)
		*ns = (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
		      t1.tv_nsec - t0.tv_nsec;
	if (ret < 0) {
		fail("KVM_RUN: %s\n", strerror(errno));
		return -1;
	}
	if (vcpu->run->exit_reason != KVM_EXIT_IO ||
	    vcpu->run->io.port != PORT_DONE ||
	    vcpu->run->io.direction != KVM_EXIT_IO_OUT) {
		fail("vcpu %d: unexpected exit %u (port 0x%x)\n", vcpu->id,
		     vcpu->run->exit_reason,
		     vcpu->run->exit_reason == KVM_EXIT_IO ? vcpu->run->io.port : 0);
		return -1;
	}
	return 0;
}

static int vcpu_start(struct vcpu *vcpu, int cpl, const u8 *stub,
		      struct kvm_regs *regs)
{
	if (vcpu_enter_mode(vcpu, cpl))
		return -1;
	regs->rip = code_gpa(stub);
	regs->rsp = STACK_TOP;
	regs->rflags = RFLAGS_FIXED | RFLAGS_IOPL3;
	if (ioctl(vcpu->fd, KVM_SET_REGS, regs) < 0) {
		fail("KVM_SET_REGS: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int vcpu_hypercall(struct vcpu *vcpu, int cpl, const struct hc_regs *hc,
		   u64 *ret)
{
	const u8 *stub = vcpu->vm->intel ? guest_hc_once_vmcall :
						guest_hc_once_vmmcall;
	struct kvm_regs regs = {
		.rax = hc->nr,
		.rbx = hc->args[0],
		.rcx = hc->args[1],
		.rdx = hc->args[2],
		.rsi = hc->args[3],
	};

	if (vcpu_start(vcpu, cpl, stub, &regs) || vcpu_run_to_done(vcpu, NULL))
		return -1;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0) {
		fail("KVM_GET_REGS: %s\n", strerror(errno));
		return -1;
	}
	*ret = regs.rax;
	return 0;
}

int vcpu_hypercall_loop(struct vcpu *vcpu, const struct hc_regs *hc,
			u64 count, u64 expect, u64 *mismatches,
			u64 *ns)
{
	const u8 *stub = vcpu->vm->intel ? guest_hc_loop_vmcall :
						guest_hc_loop_vmmcall;
	struct kvm_regs regs = {
		.rbx = hc->args[0],
		.rcx = hc->args[1],
		.rdx = hc->args[2],
		.rsi = hc->args[3],
		.r8 = count,
		.r9 = hc->nr,
		.r11 = expect,
	};

	if (vcpu->mode != VM_MODE_LONG64 || !count) {
		fail("hypercall loops need long mode and a count\n");
		return -1;
	}
	if (vcpu_start(vcpu, 0, stub, &regs) || vcpu_run_to_done(vcpu, ns))
		return -1;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0) {
		fail("KVM_GET_REGS: %s\n", strerror(errno));
		return -1;
	}
	*mismatches = regs.r10;
	return 0;
}

int vcpu_hypercall_batch(struct vcpu *vcpu, int cpl, u64 gpa, u64 count,
			 u64 *ns)
{
	bool lm = vcpu->mode == VM_MODE_LONG64;
	const u8 *stub;
	struct kvm_regs regs = {
		.rdi = gpa,
		.rbp = count,
	};

	if (lm)
		stub = vcpu->vm->intel ? guest_hc_batch64_vmcall :
					 guest_hc_batch64_vmmcall;
	else
		stub = vcpu->vm->intel ? guest_hc_batch32_vmcall :
					 guest_hc_batch32_vmmcall;
	if (!count || (!lm && (count > UINT32_MAX || gpa > UINT32_MAX))) {
		fail("a batch needs a count, and in 32-bit mode 32-bit values\n");
		return -1;
	}
	if (vcpu_start(vcpu, cpl, stub, &regs) || vcpu_run_to_done(vcpu, ns))
		return -1;
	return 0;
}

int vcpu_stat(struct vcpu *vcpu, const char *name, u64 *value)
{
	struct kvm_stats_header hdr;
	struct kvm_stats_desc *desc;
	size_t desc_size;
	char *descs = NULL;
	int fd, ret = -1;
	u32 i;

	fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0) {
		fail("KVM_GET_STATS_FD: %s\n", strerror(errno));
		return -1;
	}
	if (pread(fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
		goto out;
	desc_size = sizeof(*desc) + hdr.name_size;
	descs = calloc(hdr.num_desc, desc_size);
	if (!descs)
		goto out;
	if (pread(fd, descs, hdr.num_desc * desc_size, hdr.desc_offset) !=
	    (ssize_t)(hdr.num_desc * desc_size))
		goto out;
	for (i = 0; i < hdr.num_desc; i++) {
		desc = (struct kvm_stats_desc *)(descs + i * desc_size);
		if (strcmp(desc->name, name))
			continue;
		if (pread(fd, value, sizeof(*value),
			  hdr.data_offset + desc->offset) == sizeof(*value))
			ret = 0;
		break;
	}
	if (ret)
		fail("no statistic '%s'\n", name);
out:
	free(descs);
	close(fd);
	return ret;
}

bool module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}
