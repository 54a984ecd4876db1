#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ladder.py - draw one TCP/XTCP connection from a capture as a ladder diagram.

The picture TCP textbooks use: time runs down the page, the two ends are the
columns, and every segment is an arrow labelled with its flags, sequence and
acknowledgment numbers (relative to each end's ISN), payload length and
advertised window. Retransmissions, duplicate ACKs and segments missing from
the capture (dropped before the capture point) are marked.

  scripts/ladder.py CAPTURE [--proto 253] [--port PORT] [--max 60]
  scripts/ladder.py --selftest

CAPTURE is a pcap or pcapng file (Ethernet, Linux cooked or raw IPv4), as
dumpcap or tcpdump write it. No tshark needed: selftests/xtcp_pcap.py reads
the file, and this one the headers.
--proto picks the IP protocol carrying the TCP header: 253 for XTCP (the
default), 6 for the kernel's TCP. --port picks the connection with that port
at either end (default: the first connection whose SYN is in the capture).
With more than --max segments, the diagram keeps the handshake and the first
data, every retransmission with its neighbours, and the close; the rest is
summarised in "..." lines. --require NAME[,NAME] exits 1 unless the ladder
shows each of: syn, data, retransmission, fin (for scripts).
"""

import argparse
import os
import struct
import sys

# The capture reader the selftests use too.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import xtcp_pcap  # noqa: E402

# ---------------------------------------------------------------- parsing

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_LINUX_SLL2 = 276

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


class Segment:
    """One TCP header as captured."""

    __slots__ = ("t", "src", "dst", "sport", "dport", "seq", "ack", "flags",
                 "win", "len", "opts", "note", "rseq", "rack", "lost")

    def __init__(self, t, src, dst, sport, dport, seq, ack, flags, win,
                 length, opts):
        self.t = t
        self.src, self.dst = src, dst
        self.sport, self.dport = sport, dport
        self.seq, self.ack = seq, ack
        self.flags, self.win, self.len = flags, win, length
        self.opts = opts
        self.note = ""
        self.rseq = self.rack = None
        self.lost = False

    @property
    def end(self):
        return (self.len + (1 if self.flags & SYN else 0) +
                (1 if self.flags & FIN else 0))


def _ip_payload(link, data):
    """Strip the link header; return the IPv4 packet or None."""
    if link == LINKTYPE_ETHERNET:
        off, etype = 14, struct.unpack_from("!H", data, 12)[0] if len(data) >= 14 else 0
        while etype in (0x8100, 0x88a8) and len(data) >= off + 4:
            etype = struct.unpack_from("!H", data, off + 2)[0]
            off += 4
        return data[off:] if etype == 0x0800 else None
    if link == LINKTYPE_LINUX_SLL:
        if len(data) < 16 or struct.unpack_from("!H", data, 14)[0] != 0x0800:
            return None
        return data[16:]
    if link == LINKTYPE_LINUX_SLL2:
        if len(data) < 20 or struct.unpack_from("!H", data, 0)[0] != 0x0800:
            return None
        return data[20:]
    if link in (LINKTYPE_RAW, LINKTYPE_IPV4, 12, 14):
        return data if data and data[0] >> 4 == 4 else None
    return None


def _parse_options(raw):
    """TCP options -> short text, e.g. 'mss 1460,wscale 7'."""
    out = []
    for kind, body in xtcp_pcap.options(raw):
        if kind is None:
            out.append("bad")
        elif kind == 2 and len(body) == 2:
            out.append("mss %d" % struct.unpack("!H", body)[0])
        elif kind == 3 and len(body) == 1:
            out.append("wscale %d" % body[0])
        elif kind == 4 and not body:
            out.append("sackOK")
        elif kind == 5:
            out.append("sack")
        elif kind == 8 and len(body) == 8:
            out.append("ts")
        else:
            out.append("opt%d" % kind)
    return ",".join(out)


def _segment(t, ip, proto):
    """IPv4 packet -> Segment, or None if it is not a whole segment of proto."""
    if len(ip) < 20:
        return None
    ihl = (ip[0] & 0x0F) * 4
    tot = struct.unpack_from("!H", ip, 2)[0]
    frag = struct.unpack_from("!H", ip, 6)[0]
    if ip[9] != proto or frag & 0x3FFF or ihl < 20:
        return None
    tot = min(tot, len(ip)) if tot else len(ip)
    th = ip[ihl:tot]
    if len(th) < 20:
        return None
    sport, dport, seq, ack, off, flags, win = struct.unpack_from("!HHIIBBH", th)
    doff = (off >> 4) * 4
    if doff < 20 or doff > len(th):
        return None
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    return Segment(t, src, dst, sport, dport, seq, ack, flags, win,
                   len(th) - doff, _parse_options(th[20:doff]))


def read_packets(path):
    """Yield (time in seconds, link type, frame bytes) from pcap or pcapng
    (selftests/xtcp_pcap.py reads them)."""
    for t, link, data, _ in xtcp_pcap.packets(path):
        yield t, link, data


def read_connection(path, proto, port=None):
    """The segments of one connection, in capture order, and its two ends."""
    segs = []
    for t, link, frame in read_packets(path):
        ip = _ip_payload(link, frame)
        seg = _segment(t, ip, proto) if ip else None
        if seg and (port is None or port in (seg.sport, seg.dport)):
            segs.append(seg)
    if not segs:
        return [], None, None
    # The client sent the first SYN without ACK; without one, the first
    # sender is on the left.
    first = next((s for s in segs if s.flags & SYN and not s.flags & ACK),
                 segs[0])
    left = (first.src, first.sport)
    right = (first.dst, first.dport)
    ends = {left, right}
    conn = [s for s in segs
            if {(s.src, s.sport), (s.dst, s.dport)} == ends]
    # Only from the first SYN on: an earlier connection on the same ports
    # would confuse the relative numbers.
    start = conn.index(first) if first in conn else 0
    return conn[start:], left, right


# ---------------------------------------------------------------- analysis

def analyse(conn, left):
    """Relative numbers, and notes: retransmission, dup ACK, lost segments.

    Returns the list with inferred 'lost' pseudo-segments inserted where the
    sequence space jumps over bytes the capture never saw.
    """
    isn = {}
    for s in conn:
        key = (s.src, s.sport)
        if key not in isn:
            isn[key] = s.seq if s.flags & SYN else s.seq - 1
    out = []
    high = {}        # highest end sequence seen per direction
    last_ack = {}    # (ack, win) of the last pure ACK per direction
    dups = {}
    for s in conn:
        me = (s.src, s.sport)
        peer = (s.dst, s.dport)
        s.rseq = (s.seq - isn[me]) & 0xFFFFFFFF
        if s.flags & ACK and peer in isn:
            s.rack = (s.ack - isn[peer]) & 0xFFFFFFFF
        end = s.rseq + s.end
        h = high.get(me)
        if s.end:
            if h is not None and s.rseq < h:
                s.note = "retransmission"
            elif h is not None and s.rseq > h:
                gap = Segment(s.t, s.src, s.dst, s.sport, s.dport,
                              (isn[me] + h) & 0xFFFFFFFF, 0, 0, 0,
                              s.rseq - h, "")
                gap.rseq, gap.lost = h, True
                gap.note = "not in capture: lost before it"
                out.append(gap)
            high[me] = max(h or 0, end)
        pure = not s.end and not s.flags & (SYN | FIN | RST)
        if pure and s.rack is not None:
            prev = last_ack.get(me)
            outstanding = high.get(peer, 0) > s.rack
            if prev == (s.rack, s.win) and outstanding:
                dups[me] = dups.get(me, 0) + 1
                s.note = "duplicate ACK #%d" % dups[me]
            else:
                dups[me] = 0
            last_ack[me] = (s.rack, s.win)
        elif s.end:
            dups[me] = 0
            last_ack.pop(me, None)
        out.append(s)
    return out


def flag_text(flags):
    names = [(SYN, "SYN"), (FIN, "FIN"), (RST, "RST"), (PSH, "PSH"),
             (URG, "URG"), (ACK, "ACK")]
    return ",".join(n for bit, n in names if flags & bit) or "none"


def label(s):
    if s.lost:
        return "seq=%d len=%d" % (s.rseq, s.len)
    parts = [flag_text(s.flags), "seq=%d" % s.rseq]
    if s.rack is not None:
        parts.append("ack=%d" % s.rack)
    if s.len:
        parts.append("len=%d" % s.len)
    parts.append("win=%d" % s.win)
    if s.opts:
        parts.append("<%s>" % s.opts)
    return " ".join(parts)


# ---------------------------------------------------------------- drawing

def pick(rows, limit):
    """Indices to draw: all, or the handshake, first data, each
    retransmission with its context, and the close."""
    n = len(rows)
    if limit <= 0 or n <= limit:
        return list(range(n))
    keep = set(range(min(n, 5)))
    for i, s in enumerate(rows):
        if s.note.startswith(("retransmission", "not in capture")) or \
           s.note.startswith("duplicate ACK #1"):
            keep.update(range(max(0, i - 3), min(n, i + 3)))
        if s.flags & (FIN | RST):
            keep.update(range(max(0, i - 1), min(n, i + 2)))
    keep.update(range(max(0, n - 3), n))
    # A "..." line in place of a single segment hides nothing worth hiding.
    for i in range(1, n - 1):
        if i - 1 in keep and i + 1 in keep:
            keep.add(i)
    return sorted(keep)


def draw(rows, left, right, limit, out):
    labels = [label(s) for s in rows]
    width = max([len(x) for x in labels] + [30]) + 10
    lname = "%s:%d" % left
    rname = "%s:%d" % right
    t0 = rows[0].t
    out.write("%10s  %-*s%s\n" % ("time ms", width + 1, lname, rname))
    out.write("%10s  %s\n" % ("", "|" + " " * width + "|"))
    shown = pick(rows, limit)
    prev = -1
    for i in shown:
        if i != prev + 1:
            skipped = rows[prev + 1:i]
            data = sum(1 for s in skipped if s.len and not s.lost)
            out.write("%10s  |%s|\n" % ("", ("... %d segments (%d with data) ..."
                                             % (len(skipped), data)).center(width)))
        prev = i
        s = rows[i]
        text = " %s " % labels[i]
        to_right = (s.src, s.sport) == left
        if s.lost:
            body = ("x" + text).ljust(width - 1, "-") + "x" if to_right else \
                   "x" + text.rjust(width - 1, "-")[:-1] + "x"
            body = body[:width]
        elif to_right:
            body = ("--" + text).ljust(width - 1, "-") + ">"
        else:
            body = "<" + (text + "--").rjust(width - 1, "-")
        note = ("  " + s.note) if s.note else ""
        out.write("%10.3f  |%s|%s\n" % ((s.t - t0) * 1000, body, note))
    if prev != len(rows) - 1:
        out.write("%10s  |%s|\n" % ("", ("... %d more segments ..."
                                         % (len(rows) - 1 - prev)).center(width)))


def summary(rows):
    """What the ladder shows, by name (for --require)."""
    have = set()
    for s in rows:
        if s.flags & SYN:
            have.add("syn")
        if s.len and not s.lost:
            have.add("data")
        if s.note == "retransmission":
            have.add("retransmission")
        if s.flags & FIN:
            have.add("fin")
        if s.note.startswith("duplicate ACK"):
            have.add("dupack")
    return have


# ---------------------------------------------------------------- self-test

def _synthetic_pcap(path):
    """A handshake, data with one segment dropped before the capture, three
    duplicate ACKs, the retransmission, and the FIN exchange."""
    def ip(src, dst, sport, dport, seq, ack, flags, win, payload=b"",
           opts=b""):
        th = struct.pack("!HHIIBBHHH", sport, dport, seq, ack,
                         ((20 + len(opts)) // 4) << 4, flags, win, 0, 0)
        seg = th + opts + payload
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0, 0x4000,
                          64, 253, 0, bytes(src), bytes(dst))
        return hdr + seg

    c, s = [10, 0, 1, 1], [10, 0, 1, 2]
    mss = b"\x02\x04\x05\xb4"
    ci, si, d = 1000, 5000, b"x" * 1460
    pkts = [
        ip(c, s, 40000, 5002, ci, 0, SYN, 65535, opts=mss),
        ip(s, c, 5002, 40000, si, ci + 1, SYN | ACK, 65535, opts=mss),
        ip(c, s, 40000, 5002, ci + 1, si + 1, ACK, 65535),
        ip(c, s, 40000, 5002, ci + 1, si + 1, ACK, 65535, d),
        # ci + 1461 is dropped before the capture point
        ip(c, s, 40000, 5002, ci + 2921, si + 1, ACK, 65535, d),
        ip(s, c, 5002, 40000, si + 1, ci + 1461, ACK, 65535),
        ip(c, s, 40000, 5002, ci + 4381, si + 1, ACK, 65535, d),
        ip(s, c, 5002, 40000, si + 1, ci + 1461, ACK, 65535),
        ip(c, s, 40000, 5002, ci + 5841, si + 1, ACK, 65535, d),
        ip(s, c, 5002, 40000, si + 1, ci + 1461, ACK, 65535),
        ip(s, c, 5002, 40000, si + 1, ci + 1461, ACK, 65535),
        ip(c, s, 40000, 5002, ci + 1461, si + 1, ACK, 65535, d),
        ip(s, c, 5002, 40000, si + 1, ci + 7301, ACK, 65535),
    ]
    # Twenty more segments in order, each acknowledged, then the close.
    seq = ci + 7301
    for _ in range(10):
        pkts.append(ip(c, s, 40000, 5002, seq, si + 1, ACK, 65535, d))
        seq += 1460
        pkts.append(ip(s, c, 5002, 40000, si + 1, seq, ACK, 65535))
    pkts += [
        ip(c, s, 40000, 5002, seq, si + 1, FIN | ACK, 65535),
        ip(s, c, 5002, 40000, si + 1, seq + 1, FIN | ACK, 65535),
        ip(c, s, 40000, 5002, seq + 1, si + 2, ACK, 65535),
    ]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535,
                            LINKTYPE_RAW))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 100, i * 1000, len(p), len(p)) + p)


def selftest():
    import io
    import os
    import tempfile

    fails = []

    def check(what, cond):
        print("%s %s" % ("ok" if cond else "FAIL", what))
        if not cond:
            fails.append(what)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.pcap")
        _synthetic_pcap(path)
        conn, left, right = read_connection(path, 253)
        check("36 segments of one connection", len(conn) == 36)
        check("client on the left", left == ("10.0.1.1", 40000))
        rows = analyse(conn, left)
        buf = io.StringIO()
        draw(rows, left, right, 0, buf)
        text = buf.getvalue()
        lines = text.splitlines()
        check("handshake drawn with relative numbers and MSS",
              any("SYN seq=0 win=65535 <mss 1460>" in x and x.rstrip().endswith(">|")
                  for x in lines) and
              any("SYN,ACK seq=0 ack=1" in x and "|<" in x for x in lines))
        check("the dropped segment is inferred",
              any("seq=1461 len=1460" in x and "lost before it" in x
                  for x in lines))
        check("three duplicate ACKs",
              sum("duplicate ACK #" in x for x in lines) == 3)
        check("retransmission marked",
              any("seq=1461" in x and "len=1460" in x and
                  x.endswith("retransmission") for x in lines))
        check("FIN exchange",
              any("FIN,ACK seq=21901" in x for x in lines) and
              any("FIN,ACK seq=1 ack=21902" in x for x in lines))
        check("summary names all", summary(rows) >=
              {"syn", "data", "retransmission", "fin", "dupack"})
        buf = io.StringIO()
        draw(rows, left, right, 20, buf)
        short = buf.getvalue()
        check("--max elides but keeps the retransmission and the FIN",
              "segments (" in short and "retransmission" in short and
              "FIN,ACK seq=21901" in short and
              len(short.splitlines()) < len(lines) - 10)
        check("other protocol finds nothing",
              read_connection(path, 6)[0] == [])
        print(text, end="")
    print("%d passed, %d failed" % (10 - len(fails), len(fails)))
    return 1 if fails else 0


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(
        description="Draw one TCP/XTCP connection of a capture as a ladder.")
    ap.add_argument("capture", nargs="?")
    ap.add_argument("--proto", type=int, default=253,
                    help="IP protocol of the segments: 253 XTCP (default), 6 TCP")
    ap.add_argument("--port", type=int, help="a port of the connection")
    ap.add_argument("--max", type=int, default=60,
                    help="segments to draw before eliding (0: all)")
    ap.add_argument("--require", default="",
                    help="comma list of syn,data,retransmission,fin,dupack")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.capture:
        ap.error("a capture file is required")
    try:
        conn, left, right = read_connection(a.capture, a.proto, a.port)
    except (OSError, ValueError) as err:
        print("ladder.py: %s" % err, file=sys.stderr)
        return 2
    if not conn:
        print("ladder.py: no segment of IP protocol %d%s in %s" %
              (a.proto, " on port %d" % a.port if a.port else "", a.capture),
              file=sys.stderr)
        return 1
    rows = analyse(conn, left)
    print("Connection %s:%d -> %s:%d, %d segments in %s (IP protocol %d)" %
          (left + right + (len(conn), a.capture, a.proto)))
    print("Numbers are relative to each end's ISN; len is payload bytes, "
          "win the advertised window.")
    print()
    draw(rows, left, right, a.max, sys.stdout)
    missing = [r for r in a.require.split(",") if r and r not in summary(rows)]
    if missing:
        print("ladder.py: the connection shows no %s" % ", ".join(missing),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
