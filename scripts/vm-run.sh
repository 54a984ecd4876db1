#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh --kernel stock|debug [--rwdir DIR] [--timeout SEC] [--memory SIZE]
#           [--console FILE] [--append KERNEL-ARGS] [--nic MODEL]...
#           [--qemu-opts QEMU-ARGS] -- CMD...
#
# Owns booting a throwaway guest: runs CMD inside a virtme-ng guest (TCG,
# 2 CPUs) whose root is this host's root filesystem, read-only, with the
# current directory set to the repository. Writes from the guest survive
# only in --rwdir DIR (mounted at the same path). Exits with CMD's status;
# 124 when the guest exceeded --timeout, 255 when the guest kernel panicked.
#
#   stock  Debian's /boot/vmlinuz-$(stock_kver), modules from /lib/modules,
#          1G of memory.
#   debug  the KASAN/lockdep/kmemleak/KUnit kernel from
#          scripts/build-debug-kernel.sh (built if not cached; override the
#          tree with XTCP_DEBUG_TREE), 3G of memory; KASAN reports every
#          error (kasan_multi_shot) and WARN does not panic, so one report
#          does not end the run: scan the guest's dmesg afterwards.
#
# --nic MODEL (repeatable) adds two emulated NICs of qemu's device MODEL
# (rtl8139, e1000, virtio-net-pci...) joined by their own qemu hub, so a
# test can put one in each of two namespaces and talk through a real driver
# (selftests/xtcp_nic.sh). They come up in the guest's first namespace, down.
# --qemu-opts passes more arguments to qemu (scripts/nic-pair.sh links two
# guests with it).
#
# --console FILE captures the guest's kernel console (warnings and worse)
# and CMD's stderr in FILE: that is where a panic's trace ends up.
# At most XTCP_GUEST_SLOTS (default 2) guests run at once machine-wide
# (guest_slot_take in lib.sh). A caller that runs guests together on
# purpose (scripts/nic-pair.sh) takes every slot itself and sets
# XTCP_GUEST_LOCK_HELD=1.
# This script never loads anything into the host's kernel.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: vm-run.sh --kernel stock|debug [--rwdir DIR] [--timeout SEC] [--memory SIZE] [--console FILE] [--append KERNEL-ARGS] [--nic MODEL]... [--qemu-opts QEMU-ARGS] -- CMD..." >&2
	exit 2
}

# Runs vng under timeout; its status goes to $rcfile (a pipeline eats it).
run_vng() {
	local r=0 pid

	timeout -k 10 "$tmo" "${pre[@]}" "$vng" "${args[@]}" --exec "$guestcmd" </dev/null &
	pid=$!
	echo "$pid" >"$pidfile"
	wait "$pid" || r=$?
	echo "$r" >"$rcfile"
}

# boot_watch: copies the console through. A KASAN report stamped within
# the first BOOT_WATCH_S seconds of uptime comes from the kernel's own
# boot: nothing of XTCP's runs before the guest command, which starts at
# 18 s or later (stock) and 27 s or later (debug); the debug kernel once
# looped on such a report, at 3.3 s, until the guest's timeout. Stop the
# guest (timeout(1) passes SIGTERM to vng) and leave the report in
# $bootfail for main to boot again.
# The same for a guest whose timer interrupts stopped during boot: under
# TCG on a loaded host the stock kernel once failed to calibrate its TSC
# ("Unable to calibrate against PIT"), CPU 0 then took no timer
# interrupt, and RCU reported "timer wakeup didn't happen" every minute
# until the guest's timeout, the command never started (2026-12-03, a
# kernel build beside the booting guest). Such a report before the guest
# command printed its start line (start_watch, on the guest's output,
# then creates $started) means a boot that will not finish: boot again.
BOOT_WATCH_S=15
boot_watch() {
	awk -v pidfile="$pidfile" -v flag="$bootfail" -v lim="$BOOT_WATCH_S" \
		-v started="$started" '
	function stop(line) {
		dead = 1
		getline pid < pidfile
		system("kill " pid " 2>/dev/null")
		print line > flag
		close(flag)
	}
	{ print; fflush() }
	!dead && /^\[ *[0-9]+\.[0-9]+\] BUG: KASAN/ {
		t = $0
		sub(/^\[ */, "", t)
		sub(/\].*/, "", t)
		if (t + 0 < lim)
			stop($0)
	}
	!dead && /rcu: .*timer wakeup didn.t happen/ {
		if ((getline l < started) < 0)
			stop($0)
		close(started)
	}'
}

