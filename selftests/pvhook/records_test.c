// SPDX-License-Identifier: GPL-2.0
/*
 * Guest paravirt-operation records (ABI 1.2): PVHOOK_HC_RING_SETUP and its
 * checks, the doorbell PVHOOK_HC_RING_FLUSH on good, bad and vanishing
 * rings, PVHOOK_HC_OP, records delivered to the handles that asked for
 * them, and PVHOOK_GET_VM_OPS.
 *
 * The test is the VMM: it writes a ring's header and records straight
 * into guest memory, then lets the guest ring the doorbell.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "dev_util.h"

#define MEM_END		(2UL << 20)	/* slot 0: [0, 2 MiB), see vm.c */
#define RING_GPA	0x100000UL
#define RING_SIZE	16384UL
#define HDR_SIZE	sizeof(struct pvhook_ring_header)
#define REC_SIZE	sizeof(struct pvhook_record)
#define CAPACITY(size)	(((size) - HDR_SIZE) / REC_SIZE)

FIXTURE(records) {
	struct pvhook_fixture fx;
	u64 vm_id;
};

FIXTURE_SETUP(records)
{
	struct pvhook_vm_info info;

	pvhook_fixture_setup(_metadata, &self->fx);
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_INFO, &info));
	self->vm_id = info.id;
}

FIXTURE_TEARDOWN(records)
{
	pvhook_fixture_teardown(&self->fx);
}

static struct pvhook_ring_header *ring_hdr(u8 *mem)
{
	return (struct pvhook_ring_header *)mem;
}

static struct pvhook_record *ring_rec(u8 *mem, unsigned int i)
{
	return (struct pvhook_record *)(mem + HDR_SIZE + i * REC_SIZE);
}

/* Record @i of a test pattern: every field tells which record it is. */
static struct pvhook_record pattern(unsigned int i)
{
	struct pvhook_record r = {
		.slot = i % PVHOOK_OP_FIRST_FREE,
		.cpu = 100 + i,
		.time_ns = 1000000000ULL + i,
		.args = { 0xa0000000ULL + i, 0xb000000000000000ULL + i },
	};

	return r;
}

/* Write @n pattern records from @first at @mem and set the count. */
static void fill(u8 *mem, unsigned int first, unsigned int n)
{
	unsigned int i;

	memset(ring_hdr(mem), 0, HDR_SIZE);
	for (i = 0; i < n; i++)
		*ring_rec(mem, i) = pattern(first + i);
	ring_hdr(mem)->count = n;
}

static u64 setup(struct __test_metadata *_metadata, struct vcpu *vcpu,
		 u64 gpa, u64 size)
{
	return hc4(vcpu, PVHOOK_HC_RING_SETUP, gpa, size, 0, 0);
}

#define ring_setup(gpa, size)	setup(_metadata, self->fx.vcpu, gpa, size)
#define ring_flush()		hc(self->fx.vcpu, PVHOOK_HC_RING_FLUSH, 0)
#define op(slot, a1, a2)	hc4(self->fx.vcpu, PVHOOK_HC_OP, slot, a1, a2, 0)

/* PVHOOK_GET_VM_OPS with room for every slot; the ioctl's errno. */
static int get_ops(int dev, u64 vm_id, struct pvhook_vm_ops *req,
		   struct pvhook_op_stats *st)
{
	memset(st, 0, PVHOOK_OP_COUNT * sizeof(*st));
	*req = (struct pvhook_vm_ops){
		.vm_id = vm_id, .count = PVHOOK_OP_COUNT,
		.entries = (u64)(unsigned long)st,
	};
	return ioctl_err(dev, PVHOOK_GET_VM_OPS, req);
}

/* The entry for @slot in @st, or NULL. */
static const struct pvhook_op_stats *
op_entry(const struct pvhook_op_stats *st, u32 count, u32 slot)
{
	u32 i;

	for (i = 0; i < count && i < PVHOOK_OP_COUNT; i++)
		if (st[i].slot == slot)
			return &st[i];
	return NULL;
}

/* Read everything queued on @h, without waiting; how many messages. */
static int drain(int h, struct pvhook_msg *msgs, int max)
{
	ssize_t n;
	int got = 0;

	while (got < max && (wait_fd(h, POLLIN, 0) & POLLIN)) {
		n = read(h, msgs + got, (max - got) * sizeof(*msgs));
		if (n <= 0)
			break;
		got += n / sizeof(*msgs);
	}
	return got;
}

