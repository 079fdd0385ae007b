// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded fuzzer of hostile callers of /dev/pvhook and VM handles.
 *
 * Several threads at once issue every device and handle ioctl, unknown
 * commands, and known ones with another size or direction, with random
 * flags, reserved fields, counts, numbers and ids, and with arguments that
 * are NULL, unmapped, kernel addresses, read-only, or that straddle the end
 * of a mapped page followed by a PROT_NONE page; read(), write(), poll(),
 * epoll and mmap() on handles with odd sizes and bad buffers. Meanwhile
 * the same threads create and destroy KVM VMs, attach them, close handles
 * and fork children that inherit handles and exit: some as root, some
 * after dropping to an unprivileged user, some through execve(). A guest
 * thread makes hypercalls in one VM that stays, so that requests, events
 * and records reach the handles and get answered.
 *
 * Every answer is checked against Documentation/uapi.rst (and the uapi
 * header where it documents what the page does not yet): an errno the
 * documentation does not give for that call with those arguments, a
 * success where the call must fail, or output that breaks a documented
 * rule fails the test, printing the operation, its arguments and the seed.
 * read()/write() on /dev/pvhook and mmap() anywhere, which the page does
 * not describe, are held to what the VFS answers for files without those
 * operations.
 *
 * usage: ioctl_fuzz [--seed N] [--ops N] [--threads N] [harness options]
 *   --seed     the seed (default: $PVHOOK_FUZZ_SEED, else from the clock;
 *              always printed)
 *   --ops      random operations in all, shared by the threads
 *              (default: $PVHOOK_FUZZ_OPS, else 100000)
 *   --threads  fuzzing threads, at least 4 (4); a guest thread comes on top
 *
 * With one seed and one thread count, each thread makes the same sequence
 * of choices; what the threads meet depends on their interleaving.
 */
#include <limits.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <grp.h>

#include "kselftest_harness.h"
#include "dev_util.h"
#include "fuzz_util.h"

#ifndef BIT
#define BIT(nr)		(1UL << (nr))
#endif

#define PAGE		4096UL
#define NR_VM_SLOTS	4	/* slot 0: the guest VM, which stays */
#define NR_H_SLOTS	12
#define NRES		128	/* result columns: 0 = success, else errno */
/*
 * The column that counts the guest's -KVM_ENOSYS ("no such hypercall"):
 * that of the syscall errno which means the same, 38 on x86 (the only
 * architecture this runs on), so that print_counts() gives its name.
 */
#define COL_KVM_ENOSYS	38
#define MAX_REPORTS	40
#define BIG_SIZE	BIT(20)
#define MSG_SIZE	sizeof(struct pvhook_msg)
#define REPLY_SIZE	sizeof(struct pvhook_reply)
#define NOBODY		65534

static u64 opt_seed;
static u64 opt_ops = 100000;
static unsigned int opt_threads = 4;
static const char *self_exe = "/proc/self/exe";

enum {
	OP_GET_INFO, OP_GET_HC_INFO, OP_ATTACH_VM, OP_LIST_VMS,
	OP_GET_VM_STATS, OP_GET_VM_OPS, OP_DEV_OTHER,
	OP_VM_GET_INFO, OP_VM_GET_POLICY, OP_VM_SET_POLICY, OP_VM_SERVE,
	OP_VM_UNSERVE, OP_VM_EVENTS, OP_H_OTHER,
	OP_READ, OP_WRITE, OP_ANSWER, OP_POLL, OP_EPOLL, OP_MMAP,
	OP_DEV_READ, OP_DEV_WRITE, OP_OPEN_UNPRIV, OP_GETFD_UNPRIV,
	OP_VM_CREATE, OP_VM_DESTROY, OP_H_ATTACH, OP_H_CLOSE,
	OP_FORK, OP_FORK_UNPRIV, OP_EXEC, OP_SIGNAL,
	OP_HC_PING, OP_HC_NOTIFY, OP_HC_USER, OP_HC_OP,
	NR_OPS
};

static const char * const op_names[NR_OPS] = {
	[OP_GET_INFO] = "PVHOOK_GET_INFO",
	[OP_GET_HC_INFO] = "PVHOOK_GET_HC_INFO",
	[OP_ATTACH_VM] = "PVHOOK_ATTACH_VM",
	[OP_LIST_VMS] = "PVHOOK_LIST_VMS",
	[OP_GET_VM_STATS] = "PVHOOK_GET_VM_STATS",
	[OP_GET_VM_OPS] = "PVHOOK_GET_VM_OPS",
	[OP_DEV_OTHER] = "device: other command",
	[OP_VM_GET_INFO] = "PVHOOK_VM_GET_INFO",
	[OP_VM_GET_POLICY] = "PVHOOK_VM_GET_POLICY",
	[OP_VM_SET_POLICY] = "PVHOOK_VM_SET_POLICY",
	[OP_VM_SERVE] = "PVHOOK_VM_SERVE",
	[OP_VM_UNSERVE] = "PVHOOK_VM_UNSERVE",
	[OP_VM_EVENTS] = "PVHOOK_VM_EVENTS",
	[OP_H_OTHER] = "handle: other command",
	[OP_READ] = "handle read()",
	[OP_WRITE] = "handle write()",
	[OP_ANSWER] = "handle write() answer",
	[OP_POLL] = "handle poll()",
	[OP_EPOLL] = "handle epoll",
	[OP_MMAP] = "mmap()",
	[OP_DEV_READ] = "device read()",
	[OP_DEV_WRITE] = "device write()",
	[OP_OPEN_UNPRIV] = "unprivileged open()",
	[OP_GETFD_UNPRIV] = "unprivileged pidfd_getfd()",
	[OP_VM_CREATE] = "KVM VM create",
	[OP_VM_DESTROY] = "KVM VM destroy",
	[OP_H_ATTACH] = "attach into a slot",
	[OP_H_CLOSE] = "handle close()",
	[OP_FORK] = "fork child",
	[OP_FORK_UNPRIV] = "fork unprivileged child",
	[OP_EXEC] = "fork and execve",
	[OP_SIGNAL] = "signal the vCPU thread",
	[OP_HC_PING] = "guest PING",
	[OP_HC_NOTIFY] = "guest NOTIFY",
	[OP_HC_USER] = "guest user-range call",
	[OP_HC_OP] = "guest OP",
};

/* Counters, shared with the forked children. */
struct shared {
	u64 count[NR_OPS][NRES];
	u64 failures;
	u64 reports;
};

static struct shared *sh;

/* A KVM VM that threads create and destroy. */
struct vm_slot {
	pthread_rwlock_t lock;
	struct vm *vm;		/* NULL while empty */
	struct vcpu *vcpu;
	u64 gen;		/* a new number for each VM */
	u64 id;			/* pvhook's id once attached, else 0 */
	pid_t creator;
};

/* A VM handle that threads open and close. */
struct h_slot {
	pthread_rwlock_t lock;
	int fd;			/* -1 while empty */
	int vm_slot;
	u64 gen;		/* the VM's generation when attached */
	u64 vm_id;
};

static struct {
	int dev, dev_ro;
	struct vm_slot vms[NR_VM_SLOTS];
	struct h_slot hs[NR_H_SLOTS];
	int h_perm;		/* a handle on the guest VM, open throughout */
	u64 vm0_id;
	u64 gen_next;
	u64 stale_id;		/* the id of a VM destroyed lately */
	int children;		/* forked and not reaped */
	u8 dead[1 << 16];	/* by generation: KVM has destroyed the VM */
	int others[10];		/* open files that are not KVM VMs */
	int nr_others;
	u64 registered[4];	/* numbers served in the kernel */
	u32 abi;
	void *none;		/* a PROT_NONE page */
	int stop;		/* __atomic: the fuzzing threads are done */
	pid_t tids[64];
	pthread_t guest;
} g;

/* One thread's state; a forked child works on its own copy. */
struct thr {
	int idx;
	u64 rng;
	u64 op_no;
	u8 *good;		/* two pages */
	u8 *edge_s;		/* a page, then a PROT_NONE page */
	u8 *edge_e;		/* the same, for arrays inside structures */
	u8 *ro;			/* a read-only page */
	u8 *big;		/* BIG_SIZE bytes */
	int ep;
	/* Only in forked children: */
	bool child, unpriv, fd_limited;
	int cvm_fd;		/* the live VM the child may attach, or -1 */
	int ch_fd;		/* the handle it works on */
	bool ch_guest;
	u64 ch_vm_id;
	pthread_t thread;
};

/* Where an argument or a buffer points. */
enum {
	PK_GOOD, PK_MISALIGNED, PK_FIT_END, PK_STRADDLE, PK_RO, PK_NULL,
	PK_LOW, PK_NONE, PK_KERNEL, PK_NONCANON, NR_PK
};

static const char * const pk_names[NR_PK] = {
	"good", "misaligned", "fits-at-page-end", "straddles-page-end",
	"read-only", "NULL", "low", "PROT_NONE", "kernel", "non-canonical",
};

struct uarg {
	int kind;
	u8 *p;
	size_t rd;		/* bytes readable at p */
	size_t wr;		/* bytes writable at p */
};

/* What a call may answer. */
struct want {
	u64 errs[2];
	bool ok;
};

/* An operation, for the report of a failure. */
struct opinfo {
	int op;
	const char *file;
	int fd;
	unsigned long cmd;
	struct uarg a;
	size_t len;
	const void *sent;
	size_t sent_len;
	int epk;
	u64 ecount;
	bool alive, dead, guest;
};

static inline u64 rnd64(struct thr *t)
{
	return test_rand(&t->rng);
}

static inline u64 rnd(struct thr *t, u64 n)
{
	return n ? rnd64(t) % n : 0;
}

static inline bool pct(struct thr *t, unsigned int p)
{
	return rnd(t, 100) < p;
}

static u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31)) | 1;
}

static inline void want_err(struct want *w, int e)
{
	if (e > 0 && e < NRES)
		w->errs[e / 64] |= 1ULL << (e % 64);
}

static inline bool want_has(const struct want *w, int e)
{
	return e > 0 && e < NRES && (w->errs[e / 64] >> (e % 64)) & 1;
}

/* A defect of the arguments: the call must fail, with @e among others. */
static inline void defect(struct want *w, int e)
{
	want_err(w, e);
	w->ok = false;
}

static void count(int op, long res, int err)
{
	int col = res >= 0 ? 0 : (err > 0 && err < NRES ? err : NRES - 1);

	__atomic_add_fetch(&sh->count[op][col], 1, __ATOMIC_RELAXED);
}

static const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "E?";
}

static __printf(3, 4) void
failf(struct thr *t, const struct opinfo *oi, const char *fmt, ...)
{
	char buf[3072], why[1024];
	const u8 *s = oi ? oi->sent : NULL;
	size_t i, n = 0;
	va_list ap;

	__atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
	if (__atomic_add_fetch(&sh->reports, 1, __ATOMIC_RELAXED) > MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	n += snprintf(buf + n, sizeof(buf) - n,
		      "# FAIL seed %llu threads %u thread %d%s op %llu: ",
		      (unsigned long long)opt_seed, opt_threads, t->idx,
		      t->child ? (t->unpriv ? " (unprivileged child)" :
				  " (child)") : "",
		      (unsigned long long)t->op_no);
	if (oi) {
		n += snprintf(buf + n, sizeof(buf) - n,
			      "%s on %s fd %d%s%s cmd 0x%lx arg %s %p len %zu",
			      op_names[oi->op], oi->file, oi->fd,
			      oi->alive ? " (VM alive)" : oi->dead ?
			      " (VM destroyed)" : "",
			      oi->guest ? " (guest VM)" : "", oi->cmd,
			      pk_names[oi->a.kind], (void *)oi->a.p, oi->len);
		if (oi->epk >= 0)
			n += snprintf(buf + n, sizeof(buf) - n,
				      " array %s count %llu", pk_names[oi->epk],
				      (unsigned long long)oi->ecount);
	}
	n += snprintf(buf + n, sizeof(buf) - n, ": %s", why);
	if (s && oi->sent_len) {
		n += snprintf(buf + n, sizeof(buf) - n, "\n#   sent:");
		for (i = 0; i < oi->sent_len && i < 160 && n < sizeof(buf) - 4; i++)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%02x",
				      i % 8 ? "" : " ", s[i]);
	}
	say("%s\n", buf);
}

