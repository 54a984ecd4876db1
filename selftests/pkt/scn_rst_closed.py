# SPDX-License-Identifier: GPL-2.0
"""A segment for no connection is reset (RFC 9293 3.10.7.1): if it has an
ACK, <SEQ=SEG.ACK><CTL=RST>; if not, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
<CTL=RST,ACK>, SYN and FIN counting in SEG.LEN; a RST is never answered."""
import random

from xtcp_peer import seq_add

TITLE = "RST to a closed port: RFC 9293 sequence and acknowledgement rules"


def run(t):
    c = t.conn(random.randint(5000, 9999))
    before = t.counters()
    x = c.iss
    c.send("S", seq=x, opts=[("MSS", 1460)], advance=False)
    c.expect("RA", seq=0, ack=seq_add(x, 1), plen=0, what="RST for a SYN")
    c.send("A", seq=x, ack=123456789, advance=False)
    c.expect("R", seq=123456789, plen=0, what="RST for an ACK")
    c.send("PA", seq=x, ack=987654321, data=b"x" * 100, advance=False)
    c.expect("R", seq=987654321, plen=0, what="RST for data with an ACK")
    c.send("P", seq=x, data=b"y" * 100, advance=False)
    c.expect("RA", seq=0, ack=seq_add(x, 100), plen=0,
             what="RST for data without an ACK")
    c.send("F", seq=x, data=b"z" * 10, advance=False)
    c.expect("RA", seq=0, ack=seq_add(x, 11), plen=0, what="RST for data+FIN")
    c.send("SF", seq=x, advance=False)
    c.expect("RA", seq=0, ack=seq_add(x, 2), plen=0, what="RST for SYN+FIN")
    c.send("R", seq=x, advance=False)
    c.send("RA", seq=x, ack=5, advance=False)
    c.expect_none(0.5, "an answer to a RST")
    t.check_counters(before, OutRsts=6)
