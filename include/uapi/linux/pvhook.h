/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pvhook: runtime-extensible paravirtual hypercalls for KVM.
 *
 * This header is shared by the host module, guests that issue pvhook
 * hypercalls and host tools. See Documentation/hypercall-abi.rst.
 */
#ifndef _UAPI_LINUX_PVHOOK_H
#define _UAPI_LINUX_PVHOOK_H

#include <linux/const.h>
#ifndef __ASSEMBLY__
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

/*
 * ABI version: major in bits 15..8, minor in bits 7..0. A guest accepts a
 * host whose major version equals its own; minor versions only add.
 */
#define PVHOOK_ABI_MAJOR	1
#define PVHOOK_ABI_MINOR	3
#define PVHOOK_ABI_VERSION	((PVHOOK_ABI_MAJOR << 8) | PVHOOK_ABI_MINOR)

/*
 * PVHOOK_HC_PROBE answers PVHOOK_MAGIC | PVHOOK_ABI_VERSION. The magic
 * occupies bits 31..16, so the answer survives the truncation to 32 bits
 * that a guest not in 64-bit mode sees, and it can never equal a KVM error
 * code (those are small negative numbers).
 */
#define PVHOOK_MAGIC		_AC(0x70760000, UL)	/* "pv" */
#define PVHOOK_MAGIC_MASK	_AC(0xffff0000, UL)
#define PVHOOK_VERSION_MASK	_AC(0x0000ffff, UL)

/*
 * Hypercall numbers. pvhook owns the 256 numbers from PVHOOK_HC_BASE.
 * KVM's own KVM_HC_* numbers are small integers (below 0x100) and Xen and
 * Hyper-V hypercalls never reach the generic KVM path, so the range cannot
 * collide with them. The range is split:
 *
 *   PVHOOK_HC_BASE + 0x00 .. 0x3f   built into pvhook.ko
 *   PVHOOK_HC_BASE + 0x40 .. 0x7f   registered by other host modules
 *   PVHOOK_HC_BASE + 0x80 .. 0xff   reserved for handlers in host processes
 */
#define PVHOOK_HC_BASE		_AC(0x70760000, UL)
#define PVHOOK_HC_COUNT		0x100
#define PVHOOK_HC_MODULE_FIRST	(PVHOOK_HC_BASE + 0x40)
#define PVHOOK_HC_MODULE_LAST	(PVHOOK_HC_BASE + 0x7f)
#define PVHOOK_HC_USER_FIRST	(PVHOOK_HC_BASE + 0x80)
#define PVHOOK_HC_USER_LAST	(PVHOOK_HC_BASE + 0xff)

/* Returns PVHOOK_MAGIC | PVHOOK_ABI_VERSION. */
#define PVHOOK_HC_PROBE		(PVHOOK_HC_BASE + 0x00)
/* Returns the PVHOOK_F_* bitmap of what this host offers. */
#define PVHOOK_HC_FEATURES	(PVHOOK_HC_BASE + 0x01)
/* Returns its first argument unchanged. */
#define PVHOOK_HC_PING		(PVHOOK_HC_BASE + 0x02)
/*
 * Posts a one-way event: code in the first argument, data in the other
 * three. Returns how many host queues took it (0 when nobody listens).
 */
#define PVHOOK_HC_NOTIFY	(PVHOOK_HC_BASE + 0x03)
/*
 * Since ABI 1.2: records of guest paravirt operations (see
 * Documentation/guest.rst).
 *
 * PVHOOK_HC_RING_SETUP registers the calling vCPU's record ring: guest
 * physical address in the first argument (page-aligned; 0 removes the
 * ring), size in bytes in the second (a multiple of 4096 from
 * PVHOOK_RING_SIZE_MIN to PVHOOK_RING_SIZE_MAX), and the whole range must
 * lie in one memory slot of the VM. Returns 0, -KVM_EINVAL (alignment or
 * size), -KVM_EFAULT (not in one memory slot) or -PVHOOK_EAGAIN (the host
 * is out of memory).
 *
 * PVHOOK_HC_RING_FLUSH is the doorbell: the host takes the
 * struct pvhook_ring_header.count records at the start of the calling
 * vCPU's ring and returns how many it took; the guest then writes from the
 * start again. The host only reads the ring. Returns -KVM_EINVAL when the
 * vCPU has no ring, the count exceeds the ring's capacity, or the header's
 * flags or reserved fields are not zero; -KVM_EFAULT
 * when the ring is no longer in the VM's memory.
 *
 * PVHOOK_HC_OP reports one operation synchronously: PVHOOK_OP_* slot in
 * the first argument, the operation's two arguments in the second and
 * third. Returns 0 (go ahead); other values are reserved for host
 * decisions. A slot not below PVHOOK_OP_COUNT gets -KVM_EINVAL.
 */
