#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# newcomer.sh [--warm] [MAKE-TARGET...]: what a new user's first command
# does, reproduced on this machine. Clones the committed HEAD into a
# temporary directory (so nothing built in this tree can help), points
# XTCP_CACHE at an empty temporary cache (so neither the virtme-ng venv nor
# the debug kernel of ~/.cache/xtcp can help either), runs `make demo` (or
# the targets given) there and reports how long it took. --warm keeps the
# usual cache. Debian packages the setup installs stay installed: remove
# them by hand for a truly fresh machine.
#
#   scripts/newcomer.sh            cold: fresh clone, empty cache, make demo
#   scripts/newcomer.sh --warm     fresh clone, the usual ~/.cache/xtcp

set -euo pipefail
. "$(dirname "$0")/lib.sh"

warm=0
if [ "${1:-}" = --warm ]; then
	warm=1
	shift
fi
[ $# -gt 0 ] || set -- demo

tmp=$(mktemp -d /tmp/xtcp-newcomer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git -C "$XTCP_TOP" clone -q --no-local "$XTCP_TOP" "$tmp/xtcp"
if [ $warm -eq 0 ]; then
	export XTCP_CACHE=$tmp/cache
	unset XTCP_VENV
fi
unset XTCP_OUT
log "fresh clone of $(git -C "$tmp/xtcp" rev-parse --short HEAD) in $tmp/xtcp, cache ${XTCP_CACHE:-~/.cache/xtcp}: make $*"
start=$(date +%s)
rc=0
make -C "$tmp/xtcp" "$@" </dev/null || rc=$?
log "make $* on a fresh clone ($([ $warm -eq 1 ] && echo warm || echo cold) cache): status $rc after $(($(date +%s) - start)) s"
exit $rc
