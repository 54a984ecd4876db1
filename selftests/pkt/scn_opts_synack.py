# SPDX-License-Identifier: GPL-2.0
"""Options on a SYN-ACK (RFC 9293 3.1, MUST-4..7): a malformed list (a
length of 0 or 1, a length running past the end) drops the segment, counted
in InBadOpts; a header longer than the segment (truncated options) is
dropped as an error (InErrs); an unknown option, and a known one of the
wrong length (an MSS of length 3, ignored as TCP ignores it), are skipped
and the rest of the list, MSS included, honoured."""

from xtcp_peer import check_eq, seq_add

TITLE = "malformed and truncated options dropped and counted; unknown skipped"

BAD = (("zero length", b"\x1e\x00\x00\x00"),
       ("length 1", b"\x1e\x01\x00\x00"),
       ("kind without length byte", b"\x01\x01\x01\x02"),
       ("length past the end", b"\x08\x0a\x00\x00"))


def run(t):
    # Non-blocking: the driver answers other calls while XTCP is in SYN_SENT.
    c, syn, _ = t.start_connect(6002, nonblock=True)
    sid = c.sid
    # XTCP's SYN timer (1 s) may run out while the bad SYN-ACKs are tried:
    # its retransmitted SYN answers none of them.
    c.ignore = lambda seg: set(seg.flags) == {"S"} and seg.seq == syn.seq
    before = t.counters()
    for what, raw in BAD:
        c.send("SA", raw_opts=raw, advance=False)
    c.expect_none(0.5, "an answer to a SYN-ACK with malformed options")
    t.check_counters(before, InBadOpts=len(BAD))

    before = t.counters()
    # Data offset 15 (60 bytes of header) in a 24-byte segment.
    c.send("SA", raw_opts=b"\x02\x04\x03\xe8", doff=15, advance=False)
    c.expect_none(0.3, "an answer to a truncated header")
    t.check_counters(before, InErrs=1)

    # An unknown option of valid length and an MSS of length 3 are
    # skipped: the MSS after them counts.
    c.send("SA", raw_opts=b"\xfd\x06\x01\x02\x03\x04\x02\x03\x05\x01"
           b"\x02\x04\x03\xe8\x01\x01")
    c.expect("A", seq=seq_add(syn.seq, 1), ack=c.nxt, plen=0,
             what="ACK of the good SYN-ACK")
    check_eq(t.drv.call("getsockopt", sid, "SO_ERROR").int(), 0, "SO_ERROR")
    check_eq(t.drv.state(sid), "ESTABLISHED", "state")
    check_eq(t.drv.call("getsockopt", sid, "XTCP_MAXSEG").int(), 1000,
             "MSS after an unknown option")
