#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read the frames of a pcap or pcapng capture, with the standard library.

    xtcp_pcap.py PCAP

prints "N MAXLEN": the number of frames and the longest frame's length on
the wire (its original length, not the captured one).

frames(path) yields (data, wire_length) for each packet, and
segments(path, proto) the source address and transport header of each
IPv4 or IPv6 packet of that protocol, for xtcp_pcap_csum.py and
xtcp_pcap_tsopt.py. Scapy would read these as well, but importing it
takes fifteen to twenty-five seconds in a loaded TCG guest, and
xtcp_gso.sh reads twelve captures. Handles classic pcap (either byte
order, micro- or nanosecond stamps) and pcapng's enhanced, simple and
obsolete packet blocks, as dumpcap and tcpdump write them.
"""
import socket
import struct
import sys

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",	# microseconds
    b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">",	# nanoseconds
}
PCAPNG_SHB = 0x0A0D0D0A


def _pcap(f, order):
    f.read(20)				# the rest of the file header
    rec = struct.Struct(order + "IIII")
    while True:
        hdr = f.read(rec.size)
        if len(hdr) < rec.size:
            return
        _, _, caplen, origlen = rec.unpack(hdr)
        data = f.read(caplen)
        if len(data) < caplen:
            return
        yield data, origlen


def _pcapng(f):
    order = "<"
    snaplens = []
    while True:
        head = f.read(8)
        if len(head) < 8:
            return
        btype = struct.unpack("<I", head[:4])[0]
        if btype == PCAPNG_SHB:
            magic = f.read(4)
            order = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            blen = struct.unpack(order + "I", head[4:])[0]
            f.read(blen - 12)
            snaplens = []
            continue
        btype, blen = struct.unpack(order + "II", head)
        if blen < 12:
            raise ValueError(f"pcapng block of {blen} bytes")
        body = f.read(blen - 8)
        if len(body) < blen - 8:
            return
        if btype == 1:			# interface description
            snaplens.append(struct.unpack(order + "I", body[4:8])[0])
        elif btype == 6:		# enhanced packet
            caplen, origlen = struct.unpack(order + "II", body[12:20])
            yield body[20:20 + caplen], origlen
        elif btype == 3:		# simple packet
            origlen = struct.unpack(order + "I", body[:4])[0]
            caplen = min(origlen, blen - 16)
            if snaplens and snaplens[0]:
                caplen = min(caplen, snaplens[0])
            yield body[4:4 + caplen], origlen
        elif btype == 2:		# packet (obsolete)
            caplen, origlen = struct.unpack(order + "II", body[12:20])
            yield body[20:20 + caplen], origlen


def frames(path):
    """Yield (data, wire_length) for every packet in the capture at path."""
    with open(path, "rb") as f:
        magic = f.read(4)
        if magic in PCAP_MAGICS:
            yield from _pcap(f, PCAP_MAGICS[magic])
        elif magic == struct.pack("<I", PCAPNG_SHB):
            f.seek(0)
            yield from _pcapng(f)
        else:
            raise ValueError(f"{path}: not a pcap or pcapng file")


def segments(path, proto):
    """Yield (source address, transport header) for every Ethernet frame
    in the capture at path that carries an IPv4 packet of IP protocol
    proto (not a fragment) or an IPv6 packet with next header proto. The
    header is cut at its data offset, or at the end of the capture."""
    for frame, _ in frames(path):
        ip = frame[14:]
        if frame[12:14] == b"\x86\xdd":
            if len(ip) < 40 or ip[0] >> 4 != 6 or ip[6] != proto:
                continue
            src = socket.inet_ntop(socket.AF_INET6, ip[8:24])
            seg = ip[40:]
        elif frame[12:14] == b"\x08\x00":
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != proto:
                continue
            if struct.unpack("!H", ip[6:8])[0] & 0x3fff:
                continue
            src = socket.inet_ntop(socket.AF_INET, ip[12:16])
            seg = ip[(ip[0] & 0x0f) * 4:]
        else:
            continue
        if len(seg) >= 20:
            yield src, seg[:(seg[12] >> 4) * 4]


def main():
    if len(sys.argv) != 2:
        print("usage: xtcp_pcap.py PCAP", file=sys.stderr)
        return 2
    n = longest = 0
    for _, wirelen in frames(sys.argv[1]):
        n += 1
        longest = max(longest, wirelen)
    print(n, longest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