/* Check a call's answer against @w; returns true when it is allowed. */
static bool check(struct thr *t, const struct opinfo *oi, long res, int err,
		  const struct want *w)
{
	char allowed[512];
	size_t n = 0;
	int e;

	count(oi->op, res, err);
	if (res >= 0 ? w->ok : want_has(w, err))
		return true;
	n += snprintf(allowed, sizeof(allowed), "%s", w->ok ? "success" : "");
	for (e = 1; e < NRES; e++)
		if (want_has(w, e))
			n += snprintf(allowed + n, sizeof(allowed) - n, " %s",
				      errname(e));
	if (res >= 0)
		failf(t, oi, "got success (%ld), allowed:%s", res, allowed);
	else
		failf(t, oi, "got %s, allowed:%s", errname(err), allowed);
	return false;
}

/* Put @size bytes of @src where @kind says; @edge is a [RW][NONE] pair. */
static void place(struct thr *t, struct uarg *a, int kind, const void *src,
		  size_t size, u8 *edge)
{
	static const u64 kaddr[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffffffff600000ULL, 0xffffc90000000000ULL,
		0xfffffe0000000000ULL, 0xffffea0000000000ULL,
		0xffffffffffffff00ULL,
	};
	static const u64 noncanon[] = {
		0x0000800000000000ULL, 0x8000000000000000ULL,
		0x00007ffffffff000ULL, 0x7ffffffffffff000ULL,
		0x0001000000000000ULL,
	};
	size_t k;

	a->kind = kind;
	a->rd = 0;
	a->wr = a->rd;
	switch (kind) {
	case PK_GOOD:
		a->p = t->good;
		a->rd = 2 * PAGE;
		a->wr = a->rd;
		break;
	case PK_MISALIGNED:
		k = 1 + rnd(t, 7);
		a->p = t->good + k;
		a->rd = 2 * PAGE - k;
		a->wr = a->rd;
		break;
	case PK_FIT_END:
		a->p = edge + PAGE - size;
		a->rd = size;
		a->wr = a->rd;
		break;
	case PK_STRADDLE:
		k = size > 1 ? 1 + rnd(t, size - 1) : 0;
		a->p = edge + PAGE - k;
		a->rd = k;
		a->wr = a->rd;
		break;
	case PK_RO:
		a->p = t->ro;
		a->rd = PAGE;
		break;
	case PK_NULL:
		a->p = NULL;
		break;
	case PK_LOW:
		a->p = (u8 *)(unsigned long)(rnd(t, 0xff00) & ~7ULL);
		break;
	case PK_NONE:
		a->p = (u8 *)g.none + rnd(t, PAGE / 2);
		break;
	case PK_KERNEL:
		a->p = (u8 *)(unsigned long)(kaddr[rnd(t, ARRAY_SIZE(kaddr))] +
					     (rnd(t, 64) << 3));
		break;
	default:
		a->p = (u8 *)(unsigned long)noncanon[rnd(t, ARRAY_SIZE(noncanon))];
		break;
	}
	if (kind == PK_RO) {
		if (src) {
			mprotect(t->ro, PAGE, PROT_READ | PROT_WRITE);
			memcpy(t->ro, src, size < PAGE ? size : PAGE);
			mprotect(t->ro, PAGE, PROT_READ);
		}
	} else if (a->rd && src) {
		memcpy(a->p, src, a->rd < size ? a->rd : size);
	}
}

/* An argument kind: mostly good, often hostile. */
static int arg_kind(struct thr *t)
{
	static const unsigned char w[NR_PK] = { 46, 6, 6, 12, 8, 5, 4, 5, 5, 3 };
	unsigned int r = rnd(t, 100), i;

	for (i = 0; i < NR_PK; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return PK_GOOD;
}

/*
 * An array inside a structure (vms, entries): where it points, how much
 * of it the kernel may write, and its address.
 */
static u64 array_arg(struct thr *t, int *kind, size_t *wr, size_t bytes)
{
	struct uarg a;
	int k = arg_kind(t);

	if (k == PK_MISALIGNED || k == PK_FIT_END)
		k = PK_GOOD;
	if (k == PK_GOOD) {
		*kind = k;
		*wr = BIG_SIZE;
		memset(t->big, 0xa5, bytes < 4096 ? bytes : 4096);
		return (u64)(unsigned long)t->big;
	}
	place(t, &a, k, NULL, bytes ? bytes : 1, t->edge_e);
	if (k == PK_STRADDLE) {
		/* Anywhere in the last page, the array's size or not. */
		size_t off = rnd(t, PAGE + 1);

		a.p = t->edge_e + PAGE - off;
		a.wr = off;
	}
	*kind = k;
	*wr = a.wr;
	return (u64)(unsigned long)a.p;
}

static bool is_zero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* A NUL-terminated string, zero-padded after the NUL where @padded. */
static bool good_str(const char *s, size_t size, bool padded)
{
	size_t len = strnlen(s, size);

	return len < size && (!padded || is_zero(s + len, size - len));
}

/* The test's own generic ioctls of the VFS, which never reach pvhook. */
static bool vfs_cmd(unsigned long cmd)
{
	switch (_IOC_TYPE(cmd)) {
	case 0x00: case 0x15: case 0x54: case 0x58: case 0x66: case 0x94:
		return true;
	}
	return false;
}

struct cmd_desc {
	unsigned long cmd;
	int op;
	size_t size;
};

static const struct cmd_desc dev_cmds[] = {
	{ PVHOOK_GET_INFO, OP_GET_INFO, sizeof(struct pvhook_info) },
	{ PVHOOK_GET_HC_INFO, OP_GET_HC_INFO, sizeof(struct pvhook_hc_info) },
	{ PVHOOK_ATTACH_VM, OP_ATTACH_VM, sizeof(struct pvhook_attach) },
	{ PVHOOK_LIST_VMS, OP_LIST_VMS, sizeof(struct pvhook_vm_list) },
	{ PVHOOK_GET_VM_STATS, OP_GET_VM_STATS, sizeof(struct pvhook_vm_stats) },
	{ PVHOOK_GET_VM_OPS, OP_GET_VM_OPS, sizeof(struct pvhook_vm_ops) },
};

static const struct cmd_desc h_cmds[] = {
	{ PVHOOK_VM_GET_INFO, OP_VM_GET_INFO, sizeof(struct pvhook_vm_info) },
	{ PVHOOK_VM_GET_POLICY, OP_VM_GET_POLICY, sizeof(struct pvhook_policy) },
	{ PVHOOK_VM_SET_POLICY, OP_VM_SET_POLICY, sizeof(struct pvhook_policy) },
	{ PVHOOK_VM_SERVE, OP_VM_SERVE, sizeof(struct pvhook_serve) },
	{ PVHOOK_VM_UNSERVE, OP_VM_UNSERVE, sizeof(struct pvhook_serve) },
	{ PVHOOK_VM_EVENTS, OP_VM_EVENTS, sizeof(struct pvhook_events) },
};

static bool is_cmd_of(unsigned long cmd, const struct cmd_desc *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].cmd == cmd)
			return true;
	return false;
}

/*
 * A command that this file does not have: the other file's, a known
 * number with another size or direction, an unknown number, or anything.
 */
static unsigned long other_cmd(struct thr *t, bool on_dev)
{
	const struct cmd_desc *mine = on_dev ? dev_cmds : h_cmds;
	const struct cmd_desc *theirs = on_dev ? h_cmds : dev_cmds;
	unsigned long cmd, c;

	for (;;) {
		c = mine[rnd(t, 6)].cmd;
		switch (rnd(t, 5)) {
		case 0:
			cmd = theirs[rnd(t, 6)].cmd;
			break;
		case 1:
			cmd = _IOC(_IOC_DIR(c), PVHOOK_IOCTL_TYPE, _IOC_NR(c),
				   rnd(t, 4) ? rnd(t, 512) : rnd(t, 1 << 14));
			break;
		case 2:
			cmd = _IOC(rnd(t, 4), PVHOOK_IOCTL_TYPE, _IOC_NR(c),
				   _IOC_SIZE(c));
			break;
		case 3:
			cmd = _IOC(rnd(t, 4), PVHOOK_IOCTL_TYPE, rnd(t, 256),
				   rnd(t, 1 << 14));
			break;
		default:
			cmd = (u32)rnd64(t);
			break;
		}
		if (!is_cmd_of(cmd, mine, 6) && !vfs_cmd(cmd))
			return cmd;
	}
}

static bool registered(u64 nr)
{
	u64 i = nr - PVHOOK_HC_BASE;

	return i < PVHOOK_HC_COUNT && (g.registered[i / 64] >> (i % 64)) & 1;
}

static u64 pick_nr(struct thr *t)
{
	switch (rnd(t, 8)) {
	case 0: case 1: case 2:
		return PVHOOK_HC_BASE + rnd(t, 8);
	case 3:
		return PVHOOK_HC_BASE + rnd(t, PVHOOK_HC_COUNT);
	case 4:
		return PVHOOK_HC_USER_FIRST + rnd(t, PVHOOK_HC_USER_COUNT);
	case 5:
		return PVHOOK_HC_MODULE_FIRST + rnd(t, 0x40);
	case 6:
		return rnd(t, 2) ? PVHOOK_HC_BASE - 1 - rnd(t, 4) :
				   PVHOOK_HC_BASE + PVHOOK_HC_COUNT + rnd(t, 4);
	default:
		return rnd64(t);
	}
}

