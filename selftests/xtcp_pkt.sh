#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet-level conformance: a Scapy peer in its own namespace plays the
# remote end of XTCP connections and asserts every segment XTCP sends, and
# when (selftests/pkt/, framework and tolerances in pkt/xtcp_peer.py).
# One TAP line per scenario; known XTCP bugs are marked "# TODO".
#
# Environment: XTCP_TIME_SCALE (timing slack), XTCP_PKT_SCENARIOS (run only
# these scn_* names), XTCP_PKT_VERBOSE=1 (print every segment as it goes).

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKT=$XTCP_SELFTESTS/pkt
PY=/usr/bin/python3

skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit "$KSFT_SKIP"
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
[ -d /sys/module/xtcp ] || skip_all "xtcp module not loaded"
[ -x "$PKT/xtcp_pktdrv" ] || skip_all "no $PKT/xtcp_pktdrv: build with make -C selftests"
"$PY" -c 'import scapy.layers.inet' 2>/dev/null ||
	skip_all "no Scapy for $PY (Debian python3-scapy)"
for tool in ip ethtool; do
	command -v "$tool" >/dev/null || skip_all "no $tool"
done

export XTCP_TIME_SCALE
# shellcheck disable=SC2086	# a list of names
exec "$PY" -B "$PKT/xtcp_peer.py" ${XTCP_PKT_SCENARIOS:-}