#define PVHOOK_HC_RING_SETUP	(PVHOOK_HC_BASE + 0x04)
#define PVHOOK_HC_RING_FLUSH	(PVHOOK_HC_BASE + 0x05)
#define PVHOOK_HC_OP		(PVHOOK_HC_BASE + 0x06)

/* Bits returned by PVHOOK_HC_FEATURES. */
#define PVHOOK_F_PROBE		_BITUL(0)
#define PVHOOK_F_FEATURES	_BITUL(1)
#define PVHOOK_F_PING		_BITUL(2)
#define PVHOOK_F_MODULE_HC	_BITUL(3)	/* modules may add numbers */
#define PVHOOK_F_NOTIFY		_BITUL(4)	/* since ABI 1.1 */
#define PVHOOK_F_USER_HC	_BITUL(5)	/* host processes serve numbers */
#define PVHOOK_F_RING		_BITUL(6)	/* since 1.2: RING_SETUP, _FLUSH */
#define PVHOOK_F_OP		_BITUL(7)	/* since 1.2: PVHOOK_HC_OP */

/*
 * Guest paravirt operations (pv_ops slots) that records name. Numbers from
 * PVHOOK_OP_FIRST_FREE up are free for hooks of other guest modules.
 */
#define PVHOOK_OP_FLUSH_TLB_USER	0	/* mmu.flush_tlb_user */
#define PVHOOK_OP_FLUSH_TLB_KERNEL	1	/* mmu.flush_tlb_kernel */
#define PVHOOK_OP_FLUSH_TLB_ONE_USER	2	/* mmu.flush_tlb_one_user */
#define PVHOOK_OP_FLUSH_TLB_MULTI	3	/* mmu.flush_tlb_multi */
#define PVHOOK_OP_EXIT_MMAP		4	/* mmu.exit_mmap */
#define PVHOOK_OP_ENTER_MMAP		5	/* mmu.enter_mmap */
#define PVHOOK_OP_IO_DELAY		6	/* cpu.io_delay */
#define PVHOOK_OP_LOCK_KICK		7	/* lock.kick */
#define PVHOOK_OP_LOCK_WAIT		8	/* lock.wait */
#define PVHOOK_OP_SAFE_HALT		9	/* irq.safe_halt */
#define PVHOOK_OP_HALT			10	/* irq.halt */
#define PVHOOK_OP_FIRST_FREE		11
#define PVHOOK_OP_COUNT			32

/* Record ring sizes, in bytes */
#define PVHOOK_RING_SIZE_MIN	4096
#define PVHOOK_RING_SIZE_MAX	65536

/*
 * Errors a guest can get in RAX, negated, besides KVM's own -KVM_EPERM
 * (user mode, or refused by the VM's policy) and -KVM_ENOSYS (nobody
 * serves the number, or pvhook is off for the VM). The values are Linux's
 * errno values.
 */
#define PVHOOK_EINTR		4	/* since 1.3: the host took the vCPU back */
#define PVHOOK_EAGAIN		11	/* over the VM's per-vCPU rate limit */
#define PVHOOK_ECONNRESET	104	/* the serving process went away */
#define PVHOOK_ETIMEDOUT	110	/* the serving process did not answer */

#ifndef __ASSEMBLY__

/**
 * struct pvhook_ring_header - start of a guest record ring, in guest memory
 * @count: records written after the header since the last
 *         PVHOOK_HC_RING_FLUSH
 * @flags: 0; PVHOOK_HC_RING_FLUSH refuses the ring otherwise
 * @reserved: 0; likewise
 *
 * The records, struct pvhook_record, follow the header; a ring of size S
 * bytes holds (S - sizeof(header)) / sizeof(struct pvhook_record) records.
 */
