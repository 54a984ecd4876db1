#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a connection costs in slab memory, object by object: every XTCP
# object kind must be no larger than the kernel TCP's counterpart in the
# same kernel, as SLUB reports it (/sys/kernel/slab/NAME/object_size):
#
#   XTCP, XTCPv6                        full sockets (struct xtcp_sock,
#                                       struct xtcp6_sock) against TCP's
#   request_sock_XTCP, ..._XTCPv6       request sockets (SYN_RECV)
#   tw_sock_XTCP, ..._XTCPv6            TIME_WAIT and FIN_WAIT2 minisocks
#
# Each pair is one case, and each also reports the objects per slab page
# (what the benchmark's memory per idle connection really pays: an object
# a few bytes larger can mean one object fewer per order-3 slab).
#
# Stock guest only: lockdep and KASAN grow every spinlock and add redzones,
# and XTCP's socket has a spinlock (its timer lock) that TCP's has not, so
# the debug kernel's sizes say nothing about what users run.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xtcp_lib_init 6 "slab object sizes against the kernel TCP's"

if [ "$XTCP_TEST_PROTO" != xtcp ]; then
	tap_skip_rest "compares XTCP's caches with TCP's"
fi
if [ "$XTCP_GUEST" = debug ]; then
	tap_skip_rest "the debug kernel's lockdep and KASAN change the sizes"
fi

# slab_attr CACHE ATTR: the attribute, or nothing when the cache is absent.
slab_attr() {
	cat "/sys/kernel/slab/$1/$2" 2>/dev/null || true
}

for pair in XTCP:TCP XTCPv6:TCPv6 \
	request_sock_XTCP:request_sock_TCP request_sock_XTCPv6:request_sock_TCPv6 \
	tw_sock_XTCP:tw_sock_TCP tw_sock_XTCPv6:tw_sock_TCPv6; do
	x=${pair%%:*}
	t=${pair##*:}
	xs=$(slab_attr "$x" object_size)
	ts=$(slab_attr "$t" object_size)
	if [ -z "$xs" ] || [ -z "$ts" ]; then
		tap_skip "slab: $x against $t" "no /sys/kernel/slab/$x or $t"
		continue
	fi
	info "$x: $xs bytes, $(slab_attr "$x" objs_per_slab) per slab; $t: $ts bytes, $(slab_attr "$t" objs_per_slab) per slab"
	if [ "$xs" -le "$ts" ]; then
		tap_ok "slab: $x object ($xs bytes) no larger than $t's ($ts)"
	else
		tap_fail "slab: $x object ($xs bytes) larger than $t's ($ts)"
	fi
done

tap_finish