TEST_F(records, features)
{
	u64 f = hc(self->fx.vcpu, PVHOOK_HC_FEATURES, 0);
	struct pvhook_hc_info hi = { .nr = PVHOOK_HC_RING_FLUSH };

	EXPECT_EQ(PVHOOK_F_RING | PVHOOK_F_OP, f & (PVHOOK_F_RING | PVHOOK_F_OP));
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_HC_INFO, &hi));
	EXPECT_STREQ("ring_flush", hi.name);
	EXPECT_EQ(PVHOOK_HC_INFO_F_BUILTIN, hi.hc_flags);
}

TEST_F(records, setup_checks)
{
	static const u64 bad_sizes[] = {
		0, 1, 4095, 4097, 6000, 8192 + 32, PVHOOK_RING_SIZE_MAX + 4096,
		1ULL << 32, ~0ULL,
	};
	unsigned int i;
	u8 *slot1;

	/* Alignment and size: -KVM_EINVAL. */
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_setup(RING_GPA + 8, RING_SIZE));
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_setup(RING_GPA + 2048, RING_SIZE));
	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++)
		EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_setup(RING_GPA, bad_sizes[i]));

	/* Not in memory, or not in one slot: -KVM_EFAULT. */
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(0x40000000, RING_SIZE));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(~0ULL << 12, RING_SIZE));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(1ULL << 52, RING_SIZE));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(MEM_END - 4096, 8192));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(MEM_END, 4096));

	/* A second slot right after the first: a ring across both is refused. */
	slot1 = vm_memslot_add(self->fx.vm, 1, MEM_END, 65536);
	ASSERT_NE(NULL, slot1);
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(MEM_END - 4096, 8192));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_setup(MEM_END + 61440, 8192));
	EXPECT_EQ(0, ring_setup(MEM_END, 65536));
	EXPECT_EQ(0, ring_setup(MEM_END - 4096, 4096));
	ASSERT_EQ(0, vm_memslot_remove(self->fx.vm, 1, slot1, 65536));

	/* Every valid size, and both ends of memory. */
	for (i = PVHOOK_RING_SIZE_MIN; i <= PVHOOK_RING_SIZE_MAX; i += 4096)
		EXPECT_EQ(0, ring_setup(RING_GPA, i));
	EXPECT_EQ(0, ring_setup(4096, RING_SIZE));
	EXPECT_EQ(0, ring_setup(MEM_END - PVHOOK_RING_SIZE_MAX,
				PVHOOK_RING_SIZE_MAX));

	/* Guest user mode may not. */
	EXPECT_EQ(HC_ERR(KVM_EPERM), __hc(_metadata, self->fx.vcpu, 3,
					  PVHOOK_HC_RING_SETUP, RING_GPA,
					  RING_SIZE, 0, 0));

	/* GPA 0 removes the ring (size ignored). */
	EXPECT_EQ(0, ring_setup(0, 0));
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());
	EXPECT_EQ(0, ring_setup(0, 12345));
}

TEST_F(records, flush_refused)
{
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops req;
	u8 *ring = self->fx.vm->mem + RING_GPA;

	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));

	/* No ring. */
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());

	/* More than the ring holds. */
	ASSERT_EQ(0, ring_setup(RING_GPA, 4096));
	fill(ring, 0, 4);
	ring_hdr(ring)->count = CAPACITY(4096) + 1;
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());
	ring_hdr(ring)->count = ~0U;
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());
	ring_hdr(ring)->count = 1U << 31;
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());

	/* A header whose flags or reserved fields are not zero. */
	ring_hdr(ring)->count = 4;
	ring_hdr(ring)->flags = 1U << 31;
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());
	ring_hdr(ring)->flags = 0;
	ring_hdr(ring)->reserved[6] = 1;
	EXPECT_EQ(HC_ERR(KVM_EINVAL), ring_flush());
	ring_hdr(ring)->reserved[6] = 0;

	/* Nothing was taken, nothing was posted, six refusals counted. */
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & POLLIN);
	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_EQ(0, req.count);
	EXPECT_EQ(0, req.flushes);
	EXPECT_EQ(6, req.rejected);

	/* The same header, zeroed again, is taken. */
	EXPECT_EQ(4, ring_flush());

	/* An empty ring: nothing taken, no refusal. */
	ring_hdr(ring)->count = 0;
	EXPECT_EQ(0, ring_flush());
	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_EQ(1, req.flushes);
	EXPECT_EQ(6, req.rejected);
}

