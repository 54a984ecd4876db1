# SPDX-License-Identifier: GPL-2.0
"""IPsec inbound policy (RFC 4301 5.2.1): XTCP registers with no_policy, so
it checks the policy of every segment itself, as TCP does, including those
for a TIME_WAIT entry and the ACK that completes a handshake. With a
"block" policy for protocol 253 in XTCP's namespace, the handshake's last
ACK creates no connection and a retransmitted FIN to TIME_WAIT is not
re-ACKed; once the policy is flushed, both go through."""
import errno
import subprocess
import time

from xtcp_peer import FAMILY, NO_RTO, check, seq_add

TITLE = "IPsec inbound policy checked for the handshake's ACK and TIME_WAIT"
# TIME_WAIT must outlast the blocked FIN and the flush (KASAN guest too).
SYSCTLS = {**NO_RTO, "tw_timeout_ms": 30000}

ANY = "::/0" if FAMILY == 6 else "0.0.0.0/0"
BLOCK = ("src", ANY, "dst", ANY, "proto", "253",
         "dir", "in", "action", "block")


def xfrm(t, *args):
    r = subprocess.run(["ip", "-n", t.ns_sut, "xfrm", "policy", *args],
                       capture_output=True, text=True, check=False)
    check(r.returncode == 0,
          f"ip xfrm policy {' '.join(args)}: {r.stderr.strip()}")


def run(t):
    lsid, port = t.listen()
    t.drv.call("nonblock", lsid, 1)
    c = t.conn(port)
    c.send("S", opts=[("MSS", 1460)])
    c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    # A SYN-ACK retransmission may come while the ACK is blocked.
    c.ignore = lambda seg: set(seg.flags) == {"S", "A"}
    xfrm(t, "add", *BLOCK)
    try:
        c.send("A")
        c.expect_none(0.5, "an answer to the blocked ACK")
        t.drv.fails(errno.EAGAIN, "accept", lsid)
    finally:
        xfrm(t, "flush")
    c.send("A")
    time.sleep(0.2)
    c.sid = t.drv.call("accept", lsid).int()

    # TIME_WAIT: XTCP closes first, the peer's FIN completes the close. A
    # SYN-ACK retransmitted while the ACK was blocked may still be on its
    # way: it is ignored until the FIN.
    t.drv.call("shutdown", c.sid, "wr")
    fin = c.expect("FA", ack=c.nxt, plen=0, what="FIN")
    c.ignore = None
    peer_fin = c.nxt
    c.send("FA", ack=seq_add(fin.seq, 1))
    c.expect_ack(what="ACK of the FIN+ACK")
    xfrm(t, "add", *BLOCK)
    try:
        c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
        c.expect_none(0.5, "a re-ACK of a FIN the policy blocks")
    finally:
        xfrm(t, "flush")
    c.send("FA", seq=peer_fin, ack=seq_add(fin.seq, 1))
    c.expect("A", seq=seq_add(fin.seq, 1), ack=seq_add(peer_fin, 1), plen=0,
             what="re-ACK of the FIN once the policy is gone")
