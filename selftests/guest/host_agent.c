// SPDX-License-Identifier: GPL-2.0
/*
 * host_agent: the host side of the guest module's end-to-end test. Runs on
 * the KVM host (L1) while the guest (L2) runs selftests/guest/guest_tests.sh;
 * started by selftests/guest/e2e.sh.
 *
 * It waits for the guest's VMM, takes its KVM VM file descriptor with
 * pidfd_getfd(2) and attaches the VM. Then:
 *  - it sets the VM's policy to pvhook off and waits for the guest's
 *    PVHOOK_HC_PROBE; after a grace period it checks that the probe is the
 *    only number the guest called while pvhook was off, and turns pvhook on;
 *  - it receives the VM's records (PVHOOK_VM_EVENTS with
 *    PVHOOK_EVENTS_F_RECORDS) and counts them per slot, ring records and
 *    sync ones apart, and the records its queue dropped;
 *  - it takes a PVHOOK_GET_VM_OPS snapshot of the VM periodically.
 * When the VM goes away it prints its totals, which e2e.sh compares with
 * the guest's, and the last snapshot:
 *
 *   host-agent: slot=N ring=N sync=N         (slots with records only)
 *   host-agent: dropped=N
 *   host-agent: ops slot=N records=N sync_calls=N
 *   host-agent: ops flushes=N rejected=N
 *
 * Its own checks are printed as KTAP.
 */
#include <getopt.h>
#include <signal.h>

#include "kselftest_harness.h"
#include "dev_util.h"

#define AGENT		"host-agent"
#define VMM_COMM	"qemu-system-x86"	/* comm is cut to 15 chars */
#define MSG_BATCH	64
#define PLAN		4

struct agent {
	/* options */
	pid_t pid;
	const char *comm;
	unsigned int wait_s;
	unsigned int grace_ms;
	unsigned int ops_ms;

	int dev;
	int h;
	u64 vm_id;

	/* pvhook is off until the probe is seen and the grace period over */
	bool on;
	u64 probe_at;			/* ms of the first probe seen, or 0 */
	int stats_err;			/* the last PVHOOK_GET_VM_STATS error */
	struct pvhook_hc_stats off[PVHOOK_HC_COUNT];	/* calls while off */
	int off_n;

	/* what the handle delivered */
	bool records;			/* PVHOOK_EVENTS_F_RECORDS accepted */
	u64 ring[PVHOOK_OP_COUNT];
	u64 sync[PVHOOK_OP_COUNT];
	u64 bad_slot;			/* records for a slot out of range */
	u64 events;			/* PVHOOK_HC_NOTIFY events */
	u64 other;			/* messages of another type */
	u64 dropped;
	int read_err;			/* errno of a failed read, not ENODEV */

