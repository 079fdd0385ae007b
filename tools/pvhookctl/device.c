// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: /dev/pvhook and VM handles. Every wrapper turns a failure
 * into one clear error line, except the few failures a caller handles
 * (they return -errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pvhookctl.h"

/* Why an ioctl may have failed, beyond strerror(). */
static const char *errno_hint(int err)
{
	switch (err) {
	case ENOTTY:
		return " (pvhook.ko does not know this request: too old?)";
	case EACCES:
	case EPERM:
		return " (need root)";
	default:
		return "";
	}
}

static int dev_ioctl(int fd, unsigned long req, void *arg, const char *name)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		fatal("%s: %s%s", name, strerror(errno), errno_hint(errno));
	return ret;
}

/* An ioctl on a VM handle: ENODEV there means the VM was destroyed. */
static void vm_ioctl(int h, unsigned long req, void *arg, const char *name)
{
	if (ioctl(h, req, arg) >= 0)
		return;
	if (errno == ENODEV)
		vm_gone();
	fatal("%s: %s%s", name, strerror(errno), errno_hint(errno));
}

static void check_abi(int dev)
{
	struct pvhook_info info;
	unsigned int major;

	dev_get_info(dev, &info);
	major = (info.abi_version >> 8) & 0xff;
	if (major != PVHOOK_ABI_MAJOR)
		fatal("%s speaks ABI %u.%u, pvhookctl ABI %u.%u", opts.device,
		      major, info.abi_version & 0xff, PVHOOK_ABI_MAJOR,
		      PVHOOK_ABI_MINOR);
}

/* @mode: O_RDONLY to look, O_RDWR to attach VMs. */
int dev_open(int mode)
{
	int dev = open(opts.device, mode | O_CLOEXEC);

	if (dev < 0 && errno == ENOENT)
		fatal("cannot open %s: %s (is pvhook.ko loaded?)", opts.device,
		      strerror(errno));
	if (dev < 0)
		fatal("cannot open %s: %s%s", opts.device, strerror(errno),
		      errno_hint(errno));
	check_abi(dev);
	return dev;
}

void dev_get_info(int dev, struct pvhook_info *info)
{
	memset(info, 0, sizeof(*info));
	dev_ioctl(dev, PVHOOK_GET_INFO, info, "PVHOOK_GET_INFO");
}

/* 0, or -ENOENT when nothing in the kernel serves @nr (any more). */
int dev_get_hc_info(int dev, u64 nr, struct pvhook_hc_info *hci)
{
	memset(hci, 0, sizeof(*hci));
	hci->nr = nr;
	if (ioctl(dev, PVHOOK_GET_HC_INFO, hci) == 0) {
		hci->name[sizeof(hci->name) - 1] = '\0';
		hci->owner[sizeof(hci->owner) - 1] = '\0';
		return 0;
	}
	if (errno == ENOENT)
		return -ENOENT;
	fatal("PVHOOK_GET_HC_INFO 0x%llx: %s%s", nr, strerror(errno),
	      errno_hint(errno));
}

/* A new VM handle for the KVM VM fd @vm_fd. */
int dev_attach(int dev, int vm_fd)
{
	struct pvhook_attach att = { .vm_fd = vm_fd };
	int h = ioctl(dev, PVHOOK_ATTACH_VM, &att);

	if (h < 0 && errno == ENODEV)
		vm_gone();
	if (h < 0)
		fatal("PVHOOK_ATTACH_VM: %s%s", strerror(errno),
		      errno_hint(errno));
	return h;
}

/* The kernel terminates it; a truncated one must not overrun. */
static void terminate_stats_id(struct pvhook_vm_info *vi)
{
	vi->stats_id[sizeof(vi->stats_id) - 1] = '\0';
}

/* Every VM pvhook knows (up to PVHOOK_LIST_MAX); free() the array. */
struct pvhook_vm_info *dev_list_vms(int dev, u32 *count)
{
	struct pvhook_vm_list list = { 0 };
	struct pvhook_vm_info *vms = NULL;
	u32 room = 16, i;

	for (;;) {
		free(vms);
		vms = xcalloc(room, sizeof(*vms));
		list.count = room;
		list.vms = (unsigned long)vms;
		dev_ioctl(dev, PVHOOK_LIST_VMS, &list, "PVHOOK_LIST_VMS");
		if (list.count <= room || room == PVHOOK_LIST_MAX)
			break;
		/* More VMs than room: grow, with slack for new ones. */
		room = list.count + 16;
		if (room > PVHOOK_LIST_MAX)
			room = PVHOOK_LIST_MAX;
	}
	*count = list.count < room ? list.count : room;
	for (i = 0; i < *count; i++)
		terminate_stats_id(&vms[i]);
	return vms;
}

/*
 * The per-number statistics of VM @vm_id; @entries has room for
 * PVHOOK_HC_COUNT. 0, or -ENOENT when pvhook does not know the VM.
 */
