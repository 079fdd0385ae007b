// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls answered by a host process through a VM handle: requests and
 * answers, several vCPUs waiting at once, the timeout, and the ways the
 * wait can end early: the handle closed, the serving process killed, the
 * VM's own process killed (the VM destroyed while a request is pending).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "dev_util.h"

#define NR	(PVHOOK_HC_USER_FIRST + 0x10)

FIXTURE(served) {
	int dev;
	struct vm *vm;
	struct vcpu *vcpu[3];
	int h;
};

FIXTURE_SETUP(served)
{
	int i;

	ASSERT_TRUE(module_loaded("pvhook"));
	self->dev = dev_open();
	ASSERT_LE(0, self->dev);
	self->vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, self->vm);
	for (i = 0; i < 3; i++) {
		self->vcpu[i] = vm_vcpu_add(self->vm);
		ASSERT_NE(NULL, self->vcpu[i]);
	}
	self->h = vm_attach(self->dev, self->vm->fd);
	ASSERT_LE(0, self->h);
}

FIXTURE_TEARDOWN(served)
{
	if (self->h >= 0)
		close(self->h);
	vm_destroy(self->vm);
	close(self->dev);
}

TEST_F(served, unserved_is_enosys)
{
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu[0], NR, 0));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu[0], PVHOOK_HC_USER_LAST, 0));
}

TEST_F(served, request_and_answer)
{
	struct async_hc a = { 0 };
	struct pvhook_msg msg;

	ASSERT_EQ(0, handle_serve(self->h, NR, 0, 10000));
	a.regs.args[1] = 0x1111;
	a.regs.args[2] = 0x2222;
	a.regs.args[3] = 0x3333;
	ASSERT_EQ(0, async_hc_start(&a, self->vcpu[1], NR, 0xabcdef));
	ASSERT_EQ(0, read_msg(self->h, &msg, 10000));
	EXPECT_EQ(PVHOOK_MSG_REQUEST, msg.type);
	EXPECT_EQ(self->vcpu[1]->id, msg.vcpu);
	EXPECT_EQ(NR, msg.nr);
	EXPECT_EQ(0xabcdef, msg.args[0]);
	EXPECT_EQ(0x1111, msg.args[1]);
	EXPECT_EQ(0x2222, msg.args[2]);
	EXPECT_EQ(0x3333, msg.args[3]);
	EXPECT_EQ(0, msg.cpl);
	EXPECT_EQ(PVHOOK_MSG_F_LONG_MODE, msg.flags);
	EXPECT_EQ(0, msg.dropped);
	EXPECT_NE(0, msg.seq);

	EXPECT_EQ(0, handle_reply(self->h, msg.seq, 0x8000000000000001ULL));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(0x8000000000000001ULL, a.ret);
	/* Answered once only. */
	EXPECT_EQ(ENOENT, handle_reply(self->h, msg.seq, 0));
}

TEST_F(served, several_vcpus_wait_at_once)
{
	struct async_hc a[3] = { 0 };
	struct pvhook_msg msg[3];
	int i, n = 0;

	ASSERT_EQ(0, handle_serve(self->h, NR, 0, 20000));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, async_hc_start(&a[i], self->vcpu[i], NR, 100 + i));
	while (n < 3) {
		ASSERT_EQ(0, read_msg(self->h, &msg[n], 20000));
		n++;
	}
	/* Answer in reverse order, each with its own value. */
	for (i = 2; i >= 0; i--)
		EXPECT_EQ(0, handle_reply(self->h, msg[i].seq,
					  msg[i].args[0] * 2));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, async_hc_join(&a[i]));
		EXPECT_EQ((100 + i) * 2, a[i].ret);
	}
}

TEST_F(served, one_write_answers_several)
{
	struct async_hc a[2] = { 0 };
	struct pvhook_reply r[2] = { 0 };
	struct pvhook_msg msg[2];
	int i;

	ASSERT_EQ(0, handle_serve(self->h, NR, 0, 20000));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, async_hc_start(&a[i], self->vcpu[i], NR, i));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, read_msg(self->h, &msg[i], 20000));
		r[i].seq = msg[i].seq;
		r[i].ret = 7000 + msg[i].args[0];
	}
	EXPECT_EQ(sizeof(r), write(self->h, r, sizeof(r)));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, async_hc_join(&a[i]));
		EXPECT_EQ(7000 + i, a[i].ret);
	}
}

