/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhook host module: interfaces between its parts.
 *
 *   kvm_hook*.c  everything that knows KVM's internals: the attachment to
 *                KVM's hypercall path (trampoline in kvm_hook_tramp.S), the
 *                VM-destruction hook, telling a KVM VM file apart, and
 *                KVM's SRCU around a vCPU's sleep; kvm_hook.c shared by
 *                every kernel, and one file per shape of KVM's hypercall
 *                path, which Kbuild picks (kvm_hook.h between them)
 *   dispatch.c   turns one guest hypercall into one handler call
 *   registry.c   the number -> handler table and the exported API
 *   builtin.c    PVHOOK_HC_PROBE, _FEATURES, _PING, _NOTIFY, and the table
 *                of every built-in number
 *   records.c    guest paravirt-operation records: PVHOOK_HC_RING_SETUP,
 *                _RING_FLUSH and _OP, reading a vCPU's record ring
 *   vm.c         per-VM state: the table of VMs pvhook knows, their policy
 *   stats.c      per-VM, per-number counters and time histograms
 *   device.c     /dev/pvhook and its ioctls
 *   handle.c     VM handles: the file a process gets from PVHOOK_ATTACH_VM
 *   served.c     numbers answered by host processes: the waiting vCPU side
 *   events.c     PVHOOK_HC_NOTIFY event queues of VM handles
 *   main.c       module load and unload
 */
#ifndef _PVHOOK_INTERNAL_H
#define _PVHOOK_INTERNAL_H

#include <linux/kref.h>
#include <linux/kvm_para.h>
#include <linux/list.h>
#include <linux/pvhook.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

struct file;
struct kvm;
struct pvhook_handle;

/*
 * kvm_hook.c, its trampoline kvm_hook_tramp.S, and the shape's
 * kvm_hook_*.c (pvhook_hook_redirect())
 */
int pvhook_kvm_attach(void);
void pvhook_kvm_detach(void);
void pvhook_hook_tramp(void);
bool pvhook_hook_redirect(struct kvm_vcpu *vcpu, unsigned long nr_arg);
const char *pvhook_kvm_attach_point(void);
struct kvm *pvhook_kvm_from_file(struct file *file);
bool pvhook_kvm_is_current(struct kvm *kvm);
void pvhook_vcpu_kvm_srcu_unlock(struct kvm_vcpu *vcpu)
	__releases(&vcpu->kvm->srcu);
void pvhook_vcpu_kvm_srcu_lock(struct kvm_vcpu *vcpu)
	__acquires(&vcpu->kvm->srcu);

/* dispatch.c */
unsigned long pvhook_dispatch(const struct pvhook_call *call);

/* What a VM with pvhook off sees: a host without pvhook. */
static inline unsigned long pvhook_absent(const struct pvhook_call *call)
{
	return call->cpl ? -KVM_EPERM : -KVM_ENOSYS;
}

/*
 * registry.c. pvhook_srcu covers the hypercalls of the module range, whose
 * handlers pvhook_unregister_hypercall() waits for; pvhook_user_srcu
 * covers all the others: the built-ins (the record flush may wait for a
 * guest page the VMM does not resolve) and the user range (which may
 * sleep until a process answers). Only module unload waits for
 * pvhook_user_srcu, so no VM can make another module's unregistration
 * wait.
 */
extern struct srcu_struct pvhook_srcu;
extern struct srcu_struct pvhook_user_srcu;
int pvhook_registry_init(void);
void pvhook_registry_exit(void);
int pvhook_registry_add(struct pvhook_hypercall *hc);
void pvhook_registry_remove(struct pvhook_hypercall *hc);
void pvhook_registry_bitmap(__u64 bitmap[4]);
int pvhook_registry_describe(struct pvhook_hc_info *hi);

/* builtin.c */
u64 pvhook_features(void);
unsigned long pvhook_hc_ping(const struct pvhook_call *call);
unsigned long pvhook_hc_notify(const struct pvhook_call *call);
int pvhook_builtin_init(void);
void pvhook_builtin_exit(void);

