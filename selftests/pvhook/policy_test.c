// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM policy through a VM handle: pvhook on and off, allowed numbers,
 * user mode, the per-vCPU rate limit, the default for VMs nobody attached,
 * and policy changes while vCPUs call.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "dev_util.h"

#define DEFAULT_POLICY	"/sys/module/pvhook/parameters/default_policy"

static void bit_set(__u64 *map, u64 nr, bool on)
{
	u64 i = nr - PVHOOK_HC_BASE;

	if (on)
		map[i / 64] |= 1ULL << (i % 64);
	else
		map[i / 64] &= ~(1ULL << (i % 64));
}

FIXTURE(policy) {
	struct pvhook_fixture fx;
	struct pvhook_policy p;
};

FIXTURE_SETUP(policy)
{
	pvhook_fixture_setup(_metadata, &self->fx);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, &self->p));
}

FIXTURE_TEARDOWN(policy)
{
	pvhook_fixture_teardown(&self->fx);
}

static int set_policy(int h, struct pvhook_policy *p)
{
	return ioctl_err(h, PVHOOK_VM_SET_POLICY, p);
}

TEST_F(policy, default_allows_everything)
{
	int i;

	EXPECT_EQ(PVHOOK_POLICY_F_ENABLED, self->p.flags);
	EXPECT_EQ(0, self->p.rate_limit);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(~0ULL, self->p.allow[i]);
		EXPECT_EQ(~0ULL, self->p.allow_user[i]);
		EXPECT_EQ(0, self->p.reserved[i]);
	}
}

TEST_F(policy, off_looks_like_no_pvhook)
{
	struct pvhook_policy back;
	struct pvhook_vm_info info;

	self->p.flags = 0;
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, &back));
	EXPECT_EQ(0, back.flags);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	EXPECT_EQ(0, info.flags & PVHOOK_VM_F_ENABLED);

	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->fx.vcpu, PVHOOK_HC_PROBE, 0));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->fx.vcpu, PVHOOK_HC_PING, 5));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->fx.vcpu, PVHOOK_HC_PING, 5));
	EXPECT_EQ(0, hc(self->fx.vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));

	self->p.flags = PVHOOK_POLICY_F_ENABLED;
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	EXPECT_EQ(5, hc(self->fx.vcpu, PVHOOK_HC_PING, 5));
}

TEST_F(policy, allowed_numbers)
{
	bit_set(self->p.allow, PVHOOK_HC_PING, false);
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc(self->fx.vcpu, PVHOOK_HC_PING, 5));
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION,
		  hc(self->fx.vcpu, PVHOOK_HC_PROBE, 0));
	/* Denied, whether served or not. */
	bit_set(self->p.allow, PVHOOK_HC_BASE + 0x3e, false);
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc(self->fx.vcpu, PVHOOK_HC_BASE + 0x3e, 0));

	bit_set(self->p.allow, PVHOOK_HC_PING, true);
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	EXPECT_EQ(5, hc(self->fx.vcpu, PVHOOK_HC_PING, 5));
}

TEST_F(policy, user_mode)
{
	const u64 nr = PVHOOK_HC_USER_FIRST + 1;
	struct pvhook_serve s = { .nr = nr };
	struct async_hc a = { .cpl = 3 };
	struct pvhook_msg msg;

	/* Served without PVHOOK_SERVE_F_USER: user mode is refused. */
	ASSERT_EQ(0, handle_serve(self->fx.h, nr, 0, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->fx.vcpu, nr, 1));
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, &s));

	/* With it, the call reaches us, at CPL 3. */
	ASSERT_EQ(0, handle_serve(self->fx.h, nr, PVHOOK_SERVE_F_USER, 0));
	ASSERT_EQ(0, async_hc_start(&a, self->fx.vcpu, nr, 9));
	ASSERT_EQ(0, read_msg(self->fx.h, &msg, 10000));
	EXPECT_EQ(3, msg.cpl);
	EXPECT_EQ(0, handle_reply(self->fx.h, msg.seq, 99));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(99, a.ret);

	/* The policy can still take user mode away. */
	bit_set(self->p.allow_user, nr, false);
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->fx.vcpu, nr, 1));
	/* Built-ins never accept user mode, whatever the policy. */
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->fx.vcpu, PVHOOK_HC_PING, 1));
}

