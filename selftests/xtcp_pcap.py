#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read pcap and pcapng captures, with the standard library.

    xtcp_pcap.py PCAP
    xtcp_pcap.py --flows PCAP PROTO

prints "N MAXLEN": the number of frames and the longest frame's length on
the wire (its original length, not the captured one); with --flows, a
line "SRC SPORT DPORT RST LABEL" per IPv6 segment of next header PROTO
(flows()), the fields xtcp_ipv6.sh once asked tshark for.

packets(path) yields (time, link type, data, wire length) for each packet;
frames(path) the data and wire length of each Ethernet frame;
segments(path, proto) the source address and transport header of each
IPv4 or IPv6 packet of that protocol; options(raw) walks a TCP option
list. xtcp_pcap_csum.py, xtcp_pcap_tsopt.py, xtcp_pcap_hostq.py and
the host's scripts/ladder.py (and so scripts/tseq.py) read their
captures here.
Scapy would read these as well, but importing it takes fifteen to
twenty-five seconds in a loaded TCG guest, and xtcp_gso.sh reads twelve
captures. Handles classic pcap (either byte order, micro- or nanosecond
stamps) and pcapng's enhanced, simple and obsolete packet blocks, with
each interface's link type and timestamp resolution, as dumpcap and
tcpdump write them.
"""
import socket
import struct
import sys

LINKTYPE_ETHERNET = 1
PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}
PCAPNG_SHB = 0x0A0D0D0A


def _pcap(f, order, unit):
    rest = f.read(20)			# the rest of the file header
    if len(rest) < 20:
        return
    link = struct.unpack(order + "I", rest[16:20])[0] & 0xFFFF
    rec = struct.Struct(order + "IIII")
    while True:
        hdr = f.read(rec.size)
        if len(hdr) < rec.size:
            return
        sec, frac, caplen, origlen = rec.unpack(hdr)
        data = f.read(caplen)
        if len(data) < caplen:
            return
        yield sec + frac * unit, link, data, origlen


def _idb(body, order):
    """(link type, snaplen, seconds per timestamp unit) of an interface
    description block's body."""
    link, _, snaplen = struct.unpack(order + "HHI", body[:8])
    unit, o = 1e-6, 8
    while o + 4 <= len(body):
        code, olen = struct.unpack(order + "HH", body[o:o + 4])
        if code == 0:
            break
        if code == 9 and olen >= 1:	# if_tsresol
            r = body[o + 4]
            unit = 2.0 ** -(r & 0x7F) if r & 0x80 else 10.0 ** -r
        o += 4 + ((olen + 3) & ~3)
    return link, snaplen, unit


def _pcapng(f):
    order = "<"
    ifaces = []
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
            ifaces = []
            continue
        btype, blen = struct.unpack(order + "II", head)
        if blen < 12:
            raise ValueError(f"pcapng block of {blen} bytes")
        body = f.read(blen - 8)
        if len(body) < blen - 8:
            return
        if btype == 1 and len(body) >= 8:	# interface description
            ifaces.append(_idb(body, order))
        elif btype in (6, 2) and len(body) >= 20:
            # enhanced packet; packet (obsolete, a 16-bit interface id)
            if btype == 6:
                iface, hi, lo, caplen, origlen = struct.unpack(
                    order + "IIIII", body[:20])
            else:
                iface, _, hi, lo, caplen, origlen = struct.unpack(
                    order + "HHIIII", body[:20])
            if iface < len(ifaces):
                link, _, unit = ifaces[iface]
                yield (((hi << 32) | lo) * unit, link,
                       body[20:20 + caplen], origlen)
        elif btype == 3 and len(body) >= 4 and ifaces:	# simple packet
            link, snaplen, _ = ifaces[0]
            origlen = struct.unpack(order + "I", body[:4])[0]
            caplen = min(origlen, blen - 16)
            if snaplen:
                caplen = min(caplen, snaplen)
            yield 0.0, link, body[4:4 + caplen], origlen


def packets(path):
    """Yield (time in seconds, link type, data, wire length) for every
    packet in the capture at path (time 0.0 for a pcapng simple packet)."""
    with open(path, "rb") as f:
        magic = f.read(4)
        if magic in PCAP_MAGICS:
            yield from _pcap(f, *PCAP_MAGICS[magic])
        elif magic == struct.pack("<I", PCAPNG_SHB):
            f.seek(0)
            yield from _pcapng(f)
        else:
            raise ValueError(f"{path}: not a pcap or pcapng file")


def frames(path):
    """Yield (data, wire_length) for every Ethernet frame in the capture
    at path."""
    for _, link, data, origlen in packets(path):
        if link == LINKTYPE_ETHERNET:
            yield data, origlen


def options(raw):
    """Yield (kind, body) for each option in the TCP option list raw,
    without the padding (NOP) and up to the end-of-list option; then
    (None, b"") once and stop if an option's length is below 2 or runs
    past the list."""
    i = 0
    while i < len(raw):
        kind = raw[i]
        if kind == 0:
            return
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2 or i + raw[i + 1] > len(raw):
            yield None, b""
            return
        yield kind, raw[i + 2:i + raw[i + 1]]
        i += raw[i + 1]


def _packet(frame, proto):
    """(source address, segment, IPv6 flow label or None) for an Ethernet
    frame carrying an IPv4 packet of IP protocol proto (not a fragment) or
    an IPv6 packet with next header proto; None for any other frame."""
    ip = frame[14:]
    if frame[12:14] == b"\x86\xdd":
        if len(ip) < 40 or ip[0] >> 4 != 6 or ip[6] != proto:
            return None
        label = struct.unpack("!I", ip[0:4])[0] & 0xfffff
        return socket.inet_ntop(socket.AF_INET6, ip[8:24]), ip[40:], label
    if frame[12:14] == b"\x08\x00":
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != proto:
            return None
        if struct.unpack("!H", ip[6:8])[0] & 0x3fff:
            return None
        src = socket.inet_ntop(socket.AF_INET, ip[12:16])
        return src, ip[(ip[0] & 0x0f) * 4:], None
    return None


def segments(path, proto):
    """Yield (source address, transport header) for every Ethernet frame
    in the capture at path that carries an IPv4 packet of IP protocol
    proto (not a fragment) or an IPv6 packet with next header proto. The
    header is cut at its data offset, or at the end of the capture."""
    for frame, _ in frames(path):
        pkt = _packet(frame, proto)
        if pkt and len(pkt[1]) >= 20:
            yield pkt[0], pkt[1][:(pkt[1][12] >> 4) * 4]


def flows(path, proto):
    """Yield "SRC SPORT DPORT RST LABEL" for every IPv6 segment of next
    header proto in the capture at path: RST 1 or 0, LABEL the flow label
    as six hex digits (0x0e2e2e), as tshark prints ipv6.flow."""
    for frame, _ in frames(path):
        pkt = _packet(frame, proto)
        if not pkt or pkt[2] is None or len(pkt[1]) < 14:
            continue
        src, seg, label = pkt
        sport, dport = struct.unpack("!HH", seg[0:4])
        yield f"{src} {sport} {dport} {(seg[13] >> 2) & 1} 0x{label:06x}"


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--flows":
        for line in flows(args[1], int(args[2])):
            print(line)
        return 0
    if len(args) != 1:
        print("usage: xtcp_pcap.py PCAP | --flows PCAP PROTO", file=sys.stderr)
        return 2
    n = longest = 0
    for _, wirelen in frames(args[0]):
        n += 1
        longest = max(longest, wirelen)
    print(n, longest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
