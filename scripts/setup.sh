#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything XTCP's build, guests and tests need on a Debian 12 host.
# Idempotent: each step checks first and does nothing when already done.
# Never loads a module into this machine's kernel.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves sparse
	cpio rsync xz-utils zstd kmod file udev busybox-static procps dkms
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 python3-venv python3-argcomplete python3-requests
	iproute2 iputils-ping ethtool tshark python3-scapy nftables
	curl iperf3 redis-server redis-tools
)
# Servers the xtcpize test runs in guests: never started on this host.
NO_START_SERVICES=(iperf3 redis-server)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, quietly.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	# iperf3 asks whether to run a daemon; answer no.
	echo "iperf3 iperf3/start_daemon boolean false" | debconf-set-selections
	# Servers installed for the guests' tests must not start here:
	# policy-rc.d answering 101 forbids invoke-rc.d and deb-systemd-invoke
	# to start anything during the install (kept if the host has one).
	policy=/usr/sbin/policy-rc.d
	own_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		own_policy=1
	fi
	rc=0
	apt-get update -qq &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
	if [ -n "$own_policy" ]; then rm -f "$policy"; fi
	[ $rc -eq 0 ] || exit $rc
fi
# And not at the next boot either.
if [ -d /run/systemd/system ]; then
	for s in "${NO_START_SERVICES[@]}"; do
		systemctl disable --now "$s" >/dev/null 2>&1 || true
	done
fi

if [ ! -x "$XTCP_VENV/bin/vng" ]; then
	log "installing virtme-ng into $XTCP_VENV"
	mkdir -p "$XTCP_CACHE"
	python3 -m venv --system-site-packages "$XTCP_VENV"
	"$XTCP_VENV/bin/pip" install -q virtme-ng
fi

log "setup complete: stock kernel $(stock_kver), vng $("$XTCP_VENV/bin/vng" --version 2>/dev/null | head -1)"