TEST_F(records, flush_delivers)
{
	struct pvhook_msg msgs[16];
	struct pvhook_record want;
	u8 *ring = self->fx.vm->mem + RING_GPA;
	int h2 = vm_attach(self->fx.dev, self->fx.vm->fd);
	int i, n;

	ASSERT_LE(0, h2);
	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));
	/* Events only: no records for this one. */
	ASSERT_EQ(0, handle_events(h2, 64));
	ASSERT_EQ(0, ring_setup(RING_GPA, RING_SIZE));

	fill(ring, 0, 5);
	/* Leftovers past the count are not taken. */
	*ring_rec(ring, 5) = pattern(5);
	EXPECT_EQ(5, ring_flush());

	n = drain(self->fx.h, msgs, ARRAY_SIZE(msgs));
	ASSERT_EQ(5, n);
	for (i = 0; i < n; i++) {
		want = pattern(i);
		EXPECT_EQ(PVHOOK_MSG_RECORD, msgs[i].type);
		EXPECT_EQ(self->fx.vcpu->id, msgs[i].vcpu);
		EXPECT_EQ(i, msgs[i].seq);
		EXPECT_EQ(want.slot, msgs[i].nr);
		EXPECT_EQ(want.args[0], msgs[i].args[0]);
		EXPECT_EQ(want.args[1], msgs[i].args[1]);
		EXPECT_EQ(want.time_ns, msgs[i].args[2]);
		EXPECT_EQ(want.cpu, msgs[i].args[3]);
		EXPECT_EQ(0, msgs[i].cpl);
		EXPECT_EQ(PVHOOK_MSG_F_LONG_MODE, msgs[i].flags);
		EXPECT_EQ(0, msgs[i].dropped);
	}
	EXPECT_EQ(0, wait_fd(h2, POLLIN, 0) & POLLIN);

	/* Events and records share the queue and its sequence. */
	EXPECT_EQ(2, hc4(self->fx.vcpu, PVHOOK_HC_NOTIFY, 7, 8, 9, 10));
	fill(ring, 5, 1);
	EXPECT_EQ(1, ring_flush());
	ASSERT_EQ(2, drain(self->fx.h, msgs, ARRAY_SIZE(msgs)));
	EXPECT_EQ(PVHOOK_MSG_EVENT, msgs[0].type);
	EXPECT_EQ(7, msgs[0].nr);
	EXPECT_EQ(5, msgs[0].seq);
	EXPECT_EQ(PVHOOK_MSG_RECORD, msgs[1].type);
	EXPECT_EQ(pattern(5).args[0], msgs[1].args[0]);
	EXPECT_EQ(6, msgs[1].seq);
	ASSERT_EQ(1, drain(h2, msgs, ARRAY_SIZE(msgs)));
	EXPECT_EQ(PVHOOK_MSG_EVENT, msgs[0].type);

	/* Without F_RECORDS again, the handle gets no more records. */
	ASSERT_EQ(0, handle_events(self->fx.h, 64));
	fill(ring, 0, 3);
	EXPECT_EQ(3, ring_flush());
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & POLLIN);
	close(h2);
}

