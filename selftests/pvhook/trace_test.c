// SPDX-License-Identifier: GPL-2.0
/*
 * The pvhook:pvhook_hypercall trace event, through tracefs: one event per
 * pvhook hypercall, with VM, vCPU, number, arguments and result; none for
 * KVM's own hypercalls.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hc_util.h"

#define TRACEFS		"/sys/kernel/tracing"
#define EVENT_ENABLE	TRACEFS "/events/pvhook/pvhook_hypercall/enable"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static char *read_trace(void)
{
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t n;
	int fd = open(TRACEFS "/trace", O_RDONLY);

	if (fd < 0)
		return NULL;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return buf;
}

FIXTURE(trace) {
	struct vm *vm;
	struct vcpu *vcpu;
};

FIXTURE_SETUP(trace)
{
	struct stat st;

	ASSERT_TRUE(module_loaded("pvhook"));
	if (stat(TRACEFS "/events", &st))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	ASSERT_EQ(0, write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, write_file(EVENT_ENABLE, "1"));
	self->vm = vm_create_one(VM_MODE_LONG64, &self->vcpu);
	ASSERT_NE(NULL, self->vm);
}

FIXTURE_TEARDOWN(trace)
{
	write_file(EVENT_ENABLE, "0");
	write_file(TRACEFS "/trace", "");
	vm_destroy(self->vm);
}

TEST_F(trace, one_event_per_call)
{
	char want[256], *trace;

	EXPECT_EQ(0x5eed1234abcdULL, hc4(self->vcpu, PVHOOK_HC_PING,
					 0x5eed1234abcdULL, 0x11, 0x22, 0x33));
	EXPECT_EQ(0, hc(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0x5eed0000));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PING, 0x77));

	trace = read_trace();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want),
		 "pvhook_hypercall: vm=%d vcpu=0 nr=0x%lx a0=0x5eed1234abcd a1=0x11 a2=0x22 a3=0x33 cpl=0 ret=0x5eed1234abcd",
		 getpid(), (unsigned long)PVHOOK_HC_PING);
	EXPECT_NE(NULL, strstr(trace, want)) {
		TH_LOG("want '%s' in:\n%s", want, trace);
	}
	snprintf(want, sizeof(want), "nr=0x%lx a0=0x77 a1=0x0 a2=0x0 a3=0x0 cpl=3 ret=0x%llx",
		 (unsigned long)PVHOOK_HC_PING, (unsigned long long)HC_ERR(KVM_EPERM));
	EXPECT_NE(NULL, strstr(trace, want)) {
		TH_LOG("want '%s' in:\n%s", want, trace);
	}
	/* KVM's own hypercall is not pvhook's to trace. */
	EXPECT_EQ(NULL, strstr(trace, "a0=0x5eed0000"));
}

TEST_HARNESS_MAIN