/* A user-range number, mostly one of the few the guest calls. */
static u64 pick_user_nr(struct thr *t)
{
	switch (rnd(t, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return PVHOOK_HC_USER_FIRST + rnd(t, 4);
	case 6: case 7:
		return PVHOOK_HC_USER_FIRST + rnd(t, PVHOOK_HC_USER_COUNT);
	case 8:
		return pick_nr(t);
	default:
		return rnd(t, 2) ? PVHOOK_HC_USER_FIRST - 1 : PVHOOK_HC_USER_LAST + 1;
	}
}

static u32 pick_count(struct thr *t, u32 max)
{
	switch (rnd(t, 10)) {
	case 0: case 1:
		return 0;
	case 2: case 3: case 4: case 5:
		return 1 + rnd(t, 8);
	case 6:
		return rnd(t, max + 1);
	case 7:
		return max;
	case 8:
		return max + 1 + rnd(t, 4);
	default:
		return rnd(t, 2) ? 0xffffffffu : (u32)rnd64(t);
	}
}

static u32 pick_flags(struct thr *t, u32 valid)
{
	if (pct(t, 80))
		return rnd(t, 2) ? valid : 0;
	return (u32)rnd64(t) | (1u << rnd(t, 32));
}

/* Set one word of @res (@n words of @size bytes) with probability @p. */
static void maybe_dirty(struct thr *t, void *res, size_t size, size_t n,
			unsigned int p)
{
	u64 v;

	if (!pct(t, p))
		return;
	v = 1ULL << rnd(t, size * 8);
	memcpy((u8 *)res + rnd(t, n) * size, &v, size);
}

static void oi_init(struct opinfo *oi, int op, const char *file, int fd)
{
	memset(oi, 0, sizeof(*oi));
	oi->op = op;
	oi->file = file;
	oi->fd = fd;
	oi->epk = -1;
}

/* Place the argument @s of @size bytes, and keep it for the report. */
static void place_arg(struct thr *t, struct opinfo *oi, const void *s,
		      size_t size)
{
	place(t, &oi->a, arg_kind(t), s, size, t->edge_s);
	oi->sent = s;
	oi->sent_len = size;
}

/* After a failure other than EFAULT, the argument must be untouched. */
static void check_untouched(struct thr *t, struct opinfo *oi, long res,
			    int err, const void *sent, size_t size)
{
	if (res >= 0 || err == EFAULT || !oi->a.wr || oi->a.kind == PK_RO)
		return;
	if (memcmp(oi->a.p, sent, oi->a.wr < size ? oi->a.wr : size))
		failf(t, oi, "%s, yet the argument was written", errname(err));
}

/* ---- A VM handle, as one operation sees it. ---- */

struct hview {
	int fd;
	int slot;		/* handle slot, or -1 */
	int vm_slot;
	bool alive;		/* the VM cannot have been destroyed */
	bool dead;		/* KVM has destroyed the VM */
	bool guest;		/* the guest VM, where hypercalls happen */
	bool locked_vm;
	u64 vm_id;
};

static void hview_perm(struct hview *hv)
{
	*hv = (struct hview){
		.fd = g.h_perm, .slot = -1, .vm_slot = 0, .alive = true,
		.guest = true, .vm_id = g.vm0_id,
	};
}

static void hview_get(struct thr *t, struct hview *hv)
{
	unsigned int i = rnd(t, NR_H_SLOTS + 2);
	struct h_slot *s;
	struct vm_slot *v;

	if (t->child) {
		*hv = (struct hview){
			.fd = t->ch_fd, .slot = -1, .alive = true,
			.guest = t->ch_guest, .vm_id = t->ch_vm_id,
		};
		return;
	}
	if (i >= NR_H_SLOTS) {
		hview_perm(hv);
		return;
	}
	s = &g.hs[i];
	pthread_rwlock_rdlock(&s->lock);
	if (s->fd < 0) {
		pthread_rwlock_unlock(&s->lock);
		hview_perm(hv);
		return;
	}
	*hv = (struct hview){
		.fd = s->fd, .slot = i, .vm_slot = s->vm_slot,
		.guest = s->vm_slot == 0, .vm_id = s->vm_id,
	};
	if (hv->guest) {
		hv->alive = true;
	} else if (rnd(t, 2)) {
		/* Half the time, hold the VM; else race with its end. */
		v = &g.vms[s->vm_slot];
		pthread_rwlock_rdlock(&v->lock);
		hv->locked_vm = true;
		hv->alive = v->vm && v->gen == s->gen;
	}
	hv->dead = s->gen < sizeof(g.dead) &&
		   __atomic_load_n(&g.dead[s->gen], __ATOMIC_ACQUIRE);
}

static void hview_put(struct hview *hv)
{
	if (hv->locked_vm)
		pthread_rwlock_unlock(&g.vms[hv->vm_slot].lock);
	if (hv->slot >= 0)
		pthread_rwlock_unlock(&g.hs[hv->slot].lock);
}

/* ---- Device ioctls ---- */

/*
 * The ioctl of @oi on @fd, with the argument place_arg() placed: checks the
 * answer against @w, and that a refusal left the argument alone. @hv, if
 * not NULL, is put as soon as the call returns. True if the call succeeded
 * as it may, with what it wrote back copied to @out.
 */
static bool call_checked(struct thr *t, struct opinfo *oi, int fd,
			 struct want *w, struct hview *hv, void *out)
{
	long res = ioctl(fd, oi->cmd, oi->a.p);
	int err = errno;

	if (hv)
		hview_put(hv);
	if (!check(t, oi, res, err, w))
		return false;
	check_untouched(t, oi, res, err, oi->sent, oi->sent_len);
	if (res < 0)
		return false;
	memcpy(out, oi->a.p, oi->sent_len);
	return true;
}

static void check_info(struct thr *t, struct opinfo *oi,
		       const struct pvhook_info *in)
{
	struct pvhook_info o;

	memcpy(&o, in, sizeof(o));
	if (o.abi_version != g.abi || o.hc_base != PVHOOK_HC_BASE ||
	    o.hc_count != PVHOOK_HC_COUNT || o.reserved32 ||
	    !is_zero(o.reserved, sizeof(o.reserved)) ||
	    memcmp(o.registered, g.registered, sizeof(o.registered)))
		failf(t, oi, "GET_INFO output: abi 0x%x base 0x%llx count %u",
		      o.abi_version, (unsigned long long)o.hc_base, o.hc_count);
}

static void dev_get_info(struct thr *t, int dev, const char *name)
{
	struct pvhook_info s;
	struct opinfo oi;
	struct want w = { .ok = true };
	long res;
	int err;

	oi_init(&oi, OP_GET_INFO, name, dev);
	oi.cmd = PVHOOK_GET_INFO;
	memset(&s, 0xff, sizeof(s));
	place_arg(t, &oi, &s, sizeof(s));
	if (oi.a.wr < sizeof(s))
		defect(&w, EFAULT);
	res = ioctl(dev, oi.cmd, oi.a.p);
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0 && oi.a.kind != PK_RO)
		check_info(t, &oi, (void *)oi.a.p);
}

static void dev_get_hc_info(struct thr *t, int dev, const char *name)
{
	struct pvhook_hc_info s, o;
	struct opinfo oi;
	struct want w = { .ok = true };

	oi_init(&oi, OP_GET_HC_INFO, name, dev);
	oi.cmd = PVHOOK_GET_HC_INFO;
	memset(&s, 0x5a, sizeof(s));
	s.nr = pick_nr(t);
	s.flags = pct(t, 85) ? 0 : (u32)rnd64(t) | 1u << rnd(t, 32);
	place_arg(t, &oi, &s, sizeof(s));
	if (oi.a.rd < sizeof(s)) {
		defect(&w, EFAULT);
	} else {
		if (s.flags)
			defect(&w, EINVAL);
		if (s.nr - PVHOOK_HC_BASE >= PVHOOK_HC_COUNT)
			defect(&w, EINVAL);
		else if (!registered(s.nr))
			defect(&w, ENOENT);
		if (oi.a.wr < sizeof(s))
			defect(&w, EFAULT);
	}
	if (!call_checked(t, &oi, dev, &w, NULL, &o))
		return;
	if (o.nr != s.nr || o.flags ||
	    o.hc_flags & ~(PVHOOK_HC_INFO_F_BUILTIN | PVHOOK_HC_INFO_F_USER) ||
	    !good_str(o.name, sizeof(o.name), true) ||
	    !good_str(o.owner, sizeof(o.owner), true) ||
	    ((o.hc_flags & PVHOOK_HC_INFO_F_BUILTIN) &&
	     strcmp(o.owner, "pvhook")))
		failf(t, &oi, "GET_HC_INFO output: nr 0x%llx hc_flags 0x%x",
		      (unsigned long long)o.nr, o.hc_flags);
}

/* The fd of a live VM: a held slot's, or the guest VM's. */
static int live_vm_fd(struct thr *t, int *locked)
{
	unsigned int i = rnd(t, NR_VM_SLOTS);

	*locked = -1;
	if (t->child)
		return t->cvm_fd;
	if (i) {
		pthread_rwlock_rdlock(&g.vms[i].lock);
		if (g.vms[i].vm) {
			*locked = i;
			return g.vms[i].vm->fd;
		}
		pthread_rwlock_unlock(&g.vms[i].lock);
	}
	return g.vms[0].vm->fd;
}

/* A handle ATTACH_VM returned: close-on-exec, read-write, on a live VM. */
static void check_new_handle(struct thr *t, struct opinfo *oi, int fd)
{
	char path[64], link[64];
	struct pvhook_vm_info info;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, link, sizeof(link) - 1);
	link[len > 0 ? len : 0] = 0;
	if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC) ||
	    (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR ||
	    strcmp(link, "anon_inode:pvhook-vm"))
		failf(t, oi, "new handle %d: %s, flags 0x%x", fd, link,
		      fcntl(fd, F_GETFL));
	if (ioctl(fd, PVHOOK_VM_GET_INFO, &info))
		failf(t, oi, "new handle: VM_GET_INFO %s", errname(errno));
	else if (!info.nr_handles || info.nr_handles > PVHOOK_VM_HANDLES_MAX ||
		 !(info.flags & PVHOOK_VM_F_ATTACHED))
		failf(t, oi, "new handle: %u handles, flags 0x%x",
		      info.nr_handles, info.flags);
}

static void dev_attach(struct thr *t, int dev, bool ro, const char *name)
{
	struct pvhook_attach s = { 0 };
	struct opinfo oi;
	struct want w = { .ok = true };
	int locked = -1, err, kind = rnd(t, 100);
	bool live = false;
	long res;

	oi_init(&oi, OP_ATTACH_VM, name, dev);
	oi.cmd = PVHOOK_ATTACH_VM;
	if (kind < 50) {
		s.vm_fd = live_vm_fd(t, &locked);
		live = s.vm_fd >= 0;
	} else if (kind < 85) {
		s.vm_fd = g.others[rnd(t, g.nr_others)];
	} else {
		static const int bad[] = { -1, INT_MIN, INT_MAX, 1 << 20, -2 };

		s.vm_fd = bad[rnd(t, ARRAY_SIZE(bad))];
	}
	s.flags = pct(t, 85) ? 0 : (u32)rnd64(t) | 1u << rnd(t, 32);
	maybe_dirty(t, s.reserved, 8, 3, 10);
	place_arg(t, &oi, &s, sizeof(s));

	if (ro)
		defect(&w, EPERM);
	if (oi.a.rd < sizeof(s)) {
		defect(&w, EFAULT);
	} else {
		if (s.flags || !is_zero(s.reserved, sizeof(s.reserved)))
			defect(&w, EINVAL);
		if (!live && kind >= 85)
			defect(&w, EBADF);
		else if (!live)
			defect(&w, EINVAL);
		/*
		 * Since 1.3 (header): only the VM's process or CAP_SYS_ADMIN.
		 * Root children pass by their capability.
		 */
		if (live && t->unpriv && g.abi >= 0x0103)
			defect(&w, EPERM);
		if (t->fd_limited)
			defect(&w, EMFILE);
		want_err(&w, ENOMEM);
		want_err(&w, ENFILE);
		if (g.abi >= 0x0103)
			want_err(&w, ENOSPC);
	}
	res = ioctl(dev, oi.cmd, oi.a.p);
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0)
		check_new_handle(t, &oi, res);
	if (res >= 0 && !(t->child && pct(t, 50)))
		close(res);	/* a child may leave it to exit() */
	if (locked >= 0)
		pthread_rwlock_unlock(&g.vms[locked].lock);
}

/* A VM id: one known alive (*alive), or 0, small, stale or random. */
static u64 pick_vm_id(struct thr *t, struct hview *hv, bool *alive,
		      bool *never)
{
	*alive = *never = false;
	switch (rnd(t, 10)) {
	case 0: case 1: case 2: case 3:
		hview_get(t, hv);
		*alive = hv->alive && hv->vm_id;
		return hv->vm_id;
	case 4:
		*never = true;
		return 0;
	case 5:
		return 1 + rnd(t, 64);
	case 6:
		*never = true;	/* 0, or a VM KVM has destroyed */
		return __atomic_load_n(&g.stale_id, __ATOMIC_RELAXED);
	case 7:
		*never = true;
		return (1ULL << 48) + rnd64(t) % (1ULL << 62);
	default:
		*never = true;
		return ~0ULL - rnd(t, 4);
	}
}

