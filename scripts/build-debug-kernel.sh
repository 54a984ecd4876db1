#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find cached) the debug guest kernel: Debian's linux-source-6.1
# with scripts/kconfig/debug.config (KUnit, KASAN, lockdep, kmemleak, netem...).
# The build lives in $XTCP_CACHE, keyed by the source package version and the
# fragment's hash, so it is rebuilt only when one of them changes.
# Prints the build tree's path on stdout.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

frag=$XTCP_TOP/scripts/kconfig/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball missing: run scripts/setup.sh"

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
fraghash=$(sha256sum "$frag" | cut -c1-12)
src=$XTCP_CACHE/src/linux-source-$srcver
out=$XTCP_CACHE/kernel-debug-$srcver-$fraghash

if [ -f "$out/.xtcp-built" ]; then
	log "debug kernel cached: $out"
	echo "$out"
	exit 0
fi

# Serialise concurrent builders (make check and make demo started together).
mkdir -p "$XTCP_CACHE"
exec 9>"$XTCP_CACHE/kernel-build.lock"
flock 9
if [ -f "$out/.xtcp-built" ]; then
	echo "$out"
	exit 0
fi

start=$(date +%s)
if [ ! -f "$src/.xtcp-unpacked" ]; then
	log "unpacking $tarball"
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.xtcp-unpacked"
fi

log "configuring $out"
rm -rf "$out" && mkdir -p "$out"
make -s -C "$src" O="$out" x86_64_defconfig >/dev/null
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" .config \
	"$src/kernel/configs/kvm_guest.config" "$frag" >/dev/null)
make -s -C "$src" O="$out" olddefconfig >/dev/null

# merge_config silently drops options whose dependencies are off: check
# that every option the fragment asks for survived.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$out/.config" || { log "config lost: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=[ym]" "$out/.config" && { log "config kept: $opt"; bad=1; } ;;
	esac
done <"$frag"
[ $bad -eq 0 ] || die "debug config does not match $frag"

log "building debug kernel with $(nproc) jobs (about 15-30 minutes cold)"
if ! make -s -C "$src" O="$out" -j"$(nproc)" >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	die "debug kernel build failed, log in $out/build.log"
fi
touch "$out/.xtcp-built"
log "debug kernel built in $(( $(date +%s) - start )) s"
echo "$out"
