// SPDX-License-Identifier: GPL-2.0
/*
 * One-way events (PVHOOK_HC_NOTIFY): delivered to every handle that asked
 * for them, in bounded queues that drop and count what does not fit.
 */
#include "kselftest_harness.h"
#include "dev_util.h"

FIXTURE(events) {
	struct pvhook_fixture fx;
};

FIXTURE_SETUP(events)
{
	pvhook_fixture_setup(_metadata, &self->fx);
}

FIXTURE_TEARDOWN(events)
{
	pvhook_fixture_teardown(&self->fx);
}

static u64 notify(struct __test_metadata *_metadata, struct vcpu *vcpu,
		  u64 code)
{
	return hc4(vcpu, PVHOOK_HC_NOTIFY, code, code + 1, code + 2, code + 3);
}

TEST_F(events, nobody_listens)
{
	struct pvhook_vm_info info;

	EXPECT_EQ(0, notify(_metadata, self->fx.vcpu, 1));
	EXPECT_EQ(0, notify(_metadata, self->fx.vcpu, 2));
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	EXPECT_EQ(2, info.events);
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & POLLIN);
}

TEST_F(events, bounded_queue_counts_drops)
{
	struct pvhook_msg msg[8];
	int i;

	ASSERT_EQ(0, handle_events(self->fx.h, 4));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(i < 4 ? 1 : 0, notify(_metadata, self->fx.vcpu, 10 * i));

	/* Several records in one read. */
	EXPECT_EQ(4 * sizeof(msg[0]), read(self->fx.h, msg, sizeof(msg)));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(PVHOOK_MSG_EVENT, msg[i].type);
		EXPECT_EQ(i, msg[i].seq);
		EXPECT_EQ(10 * i, msg[i].nr);
		EXPECT_EQ(10 * i + 1, msg[i].args[0]);
		EXPECT_EQ(10 * i + 2, msg[i].args[1]);
		EXPECT_EQ(10 * i + 3, msg[i].args[2]);
		EXPECT_EQ(0, msg[i].args[3]);
		EXPECT_EQ(0, msg[i].dropped);
		EXPECT_EQ(self->fx.vcpu->id, msg[i].vcpu);
	}
	EXPECT_EQ(1, notify(_metadata, self->fx.vcpu, 99));
	ASSERT_EQ(0, read_msg(self->fx.h, &msg[0], 1000));
	EXPECT_EQ(99, msg[0].nr);
	EXPECT_EQ(6, msg[0].seq);
	EXPECT_EQ(2, msg[0].dropped);
}

TEST_F(events, every_listening_handle_gets_one)
{
	int h2 = vm_attach(self->fx.dev, self->fx.vm->fd);
	int h3 = vm_attach(self->fx.dev, self->fx.vm->fd);
	struct pvhook_msg msg;

	ASSERT_LE(0, h2);
	ASSERT_LE(0, h3);
	ASSERT_EQ(0, handle_events(self->fx.h, 16));
	ASSERT_EQ(0, handle_events(h2, 16));
	EXPECT_EQ(2, notify(_metadata, self->fx.vcpu, 5));
	ASSERT_EQ(0, read_msg(self->fx.h, &msg, 1000));
	EXPECT_EQ(5, msg.nr);
	ASSERT_EQ(0, read_msg(h2, &msg, 1000));
	EXPECT_EQ(5, msg.nr);
	EXPECT_EQ(0, wait_fd(h3, POLLIN, 0) & POLLIN);

	/* Stopping discards the queue. */
	EXPECT_EQ(2, notify(_metadata, self->fx.vcpu, 6));
	ASSERT_EQ(0, handle_events(h2, 0));
	EXPECT_EQ(0, wait_fd(h2, POLLIN, 0) & POLLIN);
	EXPECT_EQ(1, notify(_metadata, self->fx.vcpu, 7));
	close(h2);
	close(h3);
	EXPECT_EQ(1, notify(_metadata, self->fx.vcpu, 8));
}

TEST_F(events, user_mode_cannot_post)
{
	ASSERT_EQ(0, handle_events(self->fx.h, 16));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->fx.vcpu, PVHOOK_HC_NOTIFY, 1));
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & POLLIN);
}

TEST_HARNESS_MAIN
