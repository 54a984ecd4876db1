#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP selftests: the in-guest entry point.
#
# Run from the repository root as selftests/run.sh inside a guest, with the
# xtcp module already loaded and the helpers built on the host
# (make -C selftests KSRC=...). Prints kselftest TAP on stdout (each test's
# own TAP nested as "# " lines) and exits 0; the harness counts the cases.
#
# Environment:
#   XTCP_KO             absolute path to xtcp.ko for the running kernel
#                       (xtcp_module.sh unloads and reloads it)
#   XTCP_GUEST          stock (default) or debug: smaller transfers, longer
#                       timeouts in the KASAN guest
#   XTCP_TESTS          run exactly this space-separated list instead
#   XTCP_TEST_PROTO     xtcp (default) or tcp, for the protocol tests
#   XTCP_TEST_TIMEOUT   seconds per test (default 900, 3600 in debug)
#   XTCP_RUN_END        seconds since the epoch (scripts/guest-tests.sh):
#                       when run.sh itself is stopped. No program's
#                       timeout runs past it (less 30 s, 90 s in debug,
#                       for a killed program's cleanup), and a program
#                       whose time in selftests/durations.txt does not
#                       fit before that (with half again and a minute to
#                       spare) is reported as skipped ("# SKIP time
#                       budget spent"), not started
#   KSRC                kernel source with tools/testing/selftests (default:
#                       the newest /root/.cache/xtcp/src/linux-source-*)

HERE=$(cd "$(dirname "$0")" && pwd)

export XTCP_GUEST=${XTCP_GUEST:-stock}
export XTCP_KO=${XTCP_KO:-}
export XTCP_TEST_PROTO=${XTCP_TEST_PROTO:-xtcp}

# The socket API, the protocol over namespaces and netem, then the module's
# lifetime: xtcp_teardown.sh first checks that every socket of the earlier
# tests was freed (the module's reference count returns to zero once their
# orphans are done), then unloads and reloads the module, as does
# xtcp_module.sh.
XTCP_API_TESTS="xtcp_socket_test xtcp_api_test xtcp_sockapi_test xtcp_sweep.sh
	xtcp_sweep6.sh xtcp_cc_test xtcp_tcpopt_test xtcp_ipv6_test"
# Data-moving scenarios again over IPv6 (XTCP_FAMILY=6, AF_XTCP sockets
# given IPv6 addresses): in the stock guest, and loss in the debug guest
# too (retransmission, SACK and reassembly over IPv6 under KASAN). They
# run last, the short ones and the loss scenarios first, the timing ones
# (their IPv4 runs measure the same rates) last: what a short budget skips
# is a scenario that already ran over IPv4.
XTCP_IPV6_TESTS="xtcp_clean6.sh xtcp_loss6.sh xtcp_reorder6.sh
	xtcp_dup6.sh xtcp_corrupt6.sh xtcp_reset6.sh xtcp_half_close6.sh
	xtcp_simult_close6.sh xtcp_timewait6.sh xtcp_nonblock6.sh
	xtcp_backlog6.sh xtcp_many_conns6.sh xtcp_timeout6.sh xtcp_remote6.sh
	xtcp_slow_reader6.sh xtcp_memcg6.sh xtcp_mem_synack6.sh xtcp_icmp6.sh
	xtcp_csum_complete6.sh
	xtcp_interop6.sh xtcp_pkt6.sh xtcp_mem_limit6.sh
	xtcp_sack6.sh xtcp_tstamp6.sh xtcp_synflood6.sh xtcp_timers6.sh
	xtcp_wscale6.sh xtcp_tsq6.sh xtcp_cc6.sh xtcp_rack6.sh
	xtcp_tw_reconnect6.sh"
XTCP_IPV6_STOCK_ONLY=$(echo " $XTCP_IPV6_TESTS " | tr -s ' \t\n' ' ' |
	sed 's/ xtcp_loss6.sh / /')
