/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest code for the selftests and the benchmark. It is copied, as bytes,
 * into guest memory: everything here is position independent, uses no
 * stack and leaves the guest with an I/O exit on GUEST_PORT_DONE.
 *
 * The vmcall/vmmcall pair of each stub differs only in the instruction, so
 * the host picks the one of its CPU vendor. The one-shot stubs decode the
 * same in 64-bit and 32-bit mode.
 */
#define GUEST_PORT_DONE 0x10

	.text
	.code64
	.globl guest_code_start, guest_code_end
	.globl guest_hc_once_vmcall, guest_hc_once_vmmcall
	.globl guest_hc_loop_vmcall, guest_hc_loop_vmmcall
	.globl guest_hc_batch64_vmcall, guest_hc_batch64_vmmcall
	.globl guest_hc_batch32_vmcall, guest_hc_batch32_vmmcall

guest_code_start:

/* One hypercall with the registers the host set; result in RAX. */
guest_hc_once_vmcall:
	vmcall
	outb	%al, $GUEST_PORT_DONE
	jmp	guest_hc_once_vmcall

guest_hc_once_vmmcall:
	vmmcall
	outb	%al, $GUEST_PORT_DONE
	jmp	guest_hc_once_vmmcall

/*
 * R8 hypercalls of number R9 with the arguments in RBX, RCX, RDX, RSI.
 * R10 counts the results that differ from R11; RAX holds the last result.
 */
guest_hc_loop_vmcall:
	movq	%r9, %rax
	vmcall
	cmpq	%r11, %rax
	je	1f
	incq	%r10
1:	decq	%r8
	jnz	guest_hc_loop_vmcall
	outb	%al, $GUEST_PORT_DONE
	jmp	guest_hc_loop_vmcall

guest_hc_loop_vmmcall:
	movq	%r9, %rax
	vmmcall
	cmpq	%r11, %rax
	je	1f
	incq	%r10
1:	decq	%r8
	jnz	guest_hc_loop_vmmcall
	outb	%al, $GUEST_PORT_DONE
	jmp	guest_hc_loop_vmmcall

/*
 * A batch of hypercalls, each with its own number and arguments: RDI (EDI
 * in 32-bit mode) points to an array of struct hc_batch_entry, RBP (EBP)
 * holds how many (not 0). Each result goes to its entry's ret; in 32-bit
 * mode the low halves are loaded and ret gets EAX, zero-extended.
 */
guest_hc_batch64_vmcall:
	movq	0(%rdi), %rax
	movq	8(%rdi), %rbx
	movq	16(%rdi), %rcx
	movq	24(%rdi), %rdx
	movq	32(%rdi), %rsi
	vmcall
	movq	%rax, 40(%rdi)
	addq	$48, %rdi
	decq	%rbp
	jnz	guest_hc_batch64_vmcall
1:	outb	%al, $GUEST_PORT_DONE
	jmp	1b

guest_hc_batch64_vmmcall:
	movq	0(%rdi), %rax
	movq	8(%rdi), %rbx
	movq	16(%rdi), %rcx
	movq	24(%rdi), %rdx
	movq	32(%rdi), %rsi
	vmmcall
	movq	%rax, 40(%rdi)
	addq	$48, %rdi
	decq	%rbp
	jnz	guest_hc_batch64_vmmcall
1:	outb	%al, $GUEST_PORT_DONE
	jmp	1b

	.code32
guest_hc_batch32_vmcall:
	movl	0(%edi), %eax
	movl	8(%edi), %ebx
	movl	16(%edi), %ecx
	movl	24(%edi), %edx
	movl	32(%edi), %esi
	vmcall
	movl	%eax, 40(%edi)
	movl	$0, 44(%edi)
	addl	$48, %edi
	decl	%ebp
	jnz	guest_hc_batch32_vmcall
1:	outb	%al, $GUEST_PORT_DONE
	jmp	1b

guest_hc_batch32_vmmcall:
	movl	0(%edi), %eax
	movl	8(%edi), %ebx
	movl	16(%edi), %ecx
	movl	24(%edi), %edx
	movl	32(%edi), %esi
	vmmcall
	movl	%eax, 40(%edi)
	movl	$0, 44(%edi)
	addl	$48, %edi
	decl	%ebp
	jnz	guest_hc_batch32_vmmcall
1:	outb	%al, $GUEST_PORT_DONE
	jmp	1b
	.code64

guest_code_end:

	.section .note.GNU-stack,"",@progbits