TEST_F(records, garbage_rejected_and_counted)
{
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	const struct pvhook_op_stats *e;
	struct pvhook_msg msgs[16];
	struct pvhook_vm_ops req;
	u8 *ring = self->fx.vm->mem + RING_GPA;
	int n;

	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, ring_setup(RING_GPA, RING_SIZE));

	fill(ring, 0, 8);
	ring_rec(ring, 0)->slot = 3;
	ring_rec(ring, 1)->slot = PVHOOK_OP_COUNT;	/* bad */
	ring_rec(ring, 2)->slot = 0xffff;		/* bad */
	ring_rec(ring, 3)->slot = 3;
	ring_rec(ring, 3)->flags = 1;			/* bad */
	ring_rec(ring, 4)->slot = PVHOOK_OP_COUNT - 1;
	ring_rec(ring, 5)->slot = 3;
	ring_rec(ring, 6)->slot = 0;
	ring_rec(ring, 7)->slot = 3;
	ring_rec(ring, 7)->flags = 0x8000;		/* bad */
	EXPECT_EQ(4, ring_flush());

	n = drain(self->fx.h, msgs, ARRAY_SIZE(msgs));
	ASSERT_EQ(4, n);
	EXPECT_EQ(3, msgs[0].nr);
	EXPECT_EQ(pattern(0).args[0], msgs[0].args[0]);
	EXPECT_EQ(PVHOOK_OP_COUNT - 1, msgs[1].nr);
	EXPECT_EQ(pattern(4).args[0], msgs[1].args[0]);
	EXPECT_EQ(3, msgs[2].nr);
	EXPECT_EQ(pattern(5).args[0], msgs[2].args[0]);
	EXPECT_EQ(0, msgs[3].nr);
	EXPECT_EQ(pattern(6).cpu, msgs[3].args[3]);

	/* Only garbage: nothing taken, no flush counted. */
	fill(ring, 0, 2);
	ring_rec(ring, 0)->slot = 40;
	ring_rec(ring, 1)->flags = 2;
	EXPECT_EQ(0, ring_flush());

	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	ASSERT_EQ(3, req.count);
	EXPECT_EQ(1, req.flushes);
	EXPECT_EQ(6, req.rejected);
	EXPECT_EQ(0, st[0].slot);
	EXPECT_EQ(1, st[0].records);
	EXPECT_EQ(3, st[1].slot);
	EXPECT_EQ(2, st[1].records);
	EXPECT_EQ(PVHOOK_OP_COUNT - 1, st[2].slot);
	EXPECT_EQ(1, st[2].records);
	e = op_entry(st, req.count, 3);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, e->sync_calls);
	EXPECT_EQ(0, e->flags);
	EXPECT_EQ(0, e->reserved[0]);
	EXPECT_EQ(0, e->reserved[1]);
}

