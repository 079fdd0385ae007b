/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the selftests of /dev/pvhook and VM handles; include after
 * kselftest_harness.h and hc_util.h.
 */
#ifndef PVHOOK_SELFTEST_DEV_UTIL_H
#define PVHOOK_SELFTEST_DEV_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hc_util.h"

#define PVHOOK_DEV	"/dev/pvhook"

/* The ioctl's errno, or 0 when it succeeded. */
static inline int ioctl_err(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static inline int dev_open(void)
{
	return open(PVHOOK_DEV, O_RDWR | O_CLOEXEC);
}

/* An address that faults: a page mapped with no access. */
static inline void *bad_ptr(void)
{
	static void *p;

	if (!p)
		p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	return p;
}

/* A VM handle for @vm_fd, or -errno. */
static inline int vm_attach(int dev, int vm_fd)
{
	struct pvhook_attach a = { .vm_fd = vm_fd };
	int fd = ioctl(dev, PVHOOK_ATTACH_VM, &a);

	return fd < 0 ? -errno : fd;
}

/*
 * What the tests of VM handles start from: /dev/pvhook, a 64-bit VM with
 * one vCPU, and a handle on that VM. A test's FIXTURE holds one, and its
 * FIXTURE_SETUP and FIXTURE_TEARDOWN call the two functions below.
 */
struct pvhook_fixture {
	int dev;
	struct vm *vm;
	struct vcpu *vcpu;
	int h;
};

/* If a step fails, so does the test, and FIXTURE_TEARDOWN does not run. */
static inline void pvhook_fixture_setup(struct __test_metadata *_metadata,
					struct pvhook_fixture *fx)
{
	int err;

	ASSERT_TRUE(module_loaded("pvhook")) TH_LOG("pvhook is not loaded");
	fx->dev = dev_open();
	err = errno;
	ASSERT_LE(0, fx->dev) TH_LOG("%s: %s", PVHOOK_DEV, strerror(err));
	fx->vm = vm_create_one(VM_MODE_LONG64, &fx->vcpu);
	ASSERT_NE(NULL, fx->vm) TH_LOG("no VM with one vCPU");
	fx->h = vm_attach(fx->dev, fx->vm->fd);
	ASSERT_LE(0, fx->h) TH_LOG("PVHOOK_ATTACH_VM: %s", strerror(-fx->h));
}

/* A test may close the handle itself (h = -1), or destroy the VM (NULL). */
static inline void pvhook_fixture_teardown(struct pvhook_fixture *fx)
{
	if (fx->h >= 0)
		close(fx->h);
	vm_destroy(fx->vm);
	close(fx->dev);
}

static inline int handle_serve(int h, u64 nr, u32 flags, u32 timeout_ms)
{
	struct pvhook_serve s = {
		.nr = nr, .flags = flags, .timeout_ms = timeout_ms,
	};

	return ioctl_err(h, PVHOOK_VM_SERVE, &s);
}

static inline int handle_events(int h, u32 queue_len)
{
	struct pvhook_events e = { .queue_len = queue_len };

	return ioctl_err(h, PVHOOK_VM_EVENTS, &e);
}

/* Events and, with PVHOOK_EVENTS_F_RECORDS in @flags, records. */
static inline int handle_events_flags(int h, u32 queue_len, u32 flags)
{
	struct pvhook_events e = { .queue_len = queue_len, .flags = flags };

	return ioctl_err(h, PVHOOK_VM_EVENTS, &e);
}

static inline int handle_reply(int h, u64 seq, u64 ret)
{
	struct pvhook_reply r = { .seq = seq, .ret = ret };

	return write(h, &r, sizeof(r)) == sizeof(r) ? 0 : errno;
}

/* Wait up to @ms for @events on @fd; returns revents, 0 on timeout. */
static inline short wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

/* Read one message, waiting up to @ms for it; 0 or -errno. */
static inline int read_msg(int h, struct pvhook_msg *msg, int ms)
{
	if (!(wait_fd(h, POLLIN, ms) & POLLIN))
		return -ETIMEDOUT;
	return read(h, msg, sizeof(*msg)) == sizeof(*msg) ? 0 : -errno;
}

static inline u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* A hypercall issued by a thread of its own, so the test can answer it. */
struct async_hc {
	struct vcpu *vcpu;
	int cpl;
	struct hc_regs regs;
	u64 ret;
	int err;
	u64 ms;			/* how long the call took */
	pthread_t thread;
};

static inline void *async_hc_fn(void *arg)
{
	struct async_hc *a = arg;
	u64 start = now_ms();

	a->err = vcpu_hypercall(a->vcpu, a->cpl, &a->regs, &a->ret);
	a->ms = now_ms() - start;
	return NULL;
}

static inline int async_hc_start(struct async_hc *a, struct vcpu *vcpu,
				 u64 nr, u64 a0)
{
	a->vcpu = vcpu;
	a->regs.nr = nr;
	a->regs.args[0] = a0;
	a->ret = 0x5a5a5a5a5a5a5a5aULL;
	return pthread_create(&a->thread, NULL, async_hc_fn, a);
}

static inline int async_hc_join(struct async_hc *a)
{
	pthread_join(a->thread, NULL);
	return a->err;
}

/* pvhook's record of the VM with @pid, or -1 if it has none. */
static inline int find_vm_by_pid(int dev, pid_t pid,
				 struct pvhook_vm_info *out)
{
	struct pvhook_vm_info infos[64];
	struct pvhook_vm_list l = {
		.count = 64, .vms = (u64)(unsigned long)infos,
	};
	unsigned int i;

	if (ioctl(dev, PVHOOK_LIST_VMS, &l))
		return -1;
	for (i = 0; i < l.count && i < 64; i++) {
		if (infos[i].pid == pid) {
			*out = infos[i];
			return 0;
		}
	}
	return -1;
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

/* What /proc/PID/fd/N of a KVM VM fd reads. */
#define KVM_VM_LINK	"anon_inode:kvm-vm"

/* Is file descriptor @fd of process @pid a KVM VM? */
static inline bool pid_fd_is_vm(pid_t pid, int fd)
{
	char path[64], link[sizeof(KVM_VM_LINK) + 1];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	len = readlink(path, link, sizeof(link));
	return len == sizeof(KVM_VM_LINK) - 1 &&
	       !memcmp(link, KVM_VM_LINK, len);
}

/*
 * The number of the first KVM VM file descriptor of process @pid that
 * readdir() finds: -ENOENT if it has none, or -errno.
 */
static inline int pid_find_vm_fd(pid_t pid)
{
	char dir[64];
	struct dirent *de;
	int fd, ret = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = atoi(de->d_name);
		if (pid_fd_is_vm(pid, fd)) {
			ret = fd;
			break;
		}
	}
	closedir(d);
	return ret;
}

/*
 * Our own copy of the KVM VM file descriptor @fd of process @pid, taken
 * with pidfd_getfd(2) as pvhookctl attach does (the caller needs ptrace
 * rights over @pid), or -errno. Closing the copy lets KVM destroy the VM
 * once the process is gone.
 */
static inline int pid_take_vm_fd(pid_t pid, int fd)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	int vm_fd, err;

	if (pidfd < 0)
		return -errno;
	vm_fd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	err = errno;
	close(pidfd);
	if (vm_fd < 0)
		return -err;
	/* The process may have closed and reused the number meanwhile. */
	if (!pid_fd_is_vm(getpid(), vm_fd)) {
		close(vm_fd);
		return -EBADF;
	}
	return vm_fd;
}

#endif /* PVHOOK_SELFTEST_DEV_UTIL_H */
