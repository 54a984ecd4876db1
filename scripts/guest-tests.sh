#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-tests.sh KIND OUTDIR [KODIR]
#
# Owns what one test guest does; runs INSIDE a guest started by
# scripts/vm-run.sh (it refuses to run on a machine that is not a virtme-ng
# guest), from the repository root, which the guest sees read-only.
#
#   KIND    stock or debug
#   OUTDIR  results directory, the guest's --rwdir (the only writable place)
#   KODIR   where xtcp.ko (and, on debug, xtcp_kunit.ko) are; default
#           out/KIND, as built by scripts/check.sh
#
# Steps: insmod xtcp.ko; on debug, insmod xtcp_kunit.ko, copy every
# /sys/kernel/debug/kunit/*/results to OUTDIR/kunit/SUITE.results, rmmod it;
# run selftests/run.sh (env XTCP_KO, XTCP_GUEST, XTCP_RESULTS=OUTDIR) into
# OUTDIR/kselftest.tap (its stderr into OUTDIR/kselftest.stderr); on debug,
# kmemleak scan into OUTDIR/kmemleak.txt; rmmod xtcp; dmesg into
# OUTDIR/dmesg.txt. Harness-level problems (a module
# that does not load or unload, a missing run.sh...) are written one per
# line to OUTDIR/errors.txt; OUTDIR/done marks a complete run. Exits 0 when
# errors.txt is empty: test failures are in the results, for check.sh.
#
# XTCP_TESTS_TIMEOUT (seconds, default 1200) bounds selftests/run.sh so a
# hung test still leaves dmesg and kmemleak behind. XTCP_GUEST_END (seconds
# since the epoch, from scripts/check.sh: when the host stops this guest)
# bounds it too, leaving time for what follows it. run.sh gets the end as
# XTCP_RUN_END and starts only the programs whose time fits before it.

set -euo pipefail

say() { printf '[guest %s %s] %s\n' "$kind" "$(cut -d' ' -f1 /proc/uptime)" "$*"; }
# heartbeat FILE: append "UPTIME PROGRAMS" every 5 s: the selftest
# scripts and binaries running now (guest-tests.sh's results are written
# at the end; a guest that froze leaves this line as its last word).
heartbeat() {
	local progs

	while :; do
		progs=$(ps -eo args= | awk '{ for (i = 1; i <= 2; i++) if ($i ~ /(^|\/)xtcp[^\/]*$/) { sub(/.*\//, "", $i); print $i } }' |
			sort -u | tr '\n' ' ')
		echo "$(cut -d' ' -f1 /proc/uptime) $progs" >>"$1"
		sleep 5
	done
}
err() {
	say "ERROR: $*"
	echo "$*" >>"$outdir/errors.txt"
}

