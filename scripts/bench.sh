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

log "booting the stock guest for the benchmark"
timeout -k 10 1800 "$XTCP_VENV/bin/vng" -r "/boot/vmlinuz-$(stock_kver)" \
	--disable-kvm --force-9p --cpus 2 --memory 1G --rwdir "$out" -- \
	"$XTCP_TOP/scripts/bench-guest.sh" "$XTCP_OUT/stock/xtcp.ko" "$out" \
	>"$out/console.log" 2>&1 || die "benchmark guest failed, see $out/console.log"

awk 'NR <= 2 { print; next }
     { bulk[$2] += $3; rr[$2] += $4; n[$2]++; print }
     END {
	printf "mean   xtcp  %14.1f %14.0f\n", bulk["xtcp"] / n["xtcp"], rr["xtcp"] / n["xtcp"]
	printf "mean   tcp   %14.1f %14.0f\n", bulk["tcp"] / n["tcp"], rr["tcp"] / n["tcp"]
	printf "ratio xtcp/tcp: bulk %.2f, request/response %.2f\n",
		bulk["xtcp"] / bulk["tcp"], rr["xtcp"] / rr["tcp"]
     }' "$out/bench.txt" | tee "$out/summary.txt"