XTCP_PROTOCOL_TESTS="xtcp_clean.sh xtcp_sendfile.sh xtcp_half_close.sh xtcp_refused.sh
	xtcp_nonblock.sh xtcp_reset.sh xtcp_loss.sh xtcp_reorder.sh
	xtcp_dup.sh xtcp_corrupt.sh xtcp_slow_reader.sh xtcp_simult_close.sh
	xtcp_timewait.sh xtcp_timeout.sh xtcp_many_conns.sh xtcp_backlog.sh
	xtcp_icmp.sh xtcp_mem_limit.sh xtcp_memcg.sh xtcp_synflood.sh
	xtcp_remote.sh xtcp_timers.sh xtcp_fuzz.sh xtcp_segfuzz.sh
	xtcp_segfuzz6.sh xtcp_cc.sh xtcp_tstamp.sh
	xtcp_wscale.sh xtcp_sack.sh xtcp_tw_reconnect.sh xtcp_mem_synack.sh
	xtcp_csum_complete.sh xtcp_gso.sh xtcp_wqueue.sh xtcp_rx_backlog.sh
	xtcp_clock.sh
	xtcp_tsq.sh xtcp_rack.sh
	xtcp_ipv6.sh
	xtcp_slab.sh"
# Independent referees (issue 4): a Scapy peer asserting XTCP's segments one
# by one, and the kernel's TCP through a protocol-swapping router.
XTCP_CONFORMANCE_TESTS="xtcp_pkt.sh xtcp_interop.sh"
# Real NIC drivers on emulated hardware (the stock guest gets the NICs:
# scripts/vm-run.sh --nic); the debug kernel has no Ethernet drivers.
XTCP_NIC_TESTS="xtcp_nic.sh"
# Operators' tools (tools/xtcp-ss through xtcp_diag.ko, tools/xtcp-nstat,
# the tracepoints); xtcp_diag.ko exists only for kernels with inet_diag
# (not the debug one).
XTCP_TOOL_TESTS="xtcp_diag.sh xtcp_trace.sh xtcpize.sh"
# The module's lifetime: xtcp_teardown.sh finds every socket of the
# earlier tests freed and unloads and reloads the module, as does
# xtcp_module.sh. Then timer and lifetime races (rmmod attempts,
# namespaces deleted under load), which the debug guest runs first, under
# KASAN: in the stock guest a short budget skips them, not the lifetime
# tests, which run nowhere else. The IPv6 reruns come after them, and the
# teardown over IPv6 after those (it finds the races' sockets and theirs
# freed too; guest-tests.sh's rmmod after the last program does as well).
XTCP_RACE_TESTS="xtcp_races.sh xtcp_races6.sh"
XTCP_LIFETIME_TESTS="xtcp_teardown.sh xtcp_module.sh"
XTCP_LIFETIME6_TESTS="xtcp_teardown6.sh"

# The debug guest (KASAN, lockdep, kmemleak; about five times slower) runs
# what exercises memory and locking; the scenarios that mostly wait on
# timers (non-blocking connect, slow reader, timeouts, backlog, the timer
# and orphan-lifetime scenarios of xtcp_timers.sh and xtcp_remote.sh) and the
# conformance referees, which check what goes on the wire, not memory, run
# in the stock guest only, as does xtcp_memcg.sh (the debug kernel has no
# memory cgroups). So do the tests that compare rates and times (window
# scaling against the 64 KiB ceiling, SACK against NewReno, SRTT against
# the path's RTT, HyStart++, reconnect delays, the small queues' qdisc
# backlog against a tbf's rate): under KASAN the guest is
# CPU-bound, not window- or loss-bound. Window scaling, timestamps, SACK,
# GSO and GRO are on by default, so every transfer of the debug guest runs
# through them; the captures of xtcp_gso.sh, the tracepoints, the function
# tracer of xtcp_clock.sh (the debug kernel has none) and the GRE
# and pressure cases of the SYN-ACK window stay in the stock guest, to keep
# the debug guest within CI's time.
# The debug guest also leaves out scenarios whose code paths the programs
# it keeps go through too, each of which took two to five minutes under
# KASAN: a FIN after data (every transfer ends so, and xtcp_races.sh
# half-closes under load), the reset for a closed port (the reply path of
# xtcp_reset.sh's resets), duplicate and corrupted segments (dropped on
# the receive path that xtcp_loss.sh and xtcp_reorder.sh load), many
# connections at once (xtcp_mem_limit.sh holds 120), and simultaneous
# close. The debug guest has to fit in CI's time beside the stock guest.
XTCP_DEBUG_SKIP="xtcp_half_close.sh xtcp_refused.sh xtcp_dup.sh
	xtcp_corrupt.sh xtcp_simult_close.sh xtcp_many_conns.sh"