	/* the last PVHOOK_GET_VM_OPS snapshot */
	struct pvhook_op_stats ops[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops ops_hdr;
	bool ops_valid;
	int ops_err;
	u64 ops_at;

	int ktap_n;
	int ktap_fail;
};

/* The signal that asks us to stop, or 0; a system call returns EINTR. */
static int stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void result(struct agent *a, bool ok, const char *name)
{
	a->ktap_n++;
	if (!ok)
		a->ktap_fail++;
	printf("%s %d %s\n", ok ? "ok" : "not ok", a->ktap_n, name);
	fflush(stdout);
}

static __printf(1, 2) void note(const char *fmt, ...)
{
	va_list ap;

	printf("# " AGENT ": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static bool comm_is(pid_t pid, const char *comm)
{
	char path[64], buf[32];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, comm);
}

/*
 * The processes named @comm that hold a KVM VM: how many, the first in
 * @pid and its VM fd number in @fd.
 */
static int find_vmms(const char *comm, pid_t *pid, int *fd)
{
	struct dirent *de;
	int n = 0, vm_fd;
	DIR *d;
	pid_t p;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		p = atoi(de->d_name);
		if (p <= 0 || p == getpid() || !comm_is(p, comm))
			continue;
		vm_fd = pid_find_vm_fd(p);
		if (vm_fd < 0)
			continue;
		if (!n++) {
			*pid = p;
			*fd = vm_fd;
		}
	}
	closedir(d);
	return n;
}

/* Wait for the VMM and attach its VM: the VM handle, or -1. */
static int attach_vmm(struct agent *a)
{
	u64 deadline = now_ms() + a->wait_s * 1000ULL;
	struct pvhook_vm_info info;
	int n = 0, fd = -1, vm_fd, h;
	pid_t pid = a->pid;

	while (!stop) {
		if (a->pid > 0) {
			fd = pid_find_vm_fd(pid);
			n = fd >= 0;
		} else {
			n = find_vmms(a->comm, &pid, &fd);
		}
		if (n == 1 || now_ms() > deadline)
			break;
		if (n > 1) {
			note("%d processes named %s hold a KVM VM; give -p PID",
			     n, a->comm);
			return -1;
		}
		usleep(100 * 1000);
	}
	if (n != 1) {
		if (a->pid > 0)
			note("pid %d holds no KVM VM after %u s", pid, a->wait_s);
		else
			note("no process named %s holds a KVM VM after %u s",
			     a->comm, a->wait_s);
		return -1;
	}

	vm_fd = pid_take_vm_fd(pid, fd);
	if (vm_fd < 0) {
		note("cannot take VM fd %d of pid %d: %s", fd, pid,
		     strerror(-vm_fd));
		return -1;
	}
	h = vm_attach(a->dev, vm_fd);
	/* The handle does not keep the VM alive; our copy of its fd would. */
	close(vm_fd);
	if (h < 0) {
		note("PVHOOK_ATTACH_VM: %s", strerror(-h));
		return -1;
	}
	if (ioctl(h, PVHOOK_VM_GET_INFO, &info)) {
		note("PVHOOK_VM_GET_INFO: %s", strerror(errno));
		close(h);
		return -1;
	}
	a->vm_id = info.id;
	note("attached VM %llu of pid %d (fd %d, %u vCPUs, %s)",
	     (unsigned long long)info.id, pid, fd, info.nr_vcpus,
	     info.stats_id);
	return h;
}

static int set_enabled(struct agent *a, bool on)
{
	struct pvhook_policy p;

	if (ioctl(a->h, PVHOOK_VM_GET_POLICY, &p))
		return -errno;
	p.flags = on ? PVHOOK_POLICY_F_ENABLED : 0;
	if (ioctl(a->h, PVHOOK_VM_SET_POLICY, &p))
		return -errno;
	return 0;
}

/* The VM's per-number statistics: how many numbers it called, or -errno. */
static int vm_stats(struct agent *a, struct pvhook_hc_stats *st)
{
	struct pvhook_vm_stats s = {
		.vm_id = a->vm_id,
		.count = PVHOOK_HC_COUNT,
		.entries = (u64)(unsigned long)st,
	};

	if (ioctl(a->dev, PVHOOK_GET_VM_STATS, &s))
		return -errno;
	return s.count < PVHOOK_HC_COUNT ? s.count : PVHOOK_HC_COUNT;
}

static u64 probe_calls(const struct pvhook_hc_stats *st, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (st[i].nr == PVHOOK_HC_PROBE)
			return st[i].calls;
	return 0;
}

/* What the VM called while pvhook was off; true if only the probe. */
static bool report_off(struct agent *a)
{
	bool only_probe = true;
	int i;

	for (i = 0; i < a->off_n; i++) {
		if (!a->off[i].calls)
			continue;
		note("while off: number %#llx called %llu times",
		     (unsigned long long)a->off[i].nr,
		     (unsigned long long)a->off[i].calls);
		if (a->off[i].nr != PVHOOK_HC_PROBE)
			only_probe = false;
	}
	return only_probe;
}

/*
 * While pvhook is off: wait for the first probe, then for the grace period,
 * then check that only the probe was called and turn pvhook on.
 */
static void check_off(struct agent *a)
{
	bool only_probe;
	int n, err;

	n = vm_stats(a, a->off);
	if (n < 0) {
		if (n != a->stats_err)
			note("PVHOOK_GET_VM_STATS: %s", strerror(-n));
		a->stats_err = n;
		return;
	}
	a->off_n = n;
	if (!a->probe_at) {
		if (probe_calls(a->off, n))
			a->probe_at = now_ms();
		return;
	}
	if (now_ms() - a->probe_at < a->grace_ms)
		return;

	only_probe = report_off(a);
	result(a, probe_calls(a->off, n) && only_probe,
	       "only_probe_while_pvhook_off");
	err = set_enabled(a, true);
	if (err)
		note("turning pvhook on: %s", strerror(-err));
	else
		note("pvhook on for the VM");
	a->on = true;
}

static void snapshot_ops(struct agent *a)
{
	struct pvhook_op_stats ops[PVHOOK_OP_COUNT];
	struct pvhook_vm_ops v = {
		.vm_id = a->vm_id,
		.count = PVHOOK_OP_COUNT,
		.entries = (u64)(unsigned long)ops,
	};
	int err;

	if (ioctl(a->dev, PVHOOK_GET_VM_OPS, &v)) {
		err = errno;
		if (err != a->ops_err)
			note("PVHOOK_GET_VM_OPS: %s", strerror(err));
		a->ops_err = err;
		return;
	}
	a->ops_err = 0;
	if (v.count > PVHOOK_OP_COUNT)
		v.count = PVHOOK_OP_COUNT;
	memcpy(a->ops, ops, v.count * sizeof(ops[0]));
	a->ops_hdr = v;
	a->ops_valid = true;
}

static void count_msg(struct agent *a, const struct pvhook_msg *m)
{
	if (m->dropped > a->dropped)
		a->dropped = m->dropped;
	switch (m->type) {
	case PVHOOK_MSG_RECORD:
		if (m->nr >= PVHOOK_OP_COUNT)
			a->bad_slot++;
		else if (m->flags & PVHOOK_MSG_F_SYNC)
			a->sync[m->nr]++;
		else
			a->ring[m->nr]++;
		break;
	case PVHOOK_MSG_EVENT:
		a->events++;
		break;
	default:
		a->other++;
		break;
	}
}

/* Read what is queued. Return: false once the VM is gone or on error. */
static bool drain(struct agent *a)
{
	struct pvhook_msg msgs[MSG_BATCH];
	ssize_t len;
	size_t i;

	for (;;) {
		len = read(a->h, msgs, sizeof(msgs));
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			if (errno != ENODEV)
				a->read_err = errno;
			return false;
		}
		for (i = 0; i < len / sizeof(msgs[0]); i++)
			count_msg(a, &msgs[i]);
	}
}

