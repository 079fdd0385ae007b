// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in VMM for the pvhookctl tests: one KVM VM whose vCPU threads
 * issue one hypercall number over and over, printing every result.
 *
 * usage: vmm_stub [--vcpus N] [--delay MS] NR A0 [COUNT]
 *
 * It prints "pid PID" and "ready", then each vCPU thread makes COUNT calls
 * (default: until killed) of NR with the arguments (A0 + i, 0, 0, 0) and
 * prints "vcpu V call I ret 0x..." for each, MS milliseconds apart
 * (default 0). It dies with its parent.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vm.h"

struct stub {
	u64 nr;
	u64 a0;
	u64 count;		/* 0: forever */
	u64 delay_ms;
	u64 nr_vcpus;
};

struct vcpu_thread {
	pthread_t tid;
	struct vcpu *vcpu;
	const struct stub *stub;
};

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: vmm_stub [--vcpus N] [--delay MS] NR A0 [COUNT]\n");
	exit(2);
}

/* strtoull() base 0 that must consume all of @s. */
static u64 number(const char *s, u64 max)
{
	unsigned long long v;
	char *end;

	if (!s || s[0] < '0' || s[0] > '9')
		bad_usage();
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		bad_usage();
	return v;
}

static void parse_args(int argc, char **argv, struct stub *st)
{
	int i = 1;

	st->nr_vcpus = 1;
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--vcpus"))
			st->nr_vcpus = number(argv[i + 1], VM_MAX_VCPUS);
		else if (!strcmp(argv[i], "--delay"))
			st->delay_ms = number(argv[i + 1], 60000);
		else
			bad_usage();
	}
	if (argc - i < 2 || argc - i > 3 || !st->nr_vcpus)
		bad_usage();
	st->nr = number(argv[i], ~0ULL);
	st->a0 = number(argv[i + 1], ~0ULL);
	if (argc - i == 3)
		st->count = number(argv[i + 2], ~0ULL);
}

static void *vcpu_main(void *arg)
{
	struct vcpu_thread *vt = arg;
	const struct stub *st = vt->stub;
	struct hc_regs hc = { .nr = st->nr };
	u64 i, ret;

	for (i = 0; !st->count || i < st->count; i++) {
		hc.args[0] = st->a0 + i;
		if (vcpu_hypercall(vt->vcpu, 0, &hc, &ret)) {
			fprintf(stderr, "vmm_stub: vcpu %d: hypercall failed\n",
				vt->vcpu->id);
			exit(1);
		}
		printf("vcpu %d call %llu ret 0x%llx\n", vt->vcpu->id, i, ret);
		fflush(stdout);
		if (st->delay_ms)
			usleep(st->delay_ms * 1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct vcpu_thread threads[VM_MAX_VCPUS];
	struct stub st = { 0 };
	struct vm *vm;
	u64 i;

	parse_args(argc, argv, &st);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	vm = vm_create(VM_MODE_LONG64);
	if (!vm)
		return 1;
	for (i = 0; i < st.nr_vcpus; i++) {
		threads[i].vcpu = vm_vcpu_add(vm);
		threads[i].stub = &st;
		if (!threads[i].vcpu)
			return 1;
	}
	printf("pid %d\nready\n", getpid());
	fflush(stdout);
	for (i = 0; i < st.nr_vcpus; i++)
		if (pthread_create(&threads[i].tid, NULL, vcpu_main,
				   &threads[i]))
			return 1;
	for (i = 0; i < st.nr_vcpus; i++)
		pthread_join(threads[i].tid, NULL);
	vm_destroy(vm);
	return 0;
}