/* A full 64 KiB ring in one doorbell; a short queue drops and counts. */
TEST_F(records, full_ring)
{
	const unsigned int cap = CAPACITY(PVHOOK_RING_SIZE_MAX);
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	struct pvhook_msg *msgs = calloc(4096, sizeof(*msgs));
	u8 *ring = self->fx.vm->mem + MEM_END - PVHOOK_RING_SIZE_MAX;
	int h2 = vm_attach(self->fx.dev, self->fx.vm->fd);
	struct pvhook_vm_ops req;
	u64 total = 0;
	int i, n;

	ASSERT_NE(NULL, msgs);
	ASSERT_LE(0, h2);
	ASSERT_EQ(2046, cap);
	ASSERT_EQ(0, handle_events_flags(self->fx.h, 4096, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, handle_events_flags(h2, 16, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, ring_setup(MEM_END - PVHOOK_RING_SIZE_MAX,
				PVHOOK_RING_SIZE_MAX));
	fill(ring, 0, cap);
	EXPECT_EQ(cap, ring_flush());
	EXPECT_EQ(cap, ring_flush());	/* the guest did not reset it: again */

	n = drain(self->fx.h, msgs, 4096);
	ASSERT_EQ(2 * cap, n);
	for (i = 0; i < n; i++) {
		if (msgs[i].seq != (u64)i ||
		    msgs[i].args[0] != pattern(i % cap).args[0] ||
		    msgs[i].args[2] != pattern(i % cap).time_ns)
			break;
	}
	EXPECT_EQ(n, i);

	n = drain(h2, msgs, 4096);
	ASSERT_EQ(16, n);
	EXPECT_EQ(0, msgs[15].dropped);
	EXPECT_EQ(2, hc4(self->fx.vcpu, PVHOOK_HC_NOTIFY, 1, 0, 0, 0));
	ASSERT_EQ(1, drain(h2, msgs, 4096));
	EXPECT_EQ(2 * cap, msgs[0].seq);
	EXPECT_EQ(2 * cap - 16, msgs[0].dropped);

	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_EQ(PVHOOK_OP_FIRST_FREE, req.count);
	EXPECT_EQ(2, req.flushes);
	EXPECT_EQ(0, req.rejected);
	for (i = 0; i < (int)req.count; i++)
		total += st[i].records;
	EXPECT_EQ(2 * cap, total);
	free(msgs);
	close(h2);
}

/* The ring's memory goes away or becomes unreadable under it. */
TEST_F(records, ring_gone)
{
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops req;
	u8 *slot1;

	slot1 = vm_memslot_add(self->fx.vm, 1, 0x40000000, 65536);
	ASSERT_NE(NULL, slot1);
	ASSERT_EQ(0, ring_setup(0x40000000 + 8192, 8192));
	fill(slot1 + 8192, 0, 3);
	EXPECT_EQ(3, ring_flush());

	/* The VMM makes the memory unreadable: the copy fails. */
	ASSERT_EQ(0, mprotect(slot1, 65536, PROT_NONE));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_flush());
	ASSERT_EQ(0, mprotect(slot1, 65536, PROT_READ | PROT_WRITE));
	EXPECT_EQ(3, ring_flush());

	/* The slot goes: the ring is no longer in memory. */
	ASSERT_EQ(0, vm_memslot_remove(self->fx.vm, 1, slot1, 65536));
	EXPECT_EQ(HC_ERR(KVM_EFAULT), ring_flush());

	/* The same guest address, new memory behind it: found again. */
	slot1 = vm_memslot_add(self->fx.vm, 1, 0x40000000, 65536);
	ASSERT_NE(NULL, slot1);
	fill(slot1 + 8192, 10, 2);
	EXPECT_EQ(2, ring_flush());

	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_EQ(3, req.flushes);
	EXPECT_EQ(2, req.rejected);
	ASSERT_EQ(0, vm_memslot_remove(self->fx.vm, 1, slot1, 65536));
}

/* Another thread scribbles over the ring while the guest rings the bell. */
struct scribbler {
	u8 *ring;
	size_t size;
	bool stop;		/* __atomic */
	pthread_t thread;
};

static void *scribble(void *arg)
{
	struct scribbler *sc = arg;
	unsigned int cap = CAPACITY(sc->size), i;
	struct pvhook_record *r;
	u64 seed = 0x2545f4914f6cdd1dULL;

	while (!__atomic_load_n(&sc->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < cap; i += 1 + test_rand(&seed) % 64) {
			r = ring_rec(sc->ring, i);
			*r = pattern(i);
			r->slot = test_rand(&seed) % (PVHOOK_OP_COUNT + 8);
			r->flags = test_rand(&seed) % 4 == 0;
			ring_hdr(sc->ring)->count = test_rand(&seed) % 2 ?
				test_rand(&seed) % (cap + 8) : test_rand(&seed);
		}
	}
	return NULL;
}

TEST_F(records, scribbled_ring)
{
	struct hc_regs flush = { .nr = PVHOOK_HC_RING_FLUSH };
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	struct scribbler sc = {
		.ring = self->fx.vm->mem + MEM_END - PVHOOK_RING_SIZE_MAX,
		.size = PVHOOK_RING_SIZE_MAX,
	};
	struct pvhook_msg msgs[64];
	struct pvhook_vm_ops req;
	u64 mismatches, ns, total = 0;
	unsigned int i;

	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, ring_setup(MEM_END - PVHOOK_RING_SIZE_MAX,
				PVHOOK_RING_SIZE_MAX));
	ASSERT_EQ(0, pthread_create(&sc.thread, NULL, scribble, &sc));
	EXPECT_EQ(0, vcpu_hypercall_loop(self->fx.vcpu, &flush, 300, 0,
					 &mismatches, &ns));
	__atomic_store_n(&sc.stop, true, __ATOMIC_RELAXED);
	pthread_join(sc.thread, NULL);

	/* Whatever was taken is counted, and only valid records arrive. */
	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_GE(300, req.flushes);
	for (i = 0; i < req.count; i++) {
		EXPECT_GT(PVHOOK_OP_COUNT, st[i].slot);
		total += st[i].records;
	}
	ksft_print_msg("300 flushes: %llu took %llu records, %llu rejected\n",
		       req.flushes, total, req.rejected);
	while (read_msg(self->fx.h, &msgs[0], 0) == 0) {
		EXPECT_EQ(PVHOOK_MSG_RECORD, msgs[0].type);
		EXPECT_GT(PVHOOK_OP_COUNT, msgs[0].nr);
	}

	/* The ring still works once the scribbling stops. */
	fill(sc.ring, 0, 3);
	EXPECT_EQ(3, ring_flush());
}