/* Until the VM goes away. Return: true if it did, false if stopped. */
static bool run(struct agent *a)
{
	u64 next_ops = 0, t;
	struct pollfd p = { .fd = a->h, .events = POLLIN };
	int timeout;

	fcntl(a->h, F_SETFL, fcntl(a->h, F_GETFL) | O_NONBLOCK);
	while (!stop) {
		t = now_ms();
		if (!a->on)
			check_off(a);
		if (t >= next_ops) {
			snapshot_ops(a);
			a->ops_at = t;
			next_ops = t + a->ops_ms;
		}
		timeout = next_ops - t;
		if (!a->on && timeout > 100)
			timeout = 100;
		if (poll(&p, 1, timeout) < 0 && errno != EINTR) {
			a->read_err = errno;
			return false;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!drain(a))
				return !a->read_err;
		}
	}
	return false;
}

static void print_totals(struct agent *a)
{
	unsigned int i;

	for (i = 0; i < PVHOOK_OP_COUNT; i++) {
		if (!a->ring[i] && !a->sync[i])
			continue;
		printf(AGENT ": slot=%u ring=%llu sync=%llu\n", i,
		       (unsigned long long)a->ring[i],
		       (unsigned long long)a->sync[i]);
	}
	printf(AGENT ": dropped=%llu\n", (unsigned long long)a->dropped);
	if (a->bad_slot || a->events || a->other)
		note("also %llu records for slots out of range, %llu events, %llu other messages",
		     (unsigned long long)a->bad_slot,
		     (unsigned long long)a->events,
		     (unsigned long long)a->other);
	if (!a->ops_valid) {
		note("no PVHOOK_GET_VM_OPS snapshot");
		return;
	}
	for (i = 0; i < a->ops_hdr.count; i++)
		printf(AGENT ": ops slot=%u records=%llu sync_calls=%llu\n",
		       a->ops[i].slot, (unsigned long long)a->ops[i].records,
		       (unsigned long long)a->ops[i].sync_calls);
	printf(AGENT ": ops flushes=%llu rejected=%llu\n",
	       (unsigned long long)a->ops_hdr.flushes,
	       (unsigned long long)a->ops_hdr.rejected);
	note("last ops snapshot %llu ms before the VM went away",
	     (unsigned long long)(now_ms() - a->ops_at));
}

