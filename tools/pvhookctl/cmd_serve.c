// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl attach ... serve: answer a hypercall number of the VM from
 * this process, with the first argument (--echo) or a shell command's
 * output (--exec).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pvhookctl.h"

static const char serve_help[] =
"usage: pvhookctl [--json] attach --pid PID [--fd N] serve --nr NR\n"
"           [--timeout MS] [--user] (--echo | --exec CMD) [--count N]\n"
"\n"
"Serve hypercall number NR (0x80..0xff or 0x70760080..0x707600ff) for the\n"
"VM and answer each request; print one line per request.\n"
"\n"
"  -n, --nr NR          the number to serve\n"
"  -t, --timeout MS     how long a vCPU waits for an answer before it gets\n"
"                       -110 (ETIMEDOUT); 0: pvhook's default (1000), at\n"
"                       most 60000\n"
"  -u, --user           guest user mode may call it too\n"
"  -e, --echo           answer the first argument\n"
"  -x, --exec CMD       run '/bin/sh -c CMD' per request, with PVHOOK_NR,\n"
"                       PVHOOK_VCPU, PVHOOK_SEQ and PVHOOK_ARG0..3 set\n"
"                       (decimal); answer the number it prints (base 0,\n"
"                       may be negative), or -22 (KVM's EINVAL) if it fails\n"
"                       or prints no number\n"
"  -c, --count N        exit after N requests (default: until SIGINT or\n"
"                       SIGTERM)\n";

#define EXEC_OUTPUT_MAX	256
#define EXEC_NOTE_SIZE	64	/* why a command gave no answer */

struct serve_args {
	struct pvhook_serve srv;
	const char *exec;	/* NULL: --echo */
	u64 count;
};

static void parse_serve_option(struct serve_args *sa, int c, bool *echo)
{
	const char *cmd = "attach serve";

	if (c == 'n')
		sa->srv.nr = PVHOOK_HC_BASE + arg_hc_nr(cmd, optarg);
	else if (c == 't')
		sa->srv.timeout_ms = arg_u64(cmd, "timeout", optarg,
					     PVHOOK_SERVE_TIMEOUT_MAX_MS);
	else if (c == 'u')
		sa->srv.flags |= PVHOOK_SERVE_F_USER;
	else if (c == 'e')
		*echo = true;
	else if (c == 'x')
		sa->exec = optarg;
	else if (c == 'c')
		sa->count = arg_u64(cmd, "count", optarg, ~0ULL);
}

void *serve_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "nr", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "user", no_argument, NULL, 'u' },
		{ "echo", no_argument, NULL, 'e' },
		{ "exec", required_argument, NULL, 'x' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "attach serve", .help = serve_help,
		.shortopts = "n:t:uex:c:h", .longopts = longopts,
	};
	struct serve_args *sa = xcalloc(1, sizeof(*sa));
	bool echo = false;
	int c;

	while ((c = next_option(argc, argv, &spec)) != -1)
		parse_serve_option(sa, c, &echo);
	no_more_args(argc, argv, "attach serve");
	if (!sa->srv.nr)
		usage_error("attach serve", "--nr is required");
	if (sa->srv.nr < PVHOOK_HC_USER_FIRST)
		usage_error("attach serve",
			    "%#llx is not in the user range %#lx..%#lx",
			    sa->srv.nr, PVHOOK_HC_USER_FIRST,
			    PVHOOK_HC_USER_LAST);
	if (echo == !!sa->exec)
		usage_error("attach serve", "give one of --echo and --exec");
	return sa;
}

/* ------------------------------------------------------------------ */
/* --exec */

static void setenv_u64(const char *name, u64 v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", v);
	setenv(name, buf, 1);
}

/*
 * In the child: stdout to @out, the request in the environment, exec;
 * never returns.
 */
