#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Verify the XTCP checksums in a capture, independently of XTCP's code.

    xtcp_pcap_csum.py [--partial] PCAP [PROTO]

Every IPv4 packet of IP protocol PROTO (default 253), and every IPv6 packet
whose next header is PROTO, in PCAP (pcap or pcapng, Ethernet frames) must
carry a valid checksum: TCP's algorithm (RFC 1071 sum) over the whole
segment and a pseudo-header with PROTO in its protocol field (RFC 9293 3.1
and RFC 8200 8.1, with XTCP's number). tshark cannot check these (its TCP
dissector always sums protocol 6), so they are summed here. Truncated
packets (snaplen shorter than the packet) are counted, not judged.

--partial judges segments captured at a sender that left the checksum to
the device (CHECKSUM_PARTIAL): the field must then hold XTCP's partial
seed, the folded sum of the pseudo-header and the two ports (XTCP's
checksum starts after the ports, see xtcp_csum_set_partial()), which the
device completes by adding the sum of the rest.

Prints one line, "N segments, G good, B bad, T truncated", and exits 0 if
N > 0 and B == 0, 1 otherwise, 2 on usage errors.
"""
import struct
import sys
from array import array

from xtcp_pcap import frames


def ones_sum(data):
    """RFC 1071: the 16-bit ones' complement sum of data, folded."""
    if len(data) & 1:
        data += b"\0"
    words = array("H", data)
    if sys.byteorder == "little":
        words.byteswap()
    total = sum(words)
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def verdict(pseudo, seg, partial):
    """'good' or 'bad' for segment seg after pseudo-header pseudo."""
    if not partial:
        return "good" if ones_sum(pseudo + seg) == 0xffff else "bad"
    seed = ones_sum(pseudo + seg[0:4])
    field = struct.unpack("!H", seg[16:18])[0]
    return "good" if field == seed else "bad"


def check(frame, proto, partial):
    """None if not ours, else 'good', 'bad' or 'truncated'."""
    if len(frame) < 34:
        return None
    if frame[12:14] == b"\x86\xdd":
        ip = frame[14:]
        if len(ip) < 40 or ip[0] >> 4 != 6 or ip[6] != proto:
            return None
        plen = struct.unpack("!H", ip[4:6])[0]
        seg = ip[40:40 + plen]
        if len(seg) < plen or len(seg) < 20:
            return "truncated"
        pseudo = ip[8:40] + struct.pack("!IxxxB", plen, proto)
        return verdict(pseudo, seg, partial)
    if frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[0] >> 4 != 4 or ip[9] != proto or ihl < 20:
        return None
    if struct.unpack("!H", ip[6:8])[0] & 0x3fff:
        return None			# a fragment
    tot = struct.unpack("!H", ip[2:4])[0]
    seg = ip[ihl:tot]
    if len(ip) < tot or len(seg) < 20:
        return "truncated"
    pseudo = ip[12:20] + struct.pack("!BBH", 0, proto, len(seg))
    return verdict(pseudo, seg, partial)


def main():
    args = sys.argv[1:]
    partial = "--partial" in args
    if partial:
        args.remove("--partial")
    if len(args) not in (1, 2):
        print("usage: xtcp_pcap_csum.py [--partial] PCAP [PROTO]",
              file=sys.stderr)
        return 2
    proto = int(args[1]) if len(args) == 2 else 253
    counts = {"good": 0, "bad": 0, "truncated": 0}
    for frame, _ in frames(args[0]):
        result = check(frame, proto, partial)
        if result:
            counts[result] += 1
    n = sum(counts.values())
    print(f"{n} segments, {counts['good']} good, {counts['bad']} bad, "
          f"{counts['truncated']} truncated")
    return 0 if n and not counts["bad"] else 1


if __name__ == "__main__":
    sys.exit(main())