static void dev_list_vms(struct thr *t, int dev, const char *name)
{
	struct pvhook_vm_list s = { 0 }, o;
	struct pvhook_vm_info e;
	struct opinfo oi;
	struct want w = { .ok = true };
	size_t wr, n, i;

	oi_init(&oi, OP_LIST_VMS, name, dev);
	oi.cmd = PVHOOK_LIST_VMS;
	s.count = pick_count(t, PVHOOK_LIST_MAX);
	s.flags = pct(t, 90) ? 0 : pick_flags(t, 0);
	maybe_dirty(t, s.reserved, 8, 2, 8);
	s.vms = array_arg(t, &oi.epk, &wr, (size_t)(s.count <= PVHOOK_LIST_MAX ?
					s.count : 0) * sizeof(e));
	oi.ecount = s.count;
	place_arg(t, &oi, &s, sizeof(s));
	if (oi.a.rd < sizeof(s)) {
		defect(&w, EFAULT);
	} else {
		if (s.flags || !is_zero(s.reserved, sizeof(s.reserved)))
			defect(&w, EINVAL);
		if (s.count > PVHOOK_LIST_MAX)
			defect(&w, E2BIG);
		if (oi.a.wr < sizeof(s))
			defect(&w, EFAULT);
		if (s.count) {
			want_err(&w, ENOMEM);
			if (wr < s.count * sizeof(e))
				want_err(&w, EFAULT);
		}
	}
	if (!call_checked(t, &oi, dev, &w, NULL, &o))
		return;
	n = o.count < s.count ? o.count : s.count;
	if (o.flags || o.vms != s.vms || !is_zero(o.reserved, sizeof(o.reserved)) ||
	    n * sizeof(e) > wr) {
		failf(t, &oi, "LIST_VMS output: count %u, %zu bytes writable",
		      o.count, wr);
		return;
	}
	for (i = 0; i < n && oi.epk == PK_GOOD; i++) {
		memcpy(&e, t->big + i * sizeof(e), sizeof(e));
		if (!e.id || e.pid <= 0 || e.nr_vcpus > 1024 ||
		    e.flags & ~(PVHOOK_VM_F_ENABLED | PVHOOK_VM_F_ATTACHED) ||
		    !(e.flags & PVHOOK_VM_F_ATTACHED) != !e.nr_handles ||
		    e.nr_handles > PVHOOK_VM_HANDLES_MAX ||
		    !good_str(e.stats_id, sizeof(e.stats_id), false) ||
		    !is_zero(e.reserved, sizeof(e.reserved))) {
			failf(t, &oi, "LIST_VMS entry %zu: id %llu flags 0x%x handles %u",
			      i, (unsigned long long)e.id, e.flags, e.nr_handles);
			return;
		}
	}
	/* The rest of the array stays as it was. */
	if (oi.epk == PK_GOOD && n < s.count && n < 4096 / sizeof(e) &&
	    t->big[n * sizeof(e)] != 0xa5)
		failf(t, &oi, "LIST_VMS wrote past %zu entries", n);
}

/* PVHOOK_GET_VM_STATS and PVHOOK_GET_VM_OPS. */
static void dev_vm_counts(struct thr *t, int dev, const char *name, bool ops)
{
	union {
		struct pvhook_vm_stats st;
		struct pvhook_vm_ops op;
	} s, o;
	struct opinfo oi;
	struct want w = { .ok = true };
	struct hview hv = { .slot = -1 };
	size_t esize = ops ? sizeof(struct pvhook_op_stats) :
			     sizeof(struct pvhook_hc_stats);
	u32 max = ops ? PVHOOK_OP_COUNT : PVHOOK_HC_COUNT, cnt, flags, n, i;
	size_t ssize = ops ? sizeof(s.op) : sizeof(s.st), wr;
	bool alive, never;
	u64 id, entries, prev = 0;

	oi_init(&oi, ops ? OP_GET_VM_OPS : OP_GET_VM_STATS, name, dev);
	oi.cmd = ops ? PVHOOK_GET_VM_OPS : PVHOOK_GET_VM_STATS;
	memset(&s, 0, sizeof(s));
	id = pick_vm_id(t, &hv, &alive, &never);
	cnt = pick_count(t, max);
	flags = pct(t, 90) ? 0 : pick_flags(t, 0);
	entries = array_arg(t, &oi.epk, &wr, (size_t)(cnt <= max ? cnt : 0) * esize);
	oi.ecount = cnt;
	if (ops) {
		s.op.vm_id = id;
		s.op.count = cnt;
		s.op.flags = flags;
		s.op.entries = entries;
		s.op.flushes = rnd64(t);
		maybe_dirty(t, s.op.reserved, 8, 2, 8);
	} else {
		s.st.vm_id = id;
		s.st.count = cnt;
		s.st.flags = flags;
		s.st.entries = entries;
		maybe_dirty(t, s.st.reserved, 8, 2, 8);
	}
	place_arg(t, &oi, &s, ssize);
	oi.alive = alive;
	oi.guest = alive && hv.guest;
	if (oi.a.rd < ssize) {
		defect(&w, EFAULT);
	} else {
		if (flags || !is_zero(ops ? (void *)s.op.reserved :
				      (void *)s.st.reserved, 16))
			defect(&w, EINVAL);
		if (cnt > max)
			defect(&w, E2BIG);
		if (never)
			defect(&w, ENOENT);
		else if (!alive)
			want_err(&w, ENOENT);
		if (oi.a.wr < ssize)
			defect(&w, EFAULT);
		if (cnt) {
			want_err(&w, ENOMEM);
			if (wr < cnt * esize)
				want_err(&w, EFAULT);
		}
	}
	if (!call_checked(t, &oi, dev, &w, &hv, &o))
		return;
	n = ops ? o.op.count : o.st.count;
	if (n > max || (ops ? o.op.flags : o.st.flags) ||
	    !is_zero(ops ? (void *)o.op.reserved : (void *)o.st.reserved, 16) ||
	    (n < cnt ? n : cnt) * esize > wr ||
	    /* Only the guest VM makes hypercalls. */
	    (alive && !hv.guest && (n || (ops && (o.op.flushes || o.op.rejected))))) {
		failf(t, &oi, "output: count %u, %zu bytes writable", n, wr);
		return;
	}
	for (i = 0; i < n && i < cnt && oi.epk == PK_GOOD; i++) {
		if (ops) {
			struct pvhook_op_stats e;

			memcpy(&e, t->big + i * esize, sizeof(e));
			if (e.slot >= PVHOOK_OP_COUNT || (i && e.slot <= prev) ||
			    e.flags || !is_zero(e.reserved, sizeof(e.reserved)) ||
			    (!e.records && !e.sync_calls)) {
				failf(t, &oi, "GET_VM_OPS entry %u: slot %u", i, e.slot);
				return;
			}
			prev = e.slot;
		} else {
			struct pvhook_hc_stats e;

			memcpy(&e, t->big + i * esize, sizeof(e));
			if (e.nr - PVHOOK_HC_BASE >= PVHOOK_HC_COUNT ||
			    (i && e.nr <= prev) || !e.calls) {
				failf(t, &oi, "GET_VM_STATS entry %u: nr 0x%llx",
				      i, (unsigned long long)e.nr);
				return;
			}
			prev = e.nr;
		}
	}
}

static void dev_other(struct thr *t, int dev, const char *name)
{
	struct opinfo oi;
	struct want w = { .ok = false };
	u8 buf[64];
	long res;
	int err;

	oi_init(&oi, OP_DEV_OTHER, name, dev);
	oi.cmd = other_cmd(t, true);
	memset(buf, 0, sizeof(buf));
	place(t, &oi.a, arg_kind(t), buf, sizeof(buf), t->edge_s);
	want_err(&w, ENOTTY);
	res = ioctl(dev, oi.cmd, oi.a.p);
	err = errno;
	check(t, &oi, res, err, &w);
}

static void op_dev(struct thr *t)
{
	bool ro = rnd(t, 10) < 3;
	int dev = ro ? g.dev_ro : g.dev;
	const char *name = ro ? "/dev/pvhook (read-only)" : "/dev/pvhook";

	switch (rnd(t, 16)) {
	case 0: case 1:
		dev_get_info(t, dev, name);
		break;
	case 2: case 3:
		dev_get_hc_info(t, dev, name);
		break;
	case 4: case 5: case 6:
		dev_attach(t, dev, ro, name);
		break;
	case 7: case 8:
		dev_list_vms(t, dev, name);
		break;
	case 9: case 10:
		dev_vm_counts(t, dev, name, false);
		break;
	case 11: case 12:
		dev_vm_counts(t, dev, name, true);
		break;
	default:
		dev_other(t, dev, name);
		break;
	}
}

/* ---- Handle ioctls ---- */

static void fill_policy(struct thr *t, struct pvhook_policy *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->flags = pct(t, 75) ? PVHOOK_POLICY_F_ENABLED :
		   pct(t, 50) ? 0 : (u32)rnd64(t);
	p->rate_limit = pct(t, 60) ? 0 : pct(t, 50) ? 1 + rnd(t, 1000) :
					  (u32)rnd64(t);
	for (i = 0; i < 4; i++) {
		p->allow[i] = pct(t, 70) ? ~0ULL : rnd64(t);
		p->allow_user[i] = rnd64(t);
	}
	maybe_dirty(t, p->reserved, 8, 4, 10);
}

static void fill_serve(struct thr *t, struct pvhook_serve *s, bool serve)
{
	memset(s, 0, sizeof(*s));
	s->nr = pick_user_nr(t);
	if (serve) {
		s->flags = pick_flags(t, PVHOOK_SERVE_F_USER);
		switch (rnd(t, 10)) {
		case 0: case 1: case 2: case 3: case 4:
			s->timeout_ms = 1 + rnd(t, 30);
			break;
		case 5: case 6:
			s->timeout_ms = 0;
			break;
		case 7:
			s->timeout_ms = PVHOOK_SERVE_TIMEOUT_MAX_MS - rnd(t, 30000);
			break;
		case 8:
			s->timeout_ms = PVHOOK_SERVE_TIMEOUT_MAX_MS + 1 + rnd(t, 10);
			break;
		default:
			s->timeout_ms = (u32)rnd64(t);
			break;
		}
	} else {
		s->flags = pct(t, 85) ? 0 : (u32)rnd64(t) | 1;
		s->timeout_ms = pct(t, 85) ? 0 : (u32)rnd64(t) | 1;
	}
	maybe_dirty(t, s->reserved, 8, 2, 10);
}

static void fill_events(struct thr *t, struct pvhook_events *e)
{
	memset(e, 0, sizeof(*e));
	e->flags = pick_flags(t, PVHOOK_EVENTS_F_RECORDS);
	switch (rnd(t, 10)) {
	case 0: case 1:
		e->queue_len = 0;
		break;
	case 2: case 3: case 4: case 5: case 6:
		e->queue_len = 1 + rnd(t, 64);
		break;
	case 7:
		e->queue_len = PVHOOK_EVENTS_QUEUE_MAX - rnd(t, 2);
		break;
	case 8:
		e->queue_len = PVHOOK_EVENTS_QUEUE_MAX + 1 + rnd(t, 4);
		break;
	default:
		e->queue_len = (u32)rnd64(t);
		break;
	}
	maybe_dirty(t, e->reserved, 8, 2, 10);
}

static bool user_nr(u64 nr)
{
	return nr >= PVHOOK_HC_USER_FIRST && nr <= PVHOOK_HC_USER_LAST;
}