# The debug guest starts with what KASAN, lockdep and kmemleak find most
# in: the socket API, random and hostile calls and segments (IPv4 and
# IPv6), lifetime races and memory
# pressure. When CI's time runs short (XTCP_RUN_END), what it skips is the
# end of the list: the IPv6 loss rerun, then protocol scenarios the stock
# guest runs too (guest-tests.sh still unloads the module, and kmemleak
# still scans, after the last program). xtcp_synflood.sh keeps its later place: its rate checks need a
# listener that handles SYNs faster than the flood's 70 a second, and a
# KASAN guest beside a busy stock guest handled about 3 (SyncookiesSent
# 619 where it wants 1000, on 2026-12-02).
XTCP_DEBUG_FIRST="xtcp_socket_test xtcp_api_test xtcp_sockapi_test xtcp_fuzz.sh
	xtcp_segfuzz.sh xtcp_segfuzz6.sh xtcp_races.sh xtcp_races6.sh xtcp_sweep.sh
	xtcp_sweep6.sh xtcp_mem_limit.sh"
XTCP_STOCK_ONLY="$XTCP_DEBUG_SKIP xtcp_nonblock.sh xtcp_slow_reader.sh xtcp_timeout.sh
	xtcp_backlog.sh xtcp_tcpopt_test xtcp_memcg.sh xtcp_timers.sh xtcp_remote.sh
	xtcp_wscale.sh xtcp_sack.sh xtcp_tstamp.sh xtcp_cc.sh xtcp_tw_reconnect.sh
	xtcp_gso.sh xtcp_trace.sh xtcp_clock.sh xtcp_csum_complete.sh xtcp_mem_synack.sh
	$XTCP_CONFORMANCE_TESTS
	$XTCP_NIC_TESTS xtcp_diag.sh xtcp_rack.sh xtcpize.sh xtcp_tsq.sh
	xtcp_slab.sh $XTCP_IPV6_STOCK_ONLY"

if [ -n "${XTCP_TESTS:-}" ]; then
	tests=$XTCP_TESTS
else
	tests="$XTCP_API_TESTS $XTCP_PROTOCOL_TESTS $XTCP_CONFORMANCE_TESTS $XTCP_NIC_TESTS
		$XTCP_TOOL_TESTS $XTCP_LIFETIME_TESTS $XTCP_RACE_TESTS $XTCP_IPV6_TESTS
		$XTCP_LIFETIME6_TESTS"
	if [ "$XTCP_GUEST" = debug ]; then
		for t in $XTCP_STOCK_ONLY $XTCP_DEBUG_FIRST; do
			tests=$(echo " $tests " | tr -s ' \t\n' ' ' | sed "s/ $t / /")
		done
		tests="$XTCP_DEBUG_FIRST $tests"
	fi
fi

if [ "$XTCP_GUEST" = debug ]; then
	prog_timeout=${XTCP_TEST_TIMEOUT:-3600}
	kill_grace=90
else
	prog_timeout=${XTCP_TEST_TIMEOUT:-900}
	kill_grace=30
fi
kselftest_default_timeout=$prog_timeout

if [ -z "${KSRC:-}" ]; then
	for d in /root/.cache/xtcp/src/linux-source-* \
		 "${HOME:-/root}"/.cache/xtcp/src/linux-source-*; do
		[ -f "$d/tools/testing/selftests/kselftest/runner.sh" ] && KSRC=$d
	done