static void exec_child(const char *cmd, const struct pvhook_msg *m, int out)
{
	static const char *const arg_names[] = {
		"PVHOOK_ARG0", "PVHOOK_ARG1", "PVHOOK_ARG2", "PVHOOK_ARG3",
	};
	int null = open("/dev/null", O_RDONLY);
	size_t i;

	signals_default();
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	setenv_u64("PVHOOK_NR", m->nr);
	setenv_u64("PVHOOK_VCPU", m->vcpu);
	setenv_u64("PVHOOK_SEQ", m->seq);
	for (i = 0; i < ARRAY_SIZE(arg_names); i++)
		setenv_u64(arg_names[i], m->args[i]);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* All of @fd's data; keeps the first @size - 1 bytes, returns the total. */
static size_t read_all(int fd, char *buf, size_t size)
{
	char scratch[512];
	size_t total = 0;
	ssize_t n;

	for (;;) {
		if (total < size - 1)
			n = read(fd, buf + total, size - 1 - total);
		else
			n = read(fd, scratch, sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	buf[total < size - 1 ? total : size - 1] = '\0';
	return total;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
	return status;
}

/* The number the command printed, two's complement if negative. */
static int parse_answer(char *out, u64 *ret)
{
	char *end = out + strlen(out);
	bool neg;

	while (isspace((unsigned char)*out))
		out++;
	while (end > out && isspace((unsigned char)end[-1]))
		*--end = '\0';
	neg = *out == '-';
	if (parse_u64(out + neg, ret))
		return -1;
	if (neg)
		*ret = -*ret;
	return 0;
}

/*
 * Run the --exec command for request @m: its answer, or -KVM_EINVAL with
 * the reason in @note.
 */
static u64 run_exec(const char *cmd, const struct pvhook_msg *m,
		    char *note, size_t size)
{
	char out[EXEC_OUTPUT_MAX];
	int fds[2], status;
	size_t len;
	pid_t pid;
	u64 ret;

	if (pipe2(fds, O_CLOEXEC))
		fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fatal("fork: %s", strerror(errno));
	if (pid == 0)
		exec_child(cmd, m, fds[1]);
	close(fds[1]);
	len = read_all(fds[0], out, sizeof(out));
	close(fds[0]);
	status = wait_child(pid);
	if (WIFSIGNALED(status))
		snprintf(note, size, "command killed by signal %d",
			 WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(note, size, "command exited with %d",
			 WEXITSTATUS(status));
	else if (len >= sizeof(out) || parse_answer(out, &ret))
		snprintf(note, size, "command printed no number");
	else
		return ret;
	return (u64)-KVM_EINVAL;
}

/* ------------------------------------------------------------------ */
/* The request loop */

/* A request and the answer: "seq ... -> 0xRET (error)" or a JSON line. */
static const struct field request_fields[] = {
	{ "seq", NULL, "seq", FIELD_U64 },
	{ "vcpu", NULL, "vcpu", FIELD_U64 },
	{ "nr", NULL, "nr", FIELD_HEX },
	{ "args", NULL, "args", FIELD_HEX_LIST },
	{ "cpl", NULL, NULL, FIELD_U64 },
	{ "long_mode", NULL, NULL, FIELD_BOOL },
	{ "ret", NULL, "->", FIELD_HEX },
	{ "answered", NULL, NULL, FIELD_BOOL },
	{ "error", NULL, NULL, FIELD_STR },
	{ NULL, NULL, "", FIELD_STR },		/* "(error)" */
	{ NULL, NULL, "", FIELD_STR },		/* not answered */
};

static void print_request(const struct pvhook_msg *m, u64 ret,
			  const char *note, bool late)
{
	char paren[EXEC_NOTE_SIZE + 2];
	struct out o;

	snprintf(paren, sizeof(paren), "(%s)", note);
	out_begin(&o, OUT_RECORD, NULL, request_fields,
		  ARRAY_SIZE(request_fields));
	put_u64(&o, m->seq);
	put_u64(&o, m->vcpu);
	put_u64(&o, m->nr);
	put_u64s(&o, m->args, 4);
	put_u64(&o, m->cpl);
	put_u64(&o, m->flags & PVHOOK_MSG_F_LONG_MODE);
	put_u64(&o, ret);
	put_u64(&o, !late);
	put_str(&o, *note ? note : NULL);
	put_str(&o, *note ? paren : NULL);
	put_str(&o, late ? "(too late: no vCPU waits)" : NULL);
	out_end(&o);
}

static void answer(int h, const struct serve_args *sa,
		   const struct pvhook_msg *m)
{
	char note[EXEC_NOTE_SIZE] = "";
	u64 ret;
	bool late;

	if (sa->exec)
		ret = run_exec(sa->exec, m, note, sizeof(note));
	else
		ret = m->args[0];
	late = vm_reply(h, m->seq, ret) == -ENOENT;
	print_request(m, ret, note, late);
}

int serve_run(int h, void *args)
{
	struct serve_args *sa = args;
	struct pvhook_msg msgs[16];
	u64 done = 0;
	size_t n, i;

	signals_init();
	vm_serve(h, &sa->srv);
	print_text("serving 0x%llx\n", sa->srv.nr);
	while (!sa->count || done < sa->count) {
		n = msg_batch(sa->count, done, ARRAY_SIZE(msgs));
		n = vm_wait_msgs(h, msgs, n);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			if (msgs[i].type != PVHOOK_MSG_REQUEST)
				continue;
			answer(h, sa, &msgs[i]);
			done++;
		}
	}
	return 0;
}
