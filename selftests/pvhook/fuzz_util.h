/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers (ioctl_fuzz, guest_fuzz) share: their output, and their
 * command line: a seed, how many operations to make in all and how many
 * threads make them, from the environment (run_tests.sh sets it) and then
 * from the options; the other arguments go on to the harness. Include
 * after kselftest_harness.h.
 */
#ifndef PVHOOK_SELFTEST_FUZZ_UTIL_H
#define PVHOOK_SELFTEST_FUZZ_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vm.h"

/* Print a line as ksft_print_msg() does, safe in threads and children. */
static inline __printf(1, 2) void say(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(1, buf, n) < 0)
		return;
}

/* A fuzzer's options, and where their values go. */
struct fuzz_opts {
	const char *prog;		/* what its messages start with */
	const char *seed_env;		/* the variable that sets --seed */
	const char *ops_env;		/* the variable that sets --ops */
	const char *ops_alias;		/* another name for --ops, or NULL */
	unsigned int min_threads, max_threads;
	const char *threads_are;	/* what --threads counts, for messages */
	u64 *seed;			/* from the clock if nothing sets it */
	u64 *ops;
	unsigned int *threads;
};

/* The number in @val, which @opt gave; none ends the program. */
static inline u64 fuzz_u64(const struct fuzz_opts *o, const char *opt,
			   const char *val)
{
	char *end;
	u64 v;

	errno = 0;
	v = val ? strtoull(val, &end, 0) : 0;
	if (!val || errno || *end) {
		fprintf(stderr, "%s: %s needs a number\n", o->prog, opt);
		exit(KSFT_FAIL);
	}
	return v;
}

/*
 * Set the values of @o from the environment and from @argv, and leave the
 * other arguments in @argv for test_harness_run(): returns their count. A
 * bad value ends the program with KSFT_FAIL.
 */
static inline int fuzz_parse(const struct fuzz_opts *o, int argc, char **argv)
{
	bool seed_set = false;
	struct timespec ts;
	int i, n = 1;

	if (getenv(o->seed_env)) {
		*o->seed = fuzz_u64(o, o->seed_env, getenv(o->seed_env));
		seed_set = true;
	}
	if (getenv(o->ops_env))
		*o->ops = fuzz_u64(o, o->ops_env, getenv(o->ops_env));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed")) {
			*o->seed = fuzz_u64(o, argv[i], argv[i + 1]);
			seed_set = true;
			i++;
		} else if (!strcmp(argv[i], "--ops") ||
			   (o->ops_alias && !strcmp(argv[i], o->ops_alias))) {
			*o->ops = fuzz_u64(o, argv[i], argv[i + 1]);
			i++;
		} else if (!strcmp(argv[i], "--threads")) {
			*o->threads = fuzz_u64(o, argv[i], argv[i + 1]);
			if (*o->threads < o->min_threads ||
			    *o->threads > o->max_threads) {
				fprintf(stderr, "%s: %u to %u %s\n", o->prog,
					o->min_threads, o->max_threads,
					o->threads_are);
				exit(KSFT_FAIL);
			}
			i++;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	if (!seed_set) {
		clock_gettime(CLOCK_REALTIME, &ts);
		*o->seed = (u64)ts.tv_sec * 1000003 + ts.tv_nsec / 1000 +
			   getpid();
	}
	return n;
}

#endif /* PVHOOK_SELFTEST_FUZZ_UTIL_H */
