#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh (make bench): XTCP against the kernel's TCP on the same veth pair
# in ONE stock guest boot, alternating, ROUNDS rounds; the median of each
# row for each protocol and the XTCP/TCP ratio. The guest side is
# scripts/bench-guest.sh, the load generator tools/xtcp_bench.c.
#
# Output in out/bench/: bench.txt (raw figures of every round), bench.json
# (medians, ratios, raw values), summary.txt (the table printed at the end),
# errors.txt (runs that failed), console.log (the guest's console).
# Exits non-zero when a row has no figure for either protocol.
# "bench.sh --summary [DIR]" only recomputes the table and the JSON from
# DIR/bench.txt (default out/bench), without a guest.
#
# Environment:
#   XTCP_BENCH_QUICK=1     smoke run: 1 round, 3 s bulk, 2 s rr/crr, 1000
#                          idle connections (about 5 minutes with the boot)
#   XTCP_BENCH_ROUNDS      rounds (5; quick 1)
#   XTCP_BENCH_SECS        seconds per bulk run (10; quick 3)
#   XTCP_BENCH_RR_SECS     seconds per request/response run (5; quick 2)
#   XTCP_BENCH_CONNS       idle connections (10000; quick 1000)
#   XTCP_BENCH_SOCKET      inet (default): XTCP's sockets are AF_INET/AF_INET6
#                          with IPPROTO_XTCP, like TCP's; af_xtcp: AF_XTCP

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

