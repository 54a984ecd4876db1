#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR [make args...]
# Build xtcp.ko (and xtcp_kunit.ko when KDIR's kernel has KUnit) for the
# kernel build tree KDIR in OUTDIR, a private copy of the sources, so the
# stock and debug builds never share objects.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: build-module.sh KDIR OUTDIR}
out=${2:?usage: build-module.sh KDIR OUTDIR}
shift 2
[ -f "$kdir/Makefile" ] || die "no kernel build tree at $kdir"

mkdir -p "$out"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--include 'Kbuild' --include 'module/***' --include 'uapi/***' \
	--exclude '*' "$XTCP_TOP/" "$out/src/"
make -C "$kdir" M="$out/src" W=1 "$@" modules >"$out/build.log" 2>&1 || {
	cat "$out/build.log" >&2
	die "module build failed for $kdir"
}
# W=1 must stay warning-free.
if grep -E 'warning:|error:' "$out/build.log" >&2; then
	die "module build for $kdir has warnings"
fi
cp "$out/src/"*.ko "$out/"
log "built $(cd "$out" && ls *.ko | tr '\n' ' ')for $kdir"
