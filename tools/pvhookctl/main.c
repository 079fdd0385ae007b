// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: global options, command dispatch, errors and signals.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

#include "pvhookctl.h"

struct options opts = {
	.device = "/dev/pvhook",
};

bool stop_requested;
static sigset_t orig_mask;
static int sig_fd = -1;

static const char main_help[] =
"usage: pvhookctl [--json] [--device PATH] COMMAND [ARGS]\n"
"\n"
"Inspect and drive pvhook, KVM's runtime-extensible hypercalls.\n"
"\n"
"Commands:\n"
"  info                     ABI version, features, in-kernel hypercalls\n"
"  list                     the VMs pvhook knows\n"
"  stats [VM]               per-number statistics of one VM or of all\n"
"  watch                    per-VM call rates, refreshed periodically\n"
"  attach --pid PID [--fd N] [show|policy|serve|events ...]\n"
"                           attach a VMM's VM and inspect or serve it\n"
"\n"
"Global options (before the command):\n"
"  --json                   machine-readable JSON output\n"
"  --device PATH            the pvhook device (default /dev/pvhook)\n"
"  -h, --help               this help (also 'pvhookctl help')\n"
"\n"
"Every command takes --help too: 'pvhookctl attach serve --help'.\n"
"\n"
"Numbers are decimal, 0x hex or 0 octal. A hypercall number below 0x100\n"
"is an offset from 0x70760000. See pvhookctl(8).\n";

static const struct command commands[] = {
	{ "info", cmd_info },
	{ "list", cmd_list },
	{ "stats", cmd_stats },
	{ "watch", cmd_watch },
	{ "attach", cmd_attach },
};

/* "CMD: " for messages about command CMD, or nothing for NULL. */
const char *cmd_prefix(const char *cmd)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", cmd ? cmd : "", cmd ? ": " : "");
	return buf;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		fatal("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("out of memory");
	return p;
}

/*
 * getopt_long() without its own messages: -h/--help prints the command's
 * help and exits 0, anything wrong is a usage error.
 */
int next_option(int argc, char **argv, const struct optspec *spec)
{
	char shortopts[64];
	int c;

	snprintf(shortopts, sizeof(shortopts), "%s:%s",
		 spec->stop_at_operand ? "+" : "", spec->shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, spec->longopts, NULL);
	if (c == 'h') {
		fputs(spec->help, stdout);
		exit(0);
	}
	if (c == ':')
		usage_error(spec->cmd, "option '%s' needs an argument",
			    argv[optind - 1]);
	if (c == '?' && optopt)
		usage_error(spec->cmd, "unknown option '-%c'", optopt);
	if (c == '?')
		usage_error(spec->cmd, "unknown option '%s'", argv[optind - 1]);
	return c;
}

void no_more_args(int argc, char **argv, const char *cmd)
{
	if (optind < argc)
		usage_error(cmd, "unexpected argument '%s'", argv[optind]);
}

/* Options of a command that takes none but --help; operands are left. */
void parse_help_only(int argc, char **argv, const char *cmd,
		     const char *help)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = cmd, .help = help, .shortopts = "h",
		.longopts = longopts,
	};

	while (next_option(argc, argv, &spec) != -1)
		;
}

/*
 * SIGINT and SIGTERM, blocked, arrive on a signalfd that every wait polls
 * too: they end the wait and set stop_requested.
 */
void signals_init(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &orig_mask);
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sig_fd < 0)
		fatal("signalfd: %s", strerror(errno));
}

/* In a child about to exec: the signal mask pvhookctl started with. */
void signals_default(void)
{
	if (sig_fd >= 0)
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}

/*
 * poll() @fd (none if negative) for input: its revents, or 0 on timeout
 * or SIGINT/SIGTERM.
 */
int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
	};
	int n;

	if (stop_requested)
		return 0;
	n = poll(pfd, 2, timeout_ms);
	if (n < 0 && errno != EINTR)
		fatal("poll: %s", strerror(errno));
	if (pfd[1].revents & POLLIN)
		stop_requested = true;
	return n > 0 && !stop_requested ? pfd[0].revents : 0;
}

/* Sleep, cut short by SIGINT or SIGTERM. */
void sleep_interruptible(double seconds)
{
	wait_readable(-1, (int)(seconds * 1000));
}

static int run_command(int argc, char **argv)
{
	size_t i;

	if (!strcmp(argv[0], "help")) {
		fputs(main_help, stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[0], commands[i].name)) {
			optind = 0;
			return commands[i].run(argc, argv);
		}
	}
	usage_error(NULL, "unknown command '%s'", argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.help = main_help,
		.shortopts = "h",
		.longopts = longopts,
		.stop_at_operand = true,
	};
	int c;

	program_invocation_short_name = "pvhookctl";
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = next_option(argc, argv, &spec)) != -1) {
		if (c == 'j')
			opts.json = true;
		else if (c == 'd')
			opts.device = optarg;
	}
	if (optind >= argc)
		usage_error(NULL, "no command given");
	return run_command(argc - optind, argv + optind);
}