static void check_vm_info(struct thr *t, struct opinfo *oi,
			  const struct hview *hv, const void *p)
{
	struct pvhook_vm_info o;
	char want_id[PVHOOK_STATS_NAME_SIZE];
	struct vm_slot *v = &g.vms[hv->vm_slot];

	memcpy(&o, p, sizeof(o));
	snprintf(want_id, sizeof(want_id), "kvm-%d", o.pid);
	if (!o.id || (hv->vm_id && o.id != hv->vm_id) ||
	    o.flags & ~(PVHOOK_VM_F_ENABLED | PVHOOK_VM_F_ATTACHED) ||
	    !(o.flags & PVHOOK_VM_F_ATTACHED) || !o.nr_handles ||
	    o.nr_handles > PVHOOK_VM_HANDLES_MAX ||
	    !good_str(o.stats_id, sizeof(o.stats_id), false) ||
	    strcmp(o.stats_id, want_id) ||
	    !is_zero(o.reserved, sizeof(o.reserved)) ||
	    (hv->alive && !t->child && o.pid != v->creator) ||
	    (hv->alive && (o.nr_vcpus != 1 ||
			   (!hv->guest && (o.calls || o.events)))))
		failf(t, oi,
		      "VM_GET_INFO output: id %llu (want %llu) pid %d (creator %d) flags 0x%x handles %u vcpus %u calls %llu stats_id %.48s",
		      (unsigned long long)o.id, (unsigned long long)hv->vm_id,
		      o.pid, v->creator, o.flags, o.nr_handles, o.nr_vcpus,
		      (unsigned long long)o.calls, o.stats_id);
}

static void op_handle_ioctl(struct thr *t)
{
	union {
		struct pvhook_vm_info info;
		struct pvhook_policy pol;
		struct pvhook_serve srv;
		struct pvhook_events ev;
		u8 raw[256];
	} s;
	const struct cmd_desc *d = NULL;
	struct opinfo oi;
	struct want w = { .ok = true };
	struct hview hv;
	int c = rnd(t, 8), err;
	size_t size = 64;
	long res;

	hview_get(t, &hv);
	memset(&s, 0, sizeof(s));
	if (c < 6) {
		d = &h_cmds[c];
		size = d->size;
		oi_init(&oi, d->op, "handle", hv.fd);
		oi.cmd = d->cmd;
	} else {
		oi_init(&oi, OP_H_OTHER, "handle", hv.fd);
		oi.cmd = other_cmd(t, false);
	}
	oi.alive = hv.alive;
	oi.guest = hv.guest;
	switch (oi.op) {
	case OP_VM_GET_INFO:
	case OP_VM_GET_POLICY:
		memset(&s, 0xff, size);
		break;
	case OP_VM_SET_POLICY:
		fill_policy(t, &s.pol);
		break;
	case OP_VM_SERVE:
	case OP_VM_UNSERVE:
		fill_serve(t, &s.srv, oi.op == OP_VM_SERVE);
		break;
	case OP_VM_EVENTS:
		fill_events(t, &s.ev);
		break;
	}
	place_arg(t, &oi, &s, size);

	if (!d) {
		/* Unknown on a handle: ENOTTY, before the VM is looked at. */
		defect(&w, ENOTTY);
		goto call;
	}
	if (!hv.alive)
		want_err(&w, ENODEV);
	switch (oi.op) {
	case OP_VM_GET_INFO:
	case OP_VM_GET_POLICY:
		if (oi.a.wr < size)
			defect(&w, EFAULT);
		break;
	case OP_VM_SET_POLICY:
		if (oi.a.rd < size) {
			defect(&w, EFAULT);
			break;
		}
		if (s.pol.flags & ~PVHOOK_POLICY_F_ENABLED ||
		    !is_zero(s.pol.reserved, sizeof(s.pol.reserved)))
			defect(&w, EINVAL);
		want_err(&w, ENOMEM);
		break;
	case OP_VM_SERVE:
		if (oi.a.rd < size) {
			defect(&w, EFAULT);
			break;
		}
		if (!user_nr(s.srv.nr) || s.srv.flags & ~PVHOOK_SERVE_F_USER ||
		    s.srv.timeout_ms > PVHOOK_SERVE_TIMEOUT_MAX_MS ||
		    !is_zero(s.srv.reserved, sizeof(s.srv.reserved)))
			defect(&w, EINVAL);
		want_err(&w, EBUSY);
		want_err(&w, ENOMEM);
		break;
	case OP_VM_UNSERVE:
		if (oi.a.rd < size) {
			defect(&w, EFAULT);
			break;
		}
		if (!user_nr(s.srv.nr) || s.srv.flags || s.srv.timeout_ms ||
		    !is_zero(s.srv.reserved, sizeof(s.srv.reserved)))
			defect(&w, EINVAL);
		want_err(&w, ENOENT);
		break;
	case OP_VM_EVENTS:
		if (oi.a.rd < size) {
			defect(&w, EFAULT);
			break;
		}
		if (s.ev.flags & ~PVHOOK_EVENTS_F_RECORDS ||
		    !is_zero(s.ev.reserved, sizeof(s.ev.reserved)) ||
		    s.ev.queue_len > PVHOOK_EVENTS_QUEUE_MAX)
			defect(&w, EINVAL);
		want_err(&w, ENOMEM);
		break;
	}
call:
	res = ioctl(hv.fd, oi.cmd, oi.a.p);
	err = errno;
	if (check(t, &oi, res, err, &w) && d) {
		check_untouched(t, &oi, res, err, &s, size);
		if (res >= 0 && oi.a.kind != PK_RO && oi.op == OP_VM_GET_INFO)
			check_vm_info(t, &oi, &hv, oi.a.p);
		if (res >= 0 && oi.a.kind != PK_RO && oi.op == OP_VM_GET_POLICY) {
			struct pvhook_policy o;

			memcpy(&o, oi.a.p, sizeof(o));
			if (o.flags & ~PVHOOK_POLICY_F_ENABLED ||
			    !is_zero(o.reserved, sizeof(o.reserved)))
				failf(t, &oi, "VM_GET_POLICY output: flags 0x%x",
				      o.flags);
		}
	}
	hview_put(&hv);
}

/* ---- read(), write(), poll(), epoll, mmap() ---- */

static void answer(struct thr *t, const struct hview *hv, u64 seq)
{
	struct pvhook_reply r = { .seq = seq, .ret = rnd64(t) };
	struct opinfo oi;
	struct want w = { .ok = true };
	long res;
	int err;

	oi_init(&oi, OP_ANSWER, "handle", hv->fd);
	oi.alive = hv->alive;
	oi.guest = hv->guest;
	oi.len = sizeof(r);
	oi.sent = &r;
	oi.sent_len = sizeof(r);
	want_err(&w, ENOENT);	/* the vCPU timed out meanwhile */
	if (!hv->alive)
		want_err(&w, ENODEV);
	res = write(hv->fd, &r, sizeof(r));
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0 && res != sizeof(r))
		failf(t, &oi, "write() returned %ld", res);
}

static void check_msgs(struct thr *t, struct opinfo *oi, const struct hview *hv,
		       const u8 *buf, size_t n, bool reply)
{
	struct pvhook_msg m;
	size_t i;

	for (i = 0; i + MSG_SIZE <= n; i += MSG_SIZE) {
		memcpy(&m, buf + i, sizeof(m));
		switch (m.type) {
		case PVHOOK_MSG_REQUEST:
			if (!user_nr(m.nr) || !m.seq || m.vcpu || m.cpl ||
			    m.flags != PVHOOK_MSG_F_LONG_MODE || m.dropped)
				goto bad;
			if (reply && rnd(t, 4))
				answer(t, hv, m.seq);
			break;
		case PVHOOK_MSG_EVENT:
			if (m.vcpu || m.cpl || m.flags != PVHOOK_MSG_F_LONG_MODE ||
			    m.args[3])
				goto bad;
			break;
		case PVHOOK_MSG_RECORD:
			/* The guest reports with PVHOOK_HC_OP only. */
			if (m.vcpu || m.nr >= PVHOOK_OP_COUNT ||
			    m.flags != (PVHOOK_MSG_F_LONG_MODE | PVHOOK_MSG_F_SYNC) ||
			    m.args[2] || m.args[3])
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	return;
bad:
	failf(t, oi,
	      "message %zu: type %u vcpu %u seq %llu nr 0x%llx cpl %u flags 0x%x dropped %llu args %llx %llx %llx %llx",
	      i / MSG_SIZE, m.type, m.vcpu, (unsigned long long)m.seq,
	      (unsigned long long)m.nr, m.cpl, m.flags,
	      (unsigned long long)m.dropped, (unsigned long long)m.args[0],
	      (unsigned long long)m.args[1], (unsigned long long)m.args[2],
	      (unsigned long long)m.args[3]);
}

/*
 * The VFS refuses a read() or write() buffer outside user space (EFAULT)
 * before pvhook sees the size: a buffer that is not accessible fails with
 * EFAULT, as uapi.rst says, whatever its size.
 */
static bool outside_user_space(const struct uarg *a)
{
	return a->kind == PK_KERNEL || a->kind == PK_NONCANON;
}

/* A buffer of @size bytes for read() or write(). */
static void io_buf(struct thr *t, struct uarg *a, size_t size, const void *src)
{
	int k = arg_kind(t);

	if (k == PK_FIT_END || k == PK_STRADDLE) {
		size_t room = size > PAGE ? PAGE : size;
		size_t off = k == PK_FIT_END ? room : rnd(t, room + 1);

		a->kind = k;
		a->p = t->edge_e + PAGE - off;
		a->rd = off;
		a->wr = a->rd;
		if (src)
			memcpy(a->p, src, off);
		return;
	}
	if (k == PK_GOOD || k == PK_MISALIGNED) {
		a->kind = k;
		a->p = t->big + (k == PK_MISALIGNED ? 1 + rnd(t, 7) : 0);
		a->rd = BIG_SIZE - 8;
		a->wr = a->rd;
		if (src)
			memcpy(a->p, src, size);
		return;
	}
	if (k == PK_RO && size > PAGE)
		k = PK_NONE;
	place(t, a, k, src, size, t->edge_e);
}

static void op_read(struct thr *t, bool drain)
{
	struct opinfo oi;
	struct want w = { .ok = true };
	struct hview hv;
	size_t size;
	long res;
	int err;

	if (drain)
		hview_perm(&hv);
	else
		hview_get(t, &hv);
	oi_init(&oi, OP_READ, "handle", hv.fd);
	oi.alive = hv.alive;
	oi.guest = hv.guest;
	switch (drain ? 9 : rnd(t, 10)) {
	case 0:
		size = 0;
		break;
	case 1: case 2:
		size = 1 + rnd(t, MSG_SIZE - 1);
		break;
	case 3: case 4:
		size = MSG_SIZE;
		break;
	case 5:
		size = MSG_SIZE + 1 + rnd(t, MSG_SIZE - 1);
		break;
	case 6: case 7:
		size = MSG_SIZE * (1 + rnd(t, 16)) + (rnd(t, 2) ? rnd(t, 8) : 0);
		break;
	case 8:
		size = rnd(t, 65536);
		break;
	default:
		size = 16 * MSG_SIZE;
		break;
	}
	oi.len = size;
	if (drain) {
		oi.a = (struct uarg){ .kind = PK_GOOD, .p = t->big,
				      .rd = BIG_SIZE, .wr = BIG_SIZE };
	} else {
		io_buf(t, &oi.a, size, NULL);
	}
	if (size < MSG_SIZE) {
		defect(&w, EINVAL);
	} else {
		want_err(&w, EAGAIN);
		if (!hv.guest) {
			w.ok = false;	/* no guest: nothing is ever queued */
		} else if (oi.a.wr < MSG_SIZE) {
			w.ok = false;
			want_err(&w, EFAULT);
		}
	}
	if (!hv.alive)
		want_err(&w, ENODEV);
	if (outside_user_space(&oi.a))
		want_err(&w, EFAULT);
	res = read(hv.fd, oi.a.p, size);
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0) {
		if (res < (long)MSG_SIZE || res % MSG_SIZE || (size_t)res > size ||
		    (size_t)res > oi.a.wr)
			failf(t, &oi, "read() returned %ld", res);
		else if (oi.a.kind != PK_RO)
			check_msgs(t, &oi, &hv, oi.a.p, res, true);
	}
	hview_put(&hv);
}

static void op_write(struct thr *t)
{
	struct pvhook_reply recs[16];
	struct opinfo oi;
	struct want w = { .ok = false };
	struct hview hv;
	size_t size, nrec, i, can_ok = 0;
	bool prefix = true;
	long res;
	int err;

	hview_get(t, &hv);
	oi_init(&oi, OP_WRITE, "handle", hv.fd);
	oi.alive = hv.alive;
	oi.guest = hv.guest;
	nrec = 1 + rnd(t, 8);
	switch (rnd(t, 10)) {
	case 0:
		size = 0;
		break;
	case 1: case 2:
		size = nrec * REPLY_SIZE - 1 - rnd(t, REPLY_SIZE - 1);
		break;
	default:
		size = nrec * REPLY_SIZE;
		break;
	}
	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		recs[i] = (struct pvhook_reply){ .ret = rnd64(t) };
		switch (rnd(t, 4)) {
		case 0:
			recs[i].seq = 0;
			break;
		case 1:
			recs[i].seq = rnd64(t);
			break;
		default:
			recs[i].seq = 1 + rnd(t, 64);
			break;
		}
		if (pct(t, 25)) {
			switch (rnd(t, 3)) {
			case 0:
				recs[i].flags = (u32)rnd64(t) | 1u << rnd(t, 32);
				break;
			case 1:
				recs[i].reserved32 = (u32)rnd64(t) | 1u << rnd(t, 32);
				break;
			default:
				recs[i].reserved = rnd64(t) | 1ULL << rnd(t, 64);
				break;
			}
		}
	}
	io_buf(t, &oi.a, size, recs);
	oi.len = size;
	oi.sent = recs;
	oi.sent_len = size < sizeof(recs) ? size : sizeof(recs);
	if (!size || size % REPLY_SIZE) {
		want_err(&w, EINVAL);
	} else {
		/* The records in order: success up to the first that fails. */
		for (i = 0; i < nrec; i++) {
			const struct pvhook_reply *r = &recs[i];
			bool readable = oi.a.rd >= (i + 1) * REPLY_SIZE;
			bool bad = r->flags || r->reserved32 || r->reserved;
			int e = !readable ? EFAULT : bad ? EINVAL : ENOENT;

			if (!i)
				want_err(&w, e);
			/* Only a guest's vCPU waits for an answer. */
			if (prefix && readable && !bad && r->seq && hv.guest)
				can_ok++;
			else
				prefix = false;
		}
		w.ok = can_ok > 0;
	}
	if (!hv.alive)
		want_err(&w, ENODEV);
	if (outside_user_space(&oi.a))
		want_err(&w, EFAULT);
	res = write(hv.fd, oi.a.p, size);
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0 &&
	    (res % REPLY_SIZE || !res || (size_t)res > can_ok * REPLY_SIZE))
		failf(t, &oi, "write() returned %ld, %zu records could succeed",
		      res, can_ok);
	hview_put(&hv);
}