fi
BASE_DIR=${KSRC:+$KSRC/tools/testing/selftests}
export BASE_DIR

for t in $tests; do
	[ -x "$HERE/$t" ] ||
		echo "run.sh: $HERE/$t missing: build with make -C selftests" >&2
done
echo "run.sh: guest=$XTCP_GUEST kernel=$(uname -r) timeout=${kselftest_default_timeout}s tests: ${tests//[[:space:]]/ }" >&2

# Copy the TAP stream through, and after each program's result line tell
# stderr how long that program took, so slow ones show in the host's
# kselftest.stderr and in check.sh's summary.
stamp() {
	local l t0=$SECONDS

	while IFS= read -r l; do
		printf '%s\n' "$l"
		case $l in
		"ok "[0-9]*" selftests: "* | "not ok "[0-9]*" selftests: "*)
			l=${l%% # *}
			echo "run.sh: ${l##*[: /]} took $((SECONDS - t0)) s" >&2
			t0=$SECONDS
			;;
		esac
	done
}

# expected TEST: the seconds TEST takes in this guest (selftests/durations.txt;
# 300 without an entry).
expected() {
	local col=2

	[ "$XTCP_GUEST" != debug ] || col=3
	awk -v t="${1#./}" -v col="$col" '
		$1 == t && $col ~ /^[0-9]+$/ { e = $col }
		END { print (e == "" ? 300 : e) }' "$HERE/durations.txt" 2>/dev/null ||
		echo 300
}

# past_deadline TEST: true when TEST, given half again its expected time
# and a minute more, would not end (and leave $kill_grace for a cleanup)
# before XTCP_RUN_END. A short program may still start after a long one
# was skipped.
past_deadline() {
	local end=${XTCP_RUN_END:-} e

	[ -n "$end" ] || return 1
	e=$(expected "$1")
	[ $(($(date +%s) + e * 3 / 2 + 60 + kill_grace)) -gt "$end" ]
}

# cap_timeout: set this program's timeout, kselftest_default_timeout, to
# $prog_timeout, or less if XTCP_RUN_END comes first: a program that hangs
# then fails alone, and the ones after it still report (as skipped). The
# timeout ends $kill_grace seconds before XTCP_RUN_END: a program killed
# by its timeout still runs its cleanup (namespaces deleted, sockets
# closed: half a minute and more under KASAN), and run.sh must be done
# before guest-tests.sh's own timeout, or every result still to come is
# lost (CI, 2026-12-06: the debug guest's run.sh was killed so).
cap_timeout() {
	local left

	kselftest_default_timeout=$prog_timeout
	[ -n "${XTCP_RUN_END:-}" ] || return 0
	left=$((XTCP_RUN_END - kill_grace - $(date +%s)))
	[ "$left" -ge 60 ] || left=60
	[ "$left" -ge "$prog_timeout" ] || kselftest_default_timeout=$left
}

# watchdog SECS NAME: SECS from now, shortly before NAME's timeout, show
# what the guest's tasks wait in: every task on stderr (with the kernel
# stack of those in D state), and one TAP comment naming the user tasks
# and their wait channels, which check.sh adds to the timeout's result.
watchdog() {
	local p tasks

	sleep "$1" || return 0
	# User tasks other than the shells, sleeps and this watchdog.
	tasks=$(ps -eo ppid=,stat=,comm=,wchan:32= |
		awk '$1 != 2 && $1 != 0 && $3 !~ /^(bash|sh|sleep|ps|awk|sed|perl|timeout|tee|run\.sh|guest-tests\.sh|systemd.*|udevd|agetty|init|virtme.*)$/ {
			printf "%s%s(%s %s)", sep, $3, $2, $4; sep = " " }')
	echo "# run.sh: watchdog: $2 still running after $1 s; tasks: ${tasks:-none}"
	echo "run.sh: $2 still running after $1 s; the guest's tasks:" >&2
	ps -eo pid,ppid,stat,etimes,wchan:32,args >&2
	for p in $(ps -eo pid=,stat= | awk '$2 ~ /^D/ { print $1 }'); do
		echo "run.sh: $p ($(cat "/proc/$p/comm" 2>/dev/null)) in D state:" >&2
		cat "/proc/$p/stack" >&2 2>/dev/null
	done
}

