# SPDX-License-Identifier: GPL-2.0
"""SACK blocks (RFC 2018 4) and DSACK (RFC 2883 4): every duplicate ACK
reports the out-of-order data, the block holding the segment that just
arrived first, then the most recently reported others; blocks merge when a
hole fills; a duplicate segment, out of order or old, is reported once as
the first block; no block survives rcv_nxt reaching it."""
from xtcp_peer import check_eq, pattern, sack_opts, seq_add

TITLE = "SACK blocks in order, merged, DSACK once for a duplicate"


def run(t):
    c = t.passive_open(syn_opts=[("MSS", 1000), ("SAckOK", b"")])
    base = c.nxt

    def seg(i, what, want, ack=None):
        """Send segment i (100 bytes at base + 100 i); check the ACK."""
        c.send("PA", seq=seq_add(base, 100 * i), data=pattern(100 * i, 100),
               advance=False)
        return c.expect("A", ack=seq_add(base, 100 * ack) if ack is not None
                        else base, plen=0, opts=want, what=what)

    def blk(a, b):
        return (seq_add(base, 100 * a), seq_add(base, 100 * b))

    seg(1, "hole at 0: one block", sack_opts(blk(1, 2)))
    seg(3, "second hole: the new block first", sack_opts(blk(3, 4), blk(1, 2)))
    seg(5, "third", sack_opts(blk(5, 6), blk(3, 4), blk(1, 2)))
    seg(7, "fourth", sack_opts(blk(7, 8), blk(5, 6), blk(3, 4), blk(1, 2)))
    seg(9, "fifth: four blocks at most, the oldest goes",
        sack_opts(blk(9, 10), blk(7, 8), blk(5, 6), blk(3, 4)))
    seg(2, "hole 2 filled: blocks 1-4 merge, first", sack_opts(blk(1, 4), blk(9, 10),
                                                         blk(7, 8), blk(5, 6)))
    seg(5, "duplicate out-of-order segment: DSACK first, once",
        sack_opts(blk(5, 6), blk(1, 4), blk(9, 10), blk(7, 8)))
    seg(6, "hole 6 filled", sack_opts(blk(5, 8), blk(1, 4), blk(9, 10)))
    seg(0, "hole 0 filled: rcv_nxt to 4, the blocks above stay",
        sack_opts(blk(5, 8), blk(9, 10)), ack=4)
    seg(3, "old duplicate: DSACK below the ACK, once",
        sack_opts(blk(3, 4), blk(5, 8), blk(9, 10)), ack=4)
    seg(4, "hole 4 filled", sack_opts(blk(9, 10)), ack=8)
    seg(8, "last hole: nothing left to report", [], ack=10)
    check_eq(t.drv.recv_all(c.sid, 1000), pattern(0, 1000), "data read")
