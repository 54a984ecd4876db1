#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: what `make demo` runs. Owns showing a newcomer what XTCP does
# today: builds xtcp.ko for the Debian stock kernel, boots a stock guest
# (never this host's kernel) and there loads the module, shows how it
# registers (kernel log, /proc/net/protocols, module parameters), opens an
# AF_XTCP socket from Python, and unloads it again.
# Then selftests/demo_transfer.sh runs in the guest (env XTCP_KO,
# XTCP_GUEST=stock, XTCP_RESULTS=out/demo, module loaded): a live transfer
# between two network namespaces, captured, and a small lossy connection the
# host draws as a ladder diagram with scripts/ladder.py.
#
# The demo builds everything it runs (xtcp.ko, selftests/xtcp_xfer), so it
# works as the first command on a fresh clone, and exits 0 only when the
# transfer, the capture, the TIME_WAIT listing and the ladder all happened
# (out/demo/status.txt, written by the guest, names each).
#
#   demo.sh                        host side (make demo)
#   demo.sh --guest KODIR OUTDIR   guest side, started by the host side

set -euo pipefail

# ---- Host side ----------------------------------------------------------
host_main() {
	local rc
	# shellcheck source=scripts/lib.sh
	. "$(dirname "$0")/lib.sh"
	"$XTCP_TOP/scripts/setup.sh"
	lock_out
	"$XTCP_TOP/scripts/build-module.sh" "$(stock_kdir)" "$XTCP_OUT/stock"
	rm -rf "$XTCP_OUT/demo" && mkdir -p "$XTCP_OUT/demo"
	# The guest runs the transfer tool from the tree: build it (it needs
	# no kernel source, unlike the kselftest_harness programs).
	log "building selftests/xtcp_xfer"
	make -C "$XTCP_TOP/selftests" xtcp_xfer >"$XTCP_OUT/demo/build.log" 2>&1 ||
		{ cat "$XTCP_OUT/demo/build.log" >&2; die "building selftests/xtcp_xfer failed"; }
	rc=0
	"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$XTCP_OUT/demo" \
		--timeout "${XTCP_DEMO_TIMEOUT:-900}" --console "$XTCP_OUT/demo/console.log" -- \
		scripts/demo.sh --guest "$XTCP_OUT/stock" "$XTCP_OUT/demo" || rc=$?
	if [ $rc -ne 0 ]; then
		log "demo failed (status $rc); guest console: $XTCP_OUT/demo/console.log"
		# A guest that timed out or panicked: show how its console ended.
		if [ $rc -ge 124 ]; then
			tail -30 "$XTCP_OUT/demo/console.log" >&2 || true
		fi
	fi
	# tshark is slow under TCG: the guest captured, the host decodes.
	if [ -s "$XTCP_OUT/demo/demo.pcap" ] && command -v tshark >/dev/null; then
		# shellcheck disable=SC2054 # commas belong to tshark's -d syntax
		local dec=(tshark -r "$XTCP_OUT/demo/demo.pcap" -X "lua_script:$XTCP_TOP/scripts/xtcp.lua"
			   -d tcp.port==5001,data)
		printf '\n==> The capture, decoded on the host: %s\n' "${dec[*]}"
		echo "    (scripts/xtcp.lua decodes IP protocol 253 as TCP and checks XTCP's"
		echo "     checksum: $("${dec[@]}" -T fields -e xtcp.checksum.status 2>/dev/null |
			grep -c good) segments with a good one)"
		echo "    handshake and first data:"
		# awk reads to the end: head would close the pipe on tshark,
		# whose SIGPIPE pipefail turns into the demo's failure.
		"${dec[@]}" -Y ip.proto==253 2>/dev/null | awk 'NR <= 6 { print "    " $0 }'
		echo "    ..."
		echo "    close (FIN, ACK):"
		"${dec[@]}" -Y 'ip.proto==253 && tcp.flags.fin==1' 2>/dev/null | sed 's/^/    /'
		echo "    $("${dec[@]}" -Y ip.proto==253 2>/dev/null | wc -l) segments in all; full capture: $XTCP_OUT/demo/demo.pcap"
	fi
	if [ -s "$XTCP_OUT/demo/ladder.pcap" ]; then
		printf '\n==> The lossy connection as a ladder diagram: scripts/ladder.py %s\n' \
			"$XTCP_OUT/demo/ladder.pcap"
		echo "    (the capture is taken at the server, after the client's netem:"
		echo "     a dropped segment shows as a gap, then as a retransmission)"
		echo
		"$XTCP_TOP/scripts/ladder.py" --max 46 "$XTCP_OUT/demo/ladder.pcap" || rc=1
		printf '\n==> The same connection as a time-sequence plot: scripts/tseq.py\n    '
		"$XTCP_TOP/scripts/tseq.py" -o "$XTCP_OUT/demo/tseq.svg" "$XTCP_OUT/demo/ladder.pcap" || rc=1
		echo "    (open it in a browser: sequence numbers up, time right; red bars are"
		echo "     retransmissions, the green line the ACKs, the gold line ACK + window)"
	fi
	demo_verdict || rc=1
	return $rc
}