# run_budgeted TEST...: runner.sh's run_many, except that a program that
# would not end before XTCP_RUN_END (past_deadline) is reported as skipped: the guest's time
# is spent, and a guest stopped in the middle of a program would lose the
# results still to come, its kernel log scan and kmemleak's. Each program's
# timeout is capped (cap_timeout) and watched (watchdog).
run_budgeted() {
	local t wd

	echo "TAP version 13"
	echo "1..$#"
	DIR="${PWD#"${BASE_DIR}"/}"
	# runner.sh's run_one numbers its result line from this global.
	test_num=0
	for t in "$@"; do
		test_num=$((test_num + 1))
		if past_deadline "$t"; then
			echo "run.sh: ${t#./} not started: the guest's time budget is spent" >&2
			echo "# selftests: $DIR: ${t#./}"
			echo "ok $test_num selftests: $DIR: ${t#./} # SKIP time budget spent"
			continue
		fi
		cap_timeout
		watchdog $((kselftest_default_timeout > 60 ? kselftest_default_timeout - 20 : kselftest_default_timeout * 2 / 3)) \
			"${t#./}" &
		wd=$!
		run_one "$DIR" "$t" "$test_num"
		# The watchdog and its sleep.
		pkill -P "$wd" 2>/dev/null
		kill "$wd" 2>/dev/null
		wait "$wd" 2>/dev/null
	done
}

# main: run the list. All in functions, ended by exit on the same line:
# bash reads a script as it runs, and this file may be edited on the host
# while a guest runs it.
main() {
	local t n rc

	cd "$HERE" || exit 0
	list=()
	for t in $tests; do
		list+=("./$t")
	done

	if [ -n "$BASE_DIR" ]; then
		# shellcheck source=/dev/null
		. "$BASE_DIR/kselftest/runner.sh"
		# runner.sh reset it to its default of 45 s; cap_timeout sets it.
		export kselftest_default_timeout
		# runner.sh sends each test's output to $logfile, /dev/stdout. Under
		# virtme-ng /dev/stdout is a symlink to a virtio port that goes straight
		# to the host, past any redirection of ours, so use our own fd 1 and make
		# it a pipe: reopening a pipe shares it, while reopening a regular file
		# would write at a second file offset.
		export logfile=/proc/self/fd/1
		run_budgeted "${list[@]}" | stamp
		exit 0
	fi

	# No kernel source in reach: the same output, without runner.sh.
	echo "run.sh: no KSRC with tools/testing/selftests/kselftest/runner.sh; using a minimal runner" >&2
	echo "TAP version 13"
	echo "1..${#list[@]}"
	n=0
	for t in "${list[@]}"; do
		n=$((n + 1))
		echo "# selftests: xtcp: ${t#./}"
		if past_deadline "$t"; then
			echo "ok $n selftests: xtcp: ${t#./} # SKIP time budget spent"
			continue
		fi
		rc=0
		cap_timeout
		{ timeout "$kselftest_default_timeout" "$t" 2>&1 || rc=$?; echo "$rc" >"/tmp/xtcp-run.$$.rc"; } |
			sed -u 's/^/# /'
		rc=$(cat "/tmp/xtcp-run.$$.rc")
		rm -f "/tmp/xtcp-run.$$.rc"
		case $rc in
		0) echo "ok $n selftests: xtcp: ${t#./}" ;;
		4) echo "ok $n selftests: xtcp: ${t#./} # SKIP" ;;
		124) echo "not ok $n selftests: xtcp: ${t#./} # TIMEOUT $kselftest_default_timeout seconds" ;;
		*) echo "not ok $n selftests: xtcp: ${t#./} # exit=$rc" ;;
		esac
	done | stamp
	exit 0
}

main "$@"; exit
