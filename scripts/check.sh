#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: what `make check` runs. Owns the whole test pipeline:
#   setup (scripts/setup.sh) -> debug kernel (cached) -> xtcp.ko for the
#   stock and the debug kernel -> selftests built on the host -> one stock
#   guest and one debug guest at once (two guest slots, lib.sh), each
#   running scripts/guest-tests.sh once ->
#   per-test results, log scan, phase durations, and a last line
#   "N passed, N failed[, N skipped]".
# Exits non-zero on any failure, or when no test ran.
#
# Layout (all under $XTCP_OUT, default out/, gitignored):
#   out/stock/xtcp.ko                  module for the Debian stock kernel
#   out/debug/xtcp.ko, xtcp_kunit.ko   modules for the debug kernel
#   out/{stock,debug}/build.log        their build logs (src/ is the copy built)
#   out/selftests-build.log
#   out/results/KIND/                  the guest's --rwdir:
#       kselftest.tap  kunit/SUITE.results  dmesg.txt  kmemleak.txt (debug)
#       errors.txt (harness problems)  done  console.log (kernel console)
#       guest.out (guest-tests.sh progress)
#
# With the stock guest, scripts/nic-pair.sh then boots two stock guests at
# once joined by emulated NICs (two kernels, one link per NIC model);
# XTCP_NIC_PAIR=1 or 0 forces it on or off (default: on unless XTCP_TESTS
# picks tests).
#
# Knobs: XTCP_STOCK_TIMEOUT / XTCP_DEBUG_TIMEOUT (seconds per guest, boot
# included; default 4800 / 4800); XTCP_BUDGET_END (seconds since the
# epoch, set by .ci/run): the guests get at most what is left until then,
# less the NIC pair's share, and selftests/run.sh starts no program whose
# time (selftests/durations.txt) would not fit (reported as skipped);
# XTCP_GUESTS="stock debug" (the default) picks the guests, e.g. XTCP_GUESTS=stock for a quick local run (that
# skips the debug kernel, its module and its guest: not a full check).
# XTCP_DEMO_STATUS=N (set by .ci/run, which runs `make demo` first) counts
# the demo as one more result: PASS when N is 0. Other exported XTCP_*
# variables (XTCP_TESTS...) are passed on to selftests/run.sh in the guests.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

stock_tmo=${XTCP_STOCK_TIMEOUT:-4800}
debug_tmo=${XTCP_DEBUG_TIMEOUT:-4800}
guests=${XTCP_GUESTS:-stock debug}
want() { [[ " $guests " == *" $1 "* ]]; }

t_all=$(date +%s)
phases=()
npass=0 nfail=0 nskip=0
listing=()
failed=()
finished=0

# result STATUS LABEL [CONTEXT]: one test result (PASS, FAIL or SKIP).
# A failure's label and CONTEXT (what its program said last, lines
# joined by \037) are repeated at the very end (print_failed).
result() {
	case "$1" in
	PASS) npass=$((npass + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	*)
		nfail=$((nfail + 1))
		failed+=("$2")
		[ -z "${3:-}" ] || failed+=("    ${3//$'\037'/$'\n'    }")
		;;
	esac
	listing+=("$(printf '%-4s %s' "$1" "$2")")
}

# print_failed: the failures again, after the durations, each with the
# last lines its program said, so that the tail of the output (all that
# a CI summary may keep) says what failed and why. At most 30 lines.
print_failed() {
	((nfail != 0)) || return 0
	echo
	echo "Failed ($nfail):"
	printf '%s\n' "${failed[@]}" | cut -c1-240 |
		awk 'NR <= 30 { print "  " $0 } END { if (NR > 30) printf "  ... %d more lines: see Results and the failure reports above\n", NR - 30 }'
}

phase() { # phase NAME START
	phases+=("$(printf '%-22s %5d s' "$1" $(($(date +%s) - $2)))")
}