static void op_poll(struct thr *t)
{
	static const short bits[] = {
		POLLIN, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, POLLRDHUP,
	};
	struct pollfd p;
	struct opinfo oi;
	struct want w = { .ok = true };
	struct hview hv;
	short ev = 0, bad;
	unsigned int i;
	long res;
	int err;

	hview_get(t, &hv);
	oi_init(&oi, OP_POLL, "handle", hv.fd);
	oi.alive = hv.alive;
	oi.guest = hv.guest;
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (rnd(t, 2))
			ev |= bits[i];
	p = (struct pollfd){ .fd = hv.fd, .events = ev };
	oi.cmd = ev;
	res = poll(&p, 1, 0);
	err = errno;
	if (check(t, &oi, res, err, &w) && res >= 0) {
		bad = POLLERR | POLLNVAL | POLLPRI | POLLRDHUP;
		if (hv.alive)
			bad |= POLLHUP;
		if (!hv.guest)
			bad |= POLLIN | POLLRDNORM;
		if (p.revents & bad || (p.revents & ~(ev | POLLHUP | POLLERR)) ||
		    (ev & POLLOUT && !(p.revents & POLLOUT)) ||
		    (ev & POLLWRNORM && !(p.revents & POLLWRNORM)) ||
		    res != !!p.revents)
			failf(t, &oi, "poll() revents 0x%x for events 0x%x",
			      p.revents, ev);
	}
	hview_put(&hv);
}

static void op_epoll(struct thr *t)
{
	struct epoll_event evs[16], e = { 0 };
	struct opinfo oi;
	struct want w = { .ok = true };
	struct hview hv;
	long res;
	int err, i;

	hview_get(t, &hv);
	oi_init(&oi, OP_EPOLL, "handle", hv.fd);
	e.events = EPOLLIN | (rnd(t, 2) ? EPOLLOUT : 0) | (rnd(t, 2) ? EPOLLET : 0);
	e.data.u64 = hv.fd;
	oi.cmd = EPOLL_CTL_ADD;
	want_err(&w, EEXIST);
	res = epoll_ctl(t->ep, EPOLL_CTL_ADD, hv.fd, &e);
	err = errno;
	check(t, &oi, res, err, &w);
	hview_put(&hv);

	w = (struct want){ .ok = true };
	oi.cmd = 0;
	oi.fd = t->ep;
	res = epoll_wait(t->ep, evs, ARRAY_SIZE(evs), 0);
	err = errno;
	if (check(t, &oi, res, err, &w))
		for (i = 0; i < res; i++)
			if (evs[i].events & ~(EPOLLIN | EPOLLOUT | EPOLLRDNORM |
					      EPOLLWRNORM | EPOLLHUP))
				failf(t, &oi, "epoll event 0x%x", evs[i].events);
	if (pct(t, 30)) {
		hview_get(t, &hv);
		oi.cmd = EPOLL_CTL_DEL;
		oi.fd = hv.fd;
		w = (struct want){ .ok = true };
		want_err(&w, ENOENT);
		res = epoll_ctl(t->ep, EPOLL_CTL_DEL, hv.fd, NULL);
		err = errno;
		check(t, &oi, res, err, &w);
		hview_put(&hv);
	}
}

/*
 * Neither file has mmap(): the VFS answers ENODEV, or EACCES for a shared
 * writable mapping of a file not open for writing, or EPERM for PROT_EXEC
 * on a noexec mount. uapi.rst says nothing of mmap().
 */
static void op_mmap(struct thr *t)
{
	static const int prots[] = {
		PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE, PROT_EXEC,
		PROT_WRITE,
	};
	struct opinfo oi;
	struct want w = { .ok = false };
	struct hview hv = { .slot = -1 };
	int fd, prot = prots[rnd(t, ARRAY_SIZE(prots))];
	int flags = rnd(t, 2) ? MAP_SHARED : MAP_PRIVATE;
	size_t len = PAGE * (1 + rnd(t, 4));
	off_t off = rnd(t, 4) ? 0 : (off_t)(rnd(t, 1024) * PAGE);
	void *p;
	int err;

	switch (rnd(t, 4)) {
	case 0:
		fd = g.dev;
		oi_init(&oi, OP_MMAP, "/dev/pvhook", fd);
		break;
	case 1:
		fd = g.dev_ro;
		oi_init(&oi, OP_MMAP, "/dev/pvhook (read-only)", fd);
		break;
	default:
		hview_get(t, &hv);
		fd = hv.fd;
		oi_init(&oi, OP_MMAP, "handle", fd);
		break;
	}
	oi.cmd = prot | flags << 8;
	oi.len = len;
	want_err(&w, ENODEV);
	want_err(&w, EACCES);
	want_err(&w, EPERM);
	p = mmap(NULL, len, prot, flags, fd, off);
	err = errno;
	if (!check(t, &oi, p == MAP_FAILED ? -1 : 0, err, &w) && p != MAP_FAILED)
		munmap(p, len);
	hview_put(&hv);
}

/*
 * /dev/pvhook has no read() or write(): the VFS answers EINVAL, or EBADF
 * for a write to a read-only open. uapi.rst says nothing of them.
 */
static void op_dev_rw(struct thr *t)
{
	bool ro = rnd(t, 2), wr = rnd(t, 2);
	int fd = ro ? g.dev_ro : g.dev;
	struct opinfo oi;
	struct want w = { .ok = false };
	size_t size = rnd(t, 256);
	long res;
	int err;

	oi_init(&oi, wr ? OP_DEV_WRITE : OP_DEV_READ,
		ro ? "/dev/pvhook (read-only)" : "/dev/pvhook", fd);
	io_buf(t, &oi.a, size, wr ? t->good : NULL);
	oi.len = size;
	want_err(&w, EINVAL);
	if (ro && wr)
		want_err(&w, EBADF);
	res = wr ? write(fd, oi.a.p, size) : read(fd, oi.a.p, size);
	err = errno;
	check(t, &oi, res, err, &w);
}

/* ---- Lifecycle: VMs, handles, children ---- */

static void op_vm_recreate(struct thr *t)
{
	struct vm_slot *v = &g.vms[1 + rnd(t, NR_VM_SLOTS - 1)];
	struct opinfo oi;
	bool create = pct(t, 75);

	pthread_rwlock_wrlock(&v->lock);
	if (v->vm) {
		oi_init(&oi, OP_VM_DESTROY, "VM", v->vm->fd);
		vm_destroy(v->vm);
		v->vm = NULL;
		/*
		 * With no child alive, that was the last reference: KVM has
		 * destroyed the VM (a child that had the files exited before
		 * it was reaped, and exit() closed them).
		 */
		if (!__atomic_load_n(&g.children, __ATOMIC_SEQ_CST) &&
		    v->gen < sizeof(g.dead)) {
			__atomic_store_n(&g.dead[v->gen], 1, __ATOMIC_RELEASE);
			if (v->id)
				__atomic_store_n(&g.stale_id, v->id,
						 __ATOMIC_RELAXED);
		}
		count(OP_VM_DESTROY, 0, 0);
	}
	if (create) {
		v->vm = vm_create_one(VM_MODE_LONG64, &v->vcpu);
		oi_init(&oi, OP_VM_CREATE, "/dev/kvm", -1);
		count(OP_VM_CREATE, v->vm ? 0 : -1, v->vm ? 0 : ENOMEM);
		if (!v->vm)
			failf(t, &oi, "cannot create a VM");
		v->gen = __atomic_add_fetch(&g.gen_next, 1, __ATOMIC_RELAXED);
		v->id = 0;
		v->creator = gettid();
	}
	pthread_rwlock_unlock(&v->lock);
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Attach a VM for the view's caller; -errno, or the handle. */
static int attach_fd(int dev, int vm_fd)
{
	return vm_attach(dev, vm_fd);
}

static void op_h_attach(struct thr *t, bool only_close)
{
	struct h_slot *s = &g.hs[rnd(t, NR_H_SLOTS)];
	unsigned int vs = rnd(t, NR_VM_SLOTS);
	struct vm_slot *v = &g.vms[vs];
	struct pvhook_vm_info info;
	struct opinfo oi;
	struct want w = { .ok = true };
	int fd, err;

	pthread_rwlock_wrlock(&s->lock);
	if (s->fd >= 0) {
		oi_init(&oi, OP_H_CLOSE, "handle", s->fd);
		err = close(s->fd) ? errno : 0;
		check(t, &oi, err ? -1 : 0, err, &w);
		s->fd = -1;
	}
	if (only_close)
		goto out;
	pthread_rwlock_rdlock(&v->lock);
	if (!v->vm) {
		pthread_rwlock_unlock(&v->lock);
		goto out;
	}
	oi_init(&oi, OP_H_ATTACH, "/dev/pvhook", g.dev);
	oi.alive = true;
	want_err(&w, ENOSPC);	/* children may hold many */
	fd = attach_fd(g.dev, v->vm->fd);
	if (check(t, &oi, fd, -fd, &w) && fd >= 0) {
		check_new_handle(t, &oi, fd);
		set_nonblock(fd);
		s->fd = fd;
		s->vm_slot = vs;
		s->gen = v->gen;
		s->vm_id = 0;
		if (!ioctl(fd, PVHOOK_VM_GET_INFO, &info)) {
			s->vm_id = info.id;
			v->id = info.id;
		}
		if (pct(t, 50))
			handle_events_flags(fd, 1 + rnd(t, 32),
					    rnd(t, 2) ? PVHOOK_EVENTS_F_RECORDS : 0);
		if (pct(t, 30))
			handle_serve(fd, PVHOOK_HC_USER_FIRST + rnd(t, 4), 0,
				     1 + rnd(t, 20));
	}
	pthread_rwlock_unlock(&v->lock);
out:
	pthread_rwlock_unlock(&s->lock);
}

/*
 * Attach one VM until pvhook refuses: a VM has at most
 * PVHOOK_VM_HANDLES_MAX handles (since 1.3), so this thread alone may not
 * get one more while it holds them.
 */
static void op_flood(struct thr *t)
{
	unsigned int vs = rnd(t, NR_VM_SLOTS);
	struct vm_slot *v = &g.vms[vs];
	int fds[PVHOOK_VM_HANDLES_MAX + 1], n = 0, fd;
	struct opinfo oi;
	struct want w = { .ok = true };

	if (g.abi < 0x0103)
		return;
	if (vs)
		pthread_rwlock_rdlock(&v->lock);
	if (!v->vm)
		goto out;
	oi_init(&oi, OP_ATTACH_VM, "/dev/pvhook (until refused)", g.dev);
	oi.alive = true;
	oi.guest = !vs;
	want_err(&w, ENOSPC);
	while (n <= PVHOOK_VM_HANDLES_MAX) {
		fd = vm_attach(g.dev, v->vm->fd);
		if (!check(t, &oi, fd, -fd, &w) || fd < 0)
			break;
		fds[n++] = fd;
	}
	if (n > PVHOOK_VM_HANDLES_MAX)
		failf(t, &oi, "%d handles open on one VM", n);
	while (n)
		close(fds[--n]);
out:
	if (vs)
		pthread_rwlock_unlock(&v->lock);
}

/* The random operations of a forked child on what it inherited. */
static void child_ops(struct thr *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		t->op_no++;
		switch (rnd(t, 10)) {
		case 0: case 1: case 2:
			op_dev(t);
			break;
		case 3: case 4: case 5:
			op_handle_ioctl(t);
			break;
		case 6:
			op_read(t, false);
			break;
		case 7:
			op_write(t);
			break;
		case 8:
			op_poll(t);
			break;
		default:
			op_mmap(t);
			break;
		}
	}
}