int dev_vm_stats(int dev, u64 vm_id, struct pvhook_hc_stats *entries,
		 u32 *count)
{
	struct pvhook_vm_stats st = {
		.vm_id = vm_id,
		.count = PVHOOK_HC_COUNT,
		.entries = (unsigned long)entries,
	};

	if (ioctl(dev, PVHOOK_GET_VM_STATS, &st) < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		fatal("PVHOOK_GET_VM_STATS: %s%s", strerror(errno),
		      errno_hint(errno));
	}
	*count = st.count < PVHOOK_HC_COUNT ? st.count : PVHOOK_HC_COUNT;
	return 0;
}

/*
 * The paravirt-operation counts of VM @vm_id. 0; -ENOENT when pvhook does
 * not know the VM; -ENOTTY when the module predates them (ABI 1.1).
 */
int dev_vm_ops(int dev, u64 vm_id, struct vm_ops *ops)
{
	struct pvhook_vm_ops req = {
		.vm_id = vm_id,
		.count = PVHOOK_OP_COUNT,
		.entries = (unsigned long)ops->st,
	};

	memset(ops, 0, sizeof(*ops));
	if (ioctl(dev, PVHOOK_GET_VM_OPS, &req) < 0) {
		if (errno == ENOENT || errno == ENOTTY)
			return -errno;
		fatal("PVHOOK_GET_VM_OPS: %s%s", strerror(errno),
		      errno_hint(errno));
	}
	ops->n = req.count < PVHOOK_OP_COUNT ? req.count : PVHOOK_OP_COUNT;
	ops->flushes = req.flushes;
	ops->rejected = req.rejected;
	return 0;
}

void vm_get_info(int h, struct pvhook_vm_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	vm_ioctl(h, PVHOOK_VM_GET_INFO, vi, "PVHOOK_VM_GET_INFO");
	terminate_stats_id(vi);
}

void vm_get_policy(int h, struct pvhook_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	vm_ioctl(h, PVHOOK_VM_GET_POLICY, pol, "PVHOOK_VM_GET_POLICY");
}

void vm_set_policy(int h, const struct pvhook_policy *pol)
{
	struct pvhook_policy p = *pol;

	memset(p.reserved, 0, sizeof(p.reserved));
	vm_ioctl(h, PVHOOK_VM_SET_POLICY, &p, "PVHOOK_VM_SET_POLICY");
}

void vm_serve(int h, const struct pvhook_serve *srv)
{
	struct pvhook_serve s = *srv;

	if (ioctl(h, PVHOOK_VM_SERVE, &s) == 0)
		return;
	if (errno == ENODEV)
		vm_gone();
	if (errno == EBUSY)
		fatal("PVHOOK_VM_SERVE: 0x%llx is already served for this VM",
		      srv->nr);
	fatal("PVHOOK_VM_SERVE 0x%llx: %s%s", srv->nr, strerror(errno),
	      errno_hint(errno));
}

void vm_events(int h, u32 queue_len, u32 flags)
{
	struct pvhook_events ev = { .queue_len = queue_len, .flags = flags };

	vm_ioctl(h, PVHOOK_VM_EVENTS, &ev, "PVHOOK_VM_EVENTS");
}

/* read() whole messages; 0 if there are none now. */
static size_t vm_read_msgs(int h, struct pvhook_msg *msgs, size_t max)
{
	ssize_t n = read(h, msgs, max * sizeof(*msgs));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0 && errno == ENODEV)
		vm_gone();
	if (n < 0)
		fatal("reading the VM handle: %s", strerror(errno));
	if (n % sizeof(*msgs))
		fatal("reading the VM handle: %zd bytes, not messages", n);
	return n / sizeof(*msgs);
}

/*
 * Wait for messages and read up to @max of them. Returns 0 only when
 * SIGINT or SIGTERM asked to stop; a VM that goes away is fatal.
 */
size_t vm_wait_msgs(int h, struct pvhook_msg *msgs, size_t max)
{
	size_t n = 0;
	int revents;

	fcntl(h, F_SETFL, fcntl(h, F_GETFL) | O_NONBLOCK);
	while (!n && !stop_requested) {
		revents = wait_readable(h, -1);
		if (revents & POLLIN)
			n = vm_read_msgs(h, msgs, max);
		if (!n && (revents & (POLLHUP | POLLERR)))
			vm_gone();
		if (revents & POLLNVAL)
			fatal("polling the VM handle: invalid descriptor");
	}
	return n;
}

/*
 * Answer request @seq. 0, or -ENOENT when no vCPU waits for it any more
 * (it timed out).
 */
int vm_reply(int h, u64 seq, u64 ret)
{
	struct pvhook_reply r = { .seq = seq, .ret = ret };
	ssize_t n = write(h, &r, sizeof(r));

	if (n == sizeof(r))
		return 0;
	if (n < 0 && errno == ENOENT)
		return -ENOENT;
	if (n < 0 && errno == ENODEV)
		vm_gone();
	if (n < 0)
		fatal("answering request %llu: %s", seq, strerror(errno));
	fatal("answering request %llu: short write (%zd bytes)", seq, n);
}