# shellcheck disable=SC2317 # run by the EXIT trap
finish() {
	local rc=$?
	if ((finished == 0)); then
		# set -e stopped us somewhere unexpected: that is a failure too.
		log "check.sh stopped unexpectedly (status $rc)"
		result FAIL "check.sh: stopped unexpectedly (status $rc)"
		print_listing
	fi
	echo
	echo "Durations:"
	local p
	for p in "${phases[@]}"; do echo "  $p"; done
	printf '  %-22s %5d s\n' total $(($(date +%s) - t_all))
	print_failed
	if ((npass + nfail + nskip == 0)); then
		echo "error: no test ran"
	fi
	local line="$npass passed, $nfail failed"
	((nskip == 0)) || line+=", $nskip skipped"
	echo "$line"
	if ((nfail != 0 || npass + nfail + nskip == 0)); then
		exit 1
	fi
	exit 0
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

print_listing() {
	local l
	echo
	echo "Results:"
	for l in "${listing[@]}"; do echo "  $l"; done
}

# KTAP from a KUnit debugfs results file -> "STATUS<TAB>name" per leaf
# case. A result line is a leaf unless the result line just before it is
# nested deeper (children come before their parent in KTAP). Names are
# suite.case (or suite.case.param), built from the "# Subtest:" headers.
# 6.1 keeps only the last parameter's lines of a parameterised case in
# debugfs, so such a case counts from its "# case: pass:P fail:F skip:S"
# line, one result per parameter.
parse_ktap() {
	awk '
	function indent(s) { match(s, /^ */); return RLENGTH }
	/^[ ]*# Subtest: / {
		d = indent($0); h = $0; sub(/^[ ]*# Subtest: /, "", h)
		hdr[d] = h
		for (k in hdr) if (k + 0 > d) delete hdr[k]
		next
	}
	/^[ ]*# [^ ]+: pass:[0-9]+ fail:[0-9]+ skip:[0-9]+ total:[0-9]+/ {
		d = indent($0); l = substr($0, d + 3)
		nm = l; sub(/: pass:.*$/, "", nm)
		split(l, f, /[ :]+/)
		summ[d, nm] = f[3] " " f[5] " " f[7]
		next
	}
	/^[ ]*(not )?ok [0-9]+/ {
		d = indent($0); line = substr($0, d + 1)
		n++; ind[n] = d
		st[n] = (line ~ /^not ok/) ? "FAIL" : "PASS"
		if (line ~ /#[ ]*SKIP/) st[n] = "SKIP"
		nm = line
		sub(/^(not )?ok [0-9]+ (- )?/, "", nm); sub(/[ ]*#.*$/, "", nm)
		name[n] = nm
		path[n] = ""
		for (k = 0; k <= d; k++) if (k in hdr) path[n] = path[n] hdr[k] "."
		if ((d, nm) in summ) { sm[n] = summ[d, nm]; delete summ[d, nm] }
	}
	END {
		for (i = 1; i <= n; i++)
			if (ind[i] > 0 && (i in sm))
				for (j = i - 1; j >= 1 && ind[j] > ind[i]; j--) covered[j] = 1
		for (i = 1; i <= n; i++) {
			leaf = (i == 1 || ind[i - 1] <= ind[i])
			if (leaf && !(i in covered)) {
				printf "%s\t%s%s\n", st[i], path[i], name[i]
			} else if (!leaf && ind[i] > 0 && (i in sm)) {
				split(sm[i], c, " "); t = c[1] + c[2] + c[3]; k = 0
				for (x = 1; x <= c[1]; x++) printf "PASS\t%s%s (param %d/%d)\n", path[i], name[i], ++k, t
				for (x = 1; x <= c[2]; x++) printf "FAIL\t%s%s (param %d/%d)\n", path[i], name[i], ++k, t
				for (x = 1; x <= c[3]; x++) printf "SKIP\t%s%s (param %d/%d)\n", path[i], name[i], ++k, t
				if (t == 0) printf "%s\t%s%s\n", st[i], path[i], name[i]
			}
		}
	}' "$1"
}

# kselftest runner TAP -> "STATUS<TAB>prog: case" per nested leaf case
# ("# ok N ..." lines); a program with no nested cases counts once by its
# top-level line; a top-level "not ok" whose nested cases show no failure
# adds one failure; missing top-level results (plan vs. lines) fail too.
parse_kselftest() {
	awk '
	# The context of a failure (see result), lines joined by \037: the
	# first line since the last result that starts with "FAIL" (a Scapy
	# scenario'"'"'s reason, before its packet trace), then the last lines
	# the program said ("# # " lines), four in all.
	function heard(   i, c, n) {
		c = ""; n = 4
		if (hf) { c = substr(h[hf], 1, 200); n = 3 }
		for (i = (nh > n ? nh - n + 1 : 1); i <= nh; i++)
			if (i != hf) c = c (c == "" ? "" : "\037") substr(h[i], 1, 200)
		nh = 0; hf = 0
		return c
	}
	function flush(st, dir,   i, anyfail, c) {
		c = heard()
		if (np == 0) { printf "%s\t%s%s\t%s\n", st, prog, dir, (st == "FAIL" ? c : ""); return }
		anyfail = 0
		for (i = 1; i <= np; i++) {
			printf "%s\t%s: %s\t%s\n", pst[i], prog, pname[i], (pst[i] == "FAIL" ? pctx[i] : "")
			if (pst[i] == "FAIL") anyfail = 1
		}
		if (st == "FAIL" && !anyfail) printf "FAIL\t%s: program failed%s\t%s\n", prog, dir, c
		np = 0
	}
	/^1\.\.[0-9]+/ { plan = substr($0, 4) + 0; next }
	/^# selftests: / { prog = $0; sub(/^.*: /, "", prog); said = ""; wd = ""; nh = 0; hf = 0; next }
	/^# # / { h[++nh] = substr($0, 5); if (!hf && h[nh] ~ /^FAIL/) hf = nh }
	# What a program said last, and run.sh'"'"'s watchdog: shown with a timeout.
	/^# # \[[0-9]+s\] / { if ($0 !~ /\] interrupted$/) said = substr($0, 5); next }
	/^# run\.sh: watchdog: / { wd = $0; sub(/^.*; tasks: /, "", wd); next }
	/^# #  RUN / { run = $0; sub(/^# #  RUN +/, "", run); sub(/ \.\.\.$/, "", run); next }
	/^# (not )?ok [0-9]+/ {
		line = substr($0, 3)
		st = (line ~ /^not ok/) ? "FAIL" : "PASS"
		# TAP: "not ok ... # TODO" is a known bug (an XFAIL packet
		# scenario), not a failure; it counts as skipped.
		if (line ~ /#[ ]*(SKIP|TODO)/) st = "SKIP"
		name = line
		num = line; sub(/^(not )?ok /, "", num); sub(/[^0-9].*$/, "", num)
		sub(/^(not )?ok [0-9]+( - )?[ ]*/, "", name); sub(/[ ]*#.*$/, "", name)
		# The 6.1 harness prints "ok N # SKIP reason" without the name.
		if (name == "") name = (run != "") ? run : "case " num
		run = ""
		np++; pst[np] = st; pname[np] = name; pctx[np] = heard()
		next
	}
	/^(not )?ok [0-9]+/ {
		st = ($0 ~ /^not ok/) ? "FAIL" : "PASS"
		if ($0 ~ /#[ ]*SKIP/) st = "SKIP"
		dir = ""
		if (match($0, / # .*$/)) dir = " (" substr($0, RSTART + 3) ")"
		if (dir ~ /TIMEOUT/) {
			if (said != "") dir = dir "; last said: " substr(said, 1, 200)
			if (wd != "") dir = dir "; tasks then: " substr(wd, 1, 300)
		}
		p = $0; sub(/^(not )?ok [0-9]+ /, "", p); sub(/ #.*$/, "", p); sub(/^.*: /, "", p)
		prog = p
		flush(st, dir); ntop++; prog = ""
		next
	}
	END {
		if (np > 0) { prog = (prog == "" ? "?" : prog); flush("FAIL", " (no final result: run.sh died?)") }
		if (plan == 0 && ntop == 0) print "FAIL\tkselftest: no TAP output"
		else if (ntop < plan) printf "FAIL\tkselftest: only %d of %d programs reported\n", ntop, plan
	}' "$1"
}

# Print the output of failed kselftest programs (last 40 lines each).
kselftest_failures() { # KIND FILE
	awk -v kind="$1" '
	/^(not )?ok [0-9]+/ {
		if ($0 ~ /^not ok/ || bad) {
			printf "\n=== %s kselftest failure: %s\n", kind, $0
			for (i = (nb > 40 ? nb - 39 : 1); i <= nb; i++) print "  " buf[i]
		}
		nb = 0; bad = 0; next
	}
	/^# not ok [0-9]+/ { if ($0 !~ /#[ ]*TODO/) bad = 1 }
	/^# / { buf[++nb] = $0 }'  "$2"
}

# Print the KTAP of KUnit suites with a failure.
kunit_failures() { # KIND DIR
	local f
	for f in "$2"/kunit/*.results; do
		if [ ! -f "$f" ] || ! grep -q '^ *not ok' "$f"; then continue; fi
		echo
		echo "=== $1 KUnit failure: $f"
		sed 's/^/  /' "$f"
	done
}

# Scan one guest's kernel log; print matches with context. Returns 1 when
# it found something, 0 when the log is clean.
scan_log() { # KIND FILE
	local kind=$1 f=$2 hits
	hits=$(grep -nE 'BUG:|WARNING:|KASAN|possible circular|possible recursive|inconsistent lock state|Call Trace|UBSAN|general protection|kernel BUG at|Oops|Kernel panic|blocked for more than' "$f" |
		grep -vE 'loading out-of-tree module taints kernel|module verification failed: signature and/or required key missing' || true)
	[ -n "$hits" ] || return 0
	result FAIL "$kind log: kernel reported problems (see $f)"
	echo
	echo "=== $kind kernel log problems ($f):"
	local first
	first=${hits%%:*}
	# sed reads to the end: head could make echo die of SIGPIPE, which
	# pipefail and set -e would turn into a stopped check.
	echo "$hits" | sed -n '1,20s/^/  /p'
	echo "--- context from line $first:"
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$f" | sed 's/^/  /'
	return 1
}

# collect KIND STATUS: turn one guest's results directory into results.
collect() {
	local kind=$1 rc=$2 dir=$XTCP_OUT/results/$1 f st name ctx tap
	if [ ! -f "$dir/done" ]; then
		if [ "$rc" = 124 ]; then
			result FAIL "$kind guest: timed out"
		else
			result FAIL "$kind guest: did not complete (status $rc)"
		fi
		echo
		f=$dir/guest.out
		[ -s "$f" ] || f=$dir/console.log
		echo "=== $kind guest progress (last 20 lines of $f):"
		tail -20 "$f" 2>/dev/null | sed 's/^/  /' || true
	elif [ "$rc" != 0 ] && [ ! -s "$dir/errors.txt" ]; then
		# guest-tests.sh wrote "done" and no error: it ran to its end.
		# The status was lost on the way out: when udev has not made
		# /dev/virtio-ports/ by the time virtme-ng-init gives up waiting
		# for it (the debug kernel's coldplug can outlast the 300 s
		# settle), the script runs on the console, with no port to
		# report its status through, and vng says 255.
		log "$kind guest: status $rc, but its run completed with no harness error (virtme's status port missing: the script ran on the console)"
	fi
	if [ -f "$dir/errors.txt" ]; then
		while IFS= read -r f; do
			[ -z "$f" ] || result FAIL "$kind harness: $f"
		done <"$dir/errors.txt"
	fi
	for f in "$dir"/kunit/*.results; do
		[ -f "$f" ] || continue
		while IFS=$'\t' read -r st name; do
			result "$st" "$kind kunit: $name"
		done < <(parse_ktap "$f")
	done
	kunit_failures "$kind" "$dir"
	# A guest that died leaves no kselftest.tap, but its TAP went through
	# guest.out: count what ran, so the listing shows where it stopped.
	tap=$dir/kselftest.tap
	if [ ! -f "$tap" ]; then
		# Without virtme's ports the script's output went to the console.
		for f in "$dir/guest.out" "$dir/console.log"; do
			if grep -q '^TAP version' "$f" 2>/dev/null; then
				tap=$f
				break
			fi
		done
	fi
	if [ -f "$tap" ]; then
		while IFS=$'\t' read -r st name ctx; do
			result "$st" "$kind kselftest: $name" "$ctx"
		done < <(parse_kselftest "$tap")
		kselftest_failures "$kind" "$tap"
	fi
	if [ -f "$dir/dmesg.txt" ]; then
		scan_log "$kind" "$dir/dmesg.txt" || true
	elif [ -f "$dir/console.log" ] && scan_log "$kind" "$dir/console.log"; then
		# Nothing recognisable: show how the console ended.
		echo
		echo "=== $kind guest console (last 40 lines of $dir/console.log):"
		tail -40 "$dir/console.log" | sed 's/^/  /'
	fi
	if [ -s "$dir/kmemleak.txt" ]; then
		result FAIL "$kind kmemleak: unreferenced objects (see $dir/kmemleak.txt)"
		echo
		echo "=== $kind kmemleak report ($dir/kmemleak.txt):"
		head -40 "$dir/kmemleak.txt" | sed 's/^/  /'
	fi
}

# pair_timeout: the NIC pair's guest timeout, XTCP_PAIR_TIMEOUT (900 s),
# but no later than a minute past XTCP_BUDGET_END (CI stops the job three
# minutes after it), and at least two minutes.
pair_timeout() {
	local tmo=${XTCP_PAIR_TIMEOUT:-900} left

	if [ -n "${XTCP_BUDGET_END:-}" ]; then
		left=$((XTCP_BUDGET_END + 60 - $(date +%s)))
		[ "$left" -ge 120 ] || left=120
		[ "$left" -ge "$tmo" ] || tmo=$left
	fi
	echo "$tmo"
}

# run_pair: two stock guests joined by emulated NICs (scripts/nic-pair.sh).
run_pair() {
	local t st name n=0 dir=$XTCP_OUT/results/pair
	t=$(date +%s)
	mkdir -p "$XTCP_OUT/results"
	while IFS=$'\t' read -r st name; do
		[ -n "$name" ] || continue
		result "$st" "$name"
		n=$((n + 1))
	done < <(XTCP_PAIR_TIMEOUT=$(pair_timeout) "$XTCP_TOP/scripts/nic-pair.sh" "$dir" \
		2>"$XTCP_OUT/results/pair.log" || true)
	grep -E '\[xtcp|FAIL|---|^  ' "$XTCP_OUT/results/pair.log" >&2 || true
	((n > 0)) || result FAIL "nic-pair: no result (log: $XTCP_OUT/results/pair.log)"
	phase "nic pair guests" "$t"
}

# start_guest KIND TIMEOUT TESTS-TIMEOUT: boot KIND's guest in the
# background (GUEST_PID[KIND]); finish_guest collects it. The stock and
# debug guests run at once, each in its own guest slot (lib.sh).
declare -A GUEST_PID=() GUEST_T0=()
start_guest() {
	local kind=$1 tmo=$2 ttmo=$3 dir=$XTCP_OUT/results/$1 nics=() left
	if [ -n "${XTCP_BUDGET_END:-}" ]; then
		# What is left of the budget, less the NIC pair (about 90 s)
		# and collecting.
		left=$((XTCP_BUDGET_END - $(date +%s) - 240))
		if [ "$left" -lt "$tmo" ]; then
			[ "$left" -ge 600 ] || left=600
			log "$kind guest: $left s left of the time budget (XTCP_BUDGET_END), not $tmo"
			ttmo=$((ttmo - (tmo - left)))
			tmo=$left
		fi
	fi
	[ "$ttmo" -ge $((tmo / 2)) ] || ttmo=$((tmo / 2))
	GUEST_T0[$kind]=$(date +%s)
	rm -rf "$dir" && mkdir -p "$dir"
	# Emulated NIC pairs for selftests/xtcp_nic.sh: a driver that sums only
	# TCP/UDP, one that sums anything, and virtio without offloads. The
	# debug kernel has no Ethernet drivers.
	[ "$kind" != stock ] || nics=(--nic rtl8139 --nic e1000 --nic virtio-net-pci)
	"$XTCP_TOP/scripts/vm-run.sh" --kernel "$kind" --rwdir "$dir" \
		--timeout "$tmo" --console "$dir/console.log" "${nics[@]}" -- \
		env "${guest_env[@]}" XTCP_TESTS_TIMEOUT="$ttmo" \
		XTCP_GUEST_END=$(($(date +%s) + tmo)) \
		scripts/guest-tests.sh "$kind" "$dir" "$XTCP_OUT/$kind" \
		>"$dir/guest.out" &
	GUEST_PID[$kind]=$!
}

finish_guest() {
	local kind=$1 dir=$XTCP_OUT/results/$1 rc=0
	wait "${GUEST_PID[$kind]}" || rc=$?
	grep -E 'vm-run:|ERROR' "$dir/guest.out" >&2 || true
	phase "$kind guest" "${GUEST_T0[$kind]}"
	slowest "$kind" "$dir/kselftest.stderr"
	collect "$kind" "$rc"
}

# slowest KIND STDERR: the five slowest programs, from the lines
# "run.sh: NAME took N s" that selftests/run.sh writes to its stderr, as
# indented lines under the guest's phase.
slowest() {
	local l
	[ -f "$2" ] || return 0
	while IFS= read -r l; do
		phases+=("  $l")
	done < <(sed -n 's/^run\.sh: \(.*\) took \([0-9]*\) s$/\2 \1/p' "$2" |
		sort -rn | head -5 | awk '{ printf "%-20s %5d s\n", $2, $1 }')
}

main() {
	# The guest does not inherit our environment: pass on the XTCP_* knobs
	# meant for selftests/run.sh (XTCP_TESTS, ...), not the
	# ones about the host side.
	local t tree kind kdir v built=()
	guest_env=()
	while IFS= read -r v; do
		case "$v" in
		XTCP_CACHE | XTCP_VENV | XTCP_OUT | XTCP_TOP | XTCP_DEBUG_TREE | XTCP_GUESTS | \
			XTCP_STOCK_TIMEOUT | XTCP_DEBUG_TIMEOUT | XTCP_DEMO_TIMEOUT | XTCP_TESTS_TIMEOUT | \
			XTCP_KO | XTCP_GUEST | XTCP_RESULTS | XTCP_DEMO_STATUS | XTCP_NIC_PAIR | XTCP_PAIR_* | \
			XTCP_BUDGET_END | XTCP_GUEST_END | XTCP_RUN_END) ;;
		XTCP_*) guest_env+=("$v=${!v}") ;;
		esac
	done < <(compgen -e)

	cd "$XTCP_TOP"
	lock_out
	rm -rf "$XTCP_OUT/results"

	if [ -n "${XTCP_DEMO_STATUS:-}" ]; then
		if [ "$XTCP_DEMO_STATUS" = 0 ]; then
			result PASS "demo: make demo"
		else
			result FAIL "demo: make demo exited $XTCP_DEMO_STATUS"
		fi
	fi
	# Host-side tools that need no guest.
	if python3 scripts/ladder.py --selftest >"$XTCP_OUT/ladder-selftest.log" 2>&1; then
		result PASS "host: scripts/ladder.py --selftest"
	else
		result FAIL "host: scripts/ladder.py --selftest (log: $XTCP_OUT/ladder-selftest.log)"
	fi
	if python3 scripts/tseq.py --selftest >"$XTCP_OUT/tseq-selftest.log" 2>&1; then
		result PASS "host: scripts/tseq.py --selftest"
	else
		result FAIL "host: scripts/tseq.py --selftest (log: $XTCP_OUT/tseq-selftest.log)"
	fi
	if bash scripts/profile.sh --selftest >"$XTCP_OUT/profile-selftest.log" 2>&1; then
		result PASS "host: scripts/profile.sh --selftest"
	else
		result FAIL "host: scripts/profile.sh --selftest (log: $XTCP_OUT/profile-selftest.log)"
	fi

	t=$(date +%s)
	if ! "$XTCP_TOP/scripts/setup.sh"; then
		result FAIL "setup: scripts/setup.sh failed"
		phase setup "$t"
		finished=1
		return 0
	fi
	phase setup "$t"

	# Host-side checks that need what setup installs (tshark, dkms, headers).
	t=$(date +%s)
	if python3 scripts/xtcp_lua_selftest.py "$XTCP_OUT" >"$XTCP_OUT/lua-selftest.log" 2>&1; then
		result PASS "host: scripts/xtcp_lua_selftest.py (tshark plugin)"
	else
		result FAIL "host: scripts/xtcp_lua_selftest.py (log: $XTCP_OUT/lua-selftest.log)"
	fi
	if scripts/packaging-test.sh "$XTCP_OUT/packaging" >"$XTCP_OUT/packaging-test.log" 2>&1; then
		result PASS "host: scripts/packaging-test.sh (make install, uninstall, dkms build)"
	else
		result FAIL "host: scripts/packaging-test.sh (log: $XTCP_OUT/packaging-test.log)"
	fi
	phase "host checks" "$t"

	t=$(date +%s)
	tree=
	if ! want debug; then
		log "XTCP_GUESTS=$guests: no debug kernel, module or guest"
	elif tree=$("$XTCP_TOP/scripts/build-debug-kernel.sh"); then
		[ -f "$tree/arch/x86/boot/bzImage" ] || { result FAIL "debug kernel: no bzImage in $tree"; tree=; }
	else
		result FAIL "debug kernel: build failed"
		tree=
	fi
	phase "debug kernel" "$t"

	t=$(date +%s)
	for kind in stock debug; do
		case $kind in
		stock) kdir=$(stock_kdir) ;;
		debug) kdir=$tree ;;
		esac
		rm -f "$XTCP_OUT/$kind"/*.ko
		if ! want "$kind" || [ -z "$kdir" ]; then continue; fi
		if "$XTCP_TOP/scripts/build-module.sh" "$kdir" "$XTCP_OUT/$kind"; then
			built+=("$kind")
		else
			result FAIL "$kind module: build failed (log: $XTCP_OUT/$kind/build.log)"
		fi
	done
	phase "module builds" "$t"

	t=$(date +%s)
	if [ -f selftests/Makefile ]; then
		log "building selftests"
		if ! { make -C selftests KSRC="$(debug_ksrc)" && make -C tools; } \
			>"$XTCP_OUT/selftests-build.log" 2>&1; then
			tail -30 "$XTCP_OUT/selftests-build.log" >&2
			result FAIL "selftests: build failed (log: $XTCP_OUT/selftests-build.log)"
		fi
	else
		result FAIL "selftests: selftests/Makefile missing"
	fi
	phase "selftests build" "$t"

	for kind in "${built[@]}"; do
		case $kind in
		stock) start_guest stock "$stock_tmo" $((stock_tmo - 240)) ;;
		debug)
			export XTCP_DEBUG_TREE=$tree
			start_guest debug "$debug_tmo" $((debug_tmo - 600))
			;;
		esac
	done
	for kind in "${built[@]}"; do
		finish_guest "$kind"
	done

	if [[ " ${built[*]} " == *" stock "* ]] &&
	   [ "${XTCP_NIC_PAIR:-$([ -z "${XTCP_TESTS:-}" ] && echo 1 || echo 0)}" = 1 ]; then
		run_pair
	fi

	print_listing
	finished=1
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