/* Opening /dev/pvhook and taking root's files, as nobody. */
static void unpriv_refusals(struct thr *t)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	struct opinfo oi;
	struct want w = { .ok = false };
	unsigned int i;
	int fd, err, pidfd;

	want_err(&w, EACCES);
	want_err(&w, EPERM);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		oi_init(&oi, OP_OPEN_UNPRIV, PVHOOK_DEV, -1);
		oi.cmd = modes[i];
		fd = open(PVHOOK_DEV, modes[i] | O_CLOEXEC);
		err = errno;
		if (!check(t, &oi, fd, err, &w) && fd >= 0)
			close(fd);
	}
	/*
	 * Root's open files: attaching through the read-only one needs write
	 * access, through the read-write one (since 1.3) the VM's process or
	 * CAP_SYS_ADMIN; the read-only one takes no write().
	 */
	for (i = 0; i < 2; i++) {
		struct pvhook_attach a = { .vm_fd = t->cvm_fd };

		oi_init(&oi, OP_ATTACH_VM, i ? "/dev/pvhook" :
			"/dev/pvhook (read-only)", i ? g.dev : g.dev_ro);
		oi.cmd = PVHOOK_ATTACH_VM;
		w = (struct want){ .ok = i && g.abi < 0x0103 };
		want_err(&w, EPERM);
		fd = ioctl(oi.fd, PVHOOK_ATTACH_VM, &a);
		err = errno;
		if (check(t, &oi, fd, err, &w) && fd >= 0)
			close(fd);
	}
	oi_init(&oi, OP_DEV_WRITE, "/dev/pvhook (read-only)", g.dev_ro);
	w = (struct want){ .ok = false };
	want_err(&w, EBADF);
	want_err(&w, EINVAL);
	fd = write(g.dev_ro, t->good, 8);
	check(t, &oi, fd, errno, &w);

	/* Root's device file, by pidfd_getfd(2): no ptrace rights. */
	pidfd = syscall(SYS_pidfd_open, getppid(), 0);
	if (pidfd < 0)
		return;
	oi_init(&oi, OP_GETFD_UNPRIV, "pidfd", pidfd);
	w = (struct want){ .ok = false };
	want_err(&w, EPERM);
	fd = syscall(SYS_pidfd_getfd, pidfd, g.dev, 0);
	err = errno;
	if (!check(t, &oi, fd, err, &w) && fd >= 0)
		close(fd);
	close(pidfd);
}

static void child_run(struct thr *t, bool unpriv, bool limit)
{
	struct rlimit rl;
	int fd;

	t->child = true;
	if (unpriv) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY)) {
			failf(t, NULL, "cannot become nobody: %s", errname(errno));
			_exit(1);
		}
		t->unpriv = true;
		unpriv_refusals(t);
	}
	if (limit) {
		/* No free descriptor below the limit: EMFILE. */
		fd = dup(0);
		if (fd >= 0) {
			close(fd);
			rl.rlim_cur = fd;
			rl.rlim_max = fd;
			if (!setrlimit(RLIMIT_NOFILE, &rl))
				t->fd_limited = true;
		}
	}
	child_ops(t, 10 + rnd(t, 30));
	/* Whatever is still open closes at exit. */
	_exit(0);
}

/*
 * Fork a child that inherits the device files, a handle and a live VM,
 * works on them (as root, as nobody, or as root short of descriptors) and
 * exits; or one that exec's itself to check that no handle crosses
 * execve(). The VM and the handle stay alive until it is reaped.
 */
static void op_fork(struct thr *t, int kind)
{
	struct h_slot *s = &g.hs[rnd(t, NR_H_SLOTS)];
	struct opinfo oi;
	struct want w = { .ok = true };
	struct vm_slot *v = NULL;
	int status, donated = -1, op;
	pid_t pid;
	u64 seed = rnd64(t);

	op = kind == 0 ? OP_FORK : kind == 1 ? OP_FORK_UNPRIV : OP_EXEC;
	pthread_rwlock_rdlock(&s->lock);
	t->ch_fd = g.h_perm;
	t->ch_guest = true;
	t->ch_vm_id = g.vm0_id;
	t->cvm_fd = g.vms[0].vm->fd;
	if (s->fd >= 0) {
		v = &g.vms[s->vm_slot];
		pthread_rwlock_rdlock(&v->lock);
		if (v->vm && v->gen == s->gen) {
			t->ch_fd = s->fd;
			t->ch_guest = s->vm_slot == 0;
			t->ch_vm_id = s->vm_id;
			t->cvm_fd = v->vm->fd;
		}
	}
	/* Sometimes a handle of its own, that only the child keeps. */
	if (kind != 2 && pct(t, 30)) {
		donated = attach_fd(g.dev, t->cvm_fd);
		if (donated >= 0) {
			set_nonblock(donated);
			t->ch_fd = donated;
			t->ch_vm_id = 0;
		}
	}
	fflush(stdout);
	__atomic_add_fetch(&g.children, 1, __ATOMIC_SEQ_CST);
	pid = fork();
	if (!pid) {
		t->rng = splitmix(seed);
		if (kind == 2) {
			static char * const argv[] = {
				"ioctl_fuzz", "--check-cloexec", NULL
			};

			/* A handle opened right before execve() goes too. */
			attach_fd(g.dev, t->cvm_fd);
			execv(self_exe, argv);
			_exit(3);
		}
		child_run(t, kind == 1, kind == 0 && pct(t, 25));
	}
	if (donated >= 0)
		close(donated);
	oi_init(&oi, op, "child", pid);
	if (pid < 0) {
		failf(t, &oi, "fork: %s", errname(errno));
	} else if (waitpid(pid, &status, 0) != pid) {
		failf(t, &oi, "waitpid: %s", errname(errno));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		count(op, -1, ECHILD);
		failf(t, &oi, "child %s %d%s", WIFEXITED(status) ? "exited" :
		      "killed by signal", WIFEXITED(status) ? WEXITSTATUS(status) :
		      WTERMSIG(status), kind == 2 ?
		      " (a handle survived execve(), or exec failed)" : "");
	} else {
		check(t, &oi, 0, 0, &w);
	}
	if (pid > 0 || pid < 0)
		__atomic_sub_fetch(&g.children, 1, __ATOMIC_SEQ_CST);
	if (v)
		pthread_rwlock_unlock(&v->lock);
	pthread_rwlock_unlock(&s->lock);
}

static void on_signal(int sig)
{
	(void)sig;
}

/* Interrupt the guest's vCPU, maybe in a wait for a served number. */
static void op_signal(struct thr *t)
{
	struct opinfo oi;
	struct want w = { .ok = true };
	int err;

	oi_init(&oi, OP_SIGNAL, "vCPU thread", -1);
	err = pthread_kill(g.guest, SIGUSR1);
	check(t, &oi, err ? -1 : 0, err, &w);
}

static void fuzz_one(struct thr *t)
{
	unsigned int r = rnd(t, 10000);

	if (r < 3000)
		op_dev(t);
	else if (r < 6000)
		op_handle_ioctl(t);
	else if (r < 6800)
		op_read(t, false);
	else if (r < 7600)
		op_write(t);
	else if (r < 8000)
		op_poll(t);
	else if (r < 8200)
		op_epoll(t);
	else if (r < 8700)
		op_read(t, true);
	else if (r < 8800)
		op_mmap(t);
	else if (r < 8880)
		op_dev_rw(t);
	else if (r < 8900)
		op_signal(t);
	else if (r < 8950)
		op_vm_recreate(t);
	else if (r < 9830)
		op_h_attach(t, false);
	else if (r < 9850)
		op_flood(t);
	else if (r < 9950)
		op_h_attach(t, true);
	else if (r < 9980)
		op_fork(t, 0);
	else if (r < 9995)
		op_fork(t, 1);
	else
		op_fork(t, 2);
}

/* Each thread makes its share of the operations, whatever the others do. */
static void *fuzz_thread(void *arg)
{
	struct thr *t = arg;
	u64 n = opt_ops / opt_threads + (t->idx < (int)(opt_ops % opt_threads));

	g.tids[t->idx + 1] = gettid();
	while (t->op_no < n) {
		t->op_no++;
		fuzz_one(t);
	}
	return NULL;
}