/* stats.c */

/**
 * struct pvhook_hc_counters - one number's counters in one vCPU
 * @calls: calls
 * @errors: calls answered with an error
 * @throttled: calls refused by the rate limit
 * @time_hist: calls by log2 of the nanoseconds pvhook took to answer
 *
 * Only the vCPU's thread writes them (KVM runs a vCPU in one thread at a
 * time), with plain stores; readers sum the vCPUs' counters.
 */
struct pvhook_hc_counters {
	u64 calls;
	u64 errors;
	u64 throttled;
	u64 time_hist[PVHOOK_HIST_BUCKETS];
};

/**
 * struct pvhook_vcpu - pvhook's state of one vCPU (vm.c)
 * @rate_start: start of the vCPU's rate-limit window (local_clock())
 * @rate_calls: calls counted in the window
 * @calls: the vCPU's calls, all numbers together
 * @errors: of which answered with an error
 * @throttled: of which refused by the rate limit
 * @counters: per-number counters, allocated on the number's first call
 *            and published with a release store
 *
 * No lock: only the vCPU's thread writes it, and no two vCPUs write one
 * cache line, so counting a call costs no atomic and no shared line.
 * Readers (the statistics ioctls) read each field whole.
 */
struct pvhook_vcpu {
	u64 rate_start;
	u32 rate_calls;
	u64 calls;
	u64 errors;
	u64 throttled;
	struct pvhook_hc_counters *counters[PVHOOK_HC_COUNT];
};

/**
 * struct pvhook_op_counters - per-VM counters of guest paravirt operations
 * @records: records taken from the VM's rings, by PVHOOK_OP_* slot
 * @sync_calls: PVHOOK_HC_OP calls, by slot
 * @flushes: PVHOOK_HC_RING_FLUSH calls that took at least one record
 * @rejected: records dropped for a bad slot or flags, and flushes refused
 */
struct pvhook_op_counters {
	atomic64_t records[PVHOOK_OP_COUNT];
	atomic64_t sync_calls[PVHOOK_OP_COUNT];
	atomic64_t flushes;
	atomic64_t rejected;
};

struct pvhook_vm;
void pvhook_stats_totals(struct pvhook_vm *vm, struct pvhook_vm_info *info);
unsigned int pvhook_stats_fill(struct pvhook_vm *vm,
			       struct pvhook_hc_stats *out, unsigned int room);
void pvhook_stats_free(struct pvhook_vcpu *v);
unsigned int pvhook_stats_ops_fill(struct pvhook_vm *vm,
				   struct pvhook_op_stats *out,
				   unsigned int room, u64 *flushes,
				   u64 *rejected);

/* vm.c */

/**
 * struct pvhook_vm_policy - what one VM may call; immutable once published
 * @enabled: pvhook is on for the VM
 * @rate_limit: calls per second per vCPU, 0 for none
 * @allow: numbers the VM may call, by index from PVHOOK_HC_BASE
 * @allow_user: numbers the VM may call from guest user mode
 * @rcu: frees the policy a newer one replaced
 */
struct pvhook_vm_policy {
	bool enabled;
	u32 rate_limit;
	DECLARE_BITMAP(allow, PVHOOK_HC_COUNT);
	DECLARE_BITMAP(allow_user, PVHOOK_HC_COUNT);
	struct rcu_head rcu;
};

/**
 * struct pvhook_served - a user-range number answered by a VM handle
 * @nr: the number
 * @flags: PVHOOK_SERVE_F_* flags
 * @timeout: how long a vCPU waits, in jiffies
 * @handle: the handle that answers, with a reference
 * @rcu: frees the entry once no vCPU can see it (pvhook_user_srcu)
 */
struct pvhook_served {
	unsigned long nr;
	u32 flags;
	unsigned long timeout;
	struct pvhook_handle *handle;
	struct rcu_head rcu;
};