# Exit status of the demo: every step the guest reported in status.txt.
demo_verdict() {
	local step missing=()
	for step in transfer capture timewait ladder; do
		grep -qx "$step" "$XTCP_OUT/demo/status.txt" 2>/dev/null || missing+=("$step")
	done
	echo
	if [ ${#missing[@]} -eq 0 ]; then
		echo "make demo: transfer, capture, TIME_WAIT listing and ladder all shown."
		return 0
	fi
	echo "make demo: missing: ${missing[*]} (see $XTCP_OUT/demo/)"
	return 1
}

# ---- Guest side ---------------------------------------------------------
step() { printf '\n==> %s\n' "$*"; }
indent() { sed 's/^/    /'; }
# Open one socket and say what happened; $1 is a Python expression list
# for socket.socket(), $2 how to describe it.
try_socket() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys
args = eval("(" + sys.argv[1] + ",)")
try:
    s = socket.socket(*args)
except OSError as e:
    print(f"    socket({sys.argv[2]}) failed: {e.strerror} (errno {e.errno})")
    sys.exit(1)
print(f"    socket({sys.argv[2]}) = fd {s.fileno()}: family {s.family}, type {s.type}, proto {s.proto}")
s.close()
EOF
}

guest_main() {
	local kodir outdir ko status before p family
	kodir=${2:?usage: demo.sh --guest KODIR OUTDIR}
	outdir=${3:?usage: demo.sh --guest KODIR OUTDIR}
	ko=$kodir/xtcp.ko
	grep -q 'virtme_' /proc/cmdline || { echo "demo.sh --guest: not in a virtme-ng guest" >&2; exit 2; }
	# One stream, in order: the programs' messages belong to the story.
	exec 2>&1
	cd "$(dirname "$0")/.."

	status=0
	echo "XTCP demo in a throwaway guest: kernel $(uname -r), $(nproc) CPUs"
	echo "XTCP is an alternate TCP carried in IP protocol 253, with its own"
	echo "socket family AF_XTCP = 22. It is a loadable kernel module: xtcp.ko."

	step "The module file ($ko)"
	modinfo "$ko" | grep -E '^(filename|description|license|depends|vermagic|parm):' | indent

	step "Before loading: the kernel knows no family 22"
	try_socket "22, socket.SOCK_STREAM, 0" "AF_XTCP=22, SOCK_STREAM, 0" || true

	step "insmod xtcp.ko: what the kernel logs"
	before=$(dmesg | wc -l)
	if ! insmod "$ko"; then
		echo "    insmod failed"
		dmesg | tail -n +$((before + 1)) | indent
		exit 1
	fi
	dmesg | tail -n +$((before + 1)) | tee "$outdir/insmod.log" | indent
	echo "    (An unsigned out-of-tree module taints the kernel: expected.)"
	if grep -q PF_SNA "$outdir/insmod.log"; then
		echo "    (The kernel's name table calls family 22 \"PF_SNA\": a name reserved in"
		echo "    the headers that no Linux kernel ever registered, hence free for XTCP.)"
	fi

	step "/proc/net/protocols: XTCP's protocol entry (name, object size, sockets)"
	awk 'NR == 1 || $1 ~ /XTCP/ { printf "    %-10s %6s %8s\n", $1, $2, $3 }' /proc/net/protocols
	grep -qw XTCP /proc/net/protocols || echo "    (no XTCP line yet)"

	step "Module parameters (/sys/module/xtcp/parameters)"
	family=22
	if [ -d /sys/module/xtcp/parameters ]; then
		for p in /sys/module/xtcp/parameters/*; do
			[ -f "$p" ] || continue
			printf '    %-12s = %s\n' "$(basename "$p")" "$(cat "$p")"
		done
		[ ! -r /sys/module/xtcp/parameters/family ] || family=$(cat /sys/module/xtcp/parameters/family)
	else
		echo "    (none)"
	fi
	if [ -r /proc/net/xtcp ]; then
		step "/proc/net/xtcp"
		indent </proc/net/xtcp
	fi

	step "A program opens an XTCP socket (Python: socket.socket($family, socket.SOCK_STREAM, 0))"
	try_socket "$family, socket.SOCK_STREAM, 0" "AF_XTCP=$family, SOCK_STREAM, 0" || status=1
	try_socket "socket.AF_INET, socket.SOCK_STREAM, 253" "AF_INET, SOCK_STREAM, IPPROTO_XTCP=253" || true

	if [ -f selftests/demo_transfer.sh ]; then
		step "Live transfer (selftests/demo_transfer.sh)"
		# Bounded, so a hang there still leaves the unload below to show.
		XTCP_KO=$ko XTCP_GUEST=stock XTCP_RESULTS=$outdir \
			timeout -k 10 300 bash selftests/demo_transfer.sh || {
			echo "    demo_transfer.sh failed or hung (status $?)"
			status=1
		}
	fi

	step "rmmod xtcp: the family goes away again"
	before=$(dmesg | wc -l)
	if rmmod xtcp; then
		dmesg | tail -n +$((before + 1)) | indent
		try_socket "$family, socket.SOCK_STREAM, 0" "AF_XTCP=$family, SOCK_STREAM, 0" || true
	else
		echo "    rmmod failed"
		status=1
	fi
	dmesg >"$outdir/dmesg.txt"
	echo
	if [ $status -eq 0 ]; then echo "Demo done."; else echo "Demo finished with errors."; fi
	return $status
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
if [ "${1:-}" = --guest ]; then guest_main "$@"; else host_main "$@"; fi; exit
