#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Clean link: a large transfer in both directions at once, a file copied and
# compared with cmp, and a client on socket(AF_INET, SOCK_STREAM,
# IPPROTO_XTCP); then the open counters must match the connections made.
#
# XTCP_CLEAN_BYTES  bytes each way (default 64M, 2M in the debug guest)
# XTCP_FILE_BYTES   file size for the cmp case (default 4M, 1M debug)

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

XTCP_CLEAN_BYTES=$(pick_size "${XTCP_CLEAN_BYTES:-}" 64M 2M)
XTCP_FILE_BYTES=$(pick_size "${XTCP_FILE_BYTES:-}" 4M 1M)
xtcp_lib_init 8 "clean link, no netem"

big=$(to_bytes "$XTCP_CLEAN_BYTES")
fbytes=$(to_bytes "$XTCP_FILE_BYTES")
rand_range 1 1000000
dseed=$RAND
info "data seed $dseed, $(hsize "$big") each way"
t=$(tmo 300)

snapshot c ActiveOpens InCsumErrors
snapshot s PassiveOpens InCsumErrors

xfer "clean: $(hsize "$big") both directions at once" \
	"-b -s $big -S $dseed -t $t -I" "-b -s $big -S $dseed -t $t -I"

head -c "$fbytes" /dev/urandom >"$TMPD/in"
xfer "clean: $(hsize "$fbytes") file upload (-i/-o)" \
	"-o $TMPD/out -t $t" "-i $TMPD/in -t $t"
if cmp "$TMPD/in" "$TMPD/out"; then
	tap_ok "clean: received file is identical (cmp)"
else
	tap_fail "clean: received file is identical (cmp)"
fi

if [ "$XTCP_TEST_PROTO" = xtcp ]; then
	XFER_PROTO_C=xtcp-inet
	form="socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP)"
else
	form="socket(AF_INET, SOCK_STREAM, 0)"
fi
xfer "clean: client on $form, 1 MiB half-close" \
	"-H -s 1M -S $dseed -t $t" "-H -s 1M -S $dseed -t $t"
XFER_PROTO_C=$XTCP_TEST_PROTO

check_counter "clean: ActiveOpens +3 on the client" c ActiveOpens -eq 3
check_counter "clean: PassiveOpens +3 on the server" s PassiveOpens -eq 3
check_counter "clean: no InCsumErrors on the client" c InCsumErrors -eq 0
check_counter "clean: no InCsumErrors on the server" s InCsumErrors -eq 0

tap_finish
