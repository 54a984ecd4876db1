#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count the timestamp options (RFC 7323) in a capture, per direction.

    xtcp_pcap_tsopt.py PCAP PROTO CLIENT

For the segments of IP protocol PROTO in PCAP, of CLIENT's address
family, prints one line per
direction, "c N NOTS ZEROECR" for those from address CLIENT and "s ..."
for the others: N segments, NOTS segments other than a RST without a
timestamp option, ZEROECR segments whose option echoes TSecr 0 although
they are not a SYN without ACK (RFC 7323 3.2 allows 0 only there). The
headers are parsed here (xtcp_pcap.py), not by tshark, whose start cost
minutes in a loaded TCG guest.
"""
import struct
import sys

from xtcp_pcap import options, segments

SYN, RST, ACK = 0x02, 0x04, 0x10


def tsopt(hdr):
    """(TSval, TSecr) from the options of TCP header hdr, or None."""
    for kind, body in options(hdr[20:]):
        if kind == 8 and len(body) == 8:
            return struct.unpack("!II", body)
    return None


def main():
    if len(sys.argv) != 4:
        print("usage: xtcp_pcap_tsopt.py PCAP PROTO CLIENT", file=sys.stderr)
        return 2
    _, path, proto, client = sys.argv
    count = {}
    for src, hdr in segments(path, int(proto)):
        if (":" in src) != (":" in client):
            continue
        d = "c" if src == client else "s"
        n = count.setdefault(d, [0, 0, 0])
        n[0] += 1
        flags = hdr[13]
        ts = tsopt(hdr)
        if ts is None:
            if not flags & RST:
                n[1] += 1
        elif ts[1] == 0 and not (flags & SYN and not flags & ACK):
            n[2] += 1
    for d, n in count.items():
        print(d, *n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