TEST_F(policy, rate_limit)
{
	struct pvhook_vm_info info;
	int i, ok = 0, throttled = 0;
	u64 ret;

	self->p.rate_limit = 5;
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	for (i = 0; i < 20; i++) {
		ret = hc(self->fx.vcpu, PVHOOK_HC_PING, i);
		if (ret == (u64)i)
			ok++;
		else if (ret == HC_ERR(PVHOOK_EAGAIN))
			throttled++;
	}
	/* 20 calls take far less than the one-second window. */
	EXPECT_EQ(5, ok);
	EXPECT_EQ(15, throttled);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	EXPECT_EQ(15, info.throttled);
	EXPECT_EQ(15, info.errors);

	usleep(1100 * 1000);
	EXPECT_EQ(42, hc(self->fx.vcpu, PVHOOK_HC_PING, 42));

	self->p.rate_limit = 0;
	ASSERT_EQ(0, set_policy(self->fx.h, &self->p));
	for (i = 0; i < 20; i++)
		EXPECT_EQ(i, hc(self->fx.vcpu, PVHOOK_HC_PING, i));
}

static int write_param(const char *val)
{
	FILE *f = fopen(DEFAULT_POLICY, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

TEST(default_policy_deny)
{
	struct pvhook_vm_info info;
	struct pvhook_policy p;
	struct vcpu *vcpu;
	struct vm *vm;
	int dev, h;

	ASSERT_EQ(0, write_param("deny"));
	vm = vm_create_one(VM_MODE_LONG64, &vcpu);
	ASSERT_NE(NULL, vm);
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(vcpu, PVHOOK_HC_PROBE, 0));
	EXPECT_EQ(-1, write_param("maybe"));
	ASSERT_EQ(0, write_param("allow"));

	/* The VM stays off until someone attached sets its policy. */
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(vcpu, PVHOOK_HC_PROBE, 0));
	dev = dev_open();
	ASSERT_LE(0, dev);
	h = vm_attach(dev, vm->fd);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, ioctl_err(h, PVHOOK_VM_GET_INFO, &info));
	EXPECT_EQ(0, info.flags & PVHOOK_VM_F_ENABLED);
	ASSERT_EQ(0, ioctl_err(h, PVHOOK_VM_GET_POLICY, &p));
	p.flags = PVHOOK_POLICY_F_ENABLED;
	ASSERT_EQ(0, ioctl_err(h, PVHOOK_VM_SET_POLICY, &p));
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION,
		  hc(vcpu, PVHOOK_HC_PROBE, 0));
	close(h);
	close(dev);
	vm_destroy(vm);
}

struct caller {
	struct vcpu *vcpu;
	pthread_t thread;
	u64 echoed, denied, bad, errors;
};

static atomic_bool stop;

static void *caller_fn(void *arg)
{
	struct caller *c = arg;
	struct hc_regs r = { .nr = PVHOOK_HC_PING };
	u64 ret;

	while (!atomic_load(&stop)) {
		r.args[0]++;
		if (vcpu_hypercall(c->vcpu, 0, &r, &ret)) {
			c->errors++;
			break;
		}
		if (ret == r.args[0])
			c->echoed++;
		else if (ret == HC_ERR(KVM_EPERM))
			c->denied++;
		else
			c->bad++;
	}
	return NULL;
}

/* Every answer is the old policy's or the new one's, never anything else. */
TEST(policy_changes_while_calling)
{
	struct caller c[2] = { 0 };
	struct pvhook_policy p;
	struct vm *vm;
	int dev, h, i;

	vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, vm);
	dev = dev_open();
	ASSERT_LE(0, dev);
	h = vm_attach(dev, vm->fd);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, ioctl_err(h, PVHOOK_VM_GET_POLICY, &p));

	for (i = 0; i < 2; i++) {
		c[i].vcpu = vm_vcpu_add(vm);
		ASSERT_NE(NULL, c[i].vcpu);
		ASSERT_EQ(0, pthread_create(&c[i].thread, NULL, caller_fn, &c[i]));
	}
	for (i = 0; i < 400; i++) {
		bit_set(p.allow, PVHOOK_HC_PING, i & 1);
		ASSERT_EQ(0, ioctl_err(h, PVHOOK_VM_SET_POLICY, &p));
		usleep(2000);
	}
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++) {
		pthread_join(c[i].thread, NULL);
		TH_LOG("vcpu %d: %llu echoed, %llu denied", i,
		       (unsigned long long)c[i].echoed,
		       (unsigned long long)c[i].denied);
		EXPECT_EQ(0, c[i].errors);
		EXPECT_EQ(0, c[i].bad);
	}
	EXPECT_LT(0, c[0].echoed + c[1].echoed);
	EXPECT_LT(0, c[0].denied + c[1].denied);
	close(h);
	close(dev);
	vm_destroy(vm);
}

TEST_HARNESS_MAIN
