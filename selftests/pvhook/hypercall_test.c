// SPDX-License-Identifier: GPL-2.0
/*
 * pvhook's hypercall ABI with pvhook.ko loaded: the built-in hypercalls,
 * numbers nobody serves, KVM's own hypercalls, privilege and 32-bit rules,
 * and KVM's hypercall statistic.
 */
#include "kselftest_harness.h"
#include "hc_util.h"

#define PVHOOK_F_KNOWN	(PVHOOK_F_PROBE | PVHOOK_F_FEATURES | PVHOOK_F_PING | \
			 PVHOOK_F_MODULE_HC | PVHOOK_F_NOTIFY | PVHOOK_F_USER_HC | \
			 PVHOOK_F_RING | PVHOOK_F_OP)

FIXTURE(long64) {
	struct vm *vm;
	struct vcpu *vcpu;
};

FIXTURE_SETUP(long64)
{
	ASSERT_TRUE(module_loaded("pvhook"));
	self->vm = vm_create_one(VM_MODE_LONG64, &self->vcpu);
	ASSERT_NE(NULL, self->vm);
}

FIXTURE_TEARDOWN(long64)
{
	vm_destroy(self->vm);
}

TEST_F(long64, probe)
{
	u64 ret = hc(self->vcpu, PVHOOK_HC_PROBE, 0);

	EXPECT_EQ(PVHOOK_MAGIC, ret & PVHOOK_MAGIC_MASK);
	EXPECT_EQ(PVHOOK_ABI_VERSION, ret & PVHOOK_VERSION_MASK);
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION, ret);
}

TEST_F(long64, features)
{
	u64 ret = hc(self->vcpu, PVHOOK_HC_FEATURES, 0);
	u64 must = PVHOOK_F_PROBE | PVHOOK_F_FEATURES | PVHOOK_F_PING;

	EXPECT_EQ(must, ret & must);
	EXPECT_EQ(0, ret & ~PVHOOK_F_KNOWN);
}

TEST_F(long64, ping_patterns)
{
	static const u64 fixed[] = {
		0, 1, ~0ULL, 1ULL << 63, 0x0123456789abcdefULL,
		0xfffffc18ULL, (u64)-1000, 0xffffffffULL, 1ULL << 32,
	};
	u64 seed = 0x9e3779b97f4a7c15ULL, v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		EXPECT_EQ(fixed[i], hc(self->vcpu, PVHOOK_HC_PING, fixed[i]));

	/* The other argument registers must not leak into the answer. */
	for (i = 0; i < 32; i++) {
		v = test_rand(&seed);
		EXPECT_EQ(v, hc4(self->vcpu, PVHOOK_HC_PING, v, test_rand(&seed),
				 test_rand(&seed), test_rand(&seed)));
	}
}

TEST_F(long64, unserved_numbers_in_range)
{
	static const u64 nrs[] = {
		PVHOOK_HC_BASE + 0x3f, PVHOOK_HC_MODULE_FIRST + 0x20,
		PVHOOK_HC_MODULE_LAST, PVHOOK_HC_USER_FIRST, PVHOOK_HC_USER_LAST,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nrs); i++)
		EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, nrs[i], 0));
}

TEST_F(long64, unknown_numbers_go_to_kvm)
{
	static const u64 nrs[] = {
		0, 0x12345, 0xffffffffULL, PVHOOK_HC_BASE - 1,
		PVHOOK_HC_BASE + PVHOOK_HC_COUNT, ~0ULL,
		/* pvhook's low 32 bits, but a 64-bit caller sets the upper */
		PVHOOK_HC_PING | (1ULL << 32), PVHOOK_HC_PROBE | (0xabcdULL << 48),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nrs); i++)
		EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, nrs[i], 0));
}

TEST_F(long64, kvm_builtin_unchanged)
{
	EXPECT_EQ(0, hc(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(0, hc4(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 1, 2, 3, 4));
}

/* With Xen hypercall emulation on, every hypercall is Xen's, pvhook's too. */
TEST_F(long64, xen_emulation_untouched)
{
	int ret = vm_xen_intercept(self->vm);

	if (ret == 1)
		SKIP(return, "this KVM cannot intercept Xen hypercalls");
	ASSERT_EQ(0, ret);
	self->vm->xen_result = 0x1234;
	EXPECT_EQ(0x1234, hc(self->vcpu, PVHOOK_HC_PING, 77));
	EXPECT_EQ(1, self->vm->xen_exits);
	EXPECT_EQ(PVHOOK_HC_PING, self->vm->xen_last_input);
	EXPECT_EQ(0x1234, hc(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(2, self->vm->xen_exits);
}

TEST_F(long64, user_mode_refused)
{
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PING, 42));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PROBE, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_FEATURES, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_USER_LAST, 0));
	/* KVM's own rule, unchanged. */
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	/* And the vCPU still works at CPL 0 afterwards. */
	EXPECT_EQ(42, hc(self->vcpu, PVHOOK_HC_PING, 42));
}

TEST_F(long64, counted_in_kvm_stats)
{
	u64 before, after;
	int i;

	ASSERT_EQ(0, vcpu_stat(self->vcpu, "hypercalls", &before));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(i, hc(self->vcpu, PVHOOK_HC_PING, i));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, hc(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PING, 1));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, PVHOOK_HC_USER_FIRST, 0));
	ASSERT_EQ(0, vcpu_stat(self->vcpu, "hypercalls", &after));
	EXPECT_EQ(10, after - before);
}

TEST_F(long64, two_vcpus)
{
	struct vcpu *other = vm_vcpu_add(self->vm);

	ASSERT_NE(NULL, other);
	EXPECT_EQ(0x1111, hc(self->vcpu, PVHOOK_HC_PING, 0x1111));
	EXPECT_EQ(0x2222, hc(other, PVHOOK_HC_PING, 0x2222));
}

FIXTURE(prot32) {
	struct vm *vm;
	struct vcpu *vcpu;
};

FIXTURE_SETUP(prot32)
{
	ASSERT_TRUE(module_loaded("pvhook"));
	self->vm = vm_create_one(VM_MODE_PROT32, &self->vcpu);
	ASSERT_NE(NULL, self->vm);
}

FIXTURE_TEARDOWN(prot32)
{
	vm_destroy(self->vm);
}

TEST_F(prot32, probe)
{
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION,
		  hc(self->vcpu, PVHOOK_HC_PROBE, 0));
}

/* Number and arguments are truncated to 32 bits, and so is the result. */
TEST_F(prot32, truncation)
{
	u64 junk = 0xdeadbeefULL << 32;

	EXPECT_EQ(0x9abcdef0ULL, hc(self->vcpu, PVHOOK_HC_PING,
				    0x123456789abcdef0ULL));
	EXPECT_EQ(0x9abcdef0ULL, hc(self->vcpu, junk | PVHOOK_HC_PING,
				    0x123456789abcdef0ULL));
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION,
		  hc(self->vcpu, junk | PVHOOK_HC_PROBE, junk));
	EXPECT_EQ(HC_ERR32(KVM_ENOSYS), hc(self->vcpu, junk | PVHOOK_HC_USER_FIRST, 0));
	EXPECT_EQ(HC_ERR32(KVM_ENOSYS), hc(self->vcpu, 0x12345, 0));
	EXPECT_EQ(0, hc(self->vcpu, junk | KVM_HC_VAPIC_POLL_IRQ, 0));
}

TEST_F(prot32, user_mode_refused)
{
	EXPECT_EQ(HC_ERR32(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PING, 7));
	EXPECT_EQ(HC_ERR32(KVM_EPERM), hc_user(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
}

TEST_HARNESS_MAIN
