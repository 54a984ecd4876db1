#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: XTCP against the kernel's TCP on the same veth path in the same
# stock guest boot, alternating, and the XTCP/TCP ratio of each figure.
# Environment: XTCP_BENCH_BYTES (64M), XTCP_BENCH_RR_ITERS (5000),
# XTCP_BENCH_ROUNDS (3).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$XTCP_TOP/scripts/setup.sh"
kdir=$(stock_kdir)
out=$XTCP_OUT/bench
mkdir -p "$out"
"$XTCP_TOP/scripts/build-module.sh" "$kdir" "$XTCP_OUT/stock"
make -s -C "$XTCP_TOP/selftests" KSRC="$(ls -d "$XTCP_CACHE"/src/linux-source-* 2>/dev/null | head -1)" >/dev/null
make -s -C "$XTCP_TOP/tools" >/dev/null

# One stock guest, serialised with the other guests (vm-run.sh's lock).
"$XTCP_TOP/scripts/vm-run.sh" --kernel stock --rwdir "$out" --timeout 2400 -- \
	"$XTCP_TOP/scripts/bench-guest.sh" "$XTCP_OUT/stock/xtcp.ko" "$out" \
	>"$out/console.log" 2>&1 || die "benchmark guest failed, see $out/console.log"

awk 'NR <= 2 { print; next }
     { bulk[$2] += $3; rr[$2] += $4; n[$2]++; print }
     END {
	printf "mean   %-9s %14.1f %14.0f\n", "xtcp", bulk["xtcp"] / n["xtcp"], rr["xtcp"] / n["xtcp"]
	printf "mean   %-9s %14.1f %14.0f\n", "tcp", bulk["tcp"] / n["tcp"], rr["tcp"] / n["tcp"]
	printf "mean   %-9s %14.1f %14.0f\n", "tcp-nogso", bulk["tcp-nogso"] / n["tcp-nogso"], rr["tcp-nogso"] / n["tcp-nogso"]
	printf "ratio xtcp/tcp: bulk %.2f, request/response %.2f\n",
		bulk["xtcp"] / bulk["tcp"], rr["xtcp"] / rr["tcp"]
	printf "ratio xtcp/tcp-nogso (TSO, GSO, GRO off): bulk %.2f, request/response %.2f\n",
		bulk["xtcp"] / bulk["tcp-nogso"], rr["xtcp"] / rr["tcp-nogso"]
     }' "$out/bench.txt" | tee "$out/summary.txt"
