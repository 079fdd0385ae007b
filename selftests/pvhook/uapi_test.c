// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/pvhook and VM handles: every ioctl, and every refusal: unknown
 * commands, non-zero flags and reserved fields, bad pointers, oversized
 * counts, file descriptors that are not KVM VMs, callers without the
 * rights, and a VM that KVM destroyed under a handle.
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "dev_util.h"

FIXTURE(dev) {
	struct pvhook_fixture fx;
};

FIXTURE_SETUP(dev)
{
	pvhook_fixture_setup(_metadata, &self->fx);
}

FIXTURE_TEARDOWN(dev)
{
	pvhook_fixture_teardown(&self->fx);
}

TEST_F(dev, info)
{
	struct pvhook_info info;
	struct pvhook_info zero = { 0 };
	u64 features = hc(self->fx.vcpu, PVHOOK_HC_FEATURES, 0);

	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_INFO, &info));
	EXPECT_EQ(PVHOOK_ABI_VERSION, info.abi_version);
	EXPECT_EQ(features, info.features);
	EXPECT_EQ(PVHOOK_HC_BASE, info.hc_base);
	EXPECT_EQ(PVHOOK_HC_COUNT, info.hc_count);
	EXPECT_LE(1, info.nr_vms);
	/*
	 * PROBE, FEATURES, PING, NOTIFY, RING_SETUP, RING_FLUSH, OP; nothing
	 * in the user range.
	 */
	EXPECT_EQ(0x7fULL, info.registered[0] & 0xff);
	EXPECT_EQ(0, info.registered[2]);
	EXPECT_EQ(0, info.registered[3]);
	EXPECT_EQ(0, info.reserved32);
	EXPECT_EQ(0, memcmp(info.reserved, zero.reserved, sizeof(info.reserved)));
}

TEST_F(dev, hc_info)
{
	struct pvhook_hc_info hi = { .nr = PVHOOK_HC_PING };

	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	EXPECT_STREQ("ping", hi.name);
	EXPECT_STREQ("pvhook", hi.owner);
	EXPECT_EQ(PVHOOK_HC_INFO_F_BUILTIN, hi.hc_flags);

	hi = (struct pvhook_hc_info){ .nr = PVHOOK_HC_BASE + 0x3f };
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	hi = (struct pvhook_hc_info){ .nr = PVHOOK_HC_USER_FIRST };
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	hi = (struct pvhook_hc_info){ .nr = PVHOOK_HC_BASE + 0x100 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	hi = (struct pvhook_hc_info){ .nr = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	hi = (struct pvhook_hc_info){ .nr = PVHOOK_HC_PING, .flags = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
}

TEST_F(dev, unknown_commands)
{
	char buf[512] = { 0 };

	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.dev, _IO(PVHOOK_IOCTL_TYPE, 0x0f), buf));
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.dev, _IOR('k', 0x00, struct pvhook_info), buf));
	/* A handle command on the device, and the other way round. */
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.dev, PVHOOK_VM_GET_POLICY, buf));
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.h, PVHOOK_GET_INFO, buf));
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.h, _IO(PVHOOK_IOCTL_TYPE, 0x1f), buf));
	/* The right number with the wrong size is another command. */
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.dev,
				    _IOR(PVHOOK_IOCTL_TYPE, 0x00, __u64), buf));
}

