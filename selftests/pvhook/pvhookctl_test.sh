#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end test of pvhookctl against a loaded pvhook.ko, with vmm_stub
# as the VMs. Run as root on a test host (never on a machine that matters:
# it creates KVM VMs and changes their pvhook policy). Prints KTAP; exits
# non-zero if any test failed.
#
# usage: pvhookctl_test.sh PVHOOKCTL VMM_STUB
set -u

USAGE="usage: pvhookctl_test.sh PVHOOKCTL VMM_STUB"
CTL=${1:?$USAGE}
STUB=${2:?$USAGE}
T=60			# seconds any one command may take
# How long a vCPU waits for an answer that a shell computes: the default
# 1 s is less than a fork and exec of /bin/sh takes on a debug test host.
EXEC_MS=30000
TMP=$(mktemp -d)
BG=()			# background processes to kill on exit
# vmm_stub pids by name, "none" until started, and their timeout wrappers
declare -A VMM=([ping]=none [user]=none [notify]=none [gone]=none [ops]=none)
declare -A WRAPPER
n=0
fail=0

. "$(dirname "$0")/../lib/uapi.sh"
HC_PING=$(uapi_hc PING) && HC_NOTIFY=$(uapi_hc NOTIFY) &&
	HC_USER=$(uapi_hc USER_FIRST) && HC_OP=$(uapi_hc OP) || exit 1
RET_EPERM=0xffffffffffffffff	# -1, KVM's -EPERM
RET_EINVAL=0xffffffffffffffea	# -22, KVM's -EINVAL

TESTS=(
	info info_json
	ping_vm_runs list list_json stats stats_json watch watch_json
	attach_show policy_deny policy_allow
	serve_echo serve_exec serve_exec_env serve_exec_fails
	events ops_vm_runs events_records ops_stats ops_stats_json ops_watch
	vm_gone
	unknown_command attach_no_vm bad_numbers help
)

