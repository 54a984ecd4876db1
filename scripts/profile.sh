#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh (make profile): where the guest kernel's instructions go, per
# operation, for XTCP and for the kernel's TCP, on the rows of `make bench`
# that are latency bound (rr, crr) and on the clean bulk row. Under TCG perf
# cannot profile a guest (no PMU; cpu-clock samples land where interrupts
# are re-enabled), so the stock guest runs under the QEMU plugin
# tools/xtcp_kprof.c, which counts every instruction the guest kernel
# executes; scripts/bench-guest.sh (XTCP_BENCH_PROFILE=1) brackets each
# client run with two snapshots of its counters. The counts are exact
# and repeatable to about 2%, where the rates of `make bench` move by 20%
# between rounds: a change to a path shows as instructions gained or lost.
# Instructions are not time (a cache miss, an interrupt or a wakeup of the
# other vCPU costs more than an add), so this complements the benchmark.
#
# Output in out/profile/: profile.txt (the table printed at the end),
# profile.json, kprof.* (raw snapshots), kprof.runs, kallsyms, bench.txt
# (the rates, slowed down by the plugin), console.log.
# "profile.sh --summary [DIR]" recomputes the table from DIR;
# "profile.sh --selftest" checks the arithmetic on made-up snapshots.
#
# Environment:
#   XTCP_PROFILE_ROUNDS    rounds (3)
#   XTCP_PROFILE_SECS      seconds per run (5)
#   XTCP_PROFILE_TOP       functions listed per row (15)

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

summarise() { # DIR TOP
	python3 - "$@" <<'EOF'
import bisect, collections, json, os, re, statistics, sys

d, top = sys.argv[1], int(sys.argv[2])
syms = []
for line in open(os.path.join(d, "kallsyms")):
    f = line.split()
    if len(f) >= 3 and f[1] in "tTwW":
        syms.append((int(f[0], 16), f[2] + (" " + f[3] if len(f) > 3 else "")))
syms.sort()
addrs = [a for a, _ in syms]

def load(path):
    blocks = {}
    for line in open(path):
        a, n, c = line.split()
        blocks[(int(a, 16), int(n))] = int(c)
    return blocks

units = {"rr": ("trans", 1, "per transaction"), "crr": ("conns", 1, "per connection"),
         "bulk1": ("bytes", 1e6, "per MB")}
per = collections.defaultdict(list)   # (row, proto) -> [(total, {fn: insns}), ...]
for line in open(os.path.join(d, "kprof.runs")):
    tag, _, result = line.partition(" ")
    rnd, proto, row = tag.split(".")
    m = re.search(r"\b%s=([0-9.]+)" % units[row][0], result)
    a, b = (os.path.join(d, "kprof.%s.%s" % (tag, s)) for s in "ab")
    if not m or float(m.group(1)) <= 0 or not os.path.exists(a) or not os.path.exists(b):
        print("profile: no figure for " + tag, file=sys.stderr)
        continue
    ops = float(m.group(1)) / units[row][1]
    before, fns = load(a), collections.Counter()
    for (addr, n), c in load(b).items():
        delta = c - before.get((addr, n), 0)
        if delta > 0:
            i = bisect.bisect_right(addrs, addr) - 1
            fns[syms[i][1] if i >= 0 else "?"] += delta * n
    per[(row, proto)].append((sum(fns.values()) / ops, {k: v / ops for k, v in fns.items()}))

out, lines = {"rows": []}, []
lines.append("%-6s %-16s %12s %12s %9s" % ("row", "instructions", "XTCP", "TCP", "XTCP/TCP"))
detail = []
for row in ("rr", "crr", "bulk1"):
    x, t = per.get((row, "xtcp")), per.get((row, "tcp"))
    if not x or not t:
        continue
    mx = statistics.median(v for v, _ in x)
    mt = statistics.median(v for v, _ in t)
    lines.append("%-6s %-16s %12.0f %12.0f %9.2f" % (row, units[row][2], mx, mt, mx / mt))
    fx, ft = collections.Counter(), collections.Counter()
    for runs, acc in ((x, fx), (t, ft)):
        for _, fns in runs:
            for k, v in fns.items():
                acc[k] += v / len(runs)
    diff = sorted(set(fx) | set(ft), key=lambda k: fx[k] - ft[k])
    xtcp_own = sorted((k for k in fx if k.endswith("[xtcp]")), key=lambda k: -fx[k])
    out["rows"].append({
        "row": row, "unit": units[row][2], "xtcp": mx, "tcp": mt, "ratio": mx / mt,
        "xtcp_rounds": [v for v, _ in x], "tcp_rounds": [v for v, _ in t],
        "xtcp_module": sum(fx[k] for k in fx if k.endswith("[xtcp]")),
        "more_in_xtcp": [[k, fx[k], ft[k]] for k in reversed(diff[-top:])],
        "more_in_tcp": [[k, fx[k], ft[k]] for k in diff[:top]],
        "xtcp_top": [[k, fx[k]] for k in xtcp_own[:top]],
    })
    r = out["rows"][-1]
    detail.append("")
    detail.append("%s, %s: XTCP rounds %s; TCP rounds %s; in xtcp.ko %.0f" % (
        row, units[row][2], " ".join("%.0f" % v for v in r["xtcp_rounds"]),
        " ".join("%.0f" % v for v in r["tcp_rounds"]), r["xtcp_module"]))
    for title, key in (("more in XTCP's run", "more_in_xtcp"), ("more in TCP's run", "more_in_tcp")):
        detail.append("  %-44s %10s %10s" % (title, "XTCP", "TCP"))
        for k, vx, vt in r[key]:
            detail.append("  %-44s %10.0f %10.0f" % (k[:44], vx, vt))
    detail.append("  %-44s %10s" % ("XTCP's own functions", "XTCP"))
    for k, v in r["xtcp_top"]:
        detail.append("  %-44s %10.0f" % (k[:44], v))
lines.append("guest kernel instructions per operation (medians of the rounds), counted")
lines.append("by the xtcp_kprof QEMU plugin; user space is not counted.")
text = "\n".join(lines + detail) + "\n"
open(os.path.join(d, "profile.txt"), "w").write(text)
json.dump(out, open(os.path.join(d, "profile.json"), "w"), indent=1)
print(text, end="")
sys.exit(0 if len(out["rows"]) == 3 else 1)
EOF
}