TEST_F(dev, bad_pointers)
{
	void *bad = bad_ptr();
	struct pvhook_vm_list l = { .count = 4, .vms = (u64)(unsigned long)bad };
	struct pvhook_vm_info info;
	struct pvhook_vm_stats st;

	hc(self->fx.vcpu, PVHOOK_HC_PING, 1);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	st = (struct pvhook_vm_stats){
		.vm_id = info.id, .count = 4, .entries = (u64)(unsigned long)bad,
	};

	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_INFO, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_ATTACH_VM, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &st));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_SET_POLICY, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_SERVE, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, bad));
	/* Something to read into a bad buffer: an event (then lost). */
	ASSERT_EQ(0, handle_events(self->fx.h, 4));
	EXPECT_EQ(1, hc4(self->fx.vcpu, PVHOOK_HC_NOTIFY, 7, 0, 0, 0));
	EXPECT_EQ(-1, read(self->fx.h, bad, sizeof(struct pvhook_msg)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, write(self->fx.h, bad, sizeof(struct pvhook_reply)));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, attach_refuses_other_files)
{
	int vcpu_fd = self->fx.vcpu->fd, kvm_fd = self->fx.vm->kvm_fd;
	int stats_fd = ioctl(self->fx.vm->fd, KVM_GET_STATS_FD, NULL);
	int efd = eventfd(0, EFD_CLOEXEC);
	int pipefd[2];
	struct pvhook_attach a;
	unsigned int i;
	int fd, fd2;
	int others[] = {
		kvm_fd, vcpu_fd, stats_fd, efd, self->fx.dev, self->fx.h, 0,
	};

	ASSERT_LE(0, stats_fd);
	ASSERT_EQ(0, pipe(pipefd));
	fd = open("/tmp/kvm-vm", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);

	for (i = 0; i < ARRAY_SIZE(others); i++)
		EXPECT_EQ(-EINVAL, vm_attach(self->fx.dev, others[i]));
	EXPECT_EQ(-EINVAL, vm_attach(self->fx.dev, pipefd[0]));
	EXPECT_EQ(-EINVAL, vm_attach(self->fx.dev, fd));
	EXPECT_EQ(-EBADF, vm_attach(self->fx.dev, -1));
	EXPECT_EQ(-EBADF, vm_attach(self->fx.dev, 1000));

	/* A read-only open of the device shows, but does not attach. */
	fd2 = open(PVHOOK_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EPERM, vm_attach(fd2, self->fx.vm->fd));
	close(fd2);

	a = (struct pvhook_attach){ .vm_fd = self->fx.vm->fd, .flags = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_ATTACH_VM, &a));
	a = (struct pvhook_attach){ .vm_fd = self->fx.vm->fd, .reserved[2] = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_ATTACH_VM, &a));

	close(fd);
	unlink("/tmp/kvm-vm");
	close(pipefd[0]);
	close(pipefd[1]);
	close(efd);
	close(stats_fd);
}

TEST_F(dev, attach_gives_a_cloexec_handle)
{
	int h2 = vm_attach(self->fx.dev, self->fx.vm->fd);
	struct pvhook_vm_info a, b;

	ASSERT_LE(0, h2);
	EXPECT_EQ(FD_CLOEXEC, fcntl(h2, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &a));
	ASSERT_EQ(0, ioctl_err(h2, PVHOOK_VM_GET_INFO, &b));
	EXPECT_EQ(a.id, b.id);
	EXPECT_EQ(2, b.nr_handles);
	EXPECT_EQ(getpid(), b.pid);
	EXPECT_EQ(1, b.nr_vcpus);
	EXPECT_TRUE(b.flags & PVHOOK_VM_F_ATTACHED);
	EXPECT_TRUE(b.flags & PVHOOK_VM_F_ENABLED);
	close(h2);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &a));
	EXPECT_EQ(1, a.nr_handles);
}

TEST_F(dev, list_vms)
{
	struct pvhook_vm_info infos[8], mine;
	struct pvhook_vm_list l = { .count = 0 };
	char stats_id[64];
	unsigned int i, found = 0;

	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &mine));
	/* Room for none: only the number of VMs. */
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	EXPECT_LE(1, l.count);

	l = (struct pvhook_vm_list){ .count = 8, .vms = (u64)(unsigned long)infos };
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	snprintf(stats_id, sizeof(stats_id), "kvm-%d", getpid());
	for (i = 0; i < l.count && i < 8; i++) {
		if (infos[i].id != mine.id)
			continue;
		found++;
		EXPECT_EQ(getpid(), infos[i].pid);
		EXPECT_STREQ(stats_id, infos[i].stats_id);
		EXPECT_EQ(1, infos[i].nr_vcpus);
	}
	EXPECT_EQ(1, found);

	l = (struct pvhook_vm_list){ .count = PVHOOK_LIST_MAX + 1 };
	EXPECT_EQ(E2BIG, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	l = (struct pvhook_vm_list){ .count = 0xffffffff };
	EXPECT_EQ(E2BIG, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	l = (struct pvhook_vm_list){ .flags = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
	l = (struct pvhook_vm_list){ .reserved[1] = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_LIST_VMS, &l));
}

TEST_F(dev, vm_stats)
{
	struct pvhook_hc_stats st[PVHOOK_HC_COUNT];
	struct pvhook_vm_stats req;
	struct pvhook_vm_info info;
	u64 sum;
	int i, b;

	for (i = 0; i < 7; i++)
		EXPECT_EQ(i, hc(self->fx.vcpu, PVHOOK_HC_PING, i));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(HC_ERR(KVM_ENOSYS),
			  hc(self->fx.vcpu, PVHOOK_HC_BASE + 0x3e, 0));

	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	EXPECT_EQ(10, info.calls);
	EXPECT_EQ(3, info.errors);
	EXPECT_EQ(0, info.throttled);

	req = (struct pvhook_vm_stats){
		.vm_id = info.id, .count = PVHOOK_HC_COUNT,
		.entries = (u64)(unsigned long)st,
	};
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
	ASSERT_EQ(2, req.count);
	EXPECT_EQ(PVHOOK_HC_PING, st[0].nr);
	EXPECT_EQ(7, st[0].calls);
	EXPECT_EQ(0, st[0].errors);
	EXPECT_EQ(PVHOOK_HC_BASE + 0x3e, st[1].nr);
	EXPECT_EQ(3, st[1].calls);
	EXPECT_EQ(3, st[1].errors);
	for (i = 0; i < 2; i++) {
		for (sum = 0, b = 0; b < PVHOOK_HIST_BUCKETS; b++)
			sum += st[i].time_hist[b];
		EXPECT_EQ(st[i].calls, sum);
	}

	/* Room for one: the first, and the full count. */
	memset(st, 0, sizeof(st));
	req.count = 1;
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
	EXPECT_EQ(2, req.count);
	EXPECT_EQ(PVHOOK_HC_PING, st[0].nr);
	EXPECT_EQ(0, st[1].nr);

	req.count = PVHOOK_HC_COUNT + 1;
	EXPECT_EQ(E2BIG, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
	req.count = 1;
	req.vm_id = 0;
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
	req.vm_id = info.id;
	req.flags = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
	req.flags = 0;
	req.reserved[0] = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &req));
}

