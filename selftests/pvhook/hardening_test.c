// SPDX-License-Identifier: GPL-2.0
/*
 * Regression tests for defects that hostile guests and callers could use
 * against the host (ABI 1.3). Each fails on the code before its fix:
 *
 *   attach_needs_vm_process   a VM file descriptor that left the VMM (a
 *                             forked child) attaches only with
 *                             CAP_SYS_ADMIN
 *   handles_per_vm_capped     PVHOOK_VM_HANDLES_MAX handles, then ENOSPC
 *   served_wait_ends_on_signal a signal to the vCPU thread ends a served
 *                             wait at once with -PVHOOK_EINTR
 *   stalled_ring_page         a record flush stuck on a guest page that the
 *                             VMM does not resolve (userfaultfd) does not
 *                             hold up another module's unregistration
 *                             (PVHOOK_TEST_KO: the test module to load and
 *                             unload)
 */
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "dev_util.h"

#define NR		(PVHOOK_HC_USER_FIRST + 0x20)
#define RING_GPA	0x40000000ULL
#define RING_SLOT_SIZE	0x10000

/* Drop CAP_SYS_ADMIN from the effective set; 0 on success. */
static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data) ? -1 : 0;
}

/*
 * In a forked child (another address space): attach @vm_fd, without
 * CAP_SYS_ADMIN if @drop. Returns the child's result: 0 attached, else
 * the errno.
 */
static int child_attach(int dev, int vm_fd, bool drop)
{
	int status, h;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (drop && drop_cap_sys_admin())
			_exit(255);
		h = vm_attach(dev, vm_fd);
		_exit(h < 0 ? -h : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(attach_needs_vm_process)
{
	int dev = dev_open(), h;
	struct vm *vm;

	ASSERT_LE(0, dev);
	vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, vm);

	h = vm_attach(dev, vm->fd);
	EXPECT_LE(0, h);
	if (h >= 0)
		close(h);
	EXPECT_EQ(EPERM, child_attach(dev, vm->fd, true));
	EXPECT_EQ(0, child_attach(dev, vm->fd, false));

	vm_destroy(vm);
	close(dev);
}

TEST(handles_per_vm_capped)
{
	int dev = dev_open(), h[PVHOOK_VM_HANDLES_MAX], extra, i;
	struct vm *vm;

	ASSERT_LE(0, dev);
	vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, vm);

	for (i = 0; i < PVHOOK_VM_HANDLES_MAX; i++) {
		h[i] = vm_attach(dev, vm->fd);
		EXPECT_LE(0, h[i]);
	}
	extra = vm_attach(dev, vm->fd);
	EXPECT_EQ(-ENOSPC, extra);
	if (extra >= 0)
		close(extra);

	/* A closed handle makes room again. */
	close(h[0]);
	h[0] = vm_attach(dev, vm->fd);
	EXPECT_LE(0, h[0]);

	for (i = 0; i < PVHOOK_VM_HANDLES_MAX; i++)
		if (h[i] >= 0)
			close(h[i]);
	vm_destroy(vm);
	close(dev);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

TEST(served_wait_ends_on_signal)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct async_hc a = { 0 };
	struct pvhook_msg msg;
	struct vcpu *vcpu;
	int dev, h;
	struct vm *vm;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	dev = dev_open();
	ASSERT_LE(0, dev);
	vm = vm_create_one(VM_MODE_LONG64, &vcpu);
	ASSERT_NE(NULL, vm);
	h = vm_attach(dev, vm->fd);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, handle_serve(h, NR, 0, 5000));

	ASSERT_EQ(0, async_hc_start(&a, vcpu, NR, 1));
	/* Read, so the vCPU surely waits, then leave it unanswered. */
	ASSERT_EQ(0, read_msg(h, &msg, 10000));
	usleep(100 * 1000);
	ASSERT_EQ(0, pthread_kill(a.thread, SIGUSR1));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(HC_ERR(PVHOOK_EINTR), a.ret);
	EXPECT_GT(2500, a.ms);
	/* The request was withdrawn: nobody waits for the answer. */
	EXPECT_EQ(ENOENT, handle_reply(h, msg.seq, 7));

	close(h);
	vm_destroy(vm);
	close(dev);
	signal(SIGUSR1, SIG_DFL);
}

/* Run "@cmd" in a child; its pid, or -1. */
static pid_t spawn(const char *cmd)
{
	pid_t pid = fork();

	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait up to @ms for @pid; its exit status, or -1 if it still runs. */
static int wait_child_ms(pid_t pid, int ms)
{
	int status, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
		usleep(10 * 1000);
	}
	return -1;
}

TEST(stalled_ring_page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { 0 };
	const char *ko = getenv("PVHOOK_TEST_KO");
	struct async_hc a = { 0 };
	struct vcpu *vcpu;
	char cmd[512];
	int uffd, rc;
	pid_t rmmod;
	struct vm *vm;
	void *mem;

	if (!ko)
		SKIP(return, "PVHOOK_TEST_KO (the test module) not set");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));

	vm = vm_create_one(VM_MODE_LONG64, &vcpu);
	ASSERT_NE(NULL, vm);
	mem = vm_memslot_add(vm, 1, RING_GPA, RING_SLOT_SIZE);
	ASSERT_NE(NULL, mem);
	/* Never touched: the first access, the host's flush, faults. */
	reg.range.start = (unsigned long)mem;
	reg.range.len = RING_SLOT_SIZE;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, hc4(vcpu, PVHOOK_HC_RING_SETUP, RING_GPA,
			 PVHOOK_RING_SIZE_MIN, 0, 0));

	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	ASSERT_EQ(0, system(cmd));

	ASSERT_EQ(0, async_hc_start(&a, vcpu, PVHOOK_HC_RING_FLUSH, 0));
	ASSERT_LT(0, wait_fd(uffd, POLLIN, 10000));

	/* The vCPU is stuck on the page: another module must still go. */
	rmmod = spawn("rmmod pvhook_test_hc");
	ASSERT_LT(0, rmmod);
	rc = wait_child_ms(rmmod, 10000);
	EXPECT_EQ(0, rc);

	/* Resolve the fault with a zero page: a ring with no records. */
	zero.range.start = (unsigned long)mem;
	zero.range.len = getpagesize();
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zero));
	EXPECT_EQ(0, async_hc_join(&a));
	EXPECT_EQ(0, a.ret);
	if (rc == -1)
		waitpid(rmmod, NULL, 0);

	vm_destroy(vm);
	close(uffd);
}

TEST_HARNESS_MAIN