main() {
	local top ko loaded kko n r suite runner tmp rc kml i ttmo post left hb
	kind=${1:?usage: guest-tests.sh stock|debug OUTDIR [KODIR]}
	outdir=${2:?usage: guest-tests.sh stock|debug OUTDIR [KODIR]}
	top=$(cd "$(dirname "$0")/.." && pwd)
	kodir=${3:-$top/out/$kind}

	case "$kind" in stock | debug) ;; *) echo "bad KIND $kind" >&2; exit 2 ;; esac
	# Never on the host: module loads belong in a throwaway guest.
	if ! grep -q 'virtme_' /proc/cmdline; then
		echo "guest-tests.sh: not in a virtme-ng guest, refusing to load modules" >&2
		exit 2
	fi

	mkdir -p "$outdir"
	rm -rf "${outdir:?}/kunit" "$outdir/errors.txt" "$outdir/done"
	: >"$outdir/errors.txt"
	cd "$top" || exit 2

	if ! mountpoint -q /sys/kernel/debug; then
		mount -t debugfs debugfs /sys/kernel/debug || err "cannot mount debugfs"
	fi

	ko=$kodir/xtcp.ko
	loaded=0
	say "insmod $ko"
	if [ ! -f "$ko" ]; then
		err "$kind: $ko not built"
	elif insmod "$ko"; then
		loaded=1
	else
		err "$kind: insmod xtcp.ko failed"
	fi

	# KUnit: the suites run while insmod loads the test module. The debug
	# kernel must have it; another kernel runs it if it was built.
	kko=$kodir/xtcp_kunit.ko
	if [ $loaded -eq 1 ] && { [ "$kind" = debug ] || [ -f "$kko" ]; }; then
		if [ ! -f "$kko" ]; then
			err "$kind: $kko not built (does Kbuild build it when CONFIG_KUNIT is set?)"
		elif ! insmod "$kko"; then
			err "$kind: insmod xtcp_kunit.ko failed"
		else
			mkdir -p "$outdir/kunit"
			shopt -s nullglob
			n=0
			for r in /sys/kernel/debug/kunit/*/results; do
				suite=$(basename "$(dirname "$r")")
				cp "$r" "$outdir/kunit/$suite.results"
				n=$((n + 1))
			done
			say "KUnit: $n suite(s) saved"
			[ $n -gt 0 ] || err "$kind: xtcp_kunit.ko left no KUnit results in debugfs"
			rmmod xtcp_kunit || err "$kind: rmmod xtcp_kunit failed"
		fi
	fi

	if [ $loaded -eq 1 ]; then
		if [ ! -f selftests/run.sh ]; then
			err "$kind: selftests/run.sh does not exist"
		else
			say "selftests/run.sh"
			runner=(selftests/run.sh)
			[ -x selftests/run.sh ] || runner=(bash selftests/run.sh)
			# virtme points /dev/stdout and /dev/stderr at its virtio ports
			# (which allow one opener); kselftest's runner.sh writes each
			# program's output to /dev/stdout, so put back the usual links.
			ln -sfn /proc/self/fd/1 /dev/stdout
			ln -sfn /proc/self/fd/2 /dev/stderr
			# TAP goes to tmpfs and, through tee, to this script's output,
			# so the host log shows which test ran last if the guest dies.
			tmp=$(mktemp -d)
			rc=0
			ttmo=${XTCP_TESTS_TIMEOUT:-1200}
			if [ -n "${XTCP_GUEST_END:-}" ]; then
				# After run.sh: kmemleak scans, dmesg, rmmod (minutes
				# under KASAN).
				post=120
				[ "$kind" != debug ] || post=300
				left=$((XTCP_GUEST_END - $(date +%s) - post))
				[ "$left" -ge "$ttmo" ] || ttmo=$((left > 60 ? left : 60))
			fi
			say "selftests: $ttmo s; a program starts only if its time (selftests/durations.txt) fits"
			# Every 5 s, the uptime and the programs running, into
			# OUTDIR/heartbeat (9p: on the host at once). The TAP
			# stream reaches the host in 4 KiB blocks, so a guest
			# that stops (and says nothing on its console) leaves
			# only this to tell when, and in what.
			heartbeat "$outdir/heartbeat" &
			hb=$!
			# No program's own timeout runs past run.sh's; run.sh
			# starts no program that would not end before it.
			run_end=$(($(date +%s) + ttmo - 15))
			XTCP_KO=$ko XTCP_GUEST=$kind XTCP_RESULTS=$outdir \
				XTCP_RUN_END=$run_end \
				timeout -k 10 "$ttmo" "${runner[@]}" \
				</dev/null 2>"$tmp/stderr" | tee "$tmp/tap" || rc=$?
			kill "$hb" 2>/dev/null
			cp "$tmp/tap" "$outdir/kselftest.tap"
			cp "$tmp/stderr" "$outdir/kselftest.stderr"
			case $rc in
			0) ;;
			124 | 137) err "$kind: selftests/run.sh timed out after ${ttmo}s" ;;
			*) err "$kind: selftests/run.sh exited $rc (its stderr: $outdir/kselftest.stderr)" ;;
			esac
			say "selftests done: $(grep -cE '^(# )?(not )?ok [0-9]' "$outdir/kselftest.tap" || true) result lines"
		fi
	fi

	if [ "$kind" = debug ]; then
		kml=/sys/kernel/debug/kmemleak
		if [ -w "$kml" ]; then
			# Objects younger than 5 s are not reported, and the first scan
			# only marks: scan, wait, scan again.
			say "kmemleak scan"
			sleep 6
			echo scan >"$kml" || err "debug: kmemleak scan failed"
			sleep 6
			echo scan >"$kml" || err "debug: kmemleak scan failed"
			cat "$kml" >"$outdir/kmemleak.txt" || err "debug: cannot read $kml"
		else
			err "debug: $kml missing (kmemleak disabled?)"
		fi
	fi

	if [ $loaded -eq 1 ] && [ ! -d /sys/module/xtcp ]; then
		say "xtcp is not loaded any more (a test unloaded it): no rmmod"
	elif [ $loaded -eq 1 ]; then
		# The last test's namespaces are torn down asynchronously
		# (cleanup_net), and their sockets with them: give that 30 s.
		# A leaked socket or module reference stays, and fails.
		say "rmmod xtcp"
		for ((i = 0; i < 30; i++)); do
			rmmod xtcp 2>/dev/null && break
			sleep 1
		done
		if [ -d /sys/module/xtcp ]; then
			say "refcnt $(cat /sys/module/xtcp/refcnt 2>/dev/null); sockets:"
			cat /proc/net/xtcp 2>/dev/null || true
			err "$kind: rmmod xtcp failed (still in use after 30 s)"
		fi
	fi

	dmesg >"$outdir/dmesg.txt" || err "$kind: dmesg failed"
	touch "$outdir/done"
	say "done"
	[ ! -s "$outdir/errors.txt" ]
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
