#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count the timestamp options (RFC 7323) in a capture, per direction.

    xtcp_pcap_tsopt.py PCAP PROTO CLIENT

For the segments of IP protocol PROTO in PCAP, of CLIENT's address
family, prints one line per direction, "c N NOTS ZEROECR OLDER" for those
from address CLIENT and "s ..." for the others: N segments, NOTS segments
other than a RST without a timestamp option, ZEROECR segments whose option
echoes TSecr 0 although they are not a SYN without ACK (RFC 7323 3.2
allows 0 only there), OLDER segments other than a RST whose TSval is more
than 1 older than one captured before it in the same direction of the same
connection: the only segments PAWS may drop (RFC 7323 5.3, with Linux's
one-tick window). veth hands each CPU's transmissions to that CPU's
backlog, so a segment can overtake one sent before it. The headers are
parsed here (xtcp_pcap.py), not by tshark, whose start cost minutes in a
loaded TCG guest.
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
    newest = {}		# (direction, ports): the newest TSval seen
    for src, hdr in segments(path, int(proto)):
        if (":" in src) != (":" in client):
            continue
        d = "c" if src == client else "s"
        n = count.setdefault(d, [0, 0, 0, 0])
        n[0] += 1
        flags = hdr[13]
        ts = tsopt(hdr)
        if ts is None:
            if not flags & RST:
                n[1] += 1
            continue
        if ts[1] == 0 and not (flags & SYN and not flags & ACK):
            n[2] += 1
        if flags & RST:
            continue
        flow = (d, hdr[0:4])
        last = newest.get(flow)
        # Serial arithmetic on 32 bits, as PAWS compares.
        if last is None or (ts[0] - last) & 0xFFFFFFFF < 0x80000000:
            newest[flow] = ts[0]
        elif (last - ts[0]) & 0xFFFFFFFF > 1:
            n[3] += 1
    for d, n in count.items():
        print(d, *n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