# start_watch: copies the guest's output through and creates $started
# once the guest command has printed its start line.
start_watch() {
	awk -v started="$started" '
	{ print; fflush() }
	!s && /vm-run: [a-z]+ guest command starts/ {
		s = 1
		printf "" > started
		close(started)
	}'
}

main() {
	local kver tree start rc try
	kind='' rwdir='' tmo=1800 mem='' console='' append='' nics=() qopts='' pre=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) kind=${2:?}; shift 2 ;;
		--rwdir) rwdir=${2:?}; shift 2 ;;
		--timeout) tmo=${2:?}; shift 2 ;;
		--memory) mem=${2:?}; shift 2 ;;
		--console) console=${2:?}; shift 2 ;;
		--append) append+=" ${2:?}"; shift 2 ;;
		--qemu-opts) qopts+=" ${2:?}"; shift 2 ;;
		--nic)
			[[ ${2:?} =~ ^[a-z0-9-]+$ ]] || usage
			nics+=("$2"); shift 2 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	[ $# -gt 0 ] || usage
	[[ $tmo =~ ^[0-9]+$ ]] || usage

	vng=$XTCP_VENV/bin/vng
	[ -x "$vng" ] || die "virtme-ng missing: run scripts/setup.sh"
	# vng runs virtme-run and friends from PATH.
	export PATH=$XTCP_VENV/bin:$PATH

	args=(--disable-kvm --force-9p --cpus 2)
	# Under TCG on a loaded host the boot-time check that the IO-APIC timer
	# ticks can time out and panic ("IO-APIC + timer doesn't work!"), as
	# seen with a kernel build beside the guest: skip it, as paravirtual
	# clocks do.
	args+=(--append no_timer_check)
	case "$kind" in
	stock)
		kver=$(stock_kver) || die "no Debian 6.1 stock kernel in /lib/modules"
		args+=(-r "/boot/vmlinuz-$kver" --memory "${mem:-1G}")
		# Boot trimming: udev coldplug loads a driver for every emulated q35
		# device (SATA, watchdogs, kvm, crypto accelerators...), about 10 s
		# under TCG. None of them matters here; tests still load what they
		# need (veth, netem, ...) because the kernel's own module requests
		# do not apply this blacklist.
		args+=(--append "modprobe.blacklist=kvm_amd,kvm_intel,kvm,irqbypass,ccp,crct10dif_pclmul,crc32_pclmul,crc32c_intel,ghash_clmulni_intel,sha512_ssse3,sha256_ssse3,sha1_ssse3,aesni_intel,sr_mod,cdrom,sg,ahci,libahci,libata,iTCO_wdt,iTCO_vendor_support,intel_pmc_bxt,i6300esb,lpc_ich,i2c_i801,i2c_smbus,pcspkr,evdev,psmouse,serio_raw,qemu_fw_cfg,button,joydev")
		;;
	debug)
		tree=${XTCP_DEBUG_TREE:-$("$XTCP_TOP/scripts/build-debug-kernel.sh")}
		[ -f "$tree/arch/x86/boot/bzImage" ] || die "no debug kernel in $tree"
		args+=(-r "$tree" --memory "${mem:-3G}")
		# Report every KASAN error, not just the first; keep running after a
		# WARN (panic_on_warn would lose the rest of the run).
		args+=(--append "kasan_multi_shot panic_on_warn=0")
		# 4-level paging at a fixed layout. TCG's CPU offers LA57, and
		# with 5-level paging and a randomised layout the KASAN kernel
		# sometimes died at boot, before any test: an early interrupt's
		# irq_desc lock was a "wild-memory-access" (ff11000100072...),
		# reported in a loop until the guest's timeout (twice in about
		# thirty boots, 2026-12-02). The stock guest keeps both.
		args+=(--append "no5lvl nokaslr")
		# No udev: its coldplug and settle took six to eight minutes of
		# every boot under KASAN and often left no script ports. vng
		# runs in a mount namespace of its own in which the stand-in of
		# scripts/guest-udev/ is /usr/lib/systemd (the guest's root is
		# the host's, through qemu's 9p server); it makes the port
		# links. A vng --rodir would be mounted too late: virtme-ng-init
		# starts udevd while it mounts those.
		pre=(unshare -m --propagation private -- sh -c \
			'mount --bind "$0" /usr/lib/systemd && exec "$@"' \
			"$XTCP_TOP/scripts/guest-udev")
		;;
	*) usage ;;
	esac

	if [ -n "$rwdir" ]; then
		mkdir -p "$rwdir"
		args+=(--rwdir "$(cd "$rwdir" && pwd)")
	fi
	if [ -n "$console" ]; then
		mkdir -p "$(dirname "$console")"
		# -v sends the console to stderr; loglevel=5 keeps only warnings and
		# worse there (printing the whole boot on a TCG serial port is slow).
		args+=(-v --append "loglevel=5")
	fi

	[ -z "$append" ] || args+=(--append "${append# }")

	# Two NICs per model, on a hub of their own (hub 0 is not vng's).
	local i=0 m
	for m in "${nics[@]}"; do
		i=$((i + 1))
		qopts+=" -netdev hubport,id=xn${i}a,hubid=$((100 + i))"
		qopts+=" -device $m,netdev=xn${i}a"
		qopts+=" -netdev hubport,id=xn${i}b,hubid=$((100 + i))"
		qopts+=" -device $m,netdev=xn${i}b"
	done
	# "=": the value starts with a dash.
	[ -z "$qopts" ] || args+=("--qemu-opts=${qopts# }")

	# The guest runs the command with /bin/sh: quote for POSIX sh.
	guestcmd="echo \"vm-run: $kind guest command starts at \$(cut -d' ' -f1 /proc/uptime) s uptime\"; exec $(sh_quote "$@")"

	mkdir -p "$XTCP_CACHE"
	if [ "${XTCP_GUEST_LOCK_HELD:-}" != 1 ]; then
		guest_slot_take one
	fi

	cd "$XTCP_TOP"
	log "booting $kind guest (timeout ${tmo}s)"
	start=$(date +%s)
	# stdin from /dev/null: nothing to type, and vng must not touch a terminal
	# from timeout's background process group. stdout and stderr go through
	# pipes: qemu reopens /proc/self/fd/1 and 2 several times with O_TRUNC,
	# which would truncate a regular file and overwrite one writer's output
	# with another's.
	rcfile=$(mktemp)
	pidfile=$(mktemp)
	bootfail=$(mktemp)
	started=$(mktemp -u)
	trap 'rm -f "$rcfile" "$pidfile" "$bootfail" "$started"' EXIT
	for try in 1 2; do
		: >"$bootfail"
		rm -f "$started"
		if [ -n "$console" ]; then
			{ run_vng 2>&1 >&3 3>&- | boot_watch >"$console"; } 3>&1 | start_watch
		else
			{ run_vng 2>&1 >&3 3>&- | boot_watch >&2; } 3>&1 | start_watch
		fi
		if [ ! -s "$bootfail" ] || [ "$try" = 2 ]; then
			break
		fi
		log "$kind kernel failed at boot, before the command ($(cut -c1-80 "$bootfail")); booting again"
		[ -z "$console" ] || head -n 300 "$console" >"$console.bootfail"
	done
	rc=$(cat "$rcfile")
	case $rc in
	124 | 137) log "$kind guest timed out after ${tmo}s"; rc=124 ;;
	255) log "$kind guest exited 255 (kernel panic or vng failure)" ;;
	esac
	log "$kind guest done in $(($(date +%s) - start)) s wall, status $rc"
	return "$rc"
}

# All in functions, ended by exit on the same line: bash reads a script as
# it runs, and editing this file during a run must not change the run.
main "$@"; exit
