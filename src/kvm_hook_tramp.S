/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ftrace direct-call trampoline on KVM's hypercall function; see
 * src/kvm_hook.c. KVM's function calls it first thing, for every
 * hypercall of every VM, with its own arguments in their registers.
 *
 * Fast path (any number outside pvhook's range): a handful of instructions
 * and a return into KVM's function, which then runs as if pvhook were absent.
 * Only RAX is used; at the entry of a function with fixed arguments it
 * holds nothing.
 *
 * Slow path (the low 32 bits are a pvhook number): if the whole number
 * is one, or else if pvhook_hook_redirect() says the caller's number is
 * truncated to 32 bits, replace the return address with
 * pvhook_hook_entry(), which has the signature of KVM's function and so
 * runs in its place and returns to KVM's caller. That is what an ftrace
 * IPMODIFY callback does, without ftrace's register save on every other
 * hypercall. FULL (6.1) traces kvm_emulate_hypercall(), which is entered
 * before KVM's Xen and Hyper-V branches: there every pvhook number asks
 * pvhook_hook_redirect(), which also leaves those VMs' calls to KVM.
 */
#include <linux/cfi_types.h>
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <uapi/linux/pvhook.h>

/* 6.1 has no call depth tracking (added in 6.2). */
#ifndef CALL_DEPTH_ACCOUNT
#define CALL_DEPTH_ACCOUNT
#endif

	.text
SYM_TYPED_FUNC_START(pvhook_hook_tramp)
	CALL_DEPTH_ACCOUNT
#if defined(PVHOOK_KVM_HC_REGS) || defined(PVHOOK_KVM_HC_FULL)
	/*
	 * ____kvm_emulate_hypercall(vcpu, ...), kvm_emulate_hypercall(vcpu):
	 * the number is in the vCPU.
	 */
	movq	pvhook_vcpu_rax_offset(%rip), %rax
	movl	(%rdi, %rax), %eax
#else
	/* __kvm_emulate_hypercall(vcpu, nr, ...) */
	movl	%esi, %eax
#endif
	subl	$PVHOOK_HC_BASE, %eax
	cmpl	$(PVHOOK_HC_COUNT - 1), %eax
	jbe	.Lpvhook_range
	RET

.Lpvhook_range:
#if !defined(PVHOOK_KVM_HC_FULL)
	/* A number that fits in 32 bits is pvhook's from any caller. */
#if defined(PVHOOK_KVM_HC_REGS)
	movq	pvhook_vcpu_rax_offset(%rip), %rax
	movq	(%rdi, %rax), %rax
#else
	movq	%rsi, %rax
#endif
	shrq	$32, %rax
	jz	.Lpvhook_redirect
#endif

	/*
	 * Bits 63..32 set: pvhook's only if the caller is not in 64-bit mode.
	 * FULL: any number, unless KVM hands the VM's calls to Xen or Hyper-V.
	 */
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	call	pvhook_hook_redirect
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rbp
	testb	%al, %al
	jz	.Lpvhook_kvm
.Lpvhook_redirect:
	leaq	pvhook_hook_entry(%rip), %rax
	movq	%rax, (%rsp)
.Lpvhook_kvm:
	RET
SYM_FUNC_END(pvhook_hook_tramp)