/* Each vCPU has its own ring. */
TEST_F(records, per_vcpu_rings)
{
	struct vcpu *v1 = vm_vcpu_add(self->fx.vm);
	u8 *r0 = self->fx.vm->mem + RING_GPA, *r1 = r0 + RING_SIZE;
	struct pvhook_msg msgs[8];

	ASSERT_NE(NULL, v1);
	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, ring_setup(RING_GPA, RING_SIZE));
	EXPECT_EQ(HC_ERR(KVM_EINVAL), hc(v1, PVHOOK_HC_RING_FLUSH, 0));
	ASSERT_EQ(0, setup(_metadata, v1, RING_GPA + RING_SIZE, RING_SIZE));
	fill(r0, 0, 2);
	fill(r1, 20, 3);
	EXPECT_EQ(3, hc(v1, PVHOOK_HC_RING_FLUSH, 0));
	EXPECT_EQ(2, ring_flush());
	ASSERT_EQ(5, drain(self->fx.h, msgs, ARRAY_SIZE(msgs)));
	EXPECT_EQ(v1->id, msgs[0].vcpu);
	EXPECT_EQ(pattern(20).cpu, msgs[0].args[3]);
	EXPECT_EQ(self->fx.vcpu->id, msgs[3].vcpu);
	EXPECT_EQ(pattern(0).cpu, msgs[3].args[3]);
}

TEST_F(records, sync_op)
{
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	const struct pvhook_op_stats *e;
	struct pvhook_vm_ops req;
	struct pvhook_msg msg;

	/* Nobody listens: still counted. */
	EXPECT_EQ(0, op(PVHOOK_OP_SAFE_HALT, 1, 2));
	ASSERT_EQ(0, handle_events_flags(self->fx.h, 64, PVHOOK_EVENTS_F_RECORDS));
	EXPECT_EQ(0, op(PVHOOK_OP_FLUSH_TLB_ONE_USER, 0x7fff0000, ~0ULL));
	ASSERT_EQ(0, read_msg(self->fx.h, &msg, 1000));
	EXPECT_EQ(PVHOOK_MSG_RECORD, msg.type);
	EXPECT_EQ(PVHOOK_MSG_F_SYNC | PVHOOK_MSG_F_LONG_MODE, msg.flags);
	EXPECT_EQ(PVHOOK_OP_FLUSH_TLB_ONE_USER, msg.nr);
	EXPECT_EQ(0x7fff0000, msg.args[0]);
	EXPECT_EQ(~0ULL, msg.args[1]);
	EXPECT_EQ(0, msg.args[2]);
	EXPECT_EQ(0, msg.args[3]);
	EXPECT_EQ(self->fx.vcpu->id, msg.vcpu);

	EXPECT_EQ(HC_ERR(KVM_EINVAL), op(PVHOOK_OP_COUNT, 0, 0));
	EXPECT_EQ(HC_ERR(KVM_EINVAL), op(~0ULL, 0, 0));
	EXPECT_EQ(HC_ERR(KVM_EINVAL), op(1ULL << 32, 0, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), __hc(_metadata, self->fx.vcpu, 3,
					  PVHOOK_HC_OP, 1, 0, 0, 0));
	EXPECT_EQ(0, wait_fd(self->fx.h, POLLIN, 0) & POLLIN);

	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	ASSERT_EQ(2, req.count);
	EXPECT_EQ(0, req.flushes);
	EXPECT_EQ(0, req.rejected);
	e = op_entry(st, req.count, PVHOOK_OP_SAFE_HALT);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1, e->sync_calls);
	EXPECT_EQ(0, e->records);
	e = op_entry(st, req.count, PVHOOK_OP_FLUSH_TLB_ONE_USER);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1, e->sync_calls);
}

/* The policy applies to the new numbers like to any other. */
TEST_F(records, policy_applies)
{
	struct pvhook_policy p;

	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_GET_POLICY, &p));
	p.allow[0] &= ~(1ULL << (PVHOOK_HC_RING_FLUSH - PVHOOK_HC_BASE));
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_SET_POLICY, &p));
	ASSERT_EQ(0, ring_setup(RING_GPA, RING_SIZE));
	fill(self->fx.vm->mem + RING_GPA, 0, 1);
	EXPECT_EQ(HC_ERR(KVM_EPERM), ring_flush());
	p.allow[0] |= 1ULL << (PVHOOK_HC_RING_FLUSH - PVHOOK_HC_BASE);
	p.rate_limit = 1;
	ASSERT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_SET_POLICY, &p));
	EXPECT_EQ(1, ring_flush());
	EXPECT_EQ(HC_ERR(11), ring_flush());	/* -PVHOOK_EAGAIN */
	EXPECT_EQ(HC_ERR(11), op(0, 0, 0));
}

