#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# packaging-test.sh: `make install`, `make uninstall` and DKMS, checked on
# the host against the stock kernel's headers, without touching the host:
# the install goes to a staging root (DESTDIR) and DKMS works in its own
# source and build trees (--sourcetree, --dkmstree). Nothing is loaded:
# loading is for guests. Run by `make check` as one host result.
# Usage: packaging-test.sh [WORKDIR]

set -euo pipefail
. "$(dirname "$0")/lib.sh"

work=${1:-$(mktemp -d)}
kdir=$(stock_kdir)
kver=$(stock_kver)
src=$work/tree
stage=$work/stage
rm -rf "$src" "$stage" "$work/dkms"
mkdir -p "$src"
# The tree as a user has it, without anything built in place.
rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '/out/' --exclude '/.git/' "$XTCP_TOP/" "$src/"
make -s -C "$src/tools" clean >/dev/null
fails=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		fails=$((fails + 1))
	fi
}

log "make install DESTDIR=$stage KDIR=$kdir"
make -C "$src" install DESTDIR="$stage" KDIR="$kdir" >"$work/install.log" 2>&1 ||
	{ tail -20 "$work/install.log"; die "make install failed"; }
mod=$stage/lib/modules/$kver/updates/xtcp.ko
check "module installed in updates/" test -f "$mod"
check "xtcp_diag installed in updates/" test -f "${mod%/*}/xtcp_diag.ko"
check "depmod ran: modules.dep lists it" grep -q '^updates/xtcp.ko:' "$stage/lib/modules/$kver/modules.dep"
check "modules.alias: socket(AF_XTCP) autoloads it" grep -q 'alias net-pf-[0-9]* xtcp' "$stage/lib/modules/$kver/modules.alias"
check "vermagic is $kver" bash -c "modinfo -F vermagic '$mod' | grep -q '^$kver '"
check "ipproto= parameter" bash -c "modinfo -F parm '$mod' | grep -q '^ipproto:'"
check "uapi header installed" test -f "$stage/usr/include/linux/xtcp.h"
check "uapi header compiles alone" bash -c \
	"echo '#include <linux/xtcp.h>' | cc -fsyntax-only -I'$stage/usr/include' -x c -"
check "tools installed" test -x "$stage/usr/local/bin/xtcp_rr"
# XTCPIZE_PROTO: xtcpize must not make the kernel load a module here.
check "xtcpize installed, preloading PREFIX/lib/xtcp/libxtcpize.so" bash -c \
	"XTCPIZE_PROTO=253 '$stage/usr/local/bin/xtcpize' run sh -c 'echo \$LD_PRELOAD' 2>/dev/null |
	 grep -qx '$stage/usr/local/lib/xtcp/libxtcpize.so'"
make -C "$src" uninstall DESTDIR="$stage" KDIR="$kdir" >>"$work/install.log" 2>&1 ||
	die "make uninstall failed"
check "uninstall removed the modules" test ! -e "$mod" -a ! -e "${mod%/*}/xtcp_diag.ko"
check "uninstall removed it from modules.dep" bash -c \
	"! grep -q xtcp '$stage/lib/modules/$kver/modules.dep'"
check "uninstall removed the header" test ! -e "$stage/usr/include/linux/xtcp.h"
check "uninstall removed xtcpize and its library" \
	test ! -e "$stage/usr/local/bin/xtcpize" -a ! -e "$stage/usr/local/lib/xtcp"

# DKMS, in private trees, for the stock kernel.
ver=$(sed -n 's/^XTCP_VERSION := //p' "$src/Makefile")
check "dkms.conf's PACKAGE_VERSION is the Makefile's $ver" \
	grep -q "^PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf"
dsrc=$work/dkms/src/xtcp-$ver
mkdir -p "$dsrc" "$work/dkms/tree"
cp -r "$src/Kbuild" "$src/dkms.conf" "$src/module" "$src/uapi" "$dsrc/"
dk=(--sourcetree "$work/dkms/src" --dkmstree "$work/dkms/tree")
log "dkms add/build -m xtcp -v $ver -k $kver (private trees)"
if dkms add -m xtcp -v "$ver" "${dk[@]}" >"$work/dkms.log" 2>&1 &&
	dkms build -m xtcp -v "$ver" -k "$kver" "${dk[@]}" >>"$work/dkms.log" 2>&1; then
	dko=$(find "$work/dkms/tree/xtcp/$ver/$kver" -name 'xtcp.ko*' | head -1)
	check "dkms build made xtcp.ko for $kver" bash -c \
		"[ -n '$dko' ] && modinfo -F vermagic '$dko' | grep -q '^$kver '"
	check "dkms build made xtcp_diag.ko" bash -c \
		"find '$work/dkms/tree/xtcp/$ver/$kver' -name 'xtcp_diag.ko*' | grep -q ."
else
	tail -20 "$work/dkms.log"
	check "dkms build" false
fi
echo "$fails failed"
[ "$fails" -eq 0 ]