TEST_F(served, timeout)
{
	struct async_hc a = { 0 };
	struct pvhook_msg msg;

	ASSERT_EQ(0, handle_serve(self->h, NR, 0, 300));
	ASSERT_EQ(0, async_hc_start(&a, self->vcpu[0], NR, 1));
	ASSERT_EQ(0, read_msg(self->h, &msg, 10000));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(HC_ERR(PVHOOK_ETIMEDOUT), a.ret);
	EXPECT_LE(300, a.ms);
	/* Too late. */
	EXPECT_EQ(ENOENT, handle_reply(self->h, msg.seq, 5));

	/* Not even read: the request goes away with the vCPU. */
	ASSERT_EQ(0, async_hc_start(&a, self->vcpu[0], NR, 2));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(HC_ERR(PVHOOK_ETIMEDOUT), a.ret);
	EXPECT_EQ(0, wait_fd(self->h, POLLIN, 0) & POLLIN);
}

TEST_F(served, handle_closed_while_pending)
{
	struct async_hc a[2] = { 0 };
	struct pvhook_msg msg;
	int i;

	ASSERT_EQ(0, handle_serve(self->h, NR, 0, PVHOOK_SERVE_TIMEOUT_MAX_MS));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, async_hc_start(&a[i], self->vcpu[i], NR, i));
	/* One read, one still queued. */
	ASSERT_EQ(0, read_msg(self->h, &msg, 20000));
	while (!a[1].ms && !(wait_fd(self->h, POLLIN, 100) & POLLIN))
		;
	close(self->h);
	self->h = -1;
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, async_hc_join(&a[i]));
		EXPECT_EQ(HC_ERR(PVHOOK_ECONNRESET), a[i].ret);
		EXPECT_GT(20000, a[i].ms);
	}
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu[0], NR, 0));
}

/* The serving process dies with SIGKILL while vCPUs wait for it. */
TEST_F(served, server_killed)
{
	struct async_hc a[2] = { 0 };
	int ready[2], i;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Its own handle, from the VM fd it inherited. */
		int h = vm_attach(self->dev, self->vm->fd);
		struct pvhook_msg msg;

		if (h < 0 || handle_serve(h, NR, 0, PVHOOK_SERVE_TIMEOUT_MAX_MS))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		/* Read one request and never answer. */
		read_msg(h, &msg, 60000);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, async_hc_start(&a[i], self->vcpu[i], NR, i));
	usleep(500 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, async_hc_join(&a[i]));
		EXPECT_EQ(HC_ERR(PVHOOK_ECONNRESET), a[i].ret);
		EXPECT_GT(30000, a[i].ms);
	}
	close(ready[0]);
	close(ready[1]);
}

/*
 * The VM's process is killed while its vCPU waits for us: the vCPU lets
 * go at once (its wait is killable), KVM destroys the VM, and the handle
 * says so. The handle comes from pidfd_getfd(), as pvhookctl does it.
 */
TEST(vm_killed_while_pending)
{
	int dev = dev_open(), ready[2], pidfd, vm_fd, h;
	struct pvhook_msg msg;
	struct {
		int vm_fd;
	} child_info;
	u64 start;
	pid_t pid;

	ASSERT_LE(0, dev);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vcpu *vcpu;
		struct vm *vm = vm_create_one(VM_MODE_LONG64, &vcpu);
		struct hc_regs r = { .nr = NR, .args = { 77 } };
		u64 ret;

		if (!vm)
			_exit(1);
		child_info.vm_fd = vm->fd;
		if (write(ready[1], &child_info, sizeof(child_info)) < 0)
			_exit(2);
		/* Wait for the parent to serve NR, then call it. */
		while (vcpu_hypercall(vcpu, 0, &r, &ret) == 0 &&
		       ret == HC_ERR(KVM_ENOSYS))
			usleep(10000);
		_exit(3);
	}
	ASSERT_EQ(sizeof(child_info), read(ready[0], &child_info,
					   sizeof(child_info)));
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	vm_fd = syscall(SYS_pidfd_getfd, pidfd, child_info.vm_fd, 0);
	ASSERT_LE(0, vm_fd);
	h = vm_attach(dev, vm_fd);
	ASSERT_LE(0, h);
	close(vm_fd);	/* the handle must not keep the VM alive */
	ASSERT_EQ(0, handle_serve(h, NR, 0, PVHOOK_SERVE_TIMEOUT_MAX_MS));

	ASSERT_EQ(0, read_msg(h, &msg, 20000));
	EXPECT_EQ(77, msg.args[0]);
	start = now_ms();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_GT(30000, now_ms() - start);

	EXPECT_TRUE(wait_fd(h, POLLIN, 20000) & POLLHUP);
	EXPECT_EQ(-1, read(h, &msg, sizeof(msg)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(ENODEV, handle_reply(h, msg.seq, 1));
	close(h);
	close(pidfd);
	close(dev);
}

TEST_HARNESS_MAIN