summarise() { # bench.txt bench.json summary.txt
	python3 - "$@" <<'EOF'
import json, statistics, sys

raw, jpath, spath = sys.argv[1:4]
rows = [  # key, label, unit, better
    ("bulk1", "bulk, clean, 1 flow", "Mbit/s", "higher"),
    ("bulk8", "bulk, clean, 8 flows", "Mbit/s", "higher"),
    ("bulk_sendfile", "bulk, clean, 1 flow, sendfile", "Mbit/s", "higher"),
    ("bulk6", "bulk, clean, 1 flow, IPv6", "Mbit/s", "higher"),
    ("bulk_rtt20", "bulk, 20 ms RTT", "Mbit/s", "higher"),
    ("bulk_rtt100", "bulk, 100 ms RTT", "Mbit/s", "higher"),
    ("bulk_loss1", "bulk, 20 ms RTT, 1% loss", "Mbit/s", "higher"),
    ("rr", "1-byte request/response", "trans/s", "higher"),
    ("crr", "connect/request/response/close", "conns/s", "higher"),
    ("idle_mem", "memory per idle connection (2 ends)", "bytes", "lower"),
    ("cpu_per_gb", "CPU per GB, bulk clean", "CPU-s/GB", "lower"),
]
vals, byround, notes = {}, {}, []
for line in open(raw):
    if line.startswith("#"):
        notes.append(line[1:].strip())
        continue
    f = line.split()
    if len(f) != 4:
        continue
    rnd, proto, key, v = f
    vals.setdefault((key, proto), [])
    try:
        vals[(key, proto)].append(float(v))
        byround.setdefault((key, rnd), {})[proto] = float(v)
    except ValueError:
        pass

out, missing = [], []
for key, label, unit, better in rows:
    r = {"key": key, "label": label, "unit": unit, "better": better}
    for proto in ("xtcp", "tcp"):
        v = vals.get((key, proto), [])
        r[proto] = {"median": statistics.median(v) if v else None, "values": v}
        if not v:
            missing.append(f"{key}/{proto}")
    x, t = r["xtcp"]["median"], r["tcp"]["median"]
    r["ratio"] = round(x / t, 3) if x is not None and t else None
    # The two protocols of one round ran back to back: the median of the
    # per-round ratios is less exposed to the host's load changing
    # between rounds than the ratio of the medians.
    pr = [p["xtcp"] / p["tcp"] for (k, _), p in sorted(byround.items())
          if k == key and p.get("tcp") and "xtcp" in p]
    r["round_ratios"] = [round(q, 3) for q in pr]
    r["paired_ratio"] = round(statistics.median(pr), 3) if pr else None
    out.append(r)

doc = {"notes": notes, "rows": out}
with open(jpath, "w") as fp:
    json.dump(doc, fp, indent=1)
    fp.write("\n")

def fmt(v):
    if v is None:
        return "NA"
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"

lines = [f"{'row':36} {'unit':9} {'XTCP':>10} {'TCP':>10} {'XTCP/TCP':>9} {'paired':>7}  target"]
for r in out:
    tgt = ">= 1.0" if r["better"] == "higher" else "<= 1.0"
    ratio = "NA" if r["ratio"] is None else f"{r['ratio']:.2f}"
    paired = "NA" if r["paired_ratio"] is None else f"{r['paired_ratio']:.2f}"
    lines.append(f"{r['label']:36} {r['unit']:9} {fmt(r['xtcp']['median']):>10} "
                 f"{fmt(r['tcp']['median']):>10} {ratio:>9} {paired:>7}  {tgt}")
lines.append("medians of " + "; ".join(n for n in notes if n.startswith(("rounds=", "host "))))
lines.append("XTCP/TCP: ratio of the medians; paired: median of the ratios of each round.")
lines.append("memory: growth of Slab + socket memory with CONNS connections open,")
lines.append("divided by CONNS; both ends of each connection are in the guest.")
lines.append("CPU: busy CPU time of the whole guest (both ends) per 10^9 bytes moved.")
with open(spath, "w") as fp:
    fp.write("\n".join(lines) + "\n")
print("\n".join(lines))
if missing:
    print("bench: no figure for " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
EOF
}

main() {
	if [ "${1:-}" = --summary ]; then
		local out=${2:-$XTCP_OUT/bench}
		summarise "$out/bench.txt" "$out/bench.json" "$out/summary.txt" ||
			die "bench: a row has no figure (above); raw rounds in $out/bench.txt"
		python3 -m json.tool "$out/bench.json" >/dev/null || die "bench: $out/bench.json is not valid JSON"
		return 0
	fi
	local kdir out quick rounds secs rrsecs conns tmo load0 rc=0
	quick=${XTCP_BENCH_QUICK:-0}
	if [ "$quick" = 1 ]; then
		rounds=${XTCP_BENCH_ROUNDS:-1} secs=${XTCP_BENCH_SECS:-3}
		rrsecs=${XTCP_BENCH_RR_SECS:-2} conns=${XTCP_BENCH_CONNS:-1000}
	else
		rounds=${XTCP_BENCH_ROUNDS:-5} secs=${XTCP_BENCH_SECS:-10}
		rrsecs=${XTCP_BENCH_RR_SECS:-5} conns=${XTCP_BENCH_CONNS:-10000}
	fi
	local v
	for v in "$rounds" "$secs" "$rrsecs" "$conns"; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || die "XTCP_BENCH_* must be positive integers"
	done
	# Twice the expected guest time (per protocol and round: six bulk
	# runs, two request/response runs, the idle connections), plus boot.
	tmo=$((600 + 2 * 2 * rounds * (6 * (secs + 4) + 2 * (rrsecs + 3) + conns / 100 + 15)))

	"$XTCP_TOP/scripts/setup.sh"
	kdir=$(stock_kdir)
	out=$XTCP_OUT/bench
	mkdir -p "$out"
	rm -f "$out"/bench.txt "$out"/bench.json "$out"/summary.txt "$out"/errors.txt
	"$XTCP_TOP/scripts/build-module.sh" "$kdir" "$XTCP_OUT/stock"
	make -s -C "$XTCP_TOP/tools" >/dev/null

	log "bench: $rounds rounds, ${secs}s bulk, ${rrsecs}s rr/crr, $conns idle connections (guest timeout ${tmo}s)"
	# The guest is slowed down by whatever else the host runs: keep its
	# load beside the figures.
	# Alone on the machine: every guest slot, as nic-pair.sh takes them
	# (unless the caller holds them, or chose to share: XTCP_GUEST_LOCK_HELD=1).
	if [ "${XTCP_GUEST_LOCK_HELD:-}" != 1 ]; then
		guest_slot_take all
		export XTCP_GUEST_LOCK_HELD=1
	fi
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$out" --timeout "$tmo" \
		--console "$out/console.log" -- \
		env XTCP_BENCH_ROUNDS="$rounds" XTCP_BENCH_SECS="$secs" \
		XTCP_BENCH_RR_SECS="$rrsecs" XTCP_BENCH_CONNS="$conns" \
		XTCP_BENCH_QUICK="$quick" XTCP_BENCH_SOCKET="${XTCP_BENCH_SOCKET:-inet}" \
		"$XTCP_TOP/scripts/bench-guest.sh" "$XTCP_OUT/stock/xtcp.ko" "$out" ||
		rc=$?
	[ -s "$out/bench.txt" ] || die "benchmark guest failed (status $rc), no results: see $out/console.log"
	echo "# host $(nproc) CPUs, load average before $load0, after $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/bench.txt"
	[ $rc -eq 0 ] || log "warning: benchmark guest exited with status $rc, see $out/console.log"
	if [ -s "$out/errors.txt" ]; then
		log "warning: some runs failed ($out/errors.txt):"
		sed 's/^/  /' "$out/errors.txt" >&2
	fi
	summarise "$out/bench.txt" "$out/bench.json" "$out/summary.txt" ||
		die "bench: a row has no figure (above); raw rounds in $out/bench.txt"
	python3 -m json.tool "$out/bench.json" >/dev/null || die "bench: $out/bench.json is not valid JSON"
	[ $rc -eq 0 ] || die "benchmark guest exited with status $rc"
	log "bench: raw rounds $out/bench.txt, table $out/summary.txt, JSON $out/bench.json"
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