static void print_usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"usage: %s [-p PID | -n COMM] [-w SECONDS] [-g MS] [-i MS]\n"
		"  -p PID      the guest's VMM (default: the one process named\n"
		"              COMM that holds a KVM VM)\n"
		"  -n COMM     default " VMM_COMM "\n"
		"  -w SECONDS  how long to wait for the VMM (default 600)\n"
		"  -g MS       pvhook stays off this long after the first probe\n"
		"              (default 2000)\n"
		"  -i MS       PVHOOK_GET_VM_OPS snapshot interval (default 250)\n",
		argv0);
}

int main(int argc, char **argv)
{
	struct agent a = {
		.comm = VMM_COMM, .wait_s = 600, .grace_ms = 2000,
		.ops_ms = 250, .h = -1,
	};
	struct pvhook_events ev = {
		.flags = PVHOOK_EVENTS_F_RECORDS,
		.queue_len = PVHOOK_EVENTS_QUEUE_MAX,
	};
	bool gone;
	int c, err;

	while ((c = getopt(argc, argv, "p:n:w:g:i:h")) != -1) {
		switch (c) {
		case 'p':
			a.pid = atoi(optarg);
			break;
		case 'n':
			a.comm = optarg;
			break;
		case 'w':
			a.wait_s = atoi(optarg);
			break;
		case 'g':
			a.grace_ms = atoi(optarg);
			break;
		case 'i':
			a.ops_ms = atoi(optarg) ?: 1;
			break;
		case 'h':
			print_usage(stdout, argv[0]);
			return 0;
		default:
			print_usage(stderr, argv[0]);
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("TAP version 13\n1..%d\n", PLAN);
	a.dev = dev_open();
	if (a.dev < 0) {
		note("cannot open " PVHOOK_DEV ": %s", strerror(errno));
		printf("Bail out! no " PVHOOK_DEV "\n");
		return 1;
	}
	a.h = attach_vmm(&a);
	result(&a, a.h >= 0, "attach");
	if (a.h < 0) {
		printf("Bail out! no VM to attach\n");
		return 1;
	}

	err = set_enabled(&a, false);
	if (err)
		note("turning pvhook off: %s", strerror(-err));
	else
		note("pvhook off for the VM until it probes");

	a.records = !ioctl_err(a.h, PVHOOK_VM_EVENTS, &ev);
	if (!a.records)
		note("PVHOOK_VM_EVENTS with records: %s", strerror(errno));
	result(&a, a.records, "events_with_records");

	gone = run(&a);
	if (!a.on) {
		report_off(&a);
		note("the VM %s", a.probe_at ? "went away during the grace period" :
		     "never probed");
		result(&a, false, "only_probe_while_pvhook_off");
	}
	print_totals(&a);
	if (stop)
		note("stopped by signal %d", (int)stop);
	if (a.read_err)
		note("reading the VM handle: %s", strerror(a.read_err));
	result(&a, gone && !a.read_err, "vm_gone");

	close(a.h);
	close(a.dev);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       a.ktap_n - a.ktap_fail, a.ktap_fail);
	return a.ktap_fail ? 1 : 0;
}