/* The guest: hypercalls in the VM of slot 0, checked as the ABI says. */
static void *guest_thread(void *arg)
{
	struct thr *t = arg;
	struct vcpu *vcpu = g.vms[0].vcpu;
	struct hc_regs regs;
	struct opinfo oi;
	u64 ret, refused[] = {
		HC_ERR(KVM_ENOSYS), HC_ERR(KVM_EPERM), HC_ERR(PVHOOK_EAGAIN),
	};
	unsigned int i;
	bool ok, refusal;
	int op;

	while (!__atomic_load_n(&g.stop, __ATOMIC_SEQ_CST)) {
		memset(&regs, 0, sizeof(regs));
		switch (rnd(t, 10)) {
		case 0: case 1: case 2:
			op = OP_HC_PING;
			regs.nr = PVHOOK_HC_PING;
			break;
		case 3: case 4: case 5:
			op = OP_HC_NOTIFY;
			regs.nr = PVHOOK_HC_NOTIFY;
			break;
		case 6: case 7: case 8:
			op = OP_HC_USER;
			regs.nr = PVHOOK_HC_USER_FIRST + rnd(t, rnd(t, 4) ? 4 : 128);
			break;
		default:
			op = OP_HC_OP;
			regs.nr = PVHOOK_HC_OP;
			break;
		}
		for (i = 0; i < 4; i++)
			regs.args[i] = rnd64(t);
		if (op == OP_HC_OP)
			regs.args[0] = rnd(t, PVHOOK_OP_COUNT + 8);
		oi_init(&oi, op, "vCPU", vcpu->fd);
		oi.cmd = regs.nr;
		if (vcpu_hypercall(vcpu, 0, &regs, &ret)) {
			failf(t, &oi, "KVM_RUN failed");
			break;
		}
		/* What the policy may answer instead of the handler. */
		refusal = false;
		for (i = 0; i < ARRAY_SIZE(refused); i++)
			if (ret == refused[i])
				refusal = true;
		if (op == OP_HC_PING && ret == regs.args[0])
			ok = true;
		else if (op == OP_HC_NOTIFY && ret <= PVHOOK_VM_HANDLES_MAX)
			ok = true;
		else
			ok = op == OP_HC_USER || op == OP_HC_OP || refusal;
		/* Error values, for the counts: -KVM_ENOSYS as ENOSYS. */
		if (ret == HC_ERR(KVM_ENOSYS))
			count(op, -1, COL_KVM_ENOSYS);
		else if ((s64)ret < 0 && (s64)ret > -NRES && op != OP_HC_PING)
			count(op, -1, (int)-(s64)ret);
		else
			count(op, 0, 0);
		if (!ok)
			failf(t, &oi, "0x%llx(0x%llx) answered 0x%llx",
			      (unsigned long long)regs.nr,
			      (unsigned long long)regs.args[0],
			      (unsigned long long)ret);
	}
	return NULL;
}

static int thr_init(struct thr *t, int idx)
{
	u8 *m = mmap(NULL, 7 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	memset(t, 0, sizeof(*t));
	t->idx = idx;
	t->rng = splitmix(opt_seed ^ splitmix(idx + 1));
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	t->big = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || t->big == MAP_FAILED || t->ep < 0)
		return -1;
	t->good = m;
	t->edge_s = m + 2 * PAGE;
	t->edge_e = m + 4 * PAGE;
	t->ro = m + 6 * PAGE;
	if (mprotect(t->edge_s + PAGE, PAGE, PROT_NONE) ||
	    mprotect(t->edge_e + PAGE, PAGE, PROT_NONE) ||
	    mprotect(t->ro, PAGE, PROT_READ))
		return -1;
	return 0;
}

static void thr_fini(struct thr *t)
{
	close(t->ep);
	munmap(t->good, 7 * PAGE);
	munmap(t->big, BIG_SIZE);
}

/* The numbers of the descriptors open now, as a bitmap of the first 1024. */
static void open_fds(u64 map[16])
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int fd;

	memset(map, 0, 16 * sizeof(u64));
	if (!d)
		return;
	while ((de = readdir(d))) {
		fd = atoi(de->d_name);
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
		    fd != dirfd(d) && fd < 1024)
			map[fd / 64] |= 1ULL << (fd % 64);
	}
	closedir(d);
}

static void print_counts(void)
{
	char line[2048];
	int op, e;
	size_t n;

	for (op = 0; op < NR_OPS; op++) {
		n = snprintf(line, sizeof(line), "%-28s", op_names[op]);
		for (e = 0; e < NRES; e++) {
			if (!sh->count[op][e])
				continue;
			n += snprintf(line + n, sizeof(line) - n, " %s %llu",
				      e ? errname(e) : "ok",
				      (unsigned long long)sh->count[op][e]);
		}
		if (n > 28)
			ksft_print_msg("  %s\n", line);
	}
}

/* The first and the last line of a run, each kept whole. */
#define START_MSG \
	"seed %llu, %llu operations, %u threads (rerun: --seed %llu --ops %llu --threads %u)\n"
#define SUMMARY_MSG \
	"%llu calls checked (children's included) in %.1f s: %.0f calls/s, %llu operations; %llu failures\n"

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, hostile_callers, 1800)
{
	struct thr *thr, gthr;
	struct pvhook_info info;
	struct pvhook_vm_info vi;
	struct timespec t0, t1;
	u64 fds_before[16], fds_after[16], total = 0, left, i;
	unsigned int n;
	int pipefd[2], k;
	double secs;

	ASSERT_TRUE(module_loaded("pvhook"));
	ASSERT_LE(4, opt_threads);
	ksft_print_msg(START_MSG,
		       (unsigned long long)opt_seed,
		       (unsigned long long)opt_ops, opt_threads,
		       (unsigned long long)opt_seed,
		       (unsigned long long)opt_ops, opt_threads);
	open_fds(fds_before);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	g.none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, g.none);

	g.dev = dev_open();
	ASSERT_LE(0, g.dev);
	g.dev_ro = open(PVHOOK_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, g.dev_ro);
	ASSERT_EQ(0, ioctl_err(g.dev, PVHOOK_GET_INFO, &info));
	g.abi = info.abi_version;
	memcpy(g.registered, info.registered, sizeof(g.registered));

	for (k = 0; k < NR_VM_SLOTS; k++) {
		pthread_rwlock_init(&g.vms[k].lock, NULL);
		g.vms[k].vm = vm_create_one(VM_MODE_LONG64, &g.vms[k].vcpu);
		ASSERT_NE(NULL, g.vms[k].vm);
		g.vms[k].gen = ++g.gen_next;
		g.vms[k].creator = gettid();
	}
	for (k = 0; k < NR_H_SLOTS; k++) {
		pthread_rwlock_init(&g.hs[k].lock, NULL);
		g.hs[k].fd = -1;
	}
	g.tids[0] = gettid();
	g.h_perm = vm_attach(g.dev, g.vms[0].vm->fd);
	ASSERT_LE(0, g.h_perm);
	set_nonblock(g.h_perm);
	ASSERT_EQ(0, ioctl_err(g.h_perm, PVHOOK_VM_GET_INFO, &vi));
	g.vms[0].id = vi.id;
	g.vm0_id = vi.id;
	ASSERT_EQ(0, handle_events_flags(g.h_perm, 64, PVHOOK_EVENTS_F_RECORDS));
	ASSERT_EQ(0, handle_serve(g.h_perm, PVHOOK_HC_USER_FIRST, 0, 20));

	/* Open files that are not KVM VMs. */
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	g.others[g.nr_others++] = pipefd[0];
	g.others[g.nr_others++] = pipefd[1];
	g.others[g.nr_others++] = eventfd(0, EFD_CLOEXEC);
	g.others[g.nr_others++] = open("/dev/null", O_RDWR | O_CLOEXEC);
	g.others[g.nr_others++] = g.vms[0].vm->kvm_fd;
	g.others[g.nr_others++] = g.vms[0].vcpu->fd;
	g.others[g.nr_others++] = ioctl(g.vms[0].vm->fd, KVM_GET_STATS_FD, NULL);
	g.others[g.nr_others++] = g.dev;
	g.others[g.nr_others++] = g.dev_ro;
	g.others[g.nr_others++] = g.h_perm;
	for (k = 0; k < g.nr_others; k++)
		ASSERT_LE(0, g.others[k]);

	thr = calloc(opt_threads, sizeof(*thr));
	ASSERT_NE(NULL, thr);
	ASSERT_EQ(0, thr_init(&gthr, opt_threads));
	for (n = 0; n < opt_threads; n++)
		ASSERT_EQ(0, thr_init(&thr[n], n));
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* No SA_RESTART: a signal ends the vCPU's wait (KVM_RUN is retried). */
	ASSERT_EQ(0, sigaction(SIGUSR1, &(struct sigaction){
		.sa_handler = on_signal }, NULL));
	ASSERT_EQ(0, pthread_create(&gthr.thread, NULL, guest_thread, &gthr));
	g.guest = gthr.thread;
	for (n = 0; n < opt_threads; n++)
		ASSERT_EQ(0, pthread_create(&thr[n].thread, NULL, fuzz_thread,
					    &thr[n]));
	for (n = 0; n < opt_threads; n++)
		pthread_join(thr[n].thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* Close every handle: a vCPU waiting for one is released at once. */
	__atomic_store_n(&g.stop, 1, __ATOMIC_SEQ_CST);
	for (k = 0; k < NR_H_SLOTS; k++)
		if (g.hs[k].fd >= 0)
			EXPECT_EQ(0, close(g.hs[k].fd));
	EXPECT_EQ(0, close(g.h_perm));
	pthread_join(gthr.thread, NULL);
	for (k = 0; k < NR_VM_SLOTS; k++)
		if (k && g.vms[k].vm)
			vm_destroy(g.vms[k].vm);
	for (k = 0; k < g.nr_others; k++)
		if (g.others[k] != g.vms[0].vm->kvm_fd &&
		    g.others[k] != g.vms[0].vcpu->fd && g.others[k] != g.h_perm)
			close(g.others[k]);
	vm_destroy(g.vms[0].vm);
	for (n = 0; n < opt_threads; n++)
		thr_fini(&thr[n]);
	thr_fini(&gthr);

	/* pvhook forgot every VM of ours. */
	g.dev = dev_open();
	ASSERT_LE(0, g.dev);
	{
		struct pvhook_vm_info infos[64];
		struct pvhook_vm_list l = {
			.count = 64, .vms = (u64)(unsigned long)infos,
		};
		int j;

		ASSERT_EQ(0, ioctl_err(g.dev, PVHOOK_LIST_VMS, &l));
		for (i = 0; i < l.count && i < 64; i++)
			for (j = 0; j <= (int)opt_threads; j++)
				EXPECT_NE(g.tids[j], infos[i].pid)
					TH_LOG("VM %llu of thread %d is still known",
					       (unsigned long long)infos[i].id, j);
	}
	close(g.dev);
	open_fds(fds_after);
	EXPECT_EQ(0, memcmp(fds_before, fds_after, sizeof(fds_before)))
		TH_LOG("descriptors left open");

	for (k = 0; k < NR_OPS; k++)
		for (n = 0; n < NRES; n++)
			if (k < OP_HC_PING)
				total += sh->count[k][n];
	left = sh->failures;
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ksft_print_msg(SUMMARY_MSG,
		       (unsigned long long)total, secs, total / secs,
		       (unsigned long long)opt_ops, (unsigned long long)left);
	print_counts();
	EXPECT_EQ(0, left) TH_LOG("seed %llu: %llu calls answered what uapi.rst does not allow",
				  (unsigned long long)opt_seed,
				  (unsigned long long)left);
	free(thr);
}

/* Run by op_fork() through execve(): no VM handle may have come along. */
static int check_cloexec(void)
{
	char path[300], link[64];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	int bad = 0;
	ssize_t len;

	if (!d)
		return 2;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (!strcmp(link, "anon_inode:pvhook-vm")) {
			fprintf(stderr, "ioctl_fuzz: fd %s is a VM handle after execve()\n",
				de->d_name);
			bad = 1;
		}
	}
	closedir(d);
	return bad;
}

int main(int argc, char **argv)
{
	static const struct fuzz_opts opts = {
		.prog = "ioctl_fuzz",
		/* For run_tests.sh. */
		.seed_env = "PVHOOK_FUZZ_SEED",
		.ops_env = "PVHOOK_FUZZ_OPS",
		.min_threads = 4, .max_threads = 60,
		.threads_are = "threads",
		.seed = &opt_seed, .ops = &opt_ops, .threads = &opt_threads,
	};
	int n;

	if (argc == 2 && !strcmp(argv[1], "--check-cloexec"))
		return check_cloexec();
	n = fuzz_parse(&opts, argc, argv);
	return test_harness_run(n, argv);
}