TEST_F(records, get_vm_ops_checks)
{
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops req;
	void *bad = bad_ptr();
	struct pvhook_events e;
	int ro;

	EXPECT_EQ(0, op(2, 0, 0));
	EXPECT_EQ(0, op(5, 0, 0));
	EXPECT_EQ(0, op(9, 0, 0));

	/* Room for one: the first, and the full count. */
	ASSERT_EQ(0, get_ops(self->fx.dev, self->vm_id, &req, st));
	EXPECT_EQ(3, req.count);
	memset(st, 0, sizeof(st));
	req.count = 1;
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	EXPECT_EQ(3, req.count);
	EXPECT_EQ(2, st[0].slot);
	EXPECT_EQ(0, st[1].slot);
	EXPECT_EQ(0, st[1].sync_calls);
	/* No room: only the count; entries is not touched. */
	req.count = 0;
	req.entries = (u64)(unsigned long)bad;
	ASSERT_EQ(0, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	EXPECT_EQ(3, req.count);

	/* A read-only open of the device suffices. */
	ro = open(PVHOOK_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, get_ops(ro, self->vm_id, &req, st));
	EXPECT_EQ(3, req.count);
	/* It is a device ioctl, not a handle one. */
	EXPECT_EQ(ENOTTY, ioctl_err(self->fx.h, PVHOOK_GET_VM_OPS, &req));
	close(ro);

	get_ops(self->fx.dev, self->vm_id, &req, st);
	req.count = PVHOOK_OP_COUNT + 1;
	EXPECT_EQ(E2BIG, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.count = ~0U;
	EXPECT_EQ(E2BIG, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.count = 1;
	req.flags = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.flags = 0;
	req.reserved[1] = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.reserved[1] = 0;
	req.vm_id = 0;
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.vm_id = ~0ULL;
	EXPECT_EQ(ENOENT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	req.vm_id = self->vm_id;
	req.entries = (u64)(unsigned long)bad;
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, &req));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, bad));
	EXPECT_EQ(EFAULT, ioctl_err(self->fx.dev, PVHOOK_GET_VM_OPS, NULL));

	/* PVHOOK_VM_EVENTS takes F_RECORDS and no other bit. */
	e = (struct pvhook_events){ .queue_len = 1, .flags = 2 };
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
	e.flags = ~0U;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
	e.flags = PVHOOK_EVENTS_F_RECORDS;
	e.reserved[0] = 1;
	EXPECT_EQ(EINVAL, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
	e.reserved[0] = 0;
	EXPECT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
	e.queue_len = 0;
	EXPECT_EQ(0, ioctl_err(self->fx.h, PVHOOK_VM_EVENTS, &e));
}

/* A 32-bit guest: the arguments are 32 bits wide, records are not. */
TEST(prot32)
{
	struct pvhook_msg msg;
	struct vcpu *vcpu;
	struct vm *vm;
	u8 *ring;
	int dev, h;

	dev = dev_open();
	ASSERT_LE(0, dev);
	vm = vm_create_one(VM_MODE_PROT32, &vcpu);
	ASSERT_NE(NULL, vm);
	h = vm_attach(dev, vm->fd);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, handle_events_flags(h, 64, PVHOOK_EVENTS_F_RECORDS));
	ring = vm->mem + RING_GPA;
	/* The upper half is cut off: GPA 0x1_0010_0000 becomes RING_GPA. */
	EXPECT_EQ(0, hc4(vcpu, PVHOOK_HC_RING_SETUP, (1ULL << 32) | RING_GPA,
			 4096, 0, 0));
	fill(ring, 0, 1);
	EXPECT_EQ(1, hc(vcpu, PVHOOK_HC_RING_FLUSH, 0));
	ASSERT_EQ(0, read_msg(h, &msg, 1000));
	EXPECT_EQ(0, msg.flags);
	EXPECT_EQ(pattern(0).args[1], msg.args[1]);
	EXPECT_EQ(HC_ERR32(KVM_EINVAL), hc(vcpu, PVHOOK_HC_OP, 32));
	close(h);
	vm_destroy(vm);
	close(dev);
}

TEST_HARNESS_MAIN
