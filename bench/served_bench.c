// SPDX-License-Identifier: GPL-2.0
/*
 * served_bench: the round trip of a hypercall answered by a host process,
 * against stock KVM's own way to send a hypercall to user space.
 *
 *   served_bench COUNT
 *
 * In one run, on the same host, alternating:
 *   exit)   KVM_HC_MAP_GPA_RANGE with KVM_CAP_EXIT_HYPERCALL: KVM exits to
 *           the VMM's vCPU thread, which answers and re-enters (stock KVM)
 *   served) a pvhook user-range number served through a VM handle by
 *           another thread, which read()s the request and write()s the
 *           answer while the vCPU sleeps in the kernel
 * Each measurement is COUNT calls in a guest loop after a warm-up. Prints
 * "exit_ns=<float> served_ns=<float>" per measurement pair. Needs pvhook.ko
 * loaded; not a pass/fail test.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pvhook.h>

#include "vm.h"

#define KVM_HC_MAP_GPA_RANGE	12
#define SERVED_NR		PVHOOK_HC_USER_FIRST

static atomic_bool stop;

/* The host process's side: answer every request with 0. */
static void *server_fn(void *arg)
{
	struct pvhook_msg msg[16];
	struct pvhook_reply reply[16] = { 0 };
	int h = *(int *)arg;
	ssize_t n;
	int i;

	while (!atomic_load(&stop)) {
		n = read(h, msg, sizeof(msg));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("read");
			break;
		}
		n /= sizeof(msg[0]);
		for (i = 0; i < n; i++)
			reply[i].seq = msg[i].seq;
		if (write(h, reply, n * sizeof(reply[0])) < 0)
			perror("write");
	}
	return NULL;
}

static double run(struct vcpu *vcpu, u64 nr, u64 a0, u64 a1, u64 count)
{
	struct hc_regs hc = { .nr = nr, .args = { a0, a1 } };
	u64 mismatches, ns;

	if (vcpu_hypercall_loop(vcpu, &hc, count, 0, &mismatches, &ns))
		exit(1);
	if (mismatches) {
		fprintf(stderr, "0x%llx: %llu wrong answers\n",
			(unsigned long long)nr, (unsigned long long)mismatches);
		exit(1);
	}
	return (double)ns / count;
}

int main(int argc, char **argv)
{
	struct pvhook_attach attach = { 0 };
	struct pvhook_serve serve = { .nr = SERVED_NR, .timeout_ms = 10000 };
	struct vcpu *exit_vcpu, *served_vcpu;
	struct vm *exit_vm, *served_vm;
	double e, s;
	pthread_t server;
	int dev, h;
	u64 count;

	if (argc != 2) {
		fprintf(stderr, "usage: %s COUNT\n", argv[0]);
		return 2;
	}
	count = strtoull(argv[1], NULL, 0);

	exit_vm = vm_create_one(VM_MODE_LONG64, &exit_vcpu);
	served_vm = vm_create_one(VM_MODE_LONG64, &served_vcpu);
	if (!exit_vm || !served_vm ||
	    vm_exit_hypercall(exit_vm, 1ULL << KVM_HC_MAP_GPA_RANGE))
		return 1;

	dev = open("/dev/pvhook", O_RDWR | O_CLOEXEC);
	attach.vm_fd = served_vm->fd;
	h = dev < 0 ? -1 : ioctl(dev, PVHOOK_ATTACH_VM, &attach);
	if (h < 0 || ioctl(h, PVHOOK_VM_SERVE, &serve)) {
		perror("pvhook");
		return 1;
	}
	if (pthread_create(&server, NULL, server_fn, &h))
		return 1;

	/* Warm up both paths, then measure them in alternating order. */
	run(exit_vcpu, KVM_HC_MAP_GPA_RANGE, 0x1000, 1, count / 10 + 1);
	run(served_vcpu, SERVED_NR, 0, 0, count / 10 + 1);
	e = run(exit_vcpu, KVM_HC_MAP_GPA_RANGE, 0x1000, 1, count);
	s = run(served_vcpu, SERVED_NR, 0, 0, count);
	printf("exit_ns=%.1f served_ns=%.1f\n", e, s);
	s = run(served_vcpu, SERVED_NR, 0, 0, count);
	e = run(exit_vcpu, KVM_HC_MAP_GPA_RANGE, 0x1000, 1, count);
	printf("exit_ns=%.1f served_ns=%.1f\n", e, s);
	if (exit_vm->exits < 2 * count) {
		fprintf(stderr, "only %llu hypercall exits\n",
			(unsigned long long)exit_vm->exits);
		return 1;
	}

	/* The server sleeps in read(), a cancellation point. */
	atomic_store(&stop, true);
	pthread_cancel(server);
	pthread_join(server, NULL);
	close(h);
	close(dev);
	vm_destroy(served_vm);
	vm_destroy(exit_vm);
	return 0;
}