TEST_F(dev, handle_refusals)
{
	struct pvhook_policy p;
	struct pvhook_serve s;
	struct pvhook_events e;
	struct pvhook_msg msg;
	struct pvhook_reply r;
	char small[8];
	int h2 = vm_attach(self->fx.dev, self->fx.vm->fd);

	ASSERT_LE(0, h2);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, &p));
	p.flags |= 0x2;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_SET_POLICY, &p));
	p.flags &= ~0x2;
	p.reserved[3] = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_SET_POLICY, &p));

	EXPECT_EQ(EINVAL, handle_serve(self->fx.h, PVHOOK_HC_PING, 0, 0));
	EXPECT_EQ(EINVAL, handle_serve(self->fx.h, PVHOOK_HC_MODULE_LAST, 0, 0));
	EXPECT_EQ(EINVAL, handle_serve(self->fx.h, PVHOOK_HC_USER_LAST + 1, 0, 0));
	EXPECT_EQ(EINVAL, handle_serve(self->fx.h, PVHOOK_HC_USER_FIRST, 2, 0));
	EXPECT_EQ(EINVAL, handle_serve(self->fx.h, PVHOOK_HC_USER_FIRST, 0,
				       PVHOOK_SERVE_TIMEOUT_MAX_MS + 1));
	s = (struct pvhook_serve){ .nr = PVHOOK_HC_USER_FIRST, .reserved[1] = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_SERVE, &s));

	EXPECT_EQ(0, handle_serve(self->fx.h, PVHOOK_HC_USER_FIRST, 0, 0));
	EXPECT_EQ(EBUSY, handle_serve(self->fx.h, PVHOOK_HC_USER_FIRST, 0, 0));
	EXPECT_EQ(EBUSY, handle_serve(h2, PVHOOK_HC_USER_FIRST, 0, 0));
	s = (struct pvhook_serve){ .nr = PVHOOK_HC_USER_FIRST };
	EXPECT_EQ(ENOENT, ioctl_err(h2, PVHOOK_VM_UNSERVE, &s));
	s.timeout_ms = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, &s));
	s.timeout_ms = 0;
	EXPECT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, &s));
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, &s));
	s.nr = PVHOOK_HC_PING;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_UNSERVE, &s));
	/* Closing a handle gives its numbers back. */
	EXPECT_EQ(0, handle_serve(h2, PVHOOK_HC_USER_LAST, 0, 0));
	close(h2);
	EXPECT_EQ(0, handle_serve(self->fx.h, PVHOOK_HC_USER_LAST, 0, 0));

	EXPECT_EQ(EINVAL, handle_events(self->fx.h, PVHOOK_EVENTS_QUEUE_MAX + 1));
	e = (struct pvhook_events){ .queue_len = 1, .flags = 2 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
	e = (struct pvhook_events){ .queue_len = 1, .reserved[0] = 1 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));

	/* Whole records only; nothing to read yet. */
	EXPECT_EQ(-1, read(self->fx.h, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	fcntl(self->fx.h, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, read(self->fx.h, &msg, sizeof(msg)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, write(self->fx.h, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	r = (struct pvhook_reply){ .seq = 12345 };
	EXPECT_EQ(ENOENT, handle_reply(self->fx.h, 12345, 0));
	r.flags = 1;
	EXPECT_EQ(-1, write(self->fx.h, &r, sizeof(r)));
	EXPECT_EQ(EINVAL, errno);
	r.flags = 0;
	r.reserved = 1;
	EXPECT_EQ(-1, write(self->fx.h, &r, sizeof(r)));
	EXPECT_EQ(EINVAL, errno);
}

/* KVM destroys the VM: the handle reports it, and pvhook forgets the VM. */
TEST_F(dev, vm_destroyed_under_handle)
{
	struct pvhook_vm_info info, other;
	struct pvhook_vm_stats st = { 0 };
	struct pvhook_policy p;
	struct pvhook_msg msg;
	short rev;

	hc(self->fx.vcpu, PVHOOK_HC_PING, 0);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	ASSERT_EQ(0, handle_events(self->fx.h, 4));
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & (POLLIN | POLLHUP));

	vm_destroy(self->fx.vm);
	self->fx.vm = NULL;

	rev = wait_fd(self->fx.h, POLLIN, 10000);
	EXPECT_TRUE(rev & POLLHUP);
	EXPECT_EQ(-1, read(self->fx.h, &msg, sizeof(msg)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(ENODEV, handle_reply(self->fx.h, 1, 0));
	EXPECT_EQ(ENODEV, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &other));
	EXPECT_EQ(ENODEV, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, &p));
	EXPECT_EQ(ENODEV, handle_serve(self->fx.h, PVHOOK_HC_USER_FIRST, 0, 0));
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.h, PVHOOK_GET_INFO, &other));

	st.vm_id = info.id;
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_STATS, &st));
	EXPECT_EQ(-1, find_vm_by_pid(self->fx.dev, getpid(), &other));
}