struct pvhook_ring_header {
	__u32 count;
	__u32 flags;
	__u64 reserved[7];
};

/**
 * struct pvhook_record - one guest paravirt operation, in a record ring
 * @slot: PVHOOK_OP_* (the host drops records with a slot not below
 *        PVHOOK_OP_COUNT and counts them as rejected)
 * @flags: 0
 * @cpu: the guest CPU that ran the operation
 * @time_ns: the guest's clock when it ran, in nanoseconds
 * @args: the operation's arguments (see Documentation/guest.rst)
 */
struct pvhook_record {
	__u16 slot;
	__u16 flags;
	__u32 cpu;
	__u64 time_ns;
	__u64 args[2];
};

/*
 * The host interface: /dev/pvhook and the VM handles it returns.
 * See Documentation/uapi.rst.
 *
 * Every structure has a fixed size and explicit padding. Fields marked
 * "in, 0" must be zero (else -EINVAL); they are room for later versions.
 * Structures that the kernel only writes have their reserved fields set to
 * zero.
 */
#define PVHOOK_IOCTL_TYPE	0xB9

/* Numbers and limits of the host interface */
#define PVHOOK_HC_USER_COUNT	0x80
#define PVHOOK_STATS_NAME_SIZE	48	/* KVM's stats id: "kvm-<pid>" */
#define PVHOOK_HC_NAME_SIZE	32
#define PVHOOK_MODULE_NAME_SIZE	56
#define PVHOOK_HIST_BUCKETS	32
#define PVHOOK_LIST_MAX		4096
#define PVHOOK_SERVE_TIMEOUT_DEFAULT_MS	1000
#define PVHOOK_SERVE_TIMEOUT_MAX_MS	60000
#define PVHOOK_EVENTS_QUEUE_DEFAULT	256
#define PVHOOK_EVENTS_QUEUE_MAX		65536
#define PVHOOK_VM_HANDLES_MAX		16	/* since 1.3: handles per VM */

/**
 * struct pvhook_info - what this host's pvhook offers (PVHOOK_GET_INFO)
 * @abi_version: out: PVHOOK_ABI_VERSION of the loaded module
 * @nr_vms: out: number of VMs pvhook currently knows
 * @features: out: the PVHOOK_F_* bits PVHOOK_HC_FEATURES returns
 * @hc_base: out: PVHOOK_HC_BASE
 * @hc_count: out: PVHOOK_HC_COUNT
 * @reserved32: out: zero
 * @registered: out: bit i of the bitmap is set when number
 *              PVHOOK_HC_BASE + i is served by pvhook or a host module
 * @reserved: out: zero
 */
struct pvhook_info {
	__u32 abi_version;
	__u32 nr_vms;
	__u64 features;
	__u64 hc_base;
	__u32 hc_count;
	__u32 reserved32;
	__u64 registered[4];
	__u64 reserved[4];
};

/* struct pvhook_hc_info.hc_flags */
#define PVHOOK_HC_INFO_F_BUILTIN	_BITUL(0)	/* served by pvhook.ko */
#define PVHOOK_HC_INFO_F_USER		_BITUL(1)	/* callable at CPL > 0 */

/**
 * struct pvhook_hc_info - one hypercall served in the kernel
 *                         (PVHOOK_GET_HC_INFO)
 * @nr: in: a number served by pvhook or a host module
 * @flags: in, 0
 * @hc_flags: out: PVHOOK_HC_INFO_F_* bits
 * @name: out: the handler's name, NUL-terminated
 * @owner: out: the name of the module that serves it, NUL-terminated
 */
struct pvhook_hc_info {
	__u64 nr;
	__u32 flags;
	__u32 hc_flags;
	char name[PVHOOK_HC_NAME_SIZE];
	char owner[PVHOOK_MODULE_NAME_SIZE];
};

