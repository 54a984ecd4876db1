# SPDX-License-Identifier: GPL-2.0
# Shared settings for XTCP's scripts. Sourced, not run.
# shellcheck shell=bash disable=SC2034

XTCP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Everything expensive lives outside the repository so a fresh clone and
# CI reuse it: the virtme-ng venv and the debug kernel build.
XTCP_CACHE=${XTCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xtcp}
XTCP_VENV=$XTCP_CACHE/venv
# vng runs virtme-run from its own venv.
export PATH="$XTCP_VENV/bin:$PATH"
XTCP_OUT=${XTCP_OUT:-$XTCP_TOP/out}

log() { printf '[xtcp %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The newest Debian stock kernel installed (linux-image-amd64's dependency).
stock_kver() {
	local v d
	v=$(for d in /lib/modules/6.1.0-*-amd64; do
		if [[ ${d##*/} =~ ^6\.1\.0-[0-9]+-amd64$ ]]; then echo "${d##*/}"; fi
	done | sort -t- -k2 -n | tail -1)
	[ -n "$v" ] || return 1
	echo "$v"
}

stock_kdir() { echo "/lib/modules/$(stock_kver)/build"; }

# Kernel source tree the debug kernel is built from (unpacked by
# build-debug-kernel.sh); also KSRC for the selftests (kselftest headers).
debug_ksrc() {
	echo "$XTCP_CACHE/src/linux-source-$(dpkg-query -W -f='${Version}' linux-source-6.1)"
}

# Path of checkpatch.pl: the unpacked debug kernel source if there, else
# just scripts/ unpacked from linux-source-6.1 into the cache.
checkpatch_pl() {
	local src tarball=/usr/src/linux-source-6.1.tar.xz dir
	src=$(debug_ksrc)
	if [ -f "$src/.xtcp-unpacked" ]; then
		echo "$src/scripts/checkpatch.pl"
		return 0
	fi
	dir=$XTCP_CACHE/src/checkpatch-$(basename "$src")
	if [ ! -f "$dir/.xtcp-unpacked" ]; then
		[ -f "$tarball" ] || die "$tarball missing: run scripts/setup.sh"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards '*/scripts/*'
		touch "$dir/.xtcp-unpacked"
	fi
	echo "$dir/scripts/checkpatch.pl"
}

# Shell-quote each argument for a POSIX sh (the guest runs commands with
# /bin/sh, so bash's printf %q is not safe there).
sh_quote() {
	local a out=
	for a in "$@"; do
		out+="'${a//\'/\'\\\'\'}' "
	done
	printf '%s' "${out% }"
}

# Guest slots: at most XTCP_GUEST_SLOTS (default 2) guests run at once on
# this machine, each holding one lock file of $XTCP_CACHE (guest.lock,
# guest.lock.1, ...) on fd 8 for its lifetime. Two TCG guests share two
# cores well because most guest time is spent waiting on timers and netem
# (a stock run keeps the host's load near 1); more starve each other.
# guest_slot_take one|all: take a free slot, or with "all" every slot (for
# scripts/nic-pair.sh, whose two guests need the machine to themselves).
# Polls, so a waiter takes whichever slot frees first.
guest_slot_take() {
	local n=${XTCP_GUEST_SLOTS:-2} i f said=

	mkdir -p "$XTCP_CACHE"
	if [ "${1:-}" = all ]; then
		for ((i = 0; i < n; i++)); do
			f=$XTCP_CACHE/guest.lock
			((i == 0)) || f=$f.$i
			exec {fd}>"$f"
			if ! flock -n "$fd"; then
				log "waiting for guest slot $i"
				flock "$fd"
			fi
		done
		return 0
	fi
	while :; do
		for ((i = 0; i < n; i++)); do
			f=$XTCP_CACHE/guest.lock
			((i == 0)) || f=$f.$i
			exec 8>"$f"
			flock -n 8 && return 0
			exec 8>&-
		done
		[ -n "$said" ] || log "all $n guest slots are busy; waiting"
		said=1
		sleep 2
	done
}

# Take the lock on $XTCP_OUT for the rest of the calling script (fd 7):
# check.sh and demo.sh rebuild out/KIND/xtcp.ko and reuse out/results, so
# two of them on one tree would pull modules and results from under each
# other. A second one waits.
lock_out() {
	mkdir -p "$XTCP_OUT"
	exec 7>"$XTCP_OUT/.lock"
	if ! flock -n 7; then
		log "another check or demo is using $XTCP_OUT; waiting for it"
		flock 7
	fi
}