# Two functions, one of them in xtcp.ko; blocks counted before (a) and
# after (b) each run; the figures the table must show follow from them.
selftest() {
	local d row p ops rc=0
	d=$(mktemp -d)
	printf '%s\n' "ffffffff81000000 T f_core" "ffffffff81000100 T f_end" \
		"ffffffffc0000000 t xtcp_rx	[xtcp]" "ffffffffc0000100 t xtcp_end	[xtcp]" >"$d/kallsyms"
	for row in rr crr bulk1; do
		for p in xtcp tcp; do
			case $row in
			rr) ops="trans=10" ;;
			crr) ops="conns=10" ;;
			bulk1) ops="bytes=2000000" ;;
			esac
			echo "1.$p.$row $p $row $ops secs=1" >>"$d/kprof.runs"
			# f_core: a 4-instruction block run 5 times before, 105 after
			# (400 instructions); a block that did not run again.
			printf '%s\n' "ffffffff81000000 4 5" "ffffffff81000010 3 7" \
				>"$d/kprof.1.$p.$row.a"
			printf '%s\n' "ffffffff81000000 4 105" "ffffffff81000010 3 7" \
				>"$d/kprof.1.$p.$row.b"
			# XTCP only: 2 blocks of xtcp_rx, 2 + 3 instructions, 20 runs.
			[ $p = tcp ] || printf '%s\n' "ffffffffc0000000 2 20" \
				"ffffffffc0000040 3 20" >>"$d/kprof.1.$p.$row.b"
		done
	done
	summarise "$d" 5 >"$d/out" || rc=1
	# rr and crr: XTCP (400 + 100) / 10, TCP 400 / 10; bulk1 per MB: / 2.
	grep -Eq '^rr +per transaction +50 +40 +1.25$' "$d/out" || rc=1
	grep -Eq '^crr +per connection +50 +40 +1.25$' "$d/out" || rc=1
	grep -Eq '^bulk1 +per MB +250 +200 +1.25$' "$d/out" || rc=1
	grep -Eq '^  xtcp_rx \[xtcp\] +10 +0$' "$d/out" || rc=1
	python3 -m json.tool "$d/profile.json" >/dev/null || rc=1
	[ $rc -eq 0 ] || { cat "$d/out"; echo "profile.sh --selftest: FAILED" >&2; }
	rm -rf "$d"
	return $rc
}

main() {
	local out rounds secs top kdir tmo rc=0 v
	top=${XTCP_PROFILE_TOP:-15}
	if [ "${1:-}" = --summary ]; then
		summarise "${2:-$XTCP_OUT/profile}" "$top"
		return
	fi
	if [ "${1:-}" = --selftest ]; then
		selftest
		return
	fi
	rounds=${XTCP_PROFILE_ROUNDS:-3}
	secs=${XTCP_PROFILE_SECS:-5}
	for v in "$rounds" "$secs" "$top"; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || die "XTCP_PROFILE_* must be positive integers"
	done
	tmo=$((600 + 2 * 2 * rounds * 3 * (secs + 15)))

	"$XTCP_TOP/scripts/setup.sh"
	kdir=$(stock_kdir)
	out=$XTCP_OUT/profile
	mkdir -p "$out"
	rm -f "$out"/kprof.* "$out"/bench.txt "$out"/errors.txt "$out"/profile.*
	"$XTCP_TOP/scripts/build-module.sh" "$kdir" "$XTCP_OUT/stock"
	make -s -C "$XTCP_TOP/tools" all kprof >/dev/null

	log "profile: $rounds rounds of rr, crr and bulk1, ${secs}s each, under the xtcp_kprof plugin"
	if [ "${XTCP_GUEST_LOCK_HELD:-}" != 1 ]; then
		guest_slot_take all
		export XTCP_GUEST_LOCK_HELD=1
	fi
	"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$out" --timeout "$tmo" \
		--console "$out/console.log" \
		--qemu-opts "-plugin $XTCP_TOP/tools/xtcp_kprof.so,dir=$out" -- \
		env XTCP_BENCH_PROFILE=1 XTCP_BENCH_ROUNDS="$rounds" XTCP_BENCH_SECS="$secs" \
		XTCP_BENCH_RR_SECS="$secs" XTCP_BENCH_CONNS=1 \
		"$XTCP_TOP/scripts/bench-guest.sh" "$XTCP_OUT/stock/xtcp.ko" "$out" ||
		rc=$?
	[ -s "$out/kprof.runs" ] || die "profile guest failed (status $rc), no runs: see $out/console.log"
	[ ! -s "$out/errors.txt" ] || { log "warning: some runs failed:"; sed 's/^/  /' "$out/errors.txt" >&2; }
	summarise "$out" "$top" || die "profile: a row has no figure; raw data in $out"
	[ $rc -eq 0 ] || die "profile guest exited with status $rc"
	log "profile: table $out/profile.txt, JSON $out/profile.json"
}

# All in functions, ended by exit on the same line (see bench.sh).
main "$@"; exit