/**
 * struct pvhook_vm - what pvhook knows of one KVM VM
 * @node: in the table of VMs, under pvhook_vms_lock
 * @ref: the table holds one reference while KVM's VM lives, each handle one
 * @kvm: the VM; NULL once KVM destroyed it (under pvhook_vms_lock)
 * @id: pvhook's id for the VM
 * @pid: KVM's userspace_pid
 * @stats_id: KVM's stats id
 * @policy: the current policy (RCU)
 * @vcpus: the vCPUs' state, by vcpu_idx (KVM_MAX_VCPUS entries), each
 *         allocated on the vCPU's first call and published with a release
 *         store
 * @nr_vcpus: one more than the highest index in @vcpus in use
 * @events: events the VM posted
 * @vcpu_ring: record rings of the vCPUs, by vcpu_idx (records.c); only
 *             the vCPU's own thread changes or reads its entry
 * @ops: counters of guest paravirt-operation records
 * @lock: protects @served, @handles, @nr_handles and @dead
 * @served: user-range numbers answered by handles (pvhook_user_srcu)
 * @handles: the open handles (RCU list)
 * @nr_handles: how many
 * @dead: KVM destroyed the VM
 * @rcu: frees the structure
 */
struct pvhook_vm {
	struct hlist_node node;
	struct kref ref;
	struct kvm *kvm;
	u64 id;
	pid_t pid;
	char stats_id[PVHOOK_STATS_NAME_SIZE];
	struct pvhook_vm_policy __rcu *policy;
	struct pvhook_vcpu **vcpus;
	unsigned int nr_vcpus;
	atomic64_t events;
	struct xarray vcpu_ring;
	struct pvhook_op_counters ops;
	spinlock_t lock;	/* see above */
	struct pvhook_served __rcu *served[PVHOOK_HC_USER_COUNT];
	struct list_head handles;
	unsigned int nr_handles;
	bool dead;
	struct rcu_head rcu;
};

void pvhook_vms_exit(void);
struct pvhook_vm *pvhook_vm_find_live(struct kvm *kvm);
struct pvhook_vm *pvhook_vm_get(struct kvm *kvm);
struct pvhook_vm *pvhook_vm_get_by_id(u64 id);
void pvhook_vm_put(struct pvhook_vm *vm);
void pvhook_vm_destroyed(struct kvm *kvm);
int pvhook_vm_link_handle(struct pvhook_vm *vm, struct pvhook_handle *h);
void pvhook_vm_unlink_handle(struct pvhook_vm *vm, struct pvhook_handle *h);
unsigned int pvhook_vm_count(void);
unsigned int pvhook_vm_list(struct pvhook_vm_info *out, unsigned int room);
int pvhook_vm_info(struct pvhook_vm *vm, struct pvhook_vm_info *info);
void pvhook_vm_get_policy(struct pvhook_vm *vm, struct pvhook_policy *out);
int pvhook_vm_set_policy(struct pvhook_vm *vm, const struct pvhook_policy *in);

/* handle.c */

/**
 * struct pvhook_request - a vCPU waiting for a process to answer; lives on
 *                         the vCPU's stack and is linked into the handle
 *                         while the vCPU waits
 * @node: in the handle's queued or delivered list, under its lock
 * @msg: what read() returns for it
 * @ret: the answer
 * @done: @ret is set and the request is off the handle's lists
 */
struct pvhook_request {
	struct list_head node;
	struct pvhook_msg msg;
	unsigned long ret;
	bool done;
};