/**
 * struct pvhook_attach - attach a KVM VM (PVHOOK_ATTACH_VM)
 * @vm_fd: in: a KVM VM file descriptor (from KVM_CREATE_VM) held by the
 *         caller
 * @flags: in, 0
 * @reserved: in, 0
 *
 * The ioctl returns a new VM handle file descriptor (close-on-exec). The
 * handle does not keep the VM alive. /dev/pvhook must be open for writing,
 * and the caller must be the VM's own process (the one that created it)
 * or have CAP_SYS_ADMIN (since 1.3; else -EPERM). A VM has at most
 * PVHOOK_VM_HANDLES_MAX handles open (since 1.3; else -ENOSPC).
 */
struct pvhook_attach {
	__s32 vm_fd;
	__u32 flags;
	__u64 reserved[3];
};

/* struct pvhook_vm_info.flags */
#define PVHOOK_VM_F_ENABLED	_BITUL(0)	/* pvhook is on for the VM */
#define PVHOOK_VM_F_ATTACHED	_BITUL(1)	/* at least one handle is open */

/**
 * struct pvhook_vm_info - one VM pvhook knows
 * @id: pvhook's id for the VM, never reused while pvhook is loaded
 * @pid: id of the thread that created the VM (KVM's userspace_pid), in
 *       the initial pid namespace; for most VMMs, the VMM's pid
 * @nr_vcpus: the VM's online vCPUs
 * @flags: PVHOOK_VM_F_* bits
 * @nr_handles: open VM handles
 * @stats_id: KVM's stats id for the VM, NUL-terminated
 * @calls: pvhook hypercalls the VM made
 * @errors: of those, answered with a negated error code (-4095..-1)
 * @throttled: of those, refused by the rate limit with -PVHOOK_EAGAIN
 * @events: events the VM posted with PVHOOK_HC_NOTIFY
 * @reserved: zero
 *
 * A VM becomes known at its first pvhook hypercall or when attached, and
 * is forgotten when KVM destroys it.
 */
struct pvhook_vm_info {
	__u64 id;
	__s32 pid;
	__u32 nr_vcpus;
	__u32 flags;
	__u32 nr_handles;
	char stats_id[PVHOOK_STATS_NAME_SIZE];
	__u64 calls;
	__u64 errors;
	__u64 throttled;
	__u64 events;
	__u64 reserved[4];
};

/**
 * struct pvhook_vm_list - the VMs pvhook knows (PVHOOK_LIST_VMS)
 * @count: in: room at @vms, at most PVHOOK_LIST_MAX (else -E2BIG);
 *         out: number of VMs known, which may exceed the room
 * @flags: in, 0
 * @vms: in: user address of an array of struct pvhook_vm_info; the first
 *       min(room, VMs) entries are written
 * @reserved: in, 0
 */
struct pvhook_vm_list {
	__u32 count;
	__u32 flags;
	__u64 vms;
	__u64 reserved[2];
};

/**
 * struct pvhook_hc_stats - statistics of one number in one VM
 * @nr: the hypercall number
 * @calls: calls of @nr
 * @errors: of those, answered with a negated error code (-4095..-1)
 * @throttled: of those, refused by the rate limit
 * @time_hist: time pvhook spent answering, in nanoseconds: bucket 0 counts
 *             calls under 2 ns, bucket i calls in [2^i, 2^(i+1)) ns, and the
 *             last bucket everything from 2^(PVHOOK_HIST_BUCKETS - 1) ns up
 */
struct pvhook_hc_stats {
	__u64 nr;
	__u64 calls;
	__u64 errors;
	__u64 throttled;
	__u64 time_hist[PVHOOK_HIST_BUCKETS];
};

/**
 * struct pvhook_vm_stats - per-number statistics of a VM
 *                          (PVHOOK_GET_VM_STATS)
 * @vm_id: in: the VM's struct pvhook_vm_info.id (-ENOENT if unknown)
 * @count: in: room at @entries, at most PVHOOK_HC_COUNT (else -E2BIG);
 *         out: numbers the VM called, which may exceed the room
 * @flags: in, 0
 * @entries: in: user address of an array of struct pvhook_hc_stats,
 *           filled in increasing order of number
 * @reserved: in, 0
 */
struct pvhook_vm_stats {
	__u64 vm_id;
	__u32 count;
	__u32 flags;
	__u64 entries;
	__u64 reserved[2];
};