/* A VM nobody attached is listed after its first pvhook hypercall. */
TEST_F(dev, vm_known_from_first_call)
{
	struct pvhook_vm_info info;
	struct vcpu *vcpu;
	struct vm *vm2;

	vm_destroy(self->fx.vm);
	close(self->fx.h);
	self->fx.h = -1;
	self->fx.vm = NULL;
	ASSERT_EQ(-1, find_vm_by_pid(self->fx.dev, getpid(), &info));

	vm2 = vm_create_one(VM_MODE_LONG64, &vcpu);
	ASSERT_NE(NULL, vm2);
	/* KVM's own hypercalls do not make it known. */
	EXPECT_EQ(0, hc(vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(-1, find_vm_by_pid(self->fx.dev, getpid(), &info));
	EXPECT_EQ(3, hc(vcpu, PVHOOK_HC_PING, 3));
	ASSERT_EQ(0, find_vm_by_pid(self->fx.dev, getpid(), &info));
	EXPECT_EQ(1, info.calls);
	EXPECT_EQ(0, info.nr_handles);
	vm_destroy(vm2);
}

/*
 * Without root, /dev/pvhook does not open; and a VM fd, which attaching
 * needs, can only be taken from a process one may ptrace.
 */
TEST(non_root)
{
	int dev = dev_open();
	pid_t pid;
	int status;

	ASSERT_LE(0, dev);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int pidfd, fd;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = open(PVHOOK_DEV, O_RDWR);
		if (fd >= 0 || errno != EACCES)
			_exit(11);
		/* Our parent, root, runs VMs: we may not take its files. */
		pidfd = syscall(SYS_pidfd_open, getppid(), 0);
		if (pidfd < 0)
			_exit(12);
		fd = syscall(SYS_pidfd_getfd, pidfd, dev, 0);
		if (fd >= 0 || errno != EPERM)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(dev);
}

/* An open handle pins the module: unload waits until every one is closed. */
TEST_F(dev, unload_refused_while_attached)
{
	EXPECT_NE(0, system("rmmod pvhook 2>/dev/null"));
	EXPECT_TRUE(module_loaded("pvhook"));
	EXPECT_EQ(1, hc(self->fx.vcpu, PVHOOK_HC_PING, 1));
}

TEST_HARNESS_MAIN
