// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded fuzzer of a hostile guest.
 *
 * One VM with 2 to 4 vCPUs, one host thread each, makes hypercalls in
 * batches (vcpu_hypercall_batch(): one KVM_RUN for up to 256 calls), each
 * batch in 64-bit or 32-bit mode and at CPL 0 or 3: numbers all over
 * pvhook's range (the built-ins, unassigned built-in numbers, the module
 * range, the user range), its edges, just outside it, with bits 63..32
 * set, a few of KVM's own harmless numbers and random ones, with random
 * and edge arguments; record rings set up at random, edge and hostile
 * guest physical addresses and sizes (unaligned, outside every memory
 * slot, across the end of a slot or across two slots, the last page below
 * 4 GiB), and doorbells on them.
 *
 * Meanwhile host threads change what the guest meets: two threads serve
 * user-range numbers through handles of their own and answer them (the
 * answer is a function of the number and the arguments), a third serves
 * numbers and never answers; all three unserve, close and re-attach their
 * handles and start and stop event queues. A policy thread sets the VM's
 * policy (on, off, allow lists, user-mode lists, rate limits) and sends
 * signals to the vCPU threads. A memory thread deletes and re-adds (at
 * another size, too) the memory slot that holds hostile rings, and takes
 * away access to part of it; a scribbler writes garbage into that slot
 * while the rings in it are flushed. Another thread creates VMs, attaches
 * them, sets their policy, calls them and destroys them.
 *
 * THE ORACLE: every host change goes through one lock and a numbered
 * history of what the guest can observe (policy bits, who serves what,
 * event queues, the slot's size and protection). A batch runs between two
 * points of that history; each answer must be one that
 * Documentation/hypercall-abi.rst and Documentation/uapi.rst give for the
 * call in one of the states in between (or in a race between two of them:
 * a close gives -PVHOOK_ECONNRESET, a signal -PVHOOK_EINTR). A ring that
 * nobody writes during the flush (in the VM's constant memory, in the
 * vCPU's own quiet area, in the two constant slots) must give exactly the
 * count of valid records its header announces, or -KVM_EINVAL. An answer
 * outside the set prints the call, the set and the seed, and fails.
 *
 * At the end the VM's pvhook statistics must match what the fuzzer
 * counted: calls per number exactly, errors and throttled calls within
 * the bounds the answers allow, the events, the PVHOOK_HC_OP calls per
 * slot, the records and refused doorbells, and KVM's own per-vCPU
 * hypercall count.
 *
 * usage: guest_fuzz [--seed N] [--calls N] [--threads N] [harness options]
 *   --seed     the seed (default: $PVHOOK_GUEST_FUZZ_SEED, else from the
 *              clock; always printed)
 *   --calls    hypercalls in all, shared by the vCPUs (default:
 *              $PVHOOK_GUEST_FUZZ_CALLS, else 100000); --ops is the same
 *   --threads  vCPUs, one thread each, 2 to 4 (4); the host threads come
 *              on top
 *
 * With one seed and one vCPU count, each vCPU makes the same calls; what
 * they meet depends on how the host threads interleave with them.
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "dev_util.h"
#include "fuzz_util.h"

#define PAGE		4096ULL
#define PROBE_VALUE	(PVHOOK_MAGIC | PVHOOK_ABI_VERSION)

/*
 * Guest physical layout. Slot 0 is vm.c's 2 MiB at 0: below CONST_END
 * what vm.c puts there (GDT, page tables, code) and zeros, which nobody
 * changes; then each vCPU's batch array, then each vCPU's quiet area,
 * which only its own thread writes, between batches.
 */
#define MAIN_END	0x200000ULL
#define CONST_END	0x100000ULL
#define BATCH_GPA(v)	(0x100000ULL + (u64)(v) * 0x20000ULL)
#define BATCH_MAX	256
#define QUIET_GPA(v)	(0x180000ULL + (u64)(v) * 0x20000ULL)
#define QUIET_SIZE	0x20000ULL
/* Slot 1: hostile rings; scribbled, removed, re-added, protected. */
#define S1_SLOT		1
#define S1_GPA		0x40000000ULL
#define S1_SIZE		0x40000ULL
#define S1_SMALL	0x20000ULL
#define S1_PROT_OFF	0x30000ULL	/* from here to the end: mprotect()ed */
#define S1_PROT_SIZE	(S1_SIZE - S1_PROT_OFF)
/*
 * Slot 2, right after slot 1, and slot 3, the last 64 KiB below 4 GiB:
 * garbage that never changes.
 */
#define S2_SLOT		2
#define S2_GPA		(S1_GPA + S1_SIZE)
#define S2_SIZE		0x10000ULL
#define S3_SLOT		3
#define S3_GPA		0xffff0000ULL
#define S3_SIZE		0x10000ULL
#define GPA_LIMIT	BIT_ULL(52)

#define NR_IDX		PVHOOK_HC_COUNT
#define NR_SRV		3	/* handles 0 and 1 answer, 2 never reads */
#define SRV_DEAF	2
#define MAX_HIST	131072
#define MAX_REPORTS	30
#define POISON		0x5a5a5a5a5a5a5a5aULL

static u64 opt_seed;
static u64 opt_calls = 100000;
static unsigned int opt_threads = 4;

/* What the guest can observe of the host, per number index. */
#define NB_ALLOW	0x01	/* policy allow bit */
#define NB_AUSER	0x02	/* policy allow_user bit */
#define NB_SRV		0x04	/* served by a handle that answers */
#define NB_DEAF		0x08	/* served by the handle that never reads */
#define NB_SUSER	0x10	/* served with PVHOOK_SERVE_F_USER */

struct snap {
	u8 enabled;
	u8 rate;		/* a rate limit is set */
	u8 nq;			/* handles with an event queue */
	u8 prot;		/* slot 1's last 64 KiB cannot be read */
	u32 s1_size;		/* slot 1's size; 0 while removed */
	u32 closes;		/* serving handles closed so far */
	u8 nb[NR_IDX];
};

/* Result labels and classes of calls, for the counts. */
enum {
	L_VALUE, L_KVM, L_EPERM, L_ENOSYS, L_RATE, L_OOM, L_EINVAL, L_EFAULT,
	L_TIMEDOUT, L_CONNRESET, L_EINTR, L_ANSWER, L_COUNT, L_BAD, NR_LAB
};

static const char * const lab_names[NR_LAB] = {
	"value", "kvm-value", "EPERM", "ENOSYS", "EAGAIN(rate)",
	"EAGAIN(oom)", "EINVAL", "EFAULT", "ETIMEDOUT", "ECONNRESET", "EINTR",
	"answer", "count", "NOT-ALLOWED",
};

enum {
	C_PROBE, C_FEATURES, C_PING, C_NOTIFY, C_RSETUP, C_RFLUSH, C_OP,
	C_UNASSIGNED, C_MODULE, C_USER, C_KVM, C_OUTSIDE, C_UPPER, NR_CLS
};

static const char * const cls_names[NR_CLS] = {
	"PROBE", "FEATURES", "PING", "NOTIFY", "RING_SETUP", "RING_FLUSH",
	"OP", "built-in unassigned", "module range", "user range",
	"KVM numbers", "outside, 32-bit", "bits 63..32 set",
};

static struct {
	struct vm *vm;
	int dev, hp;
	u64 vm_id;
	u8 *s1, *s2, *s3;
	u64 registered[4];
	u64 features;
	int nvcpus;

	pthread_mutex_t mu;	/* every change of what the guest sees */
	struct snap cur;	/* under mu */
	struct snap *hist;	/* hist[i]: the state after change i */
	u64 nstate;		/* under mu */
	u64 announced, applied;	/* atomics */
	int owner[PVHOOK_HC_USER_COUNT];	/* under mu: handle slot, or -1 */
	int srv_fd[NR_SRV];	/* each only touched by its own thread */
	bool srv_queue[NR_SRV];	/* under mu */
	struct pvhook_policy policy;	/* the policy thread's */

	u64 sig_started[VM_MAX_VCPUS], sig_done[VM_MAX_VCPUS];
	pthread_t vth[VM_MAX_VCPUS];
	int running;		/* vCPU threads not done */
	int stop, abort;	/* __atomic */
} g;

/* What the fuzzer counted; atomics. */
static struct {
	u64 res[NR_CLS][NR_LAB];
	u64 calls[NR_IDX], err_lo[NR_IDX], err_hi[NR_IDX];
	u64 thr_lo[NR_IDX], thr_hi[NR_IDX];
	u64 op_ok[PVHOOK_OP_COUNT];
	u64 notify_ok;
	u64 flush_pos, flush_rec, flush_efault, flush_einval, flush_dropped;
	u64 exact_flushes;
	u64 m32, cpl3, total, batches;
	u64 hypercalls[VM_MAX_VCPUS];
	u64 srv_answers, srv_drops, srv_events, srv_records, srv_late;
	u64 changes, serves, closes, policies, slot_changes, signals;
	u64 other_vms;
	u64 failures, reports;
} C;

static inline void inc(u64 *p, u64 n)
{
	__atomic_add_fetch(p, n, __ATOMIC_RELAXED);
}

static inline u64 rnd64(u64 *rng)
{
	return test_rand(rng);
}

static inline u64 rnd(u64 *rng, u64 n)
{
	return n ? rnd64(rng) % n : 0;
}

static inline bool pct(u64 *rng, unsigned int p)
{
	return rnd(rng, 100) < p;
}

static u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 seed_for(u64 tag)
{
	return splitmix(opt_seed ^ splitmix(tag)) | 1;
}

/* A failure of a host thread, outside the per-call oracle. */
static __printf(2, 3) void
hfail(const char *who, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	inc(&C.failures, 1);
	if (__atomic_add_fetch(&C.reports, 1, __ATOMIC_RELAXED) > MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	say("# FAIL seed %llu threads %u: %s: %s\n",
	    (unsigned long long)opt_seed, opt_threads, who, why);
}

/*
 * The answer of the serving threads to a request: a function of the
 * number and the arguments as pvhook passed them (truncated for 32-bit
 * callers). Some answers look like errors; the others have bit 31 clear,
 * so that their low half never looks like one to a 32-bit caller.
 */
static u64 srv_answer(u64 nr, const u64 *a, bool *drop)
{
	u64 h = splitmix(nr ^ splitmix(a[0] ^ splitmix(a[1] ^
			 splitmix(a[2] ^ splitmix(a[3] + 7)))));

	if (drop)
		*drop = (h & 63) == 0;
	switch ((h >> 6) & 15) {
	case 0:
		return -(1 + (h >> 20) % 4095);
	case 1:
		return h >> 40;
	default:
		return h & ~(1ULL << 31);
	}
}

/* ---- ring contents ---- */

static void fill_hdr(u64 *rng, u8 *p)
{
	struct pvhook_ring_header h = { 0 };
	u64 pages = 1 + rnd(rng, 16);

	switch (rnd(rng, 10)) {
	case 0:
		h.count = 0;
		break;
	case 1: case 2: case 3:
		h.count = rnd(rng, 127);
		break;
	case 4:
		h.count = rnd(rng, 2048);
		break;
	case 5: case 6:
		/* Around a ring's capacity, (size - 64) / 32. */
		h.count = 128 * pages - 3 + rnd(rng, 3);
		break;
	case 7:
		h.count = rnd64(rng);
		break;
	default:
		h.count = rnd(rng, 300);
		break;
	}
	if (pct(rng, 8))
		h.flags = 1U << rnd(rng, 32);
	if (pct(rng, 8))
		h.reserved[rnd(rng, 7)] = 1ULL << rnd(rng, 64);
	memcpy(p, &h, sizeof(h));
}

static void fill_rec(u64 *rng, u8 *p)
{
	struct pvhook_record r;

	r.slot = pct(rng, 85) ? rnd(rng, PVHOOK_OP_COUNT) :
		 pct(rng, 50) ? PVHOOK_OP_COUNT + rnd(rng, 100) : 0xffff;
	r.flags = pct(rng, 92) ? 0 : (rnd(rng, 0x10000) | 1);
	r.cpu = rnd64(rng);
	r.time_ns = rnd64(rng);
	r.args[0] = rnd64(rng);
	r.args[1] = rnd64(rng);
	memcpy(p, &r, sizeof(r));
}

static void fill_page(u64 *rng, u8 *p)
{
	unsigned int i;

	fill_hdr(rng, p);
	for (i = 0; i < (PAGE - 64) / 32; i++)
		fill_rec(rng, p + 64 + 32 * i);
}

/*
 * The answer of a doorbell on the ring of @size bytes at @p, which nobody
 * changes meanwhile; *@dropped: the records it drops.
 */
static u64 ring_expect(const u8 *p, u64 size, u64 *dropped)
{
	struct pvhook_ring_header h;
	struct pvhook_record r;
	u64 cap = (size - sizeof(h)) / sizeof(r), valid = 0, i;

	memcpy(&h, p, sizeof(h));
	*dropped = 0;
	if (h.count > cap || h.flags)
		return HC_ERR(KVM_EINVAL);
	for (i = 0; i < 7; i++)
		if (h.reserved[i])
			return HC_ERR(KVM_EINVAL);
	for (i = 0; i < h.count; i++) {
		memcpy(&r, p + sizeof(h) + i * sizeof(r), sizeof(r));
		if (r.slot < PVHOOK_OP_COUNT && !r.flags)
			valid++;
	}
	*dropped = h.count - valid;
	return valid;
}

/*
 * Where [gpa, gpa + size) lies in host memory if nobody writes it while
 * vCPU @v runs; else NULL.
 */
static const u8 *ring_const(int v, u64 gpa, u64 size)
{
	if (gpa + size <= CONST_END)
		return g.vm->mem + gpa;
	if (gpa >= QUIET_GPA(v) && gpa + size <= QUIET_GPA(v) + QUIET_SIZE)
		return g.vm->mem + gpa;
	if (gpa >= S2_GPA && gpa + size <= S2_GPA + S2_SIZE)
		return g.s2 + (gpa - S2_GPA);
	if (gpa >= S3_GPA && gpa + size <= S3_GPA + S3_SIZE)
		return g.s3 + (gpa - S3_GPA);
	return NULL;
}

static bool in_one_slot(u64 gpa, u64 size, const struct snap *s)
{
	u64 end = gpa + size;

	if (end <= MAIN_END)
		return true;
	if (gpa >= S1_GPA && end <= S1_GPA + s->s1_size)
		return true;
	if (gpa >= S2_GPA && end <= S2_GPA + S2_SIZE)
		return true;
	return gpa >= S3_GPA && end <= S3_GPA + S3_SIZE;
}

/* ---- the history of host states ---- */

/* Under g.mu: whether there is room for one more change. */
static bool st_room(void)
{
	return g.nstate + 1 < MAX_HIST;
}

/* Under g.mu, before the change: g.cur is the state after it. */
static void st_announce(void)
{
	g.hist[g.nstate + 1] = g.cur;
	__atomic_store_n(&g.announced, g.nstate + 1, __ATOMIC_SEQ_CST);
}

/* Under g.mu, once the change is made. */
static void st_applied(void)
{
	g.nstate++;
	__atomic_store_n(&g.applied, g.nstate, __ATOMIC_SEQ_CST);
	inc(&C.changes, 1);
}

static void snap_policy(struct snap *s, const struct pvhook_policy *p)
{
	unsigned int i;

	s->enabled = !!(p->flags & PVHOOK_POLICY_F_ENABLED);
	s->rate = p->rate_limit != 0;
	for (i = 0; i < NR_IDX; i++) {
		s->nb[i] &= ~(NB_ALLOW | NB_AUSER);
		if ((p->allow[i / 64] >> (i % 64)) & 1)
			s->nb[i] |= NB_ALLOW;
		if ((p->allow_user[i / 64] >> (i % 64)) & 1)
			s->nb[i] |= NB_AUSER;
	}
}

/* ---- the oracle ---- */

struct alt {
	u64 full;		/* pvhook's result, before any truncation */
	u8 lab;
};

struct allowed {
	struct alt a[32];
	int n;
	bool range;		/* and any value in [rlo, rhi] */
	u64 rlo, rhi;
};

static void allow(struct allowed *al, u64 full, int lab)
{
	int i;

	for (i = 0; i < al->n; i++)
		if (al->a[i].full == full && al->a[i].lab == lab)
			return;
	if (al->n < (int)ARRAY_SIZE(al->a))
		al->a[al->n++] = (struct alt){ .full = full, .lab = lab };
}

static void allow_err(struct allowed *al, int err, int lab)
{
	allow(al, HC_ERR(err), lab);
}

static void allow_range(struct allowed *al, u64 lo, u64 hi)
{
	if (!al->range) {
		al->range = true;
		al->rlo = lo;
		al->rhi = hi;
		return;
	}
	if (lo < al->rlo)
		al->rlo = lo;
	if (hi > al->rhi)
		al->rhi = hi;
}

static inline u64 seen(u64 v, bool m32)
{
	return m32 ? (u32)v : v;
}

static inline bool is_err(u64 v)
{
	return v >= (u64)-4095;
}

/* What the vCPU knows while its batch is checked, call by call. */
struct vthr {
	int idx;
	u64 rng;
	struct vcpu *vcpu;
	u64 target, done, batch;
	bool ring;		/* the ring pvhook has for this vCPU */
	u64 ring_gpa, ring_size;
};

struct cctx {
	bool m32, intr, closed;
	int cpl;
	u64 nr;			/* as pvhook sees them */
	u64 a[4];
	/* RING_FLUSH on a ring nobody writes: the exact answer. */
	bool exact;
	u64 exact_val, exact_dropped;
};

static void ring_setup_outcomes(const struct snap *s, const u64 *a,
				struct allowed *al)
{
	u64 gpa = a[0], size = a[1];

	if (!gpa) {
		allow(al, 0, L_VALUE);
		return;
	}
	if (gpa % PAGE || size % PAGE || size < PVHOOK_RING_SIZE_MIN ||
	    size > PVHOOK_RING_SIZE_MAX) {
		allow_err(al, KVM_EINVAL, L_EINVAL);
		return;
	}
	if (gpa >= GPA_LIMIT || !in_one_slot(gpa, size, s)) {
		allow_err(al, KVM_EFAULT, L_EFAULT);
		return;
	}
	allow(al, 0, L_VALUE);
	allow_err(al, PVHOOK_EAGAIN, L_OOM);
}

static void ring_flush_outcomes(const struct vthr *t, const struct snap *s,
				const struct cctx *cx, struct allowed *al)
{
	u64 gpa = t->ring_gpa, size = t->ring_size;

	if (!t->ring) {
		allow_err(al, KVM_EINVAL, L_EINVAL);
		return;
	}
	if (cx->exact) {
		allow(al, cx->exact_val,
		      is_err(cx->exact_val) ? L_EINVAL : L_COUNT);
		return;
	}
	/* Written by others meanwhile: any count it can hold, or refused. */
	allow_err(al, KVM_EINVAL, L_EINVAL);
	allow_range(al, 0, (size - 64) / 32);
	if (gpa >= S1_GPA && gpa < S1_GPA + S1_SIZE &&
	    (gpa + size > S1_GPA + s->s1_size ||
	     (s->prot && gpa + size > S1_GPA + S1_PROT_OFF)))
		allow_err(al, KVM_EFAULT, L_EFAULT);
}

/* What pvhook may answer for a call in its range, in host state @s. */
static void pv_outcomes(const struct vthr *t, const struct snap *s,
			const struct cctx *cx, struct allowed *al)
{
	unsigned int idx = cx->nr - PVHOOK_HC_BASE;
	u8 b = s->nb[idx];
	bool served = idx >= 0x80 && (b & (NB_SRV | NB_DEAF));
	bool consent = served && (b & NB_SUSER);

	if (!s->enabled) {
		if (cx->cpl)
			allow_err(al, KVM_EPERM, L_EPERM);
		else
			allow_err(al, KVM_ENOSYS, L_ENOSYS);
		return;
	}
	if (cx->cpl && !(consent && (b & NB_AUSER))) {
		allow_err(al, KVM_EPERM, L_EPERM);
		return;
	}
	if (!(b & NB_ALLOW)) {
		allow_err(al, KVM_EPERM, L_EPERM);
		return;
	}
	if (s->rate)
		allow_err(al, PVHOOK_EAGAIN, L_RATE);

	switch (idx) {
	case 0:
		allow(al, PROBE_VALUE, L_VALUE);
		return;
	case 1:
		allow(al, g.features, L_VALUE);
		return;
	case 2:
		allow(al, cx->a[0], L_VALUE);
		return;
	case 3:
		allow_range(al, 0, s->nq);
		return;
	case 4:
		ring_setup_outcomes(s, cx->a, al);
		return;
	case 5:
		ring_flush_outcomes(t, s, cx, al);
		return;
	case 6:
		if (cx->a[0] < PVHOOK_OP_COUNT)
			allow(al, 0, L_VALUE);
		else
			allow_err(al, KVM_EINVAL, L_EINVAL);
		return;
	}
	if (idx < 0x80 || !served) {
		allow_err(al, KVM_ENOSYS, L_ENOSYS);
		return;
	}
	if (b & NB_SRV)
		allow(al, srv_answer(cx->nr, cx->a, NULL), L_ANSWER);
	/* Any serving process may be too slow, the deaf one always is. */
	allow_err(al, PVHOOK_ETIMEDOUT, L_TIMEDOUT);
	if (cx->closed)
		allow_err(al, PVHOOK_ECONNRESET, L_CONNRESET);
	if (cx->intr)
		allow_err(al, PVHOOK_EINTR, L_EINTR);
}

/* KVM's own answer at CPL 0 (6.1, 6.12 and 7.3 alike for these). */
static void kvm_outcomes(u64 nr, struct allowed *al)
{
	switch (nr) {
	case KVM_HC_VAPIC_POLL_IRQ:
		allow(al, 0, L_KVM);
		break;
	case 11:	/* KVM_HC_SCHED_YIELD: 0 if the PV feature is on */
		allow(al, 0, L_KVM);
		allow_err(al, KVM_ENOSYS, L_ENOSYS);
		break;
	default:
		allow_err(al, KVM_ENOSYS, L_ENOSYS);
		break;
	}
}

static int call_class(u64 raw_nr, const struct cctx *cx)
{
	unsigned int idx;

	if (!cx->m32 && (raw_nr >> 32))
		return C_UPPER;
	if (cx->nr < PVHOOK_HC_BASE || cx->nr > PVHOOK_HC_USER_LAST)
		return cx->nr < 0x10000 ? C_KVM : C_OUTSIDE;
	idx = cx->nr - PVHOOK_HC_BASE;
	if (idx <= 6)
		return C_PROBE + idx;
	if (idx < 0x40)
		return C_UNASSIGNED;
	return idx < 0x80 ? C_MODULE : C_USER;
}

static void report(const struct vthr *t, const struct hc_batch_entry *e,
		   const struct cctx *cx, const struct allowed *al, u64 lo,
		   u64 hi, int i)
{
	char buf[4096];
	size_t n = 0;
	u64 j;
	int k;

	inc(&C.failures, 1);
	if (__atomic_add_fetch(&C.reports, 1, __ATOMIC_RELAXED) > MAX_REPORTS)
		return;
	n += snprintf(buf + n, sizeof(buf) - n,
		      "# FAIL seed %llu threads %u: vCPU %d batch %llu call %d: %s-bit cpl %d nr 0x%llx args 0x%llx 0x%llx 0x%llx 0x%llx answered 0x%llx; allowed:",
		      (unsigned long long)opt_seed, opt_threads, t->idx,
		      (unsigned long long)t->batch, i, cx->m32 ? "32" : "64",
		      cx->cpl, (unsigned long long)e->nr,
		      (unsigned long long)e->args[0],
		      (unsigned long long)e->args[1],
		      (unsigned long long)e->args[2],
		      (unsigned long long)e->args[3],
		      (unsigned long long)e->ret);
	for (k = 0; k < al->n; k++)
		n += snprintf(buf + n, sizeof(buf) - n, " 0x%llx (%s)",
			      (unsigned long long)seen(al->a[k].full, cx->m32),
			      lab_names[al->a[k].lab]);
	if (al->range)
		n += snprintf(buf + n, sizeof(buf) - n, " %llu..%llu",
			      (unsigned long long)al->rlo,
			      (unsigned long long)al->rhi);
	if (cx->nr >= PVHOOK_HC_BASE && cx->nr <= PVHOOK_HC_USER_LAST &&
	    !(!cx->m32 && (e->nr >> 32))) {
		n += snprintf(buf + n, sizeof(buf) - n,
			      "\n#   host states %llu..%llu:",
			      (unsigned long long)lo, (unsigned long long)hi);
		for (j = lo; j <= hi && j < lo + 8; j++) {
			const struct snap *s = &g.hist[j];

			n += snprintf(buf + n, sizeof(buf) - n,
				      " [on %u rate %u nq %u s1 0x%x prot %u bits 0x%02x]",
				      s->enabled, s->rate, s->nq, s->s1_size,
				      s->prot, s->nb[cx->nr - PVHOOK_HC_BASE]);
		}
		if (cx->nr == PVHOOK_HC_RING_FLUSH || cx->nr == PVHOOK_HC_RING_SETUP)
			n += snprintf(buf + n, sizeof(buf) - n,
				      " ring %s 0x%llx size 0x%llx%s",
				      t->ring ? "at" : "none",
				      (unsigned long long)t->ring_gpa,
				      (unsigned long long)t->ring_size,
				      cx->exact ? " (constant contents)" : "");
		if (cx->closed || cx->intr)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      cx->closed ? " handle closed meanwhile" : "",
				      cx->intr ? " signal meanwhile" : "");
	}
	snprintf(buf + n, sizeof(buf) - n,
		 "\n#   rerun: --seed %llu --calls %llu --threads %u\n",
		 (unsigned long long)opt_seed, (unsigned long long)opt_calls,
		 opt_threads);
	say("%s", buf);
}

static void check_call(struct vthr *t, struct hc_batch_entry *e, bool m32,
		       int cpl, u64 lo, u64 hi, bool intr, int i)
{
	struct allowed al = { .n = 0 };
	struct cctx cx = { .m32 = m32, .cpl = cpl, .intr = intr };
	bool pv, matched = false, allerr = true, anyerr = false;
	bool allthr = true, anythr = false;
	u64 ans = e->ret, j;
	unsigned int idx = 0;
	int k, lab = L_BAD, cls;
	const u8 *p;

	cx.nr = m32 ? (u32)e->nr : e->nr;
	for (k = 0; k < 4; k++)
		cx.a[k] = m32 ? (u32)e->args[k] : e->args[k];
	cx.closed = g.hist[hi].closes > g.hist[lo].closes;
	cls = call_class(e->nr, &cx);
	pv = cls != C_UPPER && cls != C_KVM && cls != C_OUTSIDE;

	if (!pv) {
		if (cpl)
			allow_err(&al, KVM_EPERM, L_EPERM);
		else
			kvm_outcomes(cx.nr, &al);
	} else {
		idx = cx.nr - PVHOOK_HC_BASE;
		if (idx == 5 && t->ring) {
			p = ring_const(t->idx, t->ring_gpa, t->ring_size);
			if (p) {
				cx.exact = true;
				cx.exact_val = ring_expect(p, t->ring_size,
							   &cx.exact_dropped);
			}
		}
		for (j = lo; j <= hi; j++)
			pv_outcomes(t, &g.hist[j], &cx, &al);
	}

	for (k = 0; k < al.n; k++) {
		if (seen(al.a[k].full, m32) != ans)
			continue;
		/* An EAGAIN both ways counts as the rate limit's. */
		if (!matched || al.a[k].lab == L_RATE)
			lab = al.a[k].lab;
		matched = true;
		if (is_err(al.a[k].full))
			anyerr = true;
		else
			allerr = false;
		if (al.a[k].lab == L_RATE)
			anythr = true;
		else
			allthr = false;
	}
	if (al.range && ans >= al.rlo && ans <= al.rhi) {
		if (!matched)
			lab = L_COUNT;
		matched = true;
		allerr = false;
		allthr = false;
	}
	if (!matched) {
		report(t, e, &cx, &al, lo, hi, i);
		allerr = false;
		allthr = false;
		anyerr = true;
		anythr = true;
	}
	inc(&C.res[cls][lab], 1);
	if (!pv)
		return;

	inc(&C.calls[idx], 1);
	inc(&C.err_lo[idx], allerr);
	inc(&C.err_hi[idx], anyerr);
	inc(&C.thr_lo[idx], allthr);
	inc(&C.thr_hi[idx], anythr);
	if (!matched)
		goto replay;
	switch (idx) {
	case 3:
		if (lab == L_COUNT)
			inc(&C.notify_ok, 1);
		break;
	case 5:
		if (lab == L_COUNT && ans) {
			inc(&C.flush_pos, 1);
			inc(&C.flush_rec, ans);
		}
		if (lab == L_COUNT && cx.exact)
			inc(&C.flush_dropped, cx.exact_dropped);
		if (cx.exact && (lab == L_COUNT || lab == L_EINVAL))
			inc(&C.exact_flushes, 1);
		if (lab == L_EFAULT)
			inc(&C.flush_efault, 1);
		if (lab == L_EINVAL)
			inc(&C.flush_einval, 1);
		break;
	case 6:
		if (ans == 0 && cx.a[0] < PVHOOK_OP_COUNT)
			inc(&C.op_ok[cx.a[0]], 1);
		break;
	}
replay:
	/* Only the handler answers 0 to RING_SETUP: the ring changed. */
	if (idx == 4 && ans == 0) {
		t->ring = cx.a[0] != 0;
		t->ring_gpa = cx.a[0];
		t->ring_size = cx.a[1];
	}
}

/* ---- what the guest calls ---- */

static const u64 edge_nrs[] = {
	PVHOOK_HC_BASE - 1, PVHOOK_HC_BASE, PVHOOK_HC_BASE + 0x3f,
	PVHOOK_HC_MODULE_FIRST, PVHOOK_HC_MODULE_LAST, PVHOOK_HC_USER_FIRST,
	PVHOOK_HC_USER_LAST, PVHOOK_HC_USER_LAST + 1, PVHOOK_HC_BASE + 7,
	0x7075ff00, 0x70770000, 0xf0760000, 0x70760000 ^ 0x80000000,
	0xffffffff, 0x100000000ULL | PVHOOK_HC_PING, ~0ULL,
	0x8000000070760002ULL, 0xffffffff70760000ULL, 0x70760000ULL << 32,
};

/* KVM_HC_*: only the harmless ones (not KICK_CPU, CLOCK_PAIRING, SEND_IPI). */
static const u64 kvm_nrs[] = { 0, 1, 2, 3, 4, 6, 7, 8, 11, 12, 13, 0xff, 0x100, 0x1000 };

static const u64 edge_args[] = {
	0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, -1000ULL,
	-4095ULL, -4096ULL, -110ULL, -11ULL, 0xfff, 0x1000, PVHOOK_HC_BASE,
	PVHOOK_OP_COUNT, PVHOOK_OP_COUNT - 1, 0x100000000ULL | 3,
};

static u64 gen_arg(u64 *rng)
{
	switch (rnd(rng, 10)) {
	case 0: case 1: case 2: case 3:
		return rnd64(rng);
	case 4:
		return rnd(rng, 256);
	case 5: case 6:
		return edge_args[rnd(rng, ARRAY_SIZE(edge_args))];
	case 7:
		return (u32)rnd64(rng);
	case 8:
		return 1ULL << rnd(rng, 64);
	default:
		return ~rnd(rng, 16);
	}
}

static u64 gen_builtin(u64 *rng)
{
	static const u8 w[] = { 0, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4,
				5, 5, 5, 5, 5, 6, 6, 6 };

	return PVHOOK_HC_BASE + w[rnd(rng, ARRAY_SIZE(w))];
}

static u64 gen_nr(u64 *rng)
{
	u64 r = rnd(rng, 100), low;

	if (r < 30)
		return gen_builtin(rng);
	if (r < 36)
		return PVHOOK_HC_BASE + 7 + rnd(rng, 0x40 - 7);
	if (r < 41)
		return PVHOOK_HC_MODULE_FIRST + rnd(rng, 0x40);
	if (r < 58) {
		r = rnd(rng, 10);
		if (r < 7)
			return PVHOOK_HC_USER_FIRST + rnd(rng, 8);
		if (r < 8)
			return PVHOOK_HC_USER_FIRST + 0x70 + rnd(rng, 16);
		return PVHOOK_HC_USER_FIRST + rnd(rng, 0x80);
	}
	if (r < 67)
		return edge_nrs[rnd(rng, ARRAY_SIZE(edge_nrs))];
	if (r < 78) {
		low = pct(rng, 70) ? PVHOOK_HC_BASE + rnd(rng, NR_IDX) :
				     kvm_nrs[rnd(rng, ARRAY_SIZE(kvm_nrs))];
		return ((rnd64(rng) | (1ULL << (32 + rnd(rng, 32)))) &
			0xffffffff00000000ULL) | low;
	}
	if (r < 88)
		return kvm_nrs[rnd(rng, ARRAY_SIZE(kvm_nrs))];
	if (r < 94)
		return (u32)rnd64(rng) | 0x80000000ULL;
	return rnd64(rng) | (1ULL << 40);
}

static void gen_ring(struct vthr *t, u64 *gpa, u64 *size)
{
	u64 *rng = &t->rng, r = rnd(rng, 100), s;

	if (r >= 87 && r < 93) {
		gen_ring(t, gpa, size);
		*gpa += pct(rng, 50) ? 1 + rnd(rng, PAGE - 1) : PAGE / 2;
		return;
	}
	if (r >= 93 && r < 97) {
		/* A good address with bits 63..32 set: only 32-bit is good. */
		gen_ring(t, gpa, size);
		*gpa |= (1 + rnd(rng, 0xffff)) << 32;
		return;
	}

	if (r < 6) {
		*gpa = 0;
	} else if (r < 30) {
		*gpa = QUIET_GPA(t->idx) + rnd(rng, QUIET_SIZE / PAGE) * PAGE;
	} else if (r < 36) {
		*gpa = rnd(rng, CONST_END / PAGE) * PAGE;
	} else if (r < 40) {
		*gpa = CONST_END + rnd(rng, (MAIN_END - CONST_END) / PAGE) * PAGE;
	} else if (r < 43) {
		*gpa = MAIN_END - PAGE * (1 + rnd(rng, 2));
	} else if (r < 58) {
		*gpa = S1_GPA + rnd(rng, S1_SIZE / PAGE) * PAGE;
	} else if (r < 63) {
		*gpa = S1_GPA + S1_SMALL - PAGE * (1 + rnd(rng, 3));
	} else if (r < 68) {
		*gpa = S2_GPA - PAGE * (1 + rnd(rng, 3));
	} else if (r < 76) {
		*gpa = S2_GPA + rnd(rng, S2_SIZE / PAGE) * PAGE;
	} else if (r < 83) {
		*gpa = S3_GPA + rnd(rng, S3_SIZE / PAGE) * PAGE;
	} else if (r < 87) {
		static const u64 outside[] = {
			MAIN_END, 0x300000, S1_GPA - PAGE, S2_GPA + S2_SIZE,
			0x80000000ULL, 0x100000000ULL, GPA_LIMIT - PAGE,
			GPA_LIMIT, 1ULL << 63, ~0xfffULL,
		};
		*gpa = outside[rnd(rng, ARRAY_SIZE(outside))];
	} else {
		/* r >= 97: the two cases above took 87..96. */
		*gpa = rnd64(rng);
	}

	r = rnd(rng, 100);
	if (r < 55) {
		s = PAGE * (1 + rnd(rng, 16));
	} else if (r < 70) {
		s = PAGE;
	} else if (r < 78) {
		s = PVHOOK_RING_SIZE_MAX;
	} else {
		static const u64 bad[] = {
			0, 4095, 4097, PVHOOK_RING_SIZE_MAX + PAGE,
			(1ULL << 32) | PAGE, (1ULL << 32) | 2 * PAGE, 2048,
			~0ULL, ~0xfffULL, PAGE * 17,
		};
		s = pct(rng, 80) ? bad[rnd(rng, ARRAY_SIZE(bad))] : rnd64(rng);
	}
	*size = s;
}

static void gen_call(struct vthr *t, struct hc_batch_entry *e, bool m32)
{
	u64 *rng = &t->rng, nr = gen_nr(rng), eff;
	unsigned int idx;
	int k;

	for (k = 0; k < 4; k++)
		e->args[k] = gen_arg(rng);
	eff = m32 ? (u32)nr : nr;
	if (eff >= PVHOOK_HC_MODULE_FIRST && eff <= PVHOOK_HC_MODULE_LAST) {
		idx = eff - PVHOOK_HC_BASE;
		/* Served by a module we do not know: leave it alone. */
		if ((g.registered[idx / 64] >> (idx % 64)) & 1) {
			eff = PVHOOK_HC_PING;
			nr = eff;
		}
	}
	if (eff == PVHOOK_HC_RING_SETUP)
		gen_ring(t, &e->args[0], &e->args[1]);
	if (eff == PVHOOK_HC_OP && pct(rng, 80))
		e->args[0] = rnd(rng, PVHOOK_OP_COUNT);
	e->nr = nr;
	e->ret = POISON;
}

/* ---- the vCPU threads ---- */

static void *vcpu_thread(void *arg)
{
	struct vthr *t = arg;
	struct hc_batch_entry *e =
		(struct hc_batch_entry *)(g.vm->mem + BATCH_GPA(t->idx));
	u8 *quiet = g.vm->mem + QUIET_GPA(t->idx);
	struct kvm_regs regs;
	u64 n, i, lo, hi, sd, ss;
	bool m32;
	int cpl;

	while (t->done < t->target && !__atomic_load_n(&g.abort, __ATOMIC_SEQ_CST)) {
		/* Small batches span few host changes: a tighter oracle. */
		n = 1 + (pct(&t->rng, 50) ? 64 + rnd(&t->rng, BATCH_MAX - 64) :
					    rnd(&t->rng, 32));
		if (n > t->target - t->done)
			n = t->target - t->done;
		m32 = pct(&t->rng, 30);
		cpl = pct(&t->rng, 20) ? 3 : 0;
		t->vcpu->mode = m32 ? VM_MODE_PROT32 : VM_MODE_LONG64;

		/* New contents for a few pages of the quiet area. */
		for (i = 0; i < 3; i++)
			fill_page(&t->rng, quiet +
				  rnd(&t->rng, QUIET_SIZE / PAGE) * PAGE);
		for (i = 0; i < n; i++)
			gen_call(t, &e[i], m32);

		t->batch++;
		lo = __atomic_load_n(&g.applied, __ATOMIC_SEQ_CST);
		sd = __atomic_load_n(&g.sig_done[t->idx], __ATOMIC_SEQ_CST);
		if (vcpu_hypercall_batch(t->vcpu, cpl, BATCH_GPA(t->idx), n,
					 NULL)) {
			hfail("vCPU", "%d: batch %llu: KVM_RUN failed", t->idx,
			      (unsigned long long)t->batch);
			__atomic_store_n(&g.abort, 1, __ATOMIC_SEQ_CST);
			break;
		}
		hi = __atomic_load_n(&g.announced, __ATOMIC_SEQ_CST);
		ss = __atomic_load_n(&g.sig_started[t->idx], __ATOMIC_SEQ_CST);
		inc(&C.hypercalls[t->idx], n);
		inc(&C.total, n);
		inc(&C.batches, 1);
		if (m32)
			inc(&C.m32, n);
		if (cpl)
			inc(&C.cpl3, n);

		for (i = 0; i < n; i++)
			check_call(t, &e[i], m32, cpl, lo, hi, ss > sd, i);

		/* RAX holds the last result, as KVM wrote it. */
		if (ioctl(t->vcpu->fd, KVM_GET_REGS, &regs) < 0)
			hfail("vCPU", "KVM_GET_REGS: %s", strerror(errno));
		else if (regs.rax != e[n - 1].ret)
			hfail("vCPU",
			      "%d batch %llu: RAX 0x%llx after the last call of a %s-bit batch answered 0x%llx (nr 0x%llx)",
			      t->idx, (unsigned long long)t->batch,
			      (unsigned long long)regs.rax, m32 ? "32" : "64",
			      (unsigned long long)e[n - 1].ret,
			      (unsigned long long)e[n - 1].nr);
		t->done += n;
	}
	__atomic_sub_fetch(&g.running, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* ---- host threads ---- */

struct hthr {
	int idx;
	u64 rng;
	pthread_t th;
};

static void sleep_us(u64 us)
{
	usleep(us);
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Handle slot @k: serve, unserve, queue events, close, re-attach. */
static void srv_chaos(struct hthr *t, u32 *tmo)
{
	int k = t->idx, fd = g.srv_fd[k], err, want, ui;
	u64 *rng = &t->rng, r = rnd(rng, 100), nr;
	struct pvhook_serve sv = { 0 };
	struct pvhook_events ev = { 0 };
	const char *who = k == SRV_DEAF ? "deaf server" : "server";
	unsigned int i;

	pthread_mutex_lock(&g.mu);
	if (!st_room())
		goto out;
	if (fd < 0) {
		if (r < 60) {
			fd = vm_attach(g.dev, g.vm->fd);
			if (fd < 0) {
				hfail(who, "PVHOOK_ATTACH_VM: %s", strerror(-fd));
				goto out;
			}
			set_nonblock(fd);
			g.srv_fd[k] = fd;
		}
		goto out;
	}
	if (r < 50) {
		if (k == SRV_DEAF)
			nr = PVHOOK_HC_USER_FIRST + 0x70 + rnd(rng, 16);
		else if (pct(rng, 85))
			nr = PVHOOK_HC_USER_FIRST + rnd(rng, 8);
		else
			nr = PVHOOK_HC_USER_FIRST + rnd(rng, 0x80);
		ui = nr - PVHOOK_HC_USER_FIRST;
		sv.nr = nr;
		sv.flags = pct(rng, 50) ? PVHOOK_SERVE_F_USER : 0;
		if (k == SRV_DEAF) {
			sv.timeout_ms = 10 + rnd(rng, 20);
		} else {
			static const u32 tms[] = { 0, 20, 50, 300, 1000 };

			sv.timeout_ms = tms[rnd(rng, ARRAY_SIZE(tms))];
		}
		if (g.owner[ui] >= 0) {
			err = ioctl_err(fd, PVHOOK_VM_SERVE, &sv);
			if (err != EBUSY)
				hfail(who,
				      "PVHOOK_VM_SERVE 0x%llx served by handle %d: %s, not EBUSY",
				      (unsigned long long)nr, g.owner[ui],
				      strerror(err));
			goto out;
		}
		g.cur.nb[0x80 + ui] |= k == SRV_DEAF ? NB_DEAF : NB_SRV;
		if (sv.flags)
			g.cur.nb[0x80 + ui] |= NB_SUSER;
		st_announce();
		err = ioctl_err(fd, PVHOOK_VM_SERVE, &sv);
		if (err)
			hfail(who, "PVHOOK_VM_SERVE 0x%llx: %s",
			      (unsigned long long)nr, strerror(err));
		g.owner[ui] = k;
		tmo[ui] = sv.timeout_ms ? sv.timeout_ms : 1000;
		st_applied();
		inc(&C.serves, 1);
	} else if (r < 70) {
		/* Mostly one of ours, sometimes one that is not. */
		ui = rnd(rng, 0x80);
		for (i = 0; i < 0x80 && pct(rng, 90); i++)
			if (g.owner[(ui + i) % 0x80] == k) {
				ui = (ui + i) % 0x80;
				break;
			}
		sv.nr = PVHOOK_HC_USER_FIRST + ui;
		if (g.owner[ui] != k) {
			err = ioctl_err(fd, PVHOOK_VM_UNSERVE, &sv);
			if (err != ENOENT)
				hfail(who, "PVHOOK_VM_UNSERVE 0x%llx not ours: %s, not ENOENT",
				      (unsigned long long)sv.nr, strerror(err));
			goto out;
		}
		g.cur.nb[0x80 + ui] &= ~(NB_SRV | NB_DEAF | NB_SUSER);
		st_announce();
		err = ioctl_err(fd, PVHOOK_VM_UNSERVE, &sv);
		if (err)
			hfail(who, "PVHOOK_VM_UNSERVE 0x%llx: %s",
			      (unsigned long long)sv.nr, strerror(err));
		g.owner[ui] = -1;
		st_applied();
	} else if (r < 82) {
		ev.queue_len = pct(rng, 30) ? 0 : 1 + rnd(rng, 4096);
		ev.flags = pct(rng, 50) ? PVHOOK_EVENTS_F_RECORDS : 0;
		want = ev.queue_len != 0;
		g.cur.nq += want - g.srv_queue[k];
		st_announce();
		err = ioctl_err(fd, PVHOOK_VM_EVENTS, &ev);
		if (err)
			hfail(who, "PVHOOK_VM_EVENTS %u: %s", ev.queue_len,
			      strerror(err));
		g.srv_queue[k] = want;
		st_applied();
	} else if (r < 89) {
		for (i = 0; i < 0x80; i++) {
			if (g.owner[i] != k)
				continue;
			g.cur.nb[0x80 + i] &= ~(NB_SRV | NB_DEAF | NB_SUSER);
			g.owner[i] = -1;
		}
		g.cur.nq -= g.srv_queue[k];
		g.cur.closes++;
		st_announce();
		if (close(fd))
			hfail(who, "close: %s", strerror(errno));
		g.srv_fd[k] = -1;
		g.srv_queue[k] = false;
		st_applied();
		inc(&C.closes, 1);
	}
out:
	pthread_mutex_unlock(&g.mu);
}

/* A request as pvhook must pass it on. */
static bool srv_check_msg(const char *who, const struct pvhook_msg *m)
{
	bool lm = m->flags & PVHOOK_MSG_F_LONG_MODE;
	int k;

	if (m->nr < PVHOOK_HC_USER_FIRST || m->nr > PVHOOK_HC_USER_LAST ||
	    m->vcpu >= (u32)g.nvcpus || (m->cpl != 0 && m->cpl != 3) ||
	    !m->seq || (m->flags & ~PVHOOK_MSG_F_LONG_MODE) || m->dropped) {
		hfail(who, "request nr 0x%llx vcpu %u cpl %u seq %llu flags 0x%x dropped %llu",
		      (unsigned long long)m->nr, m->vcpu, m->cpl,
		      (unsigned long long)m->seq, m->flags,
		      (unsigned long long)m->dropped);
		return false;
	}
	for (k = 0; k < 4 && !lm; k++)
		if (m->args[k] >> 32) {
			hfail(who, "request from a 32-bit caller with argument %d 0x%llx",
			      k, (unsigned long long)m->args[k]);
			return false;
		}
	return true;
}

static void srv_write(const char *who, int fd, struct pvhook_reply *rep,
		      unsigned int n)
{
	unsigned int i = 0;
	ssize_t w;

	while (i < n) {
		w = write(fd, rep + i, (n - i) * sizeof(*rep));
		if (w < 0) {
			/* The vCPU stopped waiting: timeout, signal, close. */
			if (errno == ENOENT)
				inc(&C.srv_late, 1);
			else
				hfail(who, "write of an answer: %s", strerror(errno));
			i++;
			continue;
		}
		if (w == 0 || w % sizeof(*rep)) {
			hfail(who, "write answered %zd", w);
			return;
		}
		i += w / sizeof(*rep);
	}
}

static void *srv_thread(void *arg)
{
	struct hthr *t = arg;
	const char *who = t->idx == SRV_DEAF ? "deaf server" : "server";
	struct pvhook_msg msg[16];
	struct pvhook_reply rep[16], bad;
	u32 tmo[PVHOOK_HC_USER_COUNT] = { 0 };
	u64 next = now_ms();
	unsigned int i, n, m;
	bool drop;
	ssize_t r;
	int fd;

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		if (now_ms() >= next) {
			srv_chaos(t, tmo);
			next = now_ms() + 2 + rnd(&t->rng, 20);
		}
		fd = g.srv_fd[t->idx];
		if (fd < 0 || t->idx == SRV_DEAF) {
			sleep_us(3000);
			continue;
		}
		if (!(wait_fd(fd, POLLIN, 5) & POLLIN))
			continue;
		r = read(fd, msg, (1 + rnd(&t->rng, 16)) * sizeof(msg[0]));
		if (r < 0) {
			if (errno != EAGAIN)
				hfail(who, "read: %s", strerror(errno));
			continue;
		}
		if (r == 0 || r % sizeof(msg[0])) {
			hfail(who, "read returned %zd", r);
			continue;
		}
		n = r / sizeof(msg[0]);
		for (i = m = 0; i < n; i++) {
			if (msg[i].type == PVHOOK_MSG_EVENT) {
				inc(&C.srv_events, 1);
				continue;
			}
			if (msg[i].type == PVHOOK_MSG_RECORD) {
				inc(&C.srv_records, 1);
				if (msg[i].nr >= PVHOOK_OP_COUNT)
					hfail(who, "record of slot %llu",
					      (unsigned long long)msg[i].nr);
				continue;
			}
			if (msg[i].type != PVHOOK_MSG_REQUEST) {
				hfail(who, "message of type %u", msg[i].type);
				continue;
			}
			if (!srv_check_msg(who, &msg[i]))
				continue;
			memset(&rep[m], 0, sizeof(rep[m]));
			rep[m].seq = msg[i].seq;
			rep[m].ret = srv_answer(msg[i].nr, msg[i].args, &drop);
			/* Let a short timeout pass now and then. */
			if (drop && tmo[msg[i].nr - PVHOOK_HC_USER_FIRST] <= 50) {
				inc(&C.srv_drops, 1);
				continue;
			}
			m++;
		}
		if (!m)
			continue;
		if (pct(&t->rng, 20) && m > 1) {
			/* Answer in reverse order, in one write(). */
			for (i = 0; i < m / 2; i++) {
				bad = rep[i];
				rep[i] = rep[m - 1 - i];
				rep[m - 1 - i] = bad;
			}
		}
		if (pct(&t->rng, 3)) {
			memset(&bad, 0, sizeof(bad));
			bad.seq = ~0ULL - rnd(&t->rng, 4);
			if (write(fd, &bad, sizeof(bad)) >= 0 || errno != ENOENT)
				hfail(who, "answer to no request: %s, not ENOENT",
				      strerror(errno));
		}
		if (pct(&t->rng, 5))
			sleep_us(rnd(&t->rng, 3000));
		srv_write(who, fd, rep, m);
		inc(&C.srv_answers, m);
	}
	return NULL;
}

static void gen_policy(u64 *rng, struct pvhook_policy *p)
{
	u64 r = rnd(rng, 100);
	int i;

	memset(p, 0, sizeof(*p));
	p->flags = PVHOOK_POLICY_F_ENABLED;
	for (i = 0; i < 4; i++) {
		p->allow[i] = ~0ULL;
		p->allow_user[i] = ~0ULL;
	}
	if (r < 40)
		return;
	if (r < 55) {
		for (i = 0; i < 8; i++) {
			u64 b = rnd(rng, 16) < 10 ? rnd(rng, 8) : rnd(rng, NR_IDX);

			p->allow[b / 64] &= ~(1ULL << (b % 64));
		}
	} else if (r < 67) {
		for (i = 0; i < 4; i++)
			p->allow_user[i] = rnd64(rng);
	} else if (r < 77) {
		p->rate_limit = pct(rng, 70) ? 20 + rnd(rng, 2000) :
					       1 + rnd(rng, 5);
	} else if (r < 84) {
		p->flags = 0;
		for (i = 0; i < 4; i++)
			p->allow[i] = rnd64(rng);
	} else if (r < 92) {
		for (i = 0; i < 4; i++)
			p->allow[i] = rnd64(rng) | rnd64(rng);
	} else {
		p->rate_limit = 50 + rnd(rng, 500);
		p->allow[0] &= ~(1ULL << rnd(rng, 7));
		p->allow_user[2] = rnd64(rng);
		p->allow_user[3] = rnd64(rng);
	}
}

/* The VM's policy, signals to the vCPU threads, short-lived handles. */
static void *policy_thread(void *arg)
{
	struct hthr *t = arg;
	u64 *rng = &t->rng, r;
	struct pvhook_policy p, got;
	struct pvhook_vm_info vi;
	int err, v, h;

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		sleep_us(2000 + rnd(rng, 20000));
		r = rnd(rng, 100);
		if (r < 65) {
			gen_policy(rng, &p);
			pthread_mutex_lock(&g.mu);
			if (st_room()) {
				snap_policy(&g.cur, &p);
				st_announce();
				err = ioctl_err(g.hp, PVHOOK_VM_SET_POLICY, &p);
				if (err)
					hfail("policy", "PVHOOK_VM_SET_POLICY: %s",
					      strerror(err));
				g.policy = p;
				st_applied();
				inc(&C.policies, 1);
			}
			pthread_mutex_unlock(&g.mu);
		} else if (r < 75) {
			err = ioctl_err(g.hp, PVHOOK_VM_GET_POLICY, &got);
			if (err || memcmp(&got, &g.policy, sizeof(got)))
				hfail("policy", "PVHOOK_VM_GET_POLICY: %s, or not the policy set",
				      strerror(err));
		} else if (r < 93) {
			v = rnd(rng, g.nvcpus);
			if (__atomic_load_n(&g.running, __ATOMIC_SEQ_CST) <= 0)
				continue;
			__atomic_add_fetch(&g.sig_started[v], 1, __ATOMIC_SEQ_CST);
			pthread_kill(g.vth[v], SIGUSR1);
			__atomic_add_fetch(&g.sig_done[v], 1, __ATOMIC_SEQ_CST);
			inc(&C.signals, 1);
		} else {
			h = vm_attach(g.dev, g.vm->fd);
			if (h < 0) {
				hfail("policy", "PVHOOK_ATTACH_VM: %s", strerror(-h));
				continue;
			}
			err = ioctl_err(h, PVHOOK_VM_GET_INFO, &vi);
			if (err || vi.id != g.vm_id ||
			    vi.nr_vcpus != (u32)g.nvcpus ||
			    !(vi.flags & PVHOOK_VM_F_ATTACHED) ||
			    vi.nr_handles < 2 || vi.nr_handles > 5)
				hfail("policy",
				      "PVHOOK_VM_GET_INFO: %s id %llu vcpus %u flags 0x%x handles %u",
				      strerror(err), (unsigned long long)vi.id,
				      vi.nr_vcpus, vi.flags, vi.nr_handles);
			close(h);
		}
	}
	return NULL;
}

static int set_region(u32 slot, u64 gpa, u64 size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (unsigned long)hva,
	};

	return ioctl(g.vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? errno : 0;
}

/*
 * Slot 1 goes and comes back, at another size too; part of it is
 * protected.
 */
static void *memslot_thread(void *arg)
{
	struct hthr *t = arg;
	u64 *rng = &t->rng, size, i;
	int err;

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		sleep_us(5000 + rnd(rng, 30000));
		pthread_mutex_lock(&g.mu);
		if (!st_room()) {
			pthread_mutex_unlock(&g.mu);
			continue;
		}
		if (pct(rng, 65)) {
			size = g.cur.s1_size ? 0 :
			       pct(rng, 70) ? S1_SIZE : S1_SMALL;
			g.cur.s1_size = size;
			st_announce();
			err = set_region(S1_SLOT, S1_GPA, size, g.s1);
			if (err)
				hfail("memory", "slot 1 to size 0x%llx: %s",
				      (unsigned long long)size, strerror(err));
			st_applied();
			inc(&C.slot_changes, 1);
		} else {
			g.cur.prot = !g.cur.prot;
			st_announce();
			if (mprotect(g.s1 + S1_PROT_OFF, S1_PROT_SIZE,
				     g.cur.prot ? PROT_NONE :
						  PROT_READ | PROT_WRITE))
				hfail("memory", "mprotect: %s", strerror(errno));
			st_applied();
			if (!g.cur.prot)
				for (i = 0; i < S1_PROT_SIZE / PAGE; i++)
					fill_page(rng, g.s1 + S1_PROT_OFF + i * PAGE);
		}
		pthread_mutex_unlock(&g.mu);
	}
	return NULL;
}

/* Garbage into slot 1 (not its protected part) while rings are flushed. */
static void *scribble_thread(void *arg)
{
	struct hthr *t = arg;
	u64 *rng = &t->rng;
	int i;

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		for (i = 0; i < 64; i++) {
			if (pct(rng, 30))
				fill_hdr(rng, g.s1 + rnd(rng, S1_PROT_OFF / PAGE) * PAGE);
			else
				fill_rec(rng, g.s1 + rnd(rng, S1_PROT_OFF / 32) * 32);
		}
		sleep_us(300);
	}
	return NULL;
}

/* Other VMs: created, attached, given a policy, called, destroyed. */
static void *other_vm_thread(void *arg)
{
	struct hthr *t = arg;
	u64 *rng = &t->rng, ret, want;
	struct pvhook_policy p = { 0 };
	struct pvhook_hc_stats st[8];
	struct pvhook_vm_stats vs = { 0 };
	struct pvhook_vm_info vi;
	struct hc_regs regs = { 0 };
	struct vcpu *vc;
	struct vm *o;
	bool m32, gone;
	int h, err, i;
	char msg[8];

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		sleep_us(20000 + rnd(rng, 100000));
		m32 = pct(rng, 30);
		o = vm_create_one(m32 ? VM_MODE_PROT32 : VM_MODE_LONG64, &vc);
		if (!o) {
			hfail("other VM", "creating a VM failed");
			continue;
		}
		h = vm_attach(g.dev, o->fd);
		if (h < 0) {
			hfail("other VM", "PVHOOK_ATTACH_VM: %s", strerror(-h));
			vm_destroy(o);
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.flags = pct(rng, 80) ? PVHOOK_POLICY_F_ENABLED : 0;
		for (i = 0; i < 4; i++)
			p.allow[i] = pct(rng, 70) ? ~0ULL : rnd64(rng);
		p.rate_limit = pct(rng, 20);
		err = ioctl_err(h, PVHOOK_VM_SET_POLICY, &p);
		if (err)
			hfail("other VM", "PVHOOK_VM_SET_POLICY: %s", strerror(err));
		if (pct(rng, 50)) {
			err = handle_serve(h, PVHOOK_HC_USER_FIRST, 0, 10);
			if (err)
				hfail("other VM", "PVHOOK_VM_SERVE: %s",
				      strerror(err));
		}

		/* PROBE then PING: exact, nobody else touches this VM. */
		regs.nr = PVHOOK_HC_PROBE;
		regs.args[0] = rnd64(rng);
		if (vcpu_hypercall(vc, 0, &regs, &ret)) {
			hfail("other VM", "KVM_RUN failed");
		} else {
			want = !(p.flags & PVHOOK_POLICY_F_ENABLED) ?
			       HC_ERR(KVM_ENOSYS) :
			       !(p.allow[0] & 1) ? HC_ERR(KVM_EPERM) : PROBE_VALUE;
			if (ret != seen(want, m32))
				hfail("other VM", "PROBE answered 0x%llx, not 0x%llx",
				      (unsigned long long)ret,
				      (unsigned long long)seen(want, m32));
		}
		/* A 32-bit caller's registers keep bits 63..32 from KVM_SET_REGS. */
		regs.nr = PVHOOK_HC_PING | (m32 ? rnd64(rng) << 32 : 0);
		if (vcpu_hypercall(vc, 0, &regs, &ret)) {
			hfail("other VM", "KVM_RUN failed");
		} else {
			want = !(p.flags & PVHOOK_POLICY_F_ENABLED) ?
			       HC_ERR(KVM_ENOSYS) :
			       !(p.allow[0] & 4) ? HC_ERR(KVM_EPERM) :
			       seen(regs.args[0], m32);
			/* With a limit of 1, PROBE used the window's call. */
			if (ret != seen(want, m32) &&
			    !(p.rate_limit && (p.allow[0] & 1) && (p.allow[0] & 4) &&
			      (p.flags & PVHOOK_POLICY_F_ENABLED) &&
			      ret == seen(HC_ERR(PVHOOK_EAGAIN), m32)))
				hfail("other VM", "PING answered 0x%llx, not 0x%llx",
				      (unsigned long long)ret,
				      (unsigned long long)seen(want, m32));
		}
		if (!ioctl_err(h, PVHOOK_VM_GET_INFO, &vi)) {
			vs.vm_id = vi.id;
			vs.count = 8;
			vs.entries = (u64)(unsigned long)st;
			err = ioctl_err(g.dev, PVHOOK_GET_VM_STATS, &vs);
			if (err || vs.count != 2 || st[0].nr != PVHOOK_HC_PROBE ||
			    st[0].calls != 1 || st[1].nr != PVHOOK_HC_PING ||
			    st[1].calls != 1 || vi.calls != 2)
				hfail("other VM", "PVHOOK_GET_VM_STATS: %s, %u numbers, calls %llu",
				      strerror(err), vs.count,
				      (unsigned long long)vi.calls);
		} else {
			hfail("other VM", "PVHOOK_VM_GET_INFO: %s", strerror(errno));
		}

		gone = pct(rng, 50);
		if (gone) {
			vm_destroy(o);
			/* The handle stays, and knows the VM is gone. */
			err = ioctl_err(h, PVHOOK_VM_GET_INFO, &vi);
			if (err != ENODEV)
				hfail("other VM",
				      "PVHOOK_VM_GET_INFO after KVM destroyed the VM: %s, not ENODEV",
				      strerror(err));
			set_nonblock(h);
			if (read(h, msg, sizeof(msg)) >= 0 || errno != EINVAL)
				hfail("other VM", "short read on a handle: %s, not EINVAL",
				      strerror(errno));
		}
		close(h);
		if (!gone)
			vm_destroy(o);
		inc(&C.other_vms, 1);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* ---- the end: pvhook's statistics against the counts ---- */

/* Lines of check_stats(), each format kept whole. */
#define STATS_MSG \
	"stats of 0x%llx: calls %llu (counted %llu), errors %llu (counted %llu..%llu), throttled %llu (counted %llu..%llu), histogram sum %llu\n"
#define TOTALS_MSG \
	"pvhook: %llu calls (counted %llu), %llu errors (counted %llu..%llu), %llu throttled (counted %llu..%llu), %llu events (counted %llu)\n"
#define RECORDS_MSG \
	"records: %llu taken (answers add up to %llu), %llu doorbells took some (counted %llu, %llu cut short by EFAULT), %llu rejected (at least %llu)\n"

static void check_stats(struct __test_metadata *_metadata)
{
	static struct pvhook_hc_stats st[NR_IDX];
	struct pvhook_vm_stats vs = {
		.vm_id = g.vm_id, .count = NR_IDX,
		.entries = (u64)(unsigned long)st,
	};
	struct pvhook_op_stats ops[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops vo = {
		.vm_id = g.vm_id, .count = PVHOOK_OP_COUNT,
		.entries = (u64)(unsigned long)ops,
	};
	u64 got[NR_IDX] = { 0 }, err_sum_lo = 0, err_sum_hi = 0, calls = 0;
	u64 thr_sum_lo = 0, thr_sum_hi = 0, h, hsum, recs = 0, syncs[32] = { 0 };
	u64 bad = 0;
	struct pvhook_vm_info vi;
	unsigned int i, b;
	int v;

	ASSERT_EQ(0, ioctl_err(g.dev, PVHOOK_GET_VM_STATS, &vs));
	ASSERT_GE(NR_IDX, vs.count);
	for (i = 0; i < vs.count; i++) {
		unsigned int idx = st[i].nr - PVHOOK_HC_BASE;

		ASSERT_GT(NR_IDX, idx);
		got[idx] = 1;
		for (b = hsum = 0; b < PVHOOK_HIST_BUCKETS; b++)
			hsum += st[i].time_hist[b];
		if (st[i].calls != C.calls[idx] ||
		    st[i].errors < C.err_lo[idx] || st[i].errors > C.err_hi[idx] ||
		    st[i].throttled < C.thr_lo[idx] ||
		    st[i].throttled > C.thr_hi[idx] || hsum != st[i].calls) {
			bad++;
			ksft_print_msg(STATS_MSG,
				       (unsigned long long)st[i].nr,
				       (unsigned long long)st[i].calls,
				       (unsigned long long)C.calls[idx],
				       (unsigned long long)st[i].errors,
				       (unsigned long long)C.err_lo[idx],
				       (unsigned long long)C.err_hi[idx],
				       (unsigned long long)st[i].throttled,
				       (unsigned long long)C.thr_lo[idx],
				       (unsigned long long)C.thr_hi[idx],
				       (unsigned long long)hsum);
		}
	}
	for (i = 0; i < NR_IDX; i++) {
		calls += C.calls[i];
		err_sum_lo += C.err_lo[i];
		err_sum_hi += C.err_hi[i];
		thr_sum_lo += C.thr_lo[i];
		thr_sum_hi += C.thr_hi[i];
		if (C.calls[i] && !got[i]) {
			bad++;
			ksft_print_msg("stats of 0x%llx missing: counted %llu calls\n",
				       (unsigned long long)(PVHOOK_HC_BASE + i),
				       (unsigned long long)C.calls[i]);
		}
	}
	EXPECT_EQ(0, bad);

	ASSERT_EQ(0, ioctl_err(g.hp, PVHOOK_VM_GET_INFO, &vi));
	EXPECT_EQ(calls, vi.calls);
	EXPECT_LE(err_sum_lo, vi.errors);
	EXPECT_GE(err_sum_hi, vi.errors);
	EXPECT_LE(thr_sum_lo, vi.throttled);
	EXPECT_GE(thr_sum_hi, vi.throttled);
	EXPECT_EQ(C.notify_ok, vi.events);
	ksft_print_msg(TOTALS_MSG,
		       (unsigned long long)vi.calls, (unsigned long long)calls,
		       (unsigned long long)vi.errors,
		       (unsigned long long)err_sum_lo,
		       (unsigned long long)err_sum_hi,
		       (unsigned long long)vi.throttled,
		       (unsigned long long)thr_sum_lo,
		       (unsigned long long)thr_sum_hi,
		       (unsigned long long)vi.events,
		       (unsigned long long)C.notify_ok);

	ASSERT_EQ(0, ioctl_err(g.dev, PVHOOK_GET_VM_OPS, &vo));
	for (i = 0; i < vo.count && i < PVHOOK_OP_COUNT; i++) {
		recs += ops[i].records;
		syncs[ops[i].slot % 32] = ops[i].sync_calls;
	}
	for (i = 0; i < PVHOOK_OP_COUNT; i++)
		EXPECT_EQ(C.op_ok[i], syncs[i]) TH_LOG("PVHOOK_HC_OP calls of slot %u", i);
	/* A doorbell cut short by EFAULT keeps what it took. */
	EXPECT_LE(C.flush_rec, recs);
	if (!C.flush_efault)
		EXPECT_EQ(C.flush_rec, recs);
	EXPECT_LE(C.flush_pos, vo.flushes);
	EXPECT_GE(C.flush_pos + C.flush_efault, vo.flushes);
	EXPECT_LE(C.flush_einval + C.flush_efault + C.flush_dropped, vo.rejected);
	ksft_print_msg(RECORDS_MSG,
		       (unsigned long long)recs, (unsigned long long)C.flush_rec,
		       (unsigned long long)vo.flushes,
		       (unsigned long long)C.flush_pos,
		       (unsigned long long)C.flush_efault,
		       (unsigned long long)vo.rejected,
		       (unsigned long long)(C.flush_einval + C.flush_efault +
					    C.flush_dropped));

	for (v = 0; v < g.nvcpus; v++) {
		ASSERT_EQ(0, vcpu_stat(&g.vm->vcpus[v], "hypercalls", &h));
		EXPECT_EQ(C.hypercalls[v], h) TH_LOG("KVM's hypercalls statistic of vCPU %d", v);
	}
}

static void print_counts(void)
{
	char line[2048];
	size_t n;
	int c, l;

	for (c = 0; c < NR_CLS; c++) {
		n = snprintf(line, sizeof(line), "%-20s", cls_names[c]);
		for (l = 0; l < NR_LAB; l++)
			if (C.res[c][l])
				n += snprintf(line + n, sizeof(line) - n, " %s %llu",
					      lab_names[l],
					      (unsigned long long)C.res[c][l]);
		ksft_print_msg("  %s\n", line);
	}
}

/* The lines of a run, each format kept whole. */
#define START_MSG \
	"seed %llu, %llu calls, %u vCPUs (rerun: --seed %llu --calls %llu --threads %u)\n"
#define SUMMARY_MSG \
	"%llu calls in %llu batches in %.1f s: %.0f calls/s; %llu in 32-bit mode, %llu at CPL 3; %llu failures\n"
#define HOST_MSG \
	"host: %llu state changes (%llu policies, %llu serves, %llu handle closes, %llu slot changes), %llu signals, %llu other VMs; served %llu answers, %llu left to time out, %llu answers too late, %llu events, %llu records; %llu doorbells on constant rings\n"
#define HIST_FULL_MSG \
	"the history of host states filled up: the last part ran without host changes\n"
#define FAILURES_MSG \
	"seed %llu: %d answers or host operations the documentation does not allow (rerun: --seed %llu --calls %llu --threads %u)"

FIXTURE(guest) {
	int unused;
};

FIXTURE_SETUP(guest)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(guest)
{
}

TEST_F_TIMEOUT(guest, hostile_guest, 3600)
{
	struct vthr vt[VM_MAX_VCPUS];
	struct hthr srv[NR_SRV], pol, mem, scr, oth;
	struct pvhook_info info;
	struct pvhook_vm_info vi;
	struct timespec t0, t1;
	struct pvhook_policy p;
	double secs;
	int k, i;

	ASSERT_TRUE(module_loaded("pvhook"));
	ksft_print_msg(START_MSG,
		       (unsigned long long)opt_seed,
		       (unsigned long long)opt_calls, opt_threads,
		       (unsigned long long)opt_seed,
		       (unsigned long long)opt_calls, opt_threads);

	g.dev = dev_open();
	ASSERT_LE(0, g.dev);
	ASSERT_EQ(0, ioctl_err(g.dev, PVHOOK_GET_INFO, &info));
	ASSERT_EQ(PVHOOK_ABI_VERSION, info.abi_version)
		TH_LOG("the oracle is written for ABI 0x%x", PVHOOK_ABI_VERSION);
	g.features = info.features;
	memcpy(g.registered, info.registered, sizeof(g.registered));
	for (k = 0x40; k < 0x80; k++)
		if ((g.registered[k / 64] >> (k % 64)) & 1)
			ksft_print_msg("0x%llx is served by a module: not called\n",
				       (unsigned long long)(PVHOOK_HC_BASE + k));

	g.nvcpus = opt_threads;
	g.vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, g.vm);
	for (k = 0; k < g.nvcpus; k++)
		ASSERT_NE(NULL, vm_vcpu_add(g.vm));

	/* Slots 1 to 3, with garbage rings. */
	g.s1 = mmap(NULL, S1_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g.s2 = mmap(NULL, S2_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g.s3 = mmap(NULL, S3_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, g.s1);
	ASSERT_NE(MAP_FAILED, g.s2);
	ASSERT_NE(MAP_FAILED, g.s3);
	{
		u64 rng = seed_for(100), o;

		for (o = 0; o < S1_SIZE; o += PAGE)
			fill_page(&rng, g.s1 + o);
		for (o = 0; o < S2_SIZE; o += PAGE)
			fill_page(&rng, g.s2 + o);
		for (o = 0; o < S3_SIZE; o += PAGE)
			fill_page(&rng, g.s3 + o);
		for (k = 0; k < g.nvcpus; k++)
			for (o = 0; o < QUIET_SIZE; o += PAGE)
				fill_page(&rng, g.vm->mem + QUIET_GPA(k) + o);
	}
	ASSERT_EQ(0, set_region(S1_SLOT, S1_GPA, S1_SIZE, g.s1));
	ASSERT_EQ(0, set_region(S2_SLOT, S2_GPA, S2_SIZE, g.s2));
	ASSERT_EQ(0, set_region(S3_SLOT, S3_GPA, S3_SIZE, g.s3));

	g.hp = vm_attach(g.dev, g.vm->fd);
	ASSERT_LE(0, g.hp);
	ASSERT_EQ(0, ioctl_err(g.hp, PVHOOK_VM_GET_INFO, &vi));
	g.vm_id = vi.id;
	/* State 0: pvhook on, everything allowed, whatever default_policy says. */
	memset(&p, 0, sizeof(p));
	p.flags = PVHOOK_POLICY_F_ENABLED;
	for (k = 0; k < 4; k++) {
		p.allow[k] = ~0ULL;
		p.allow_user[k] = ~0ULL;
	}
	ASSERT_EQ(0, ioctl_err(g.hp, PVHOOK_VM_SET_POLICY, &p));
	g.policy = p;

	g.hist = calloc(MAX_HIST, sizeof(*g.hist));
	ASSERT_NE(NULL, g.hist);
	pthread_mutex_init(&g.mu, NULL);
	snap_policy(&g.cur, &p);
	g.cur.s1_size = S1_SIZE;
	g.hist[0] = g.cur;
	for (k = 0; k < PVHOOK_HC_USER_COUNT; k++)
		g.owner[k] = -1;
	for (k = 0; k < NR_SRV; k++)
		g.srv_fd[k] = -1;

	/* No SA_RESTART: a signal ends a served wait (KVM_RUN is retried). */
	ASSERT_EQ(0, sigaction(SIGUSR1, &(struct sigaction){
		.sa_handler = on_signal }, NULL));

	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < NR_SRV; k++) {
		srv[k] = (struct hthr){ .idx = k, .rng = seed_for(10 + k) };
		ASSERT_EQ(0, pthread_create(&srv[k].th, NULL, srv_thread, &srv[k]));
	}
	pol = (struct hthr){ .rng = seed_for(20) };
	mem = (struct hthr){ .rng = seed_for(21) };
	scr = (struct hthr){ .rng = seed_for(22) };
	oth = (struct hthr){ .rng = seed_for(23) };
	g.running = g.nvcpus;
	for (k = 0; k < g.nvcpus; k++) {
		vt[k] = (struct vthr){
			.idx = k, .rng = seed_for(1 + k),
			.vcpu = &g.vm->vcpus[k],
			.target = opt_calls / g.nvcpus +
				  ((u64)k < opt_calls % g.nvcpus),
		};
		ASSERT_EQ(0, pthread_create(&g.vth[k], NULL, vcpu_thread, &vt[k]));
	}
	ASSERT_EQ(0, pthread_create(&pol.th, NULL, policy_thread, &pol));
	ASSERT_EQ(0, pthread_create(&mem.th, NULL, memslot_thread, &mem));
	ASSERT_EQ(0, pthread_create(&scr.th, NULL, scribble_thread, &scr));
	ASSERT_EQ(0, pthread_create(&oth.th, NULL, other_vm_thread, &oth));

	/* The vCPU threads end by themselves; then the host threads stop. */
	while (__atomic_load_n(&g.running, __ATOMIC_SEQ_CST) > 0)
		sleep_us(20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	__atomic_store_n(&g.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(pol.th, NULL);
	pthread_join(mem.th, NULL);
	pthread_join(scr.th, NULL);
	pthread_join(oth.th, NULL);
	for (k = 0; k < NR_SRV; k++)
		pthread_join(srv[k].th, NULL);
	for (k = 0; k < g.nvcpus; k++)
		pthread_join(g.vth[k], NULL);

	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ksft_print_msg(SUMMARY_MSG,
		       (unsigned long long)C.total,
		       (unsigned long long)C.batches, secs, C.total / secs,
		       (unsigned long long)C.m32, (unsigned long long)C.cpl3,
		       (unsigned long long)C.failures);
	ksft_print_msg(HOST_MSG,
		       (unsigned long long)C.changes,
		       (unsigned long long)C.policies,
		       (unsigned long long)C.serves,
		       (unsigned long long)C.closes,
		       (unsigned long long)C.slot_changes,
		       (unsigned long long)C.signals,
		       (unsigned long long)C.other_vms,
		       (unsigned long long)C.srv_answers,
		       (unsigned long long)C.srv_drops,
		       (unsigned long long)C.srv_late,
		       (unsigned long long)C.srv_events,
		       (unsigned long long)C.srv_records,
		       (unsigned long long)C.exact_flushes);
	if (!st_room())
		ksft_print_msg(HIST_FULL_MSG);
	ksft_print_msg("answers per class of call:\n");
	print_counts();

	if (!__atomic_load_n(&g.abort, __ATOMIC_SEQ_CST))
		check_stats(_metadata);

	for (k = 0; k < NR_SRV; k++)
		if (g.srv_fd[k] >= 0)
			close(g.srv_fd[k]);
	close(g.hp);
	vm_destroy(g.vm);
	munmap(g.s1, S1_SIZE);
	munmap(g.s2, S2_SIZE);
	munmap(g.s3, S3_SIZE);
	close(g.dev);
	free(g.hist);
	i = C.failures;
	EXPECT_EQ(0, i) TH_LOG(FAILURES_MSG,
			       (unsigned long long)opt_seed, i,
			       (unsigned long long)opt_seed,
			       (unsigned long long)opt_calls, opt_threads);
}

int main(int argc, char **argv)
{
	static const struct fuzz_opts opts = {
		.prog = "guest_fuzz",
		/* For run_tests.sh. */
		.seed_env = "PVHOOK_GUEST_FUZZ_SEED",
		.ops_env = "PVHOOK_GUEST_FUZZ_CALLS",
		.ops_alias = "--calls",
		.min_threads = 2, .max_threads = VM_MAX_VCPUS,
		.threads_are = "vCPUs",
		.seed = &opt_seed, .ops = &opt_calls, .threads = &opt_threads,
	};
	int n = fuzz_parse(&opts, argc, argv);

	if (opt_calls < (u64)opt_threads) {
		fprintf(stderr, "guest_fuzz: at least one call per vCPU\n");
		return KSFT_FAIL;
	}
	return test_harness_run(n, argv);
}