/**
 * struct pvhook_op_stats - records of one guest paravirt operation in one
 *                          VM
 * @slot: PVHOOK_OP_*
 * @flags: 0
 * @records: records taken from the VM's rings (PVHOOK_HC_RING_FLUSH)
 * @sync_calls: PVHOOK_HC_OP calls for the slot
 * @reserved: zero
 */
struct pvhook_op_stats {
	__u32 slot;
	__u32 flags;
	__u64 records;
	__u64 sync_calls;
	__u64 reserved[2];
};

/**
 * struct pvhook_vm_ops - per-operation record counts of a VM
 *                        (PVHOOK_GET_VM_OPS, since ABI 1.2)
 * @vm_id: in: the VM's struct pvhook_vm_info.id (-ENOENT if unknown)
 * @count: in: room at @entries, at most PVHOOK_OP_COUNT (else -E2BIG);
 *         out: slots with records or calls, which may exceed the room
 * @flags: in, 0
 * @entries: in: user address of an array of struct pvhook_op_stats,
 *           filled in increasing order of slot
 * @flushes: out: PVHOOK_HC_RING_FLUSH calls that took records
 * @rejected: out: records dropped for a slot not below PVHOOK_OP_COUNT or
 *            non-zero flags, and flushes refused
 * @reserved: in, 0
 */
struct pvhook_vm_ops {
	__u64 vm_id;
	__u32 count;
	__u32 flags;
	__u64 entries;
	__u64 flushes;
	__u64 rejected;
	__u64 reserved[2];
};

/* struct pvhook_policy.flags */
#define PVHOOK_POLICY_F_ENABLED	_BITUL(0)

/**
 * struct pvhook_policy - what a VM may call (PVHOOK_VM_GET_POLICY and
 *                        PVHOOK_VM_SET_POLICY)
 * @flags: PVHOOK_POLICY_F_ENABLED, or 0 for pvhook off: the VM then sees
 *         a host without pvhook (-KVM_ENOSYS, or -KVM_EPERM at CPL > 0)
 * @rate_limit: calls per second allowed to each vCPU, 0 for no limit; the
 *              calls past it in a one-second window get -PVHOOK_EAGAIN
 * @allow: bit i: number PVHOOK_HC_BASE + i may be called (else -KVM_EPERM)
 * @allow_user: bit i: number PVHOOK_HC_BASE + i may be called from guest
 *              user mode, if its handler accepts user mode too
 * @reserved: in, 0
 */
struct pvhook_policy {
	__u32 flags;
	__u32 rate_limit;
	__u64 allow[4];
	__u64 allow_user[4];
	__u64 reserved[4];
};

/* struct pvhook_serve.flags */
#define PVHOOK_SERVE_F_USER	_BITUL(0)	/* callable at CPL > 0 */

/**
 * struct pvhook_serve - answer a number from this process
 *                       (PVHOOK_VM_SERVE, PVHOOK_VM_UNSERVE)
 * @nr: in: a number in [PVHOOK_HC_USER_FIRST, PVHOOK_HC_USER_LAST]
 * @flags: in: PVHOOK_SERVE_F_* (0 for PVHOOK_VM_UNSERVE)
 * @timeout_ms: in: how long a vCPU waits for the answer before it gets
 *              -PVHOOK_ETIMEDOUT; 0 for PVHOOK_SERVE_TIMEOUT_DEFAULT_MS, at
 *              most PVHOOK_SERVE_TIMEOUT_MAX_MS (0 for PVHOOK_VM_UNSERVE)
 * @reserved: in, 0
 */
struct pvhook_serve {
	__u64 nr;
	__u32 flags;
	__u32 timeout_ms;
	__u64 reserved[2];
};

/* struct pvhook_events.flags */
#define PVHOOK_EVENTS_F_RECORDS	_BITUL(0)	/* since 1.2: records too */

/**
 * struct pvhook_events - receive the VM's PVHOOK_HC_NOTIFY events, and
 *                        with PVHOOK_EVENTS_F_RECORDS its paravirt
 *                        operation records (PVHOOK_VM_EVENTS)
 * @flags: in: PVHOOK_EVENTS_F_* bits; other bits must be zero
 * @queue_len: in: events the handle's queue holds before it drops new
 *             ones, 1..PVHOOK_EVENTS_QUEUE_MAX; 0 stops receiving events
 *             and discards the queue
 * @reserved: in, 0
 */