cleanup() {
	local p

	for p in "${BG[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

note() { echo "# $*"; }

# check NAME CMD...: one KTAP test line for CMD's status.
check() {
	local name=$1

	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name"
	else
		fail=$((fail + 1))
		echo "not ok $n $name"
	fi
}

ctl() { timeout "$T" "$CTL" "$@"; }

# run_ctl NAME ARGS...: pvhookctl ARGS, output in $TMP/NAME.out and .err;
# a failure shows its error line as a diagnostic.
run_ctl() {
	local name=$1 rc

	shift
	ctl "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		note "pvhookctl $*: exit status $rc"
		sed 's/^/# /' "$TMP/$name.err"
	fi
	return "$rc"
}

# fails_with NAME REGEX ARGS...: pvhookctl ARGS must fail with exactly one
# error line, "pvhookctl: ..." matching REGEX.
fails_with() {
	local name=$1 regex=$2 err=$TMP/$1.err

	shift 2
	if ctl "$@" >/dev/null 2>"$err"; then
		note "pvhookctl $*: succeeded"
		return 1
	fi
	sed 's/^/# stderr: /' "$err"
	[ "$(wc -l <"$err")" = 1 ] || { note "want one error line"; return 1; }
	grep -q '^pvhookctl: ' "$err" && grep -Eq "$regex" "$err"
}

# wait_until SECONDS CMD...: until CMD succeeds, every 0.1 s.
wait_until() {
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# json_ok FILE: every line of FILE is a JSON document (roughly, without
# python3).
json_ok() {
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys
for line in sys.stdin:
    json.loads(line)' <"$1"
	else
		grep -q '^{.*}$' "$1"
	fi
}

# lines NAME: how many lines stub NAME's log has so far.
lines() { wc -l <"$TMP/$1.log"; }

# has_result NAME START RET: a call after line START of stub NAME's log
# got RET.
has_result() {
	tail -n +"$(($2 + 1))" "$TMP/$1.log" | grep -q " ret $3\$"
}

# answered NAME START A0 DELTA: how many calls after line START got their
# argument (A0 + call number) plus DELTA.
answered() {
	tail -n +"$(($2 + 1))" "$TMP/$1.log" |
		awk -v a=$(($3 + $4)) '
			$1 == "vcpu" && $6 == sprintf("0x%x", a + $4) { n++ }
			END { print n + 0 }'
}

# start_stub NAME NR A0 [MS]: a vmm_stub calling NR every MS (default 10)
# ms in the background, its output in $TMP/NAME.log, its pid in VMM[NAME].
start_stub() {
	local log=$TMP/$1.log

	[ "${VMM[$1]}" != none ] && return 0
	timeout 600 "$STUB" --delay "${4:-10}" "$2" "$3" >"$log" 2>&1 &
	WRAPPER[$1]=$!
	BG+=($!)
	if ! wait_until 30 grep -q '^ready$' "$log"; then
		note "vmm_stub $1 did not start:"
		sed 's/^/# /' "$log"
		return 1
	fi
	VMM[$1]=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$log")
	note "vmm_stub $1: pid ${VMM[$1]}, calling $2"
}

# ------------------------------------------------------------------
# The tests

test_info() {
	run_ctl info info || return 1
	sed 's/^/# /' "$TMP/info.out"
	grep -q '^ABI version: *1\.3$' "$TMP/info.out" &&
		grep -Eq '^features: .* ring op ' "$TMP/info.out" &&
		grep -Eq "^$HC_PING +ping " "$TMP/info.out" &&
		grep -Eq "^$HC_OP +op " "$TMP/info.out"
}

test_info_json() {
	run_ctl info_json --json info && json_ok "$TMP/info_json.out" &&
		grep -q '"abi_version":"1.3"' "$TMP/info_json.out" &&
		grep -q '"name":"ping"' "$TMP/info_json.out"
}

# The first VM: PING, answered by pvhook with the argument.
test_ping_vm_runs() {
	start_stub ping $HC_PING 0x1000 &&
		wait_until 10 has_result ping 0 0x1000
}

list_calls() {
	ctl list | awk -v pid="${VMM[ping]}" '$2 == pid { print $7 }'
}

test_list() {
	local c1 c2

	c1=$(list_calls)
	sleep 1
	c2=$(list_calls)
	note "calls of pid ${VMM[ping]}: '$c1', then '$c2'"
	[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ]
}

test_list_json() {
	run_ctl list_json --json list && json_ok "$TMP/list_json.out" &&
		grep -q "\"pid\":${VMM[ping]}," "$TMP/list_json.out"
}

test_stats() {
	run_ctl stats stats "${VMM[ping]}" || return 1
	sed 's/^/# /' "$TMP/stats.out"
	grep -Eq "^$HC_PING +ping +[1-9]" "$TMP/stats.out"
}

test_stats_json() {
	run_ctl stats_json --json stats && json_ok "$TMP/stats_json.out" &&
		grep -q "\"nr\":$((HC_PING)),\"name\":\"ping\"" "$TMP/stats_json.out"
}

test_watch() {
	local refreshes

	run_ctl watch watch --interval 0.2 --count 2 || return 1
	refreshes=$(awk -v pid="${VMM[ping]}" '$2 == pid && $5 > 0' \
		"$TMP/watch.out" | wc -l)
	note "refreshes with pid ${VMM[ping]} calling: $refreshes"
	[ "$refreshes" = 2 ]
}

test_watch_json() {
	run_ctl watch_json --json watch --interval 0.2 --count 2 &&
		json_ok "$TMP/watch_json.out" &&
		[ "$(wc -l <"$TMP/watch_json.out")" = 2 ]
}

test_attach_show() {
	run_ctl show attach --pid "${VMM[ping]}" show &&
		grep -q "^pid: *${VMM[ping]}\$" "$TMP/show.out" &&
		grep -q '^policy: *enabled$' "$TMP/show.out"
}

test_policy_deny() {
	local start

	start=$(lines ping)
	run_ctl deny attach --pid "${VMM[ping]}" policy set --deny 0x02 &&
		wait_until 10 has_result ping "$start" $RET_EPERM
}

ping_echoes() { [ "$(answered ping "$1" 0x1000 0)" -gt 0 ]; }

test_policy_allow() {
	local start

	start=$(lines ping)
	run_ctl allow attach --pid "${VMM[ping]}" policy set --allow 0x02 &&
		wait_until 10 ping_echoes "$start"
}

user_answered() { [ "$(answered user "$1" 0x2000 "$2")" -ge "$3" ]; }

test_serve_echo() {
	start_stub user $HC_USER 0x2000 || return 1
	run_ctl serve_echo attach --pid "${VMM[user]}" serve --nr 0x80 \
		--echo --count 3 || return 1
	sed 's/^/# /' "$TMP/serve_echo.out"
	[ "$(grep -c '^seq ' "$TMP/serve_echo.out")" = 3 ] &&
		wait_until 10 user_answered 0 0 3
}

test_serve_exec() {
	local start

	start=$(lines user)
	run_ctl serve_exec attach --pid "${VMM[user]}" serve \
		--nr $HC_USER --timeout $EXEC_MS --exec 'echo 42' --count 2 &&
		wait_until 10 has_result user "$start" 0x2a
}

test_serve_exec_env() {
	local start

	start=$(lines user)
	# shellcheck disable=SC2016 # expanded by pvhookctl's /bin/sh
	run_ctl serve_env attach --pid "${VMM[user]}" serve --nr 0x80 \
		--timeout $EXEC_MS --exec 'echo $((PVHOOK_ARG0 + 1))' --count 2 &&
		wait_until 10 user_answered "$start" 1 1
}

test_serve_exec_fails() {
	local start

	start=$(lines user)
	run_ctl serve_fail attach --pid "${VMM[user]}" serve --nr 0x80 \
		--timeout $EXEC_MS --exec 'exit 3' --count 1 &&
		grep -q '(command exited with 3)$' "$TMP/serve_fail.out" &&
		wait_until 10 has_result user "$start" $RET_EINVAL
}

# Every event line: "seq S vcpu 0 code C data 0x0 0x0 0x0 dropped D",
# with C the stub's argument, 0x5000 or more.
events_ok() {
	local vcpu code d1 d2 d3 dropped count=0

	while read -r _ _ _ vcpu _ code _ d1 d2 d3 _ dropped; do
		[ "$vcpu" = 0 ] && [ $((code)) -ge $((0x5000)) ] &&
			[ "$d1 $d2 $d3" = "0x0 0x0 0x0" ] &&
			[ "$dropped" -ge 0 ] || return 1
		count=$((count + 1))
	done <"$1"
	[ "$count" = 3 ]
}

test_events() {
	local start

	start_stub notify $HC_NOTIFY 0x5000 || return 1
	start=$(lines notify)
	run_ctl events attach --pid "${VMM[notify]}" events --count 3 ||
		return 1
	sed 's/^/# /' "$TMP/events.out"
	# The guest saw its events taken by one queue.
	events_ok "$TMP/events.out" && has_result notify "$start" 0x1
}

# A guest reporting paravirt operations with PVHOOK_HC_OP: slot 9
# (safe_halt) first, then 10 (halt), 11 ... every 2 s; from slot 32 on
# the calls are refused. Slot 9 is reported exactly once, and the next
# test has 44 s to see records (a debug test host needs more than the 11 s
# that 0.5 s apart gave).
test_ops_vm_runs() {
	start_stub ops $HC_OP 9 2000 && wait_until 10 has_result ops 0 0x0
}

test_events_records() {
	run_ctl records attach --pid "${VMM[ops]}" events --records \
		--count 2 || return 1
	sed 's/^/# /' "$TMP/records.out"
	[ "$(grep -Ec '^seq [0-9]+ vcpu 0 op (halt|op[0-9]+) args 0x[0-9a-f]+ 0x0 time 0 cpu 0 sync dropped 0$' \
		"$TMP/records.out")" = 2 ]
}

test_ops_stats() {
	run_ctl ops_stats stats "${VMM[ops]}" || return 1
	sed 's/^/# /' "$TMP/ops_stats.out"
	grep -Eq '^paravirt operations: 0 flushes, 0 rejected$' \
		"$TMP/ops_stats.out" &&
		grep -Eq '^9 +safe_halt +0 +1$' "$TMP/ops_stats.out" &&
		grep -Eq "^$HC_OP +op +[1-9]" "$TMP/ops_stats.out"
}

test_ops_stats_json() {
	run_ctl ops_stats_json --json stats "${VMM[ops]}" &&
		json_ok "$TMP/ops_stats_json.out" &&
		grep -q '"slot":9,"op":"safe_halt","records":0,"sync_calls":1}' \
			"$TMP/ops_stats_json.out"
}

test_ops_watch() {
	run_ctl ops_watch watch --interval 0.2 --count 1 || return 1
	sed 's/^/# /' "$TMP/ops_watch.out"
	grep -Eq '^[0-9]+ +9 +safe_halt +0 +1 ' "$TMP/ops_watch.out" &&
		run_ctl ops_watch_json --json watch --interval 0.2 --count 1 &&
		json_ok "$TMP/ops_watch_json.out" &&
		grep -q '"op":"safe_halt","records":0,"sync_calls":1,' \
			"$TMP/ops_watch_json.out"
}

test_vm_gone() {
	local out=$TMP/gone.out err=$TMP/gone.err serve rc

	start_stub gone $HC_USER 0x3000 || return 1
	timeout "$T" "$CTL" attach --pid "${VMM[gone]}" serve --nr 0x80 \
		--echo >"$out" 2>"$err" &
	serve=$!
	BG+=("$serve")
	if ! wait_until 10 grep -q '^seq ' "$out"; then
		note "serve answered nothing"
		return 1
	fi
	kill -9 "${VMM[gone]}"
	wait "${WRAPPER[gone]}" 2>/dev/null	# quietly: it was killed
	wait "$serve"
	rc=$?
	sed 's/^/# stderr: /' "$err"
	[ "$rc" = 1 ] && [ "$(wc -l <"$err")" = 1 ] &&
		grep -q '^pvhookctl: the VM is gone$' "$err"
}

test_unknown_command() {
	fails_with unknown "unknown command 'frobnicate'" frobnicate &&
		fails_with unknown_sub "unknown command 'frobnicate'" \
			attach --pid "${VMM[ping]}" frobnicate
}

test_attach_no_vm() {
	fails_with no_vm 'pid 1 ' attach --pid 1 show
}

test_bad_numbers() {
	local pid=${VMM[ping]}

	fails_with bad1 "'0x1x'" attach --pid "$pid" policy set --deny 0x1x &&
	fails_with bad2 "outside" attach --pid "$pid" policy set --deny 0x100 &&
	fails_with bad3 "too large" attach --pid "$pid" policy set \
		--rate 99999999999999999999 &&
	fails_with bad4 "'-1'" watch --count -1 &&
	fails_with bad5 "user range" attach --pid "$pid" serve --nr 0x02 --echo
}

test_help() {
	local args rc=0

	for args in "" "info" "list" "stats" "watch" "attach" "attach show" \
		"attach policy" "attach policy show" "attach policy set" \
		"attach serve" "attach events"; do
		# shellcheck disable=SC2086 # split the command words
		if ! ctl $args --help >"$TMP/help.out" 2>"$TMP/help.err" ||
		   ! grep -q '^usage: pvhookctl' "$TMP/help.out" ||
		   [ -s "$TMP/help.err" ]; then
			note "pvhookctl $args --help failed"
			rc=1
		fi
	done
	return $rc
}

# ------------------------------------------------------------------

if [ ! -x "$CTL" ] || [ ! -x "$STUB" ]; then
	echo "$USAGE" >&2
	exit 2
fi

echo "TAP version 13"
echo "1..${#TESTS[@]}"
note "pvhookctl end-to-end on $(uname -r)"
for t in "${TESTS[@]}"; do
	check "$t" "test_$t"
done
echo "# Totals: pass:$((n - fail)) fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
