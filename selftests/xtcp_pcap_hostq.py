#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Find segments sent again while a copy of them still waited in a qdisc.

    xtcp_pcap_hostq.py ENQ DEQ PROTO CLIENT

ENQ is a capture of what CLIENT's stack handed to a device, taken before
the device's root qdisc (a clsact egress filter mirroring every packet to
a dummy device); DEQ a capture of the same device itself, which sees each
packet as it leaves that qdisc. For CLIENT's segments of IP protocol PROTO
that occupy sequence space, prints "ENTERED AGAIN EARLY":

  ENTERED  transmissions that entered the qdisc
  AGAIN    those carrying a byte that had entered before (retransmissions)
  EARLY    those carrying a byte of which a copy was still in the qdisc:
           sent again before it had even left the host, what
           skb_still_in_host_queue() keeps TCP from doing

The qdisc must be FIFO and drop nothing (tbf with a large limit): a
dequeue takes its bytes from the oldest copies queued. Both captures stamp
packets with the kernel's real-time clock; at equal stamps the dequeue is
taken first (a retransmission that waited for its copy to leave is sent
after the copy was seen leaving). Super-packets count as one transmission
each; one cut up below the mirror point is matched byte by byte.
"""
import struct
import sys

from xtcp_pcap import _packet, packets, LINKTYPE_ETHERNET

SYN, FIN = 0x02, 0x01


def spans(path, proto, client):
    """Yield (time, connection, seq, end_seq) for every segment from
    client in the capture at path that occupies sequence space."""
    for t, link, frame, wirelen in packets(path):
        if link != LINKTYPE_ETHERNET:
            continue
        pkt = _packet(frame, proto)
        if not pkt or pkt[0] != client or len(pkt[1]) < 20:
            continue
        seg = pkt[1]
        iphl = len(frame) - 14 - len(seg)
        doff = (seg[12] >> 4) * 4
        sport, dport, seq = struct.unpack("!HHI", seg[0:8])
        size = wirelen - 14 - iphl - doff
        size += bool(seg[13] & SYN) + bool(seg[13] & FIN)
        if size > 0:
            yield t, (sport, dport), seq, seq + size


def cut(span, others):
    """(the parts of span outside every span of others, the parts of span
    inside them)."""
    outside, inside = [span], []
    for os_, oe in others:
        left = []
        for s, e in outside:
            if oe <= s or e <= os_:
                left.append((s, e))
                continue
            if s < os_:
                left.append((s, os_))
            if oe < e:
                left.append((oe, e))
            inside.append((max(s, os_), min(e, oe)))
        outside = left
    return outside, inside


def main():
    if len(sys.argv) != 5:
        print("usage: xtcp_pcap_hostq.py ENQ DEQ PROTO CLIENT",
              file=sys.stderr)
        return 2
    _, enq, deq, proto, client = sys.argv
    proto = int(proto)
    events = [(t, 0, c, s, e) for t, c, s, e in spans(deq, proto, client)]
    events += [(t, 1, c, s, e) for t, c, s, e in spans(enq, proto, client)]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    base = {}		# connection: the first sequence number seen
    queued = {}		# connection: [start, end) copies in the qdisc, oldest first
    highest = {}	# connection: the end of the highest byte entered
    entered = again = early = 0
    for _, kind, conn, seq, end in events:
        b = base.setdefault(conn, seq)
        s, e = (seq - b) % 2**32, (end - b) % 2**32
        if e < s:		# seq before the first one seen: not ours
            continue
        q = queued.setdefault(conn, [])
        if kind == 1:
            entered += 1
            if s < highest.get(conn, 0):
                again += 1
            if any(qs < e and s < qe for qs, qe in q):
                early += 1
            q.append((s, e))
            highest[conn] = max(highest.get(conn, 0), e)
            continue
        # Leaving: these bytes' oldest queued copies go.
        take = [(s, e)]
        rest = []
        for piece in q:
            left, taken = cut(piece, take)
            rest += left
            take = [r for t in take for r in cut(t, taken)[0]]
        queued[conn] = rest
    print(entered, again, early)
    return 0


if __name__ == "__main__":
    sys.exit(main())