/**
 * struct pvhook_handle - a VM handle, the file PVHOOK_ATTACH_VM returns
 * @ref: the file holds one reference, each served number one
 * @vm: the VM, with a reference
 * @vm_node: in @vm->handles
 * @lock: protects everything below
 * @closed: the file was released; no new request or event is taken
 * @vm_gone: KVM destroyed the VM
 * @readers: read() and poll() wait here
 * @vcpus: vCPUs wait here for their answer
 * @queued: requests not read yet
 * @delivered: requests read and not answered yet
 * @next_seq: sequence number of the next request
 * @events: event ring, NULL when the handle does not take events
 * @ev_size: capacity of @events
 * @ev_head: index of the oldest event in @events
 * @ev_count: events in @events
 * @ev_seq: events offered to this handle, dropped ones included
 * @ev_dropped: events dropped because @events was full
 * @ev_records: the queue takes paravirt-operation records too
 *              (PVHOOK_EVENTS_F_RECORDS); read locklessly as a hint
 * @rcu: frees the structure after RCU readers of @vm->handles
 */
struct pvhook_handle {
	struct kref ref;
	struct pvhook_vm *vm;
	struct list_head vm_node;
	spinlock_t lock;	/* see above */
	bool closed;
	bool vm_gone;
	wait_queue_head_t readers;
	wait_queue_head_t vcpus;
	struct list_head queued;
	struct list_head delivered;
	u64 next_seq;
	struct pvhook_msg *events;
	u32 ev_size;
	u32 ev_head;
	u32 ev_count;
	u64 ev_seq;
	u64 ev_dropped;
	bool ev_records;
	struct rcu_head rcu;
};

int pvhook_handle_create(struct pvhook_vm *vm);
void pvhook_handle_get(struct pvhook_handle *h);
void pvhook_handle_put(struct pvhook_handle *h);
void pvhook_handle_vm_gone(struct pvhook_handle *h);

/* served.c */
int pvhook_served_add(struct pvhook_handle *h, struct pvhook_vm *vm,
		      const struct pvhook_serve *req);
int pvhook_served_remove(struct pvhook_handle *h, struct pvhook_vm *vm,
			 unsigned long nr);
void pvhook_served_remove_all(struct pvhook_vm *vm, struct pvhook_handle *h);
unsigned long pvhook_served_call(struct pvhook_served *s,
				 const struct pvhook_call *call);
bool pvhook_served_pop(struct pvhook_handle *h, struct pvhook_msg *msg);
void pvhook_served_unpop(struct pvhook_handle *h, u64 seq);
int pvhook_served_answer(struct pvhook_handle *h,
			 const struct pvhook_reply *reply);
void pvhook_served_fail_all(struct pvhook_handle *h);

/* events.c */
unsigned long pvhook_events_post(struct pvhook_vm *vm,
				 const struct pvhook_call *call);
void pvhook_events_post_records(struct pvhook_vm *vm,
				const struct pvhook_call *call,
				const struct pvhook_record *recs,
				unsigned int n, u32 flags);
int pvhook_events_set_queue(struct pvhook_handle *h, u32 len, u32 flags);
bool pvhook_events_pop(struct pvhook_handle *h, struct pvhook_msg *msg);
void pvhook_events_free(struct pvhook_handle *h);

/* records.c */
unsigned long pvhook_hc_ring_setup(const struct pvhook_call *call);
unsigned long pvhook_hc_ring_flush(const struct pvhook_call *call);
unsigned long pvhook_hc_op(const struct pvhook_call *call);

/* device.c */
int pvhook_device_init(void);
void pvhook_device_exit(void);

/* True when @nr lies in pvhook's range of numbers. */
static inline bool pvhook_nr_in_range(unsigned long nr)
{
	return nr - PVHOOK_HC_BASE < PVHOOK_HC_COUNT;
}

/* True when @nr lies in the range other host modules register. */
static inline bool pvhook_nr_is_module(unsigned long nr)
{
	return nr - PVHOOK_HC_MODULE_FIRST <=
	       PVHOOK_HC_MODULE_LAST - PVHOOK_HC_MODULE_FIRST;
}

/* True when @nr lies in the range host processes serve. */
static inline bool pvhook_nr_is_user(unsigned long nr)
{
	return nr - PVHOOK_HC_USER_FIRST < PVHOOK_HC_USER_COUNT;
}

#endif /* _PVHOOK_INTERNAL_H */