struct pvhook_events {
	__u32 flags;
	__u32 queue_len;
	__u64 reserved[2];
};

/* struct pvhook_msg.type */
#define PVHOOK_MSG_REQUEST	1	/* a vCPU waits for a struct pvhook_reply */
#define PVHOOK_MSG_EVENT	2	/* a PVHOOK_HC_NOTIFY event */
#define PVHOOK_MSG_RECORD	3	/* since 1.2: a paravirt operation record */

/* struct pvhook_msg.flags */
#define PVHOOK_MSG_F_LONG_MODE	_BITUL(0)	/* caller in 64-bit mode */
#define PVHOOK_MSG_F_SYNC	_BITUL(1)	/* record from PVHOOK_HC_OP */

/**
 * struct pvhook_msg - what read() on a VM handle returns
 * @type: PVHOOK_MSG_*
 * @vcpu: id of the calling vCPU (as given to KVM_CREATE_VCPU)
 * @seq: requests: the number to answer with; events: position in the
 *       handle's event stream, counting dropped events too
 * @nr: requests: the hypercall number; events: the event code; records:
 *      the PVHOOK_OP_* slot
 * @args: requests: the four arguments; events: the three data words, and
 *        0; records: the operation's two arguments, the guest's time_ns
 *        and the guest CPU (both 0 with PVHOOK_MSG_F_SYNC)
 * @cpl: the caller's privilege level
 * @flags: PVHOOK_MSG_F_*
 * @dropped: events and records: how many events and records this
 *           handle's queue dropped so far because it was full; requests: 0
 */
struct pvhook_msg {
	__u32 type;
	__u32 vcpu;
	__u64 seq;
	__u64 nr;
	__u64 args[4];
	__u32 cpl;
	__u32 flags;
	__u64 dropped;
};

/**
 * struct pvhook_reply - what write() to a VM handle takes
 * @seq: the struct pvhook_msg.seq of the request answered (-ENOENT when no
 *       vCPU waits for it any more)
 * @ret: the value for the guest's RAX
 * @flags: in, 0
 * @reserved32: in, 0
 * @reserved: in, 0
 */
struct pvhook_reply {
	__u64 seq;
	__u64 ret;
	__u32 flags;
	__u32 reserved32;
	__u64 reserved;
};

/* ioctls on /dev/pvhook */
#define PVHOOK_GET_INFO		_IOR(PVHOOK_IOCTL_TYPE, 0x00, struct pvhook_info)
#define PVHOOK_GET_HC_INFO	_IOWR(PVHOOK_IOCTL_TYPE, 0x01, struct pvhook_hc_info)
#define PVHOOK_ATTACH_VM	_IOW(PVHOOK_IOCTL_TYPE, 0x02, struct pvhook_attach)
#define PVHOOK_LIST_VMS		_IOWR(PVHOOK_IOCTL_TYPE, 0x03, struct pvhook_vm_list)
#define PVHOOK_GET_VM_STATS	_IOWR(PVHOOK_IOCTL_TYPE, 0x04, struct pvhook_vm_stats)
#define PVHOOK_GET_VM_OPS	_IOWR(PVHOOK_IOCTL_TYPE, 0x05, struct pvhook_vm_ops)

/* ioctls on a VM handle */
#define PVHOOK_VM_GET_INFO	_IOR(PVHOOK_IOCTL_TYPE, 0x10, struct pvhook_vm_info)
#define PVHOOK_VM_GET_POLICY	_IOR(PVHOOK_IOCTL_TYPE, 0x11, struct pvhook_policy)
#define PVHOOK_VM_SET_POLICY	_IOW(PVHOOK_IOCTL_TYPE, 0x12, struct pvhook_policy)
#define PVHOOK_VM_SERVE		_IOW(PVHOOK_IOCTL_TYPE, 0x13, struct pvhook_serve)
#define PVHOOK_VM_UNSERVE	_IOW(PVHOOK_IOCTL_TYPE, 0x14, struct pvhook_serve)
#define PVHOOK_VM_EVENTS	_IOW(PVHOOK_IOCTL_TYPE, 0x15, struct pvhook_events)

#endif /* __ASSEMBLY__ */

#endif /* _UAPI_LINUX_PVHOOK_H */
