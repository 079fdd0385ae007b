// SPDX-License-Identifier: GPL-2.0
/*
 * A TLB-flush-heavy workload for the guest tests and benchmark: threads
 * sharing one address space, one per CPU, map, touch, write-protect,
 * unprotect and unmap pages in a loop (local and remote TLB flushes), and
 * every so often a thread forks a child that exits at once (address space
 * creation and teardown).
 *
 * usage: tlb_storm [-t THREADS] [-i ITERATIONS] [-f FORK_EVERY] [-p PAGES]
 * Prints "tlb_storm: threads=T iterations=I ns=N ns_per_iter=X".
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long iterations = 2000;
static long fork_every = 100;
static long pages = 8;
static pthread_barrier_t start;

static void die(const char *what)
{
	fprintf(stderr, "tlb_storm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *worker(void *arg)
{
	long cpu = (long)arg, i;
	size_t len = pages * getpagesize();
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Best effort: fewer CPUs than threads still makes a workload. */
	sched_setaffinity(0, sizeof(set), &set);
	pthread_barrier_wait(&start);

	for (i = 0; i < iterations; i++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		memset(p, (int)i, len);
		if (mprotect(p, len, PROT_READ) ||
		    mprotect(p, len, PROT_READ | PROT_WRITE))
			die("mprotect");
		p[0] = 1;
		if (munmap(p, len))
			die("munmap");
		if (fork_every && i % fork_every == fork_every - 1) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0)
				_exit(0);
			if (waitpid(pid, NULL, 0) < 0)
				die("waitpid");
		}
	}
	return NULL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long threads = sysconf(_SC_NPROCESSORS_ONLN), t;
	pthread_t *tids;
	long long t0, ns;
	int opt;

	while ((opt = getopt(argc, argv, "t:i:f:p:")) != -1) {
		switch (opt) {
		case 't':
			threads = atol(optarg);
			break;
		case 'i':
			iterations = atol(optarg);
			break;
		case 'f':
			fork_every = atol(optarg);
			break;
		case 'p':
			pages = atol(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: tlb_storm [-t THREADS] [-i ITERATIONS] [-f FORK_EVERY] [-p PAGES]\n");
			return 2;
		}
	}
	if (threads < 1 || iterations < 1 || pages < 1 || fork_every < 0) {
		fprintf(stderr, "tlb_storm: bad arguments\n");
		return 2;
	}
	tids = calloc(threads, sizeof(*tids));
	if (!tids || pthread_barrier_init(&start, NULL, threads + 1))
		die("setup");
	for (t = 0; t < threads; t++)
		if (pthread_create(&tids[t], NULL, worker, (void *)t))
			die("pthread_create");
	t0 = now_ns();
	pthread_barrier_wait(&start);
	for (t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	ns = now_ns() - t0;
	printf("tlb_storm: threads=%ld iterations=%ld ns=%lld ns_per_iter=%lld\n",
	       threads, iterations, ns, ns / (threads * iterations));
	return 0;
}
