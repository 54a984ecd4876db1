# SPDX-License-Identifier: GPL-2.0
"""A peer that SACKs one segment inside every super-packet in flight cannot
make XTCP's write queue grow a new skb head per segment without bound: as
Linux's tcp_fragment() since CVE-2019-11478 (commit f070ef2ac667, "tcp:
tcp_fragment() should apply sane memory limits"), once the write queue's
memory is more than twice the send buffer, a sent skb in the middle of the
queue (not the first, not the last, not the one before the send head) is
not cut; the refusal is counted in WqueueTooBig (module/xtcp_fragment.c,
xtcp_wqueue_too_big()). SACK information is advisory (RFC 2018 8: the
sender keeps every segment until it is cumulatively acknowledged), so a
block the sender does not act on costs at most a retransmission: the
segment is only left unmarked.

A SACK block touching a sent skb of several segments makes XTCP cut the
whole skb into one skb per segment (xtcp_unbundle()); each cut charges a
new head, some 1.3 KiB, however little data the segment holds: 88 bytes
here (the peer announces MSS 88, XTCP_MIN_MSS). veth-s takes super-packets
of at most 8 segments (gso_max_segs), so sent skbs hold up to 8. Slow
start, one full ACK per flight, grows cwnd from 10 to 160 segments; the
last flight (all the send buffer of 32 KiB holds, some 130 segments) is
then SACKed one segment in two, segment 0 missing. The write queue's
memory (MemoryAllocated) must stay within twice the send buffer plus what
the first and last skbs may still be cut into; without the check it grows
by a head for every SACKed-into segment, several times that. Then one
cumulative ACK ends recovery: every byte written must have reached the
peer intact, nothing more be sent, the connection carry new data, and the
queue's memory be freed."""
import socket
import subprocess
import time

from xtcp_peer import (SCALE, SUT_DEV, XTCP_STATES, check, check_eq, pattern,
                       sack_opts, seq_add, seq_diff)

TITLE = "SACKs inside every super-packet: write queue held to 2 x sndbuf"
# No RTO while segment 0 is held back (the SACK phase takes a second or
# two). Reno: slow start without HyStart, cwnd doubles on each full ACK.
# pacing_ss_ratio at its maximum (1000 %): the size goal of a super-packet
# is about 1 ms at the pacing rate (xtcp_pacing_burst_segs()), mss * cwnd
# / srtt * ratio, and must reach GSO_SEGS for the last flight at the RTTs
# of a TCG guest (40-150 ms): 9.8 * cwnd / srtt_ms segments, 10 or more at
# cwnd 160 (2 to 5 with the default 200 %).
SYSCTLS = {"rto_min_ms": 5000, "congestion_control": "reno",
           "pacing_ss_ratio": 1000}

MSS = 88
SNDBUF = 16384          # SO_SNDBUF of the listener: the child's is 32768
GSO_SEGS = 8            # gso_max_segs of veth-s: segments per sent skb
GROWTH = 4              # full ACKs before the SACKs: cwnd 10 -> 160
LAST = 136              # segments the app has for the last flight, at most
MIN_LAST = 96           # ... and must have got into it (see below)
EXTRA = 2               # more full ACKs allowed to get there
TAIL = 10               # segments written after recovery
# The whole stream, at most: what the growth flights write (10 + 20 + 40
# + 80 + LAST), the extra ones and the last (LAST at most each), the tail.
STREAM = (150 + (EXTRA + 2) * LAST + TAIL) * MSS
# Bytes per send() call at most: more than the send buffer ever takes at
# once; xtcp_pktdrv decodes the hex at some 15 ms per KiB in a TCG guest.
CHUNK = 140 * MSS
# What one cut charges, at most: xtcp_fragment()'s new skb holds no
# payload in its head (the data moves in page fragments, charged already),
# alloc_skb_fclone(XTCP_MAX_HEADER): kmalloc of SKB_DATA_ALIGN(60 +
# MAX_HEADER) + skb_shared_info, 576 bytes on the stock kernel (kmalloc-1024),
# plus struct sk_buff (256): truesize 1280. 2 KiB leaves room for another
# configuration; a module without the check still exceeds the bound.
HEAD = 2048
PAGE = 4096
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


class Stream:
    """The byte stream XTCP sends: written by the application, acknowledged
    by the peer, and what the peer saw of it."""

    def __init__(self, t, c):
        self.t = t
        self.c = c
        self.base = c.sut_nxt                   # sequence number of byte 0
        self.data = pattern(0, STREAM)
        self.cap = (150 + LAST) * MSS           # what the app writes so far
        self.written = 0
        self.acked = 0
        self.acked0 = t.drv.info(c.sid)["bytes_acked"]
        self.seen = bytearray(STREAM)           # bytes that reached the peer
        self.rtx = 0                            # segments seen again

    def seq(self, off):
        return seq_add(self.base, off)

    def top_up(self):
        """The application writes the rest (non-blocking): what the send
        buffer takes, whole segments (skbs are filled to the size goal, a
        multiple of the MSS)."""
        if self.written == self.cap:
            return
        end = min(self.cap, self.written + CHUNK)
        r = self.t.drv.start("send", self.c.sid,
                             self.data[self.written:end].hex()).result()
        if not r.ok:
            check_eq(r.errname, "EAGAIN", "send() on a full send buffer")
            return
        check_eq(r.int() % MSS, 0, f"send() took {r.int()} bytes: whole "
                 "segments")
        self.written += r.int()

    def flight(self, what):
        """Wait until XTCP has taken the last ACK and sent all that cwnd
        allows of what is written; return the segments in flight."""
        def sent(i):
            queued = (self.written - self.acked) // MSS
            return (i["bytes_acked"] - self.acked0 == self.acked and
                    i["unacked"] == min(i["snd_cwnd"], queued))
        i = self.t.drv.info_until(self.c.sid, sent)
        self.t.log(f"{what}: cwnd {i['snd_cwnd']}, {i['unacked']} segments "
                   f"in flight, srtt {i['srtt']} us, written {self.written}, "
                   f"acked {self.acked}")
        check(sent(i), f"{what}: XTCP should send min(cwnd, queued) segments: "
              f"cwnd {i['snd_cwnd']}, unacked {i['unacked']}, bytes_acked "
              f"{i['bytes_acked'] - self.acked0} (acked {self.acked}), "
              f"{self.written - self.acked} bytes queued")
        return i["unacked"]

    def ack(self, segs):
        """Acknowledge `segs` more segments, cumulatively."""
        self.acked += segs * MSS
        self.c.send("A", ack=self.seq(self.acked))

    def take(self, seg):
        """A data segment the peer received: within what was written,
        full-sized, the stream's bytes."""
        check("R" not in seg.flags and "S" not in seg.flags and
              "F" not in seg.flags and seg.plen, f"unexpected segment {seg}")
        off = seq_diff(seg.seq, self.base)
        check(0 <= off and off + seg.plen <= self.written,
              f"segment {seg} outside the {self.written} bytes written")
        check_eq(seg.plen, MSS, f"payload length of {seg}")
        check(seg.payload == self.data[off:off + seg.plen],
              f"payload of {seg}: not the bytes written at offset {off}")
        if self.seen[off]:
            self.rtx += 1
        self.seen[off:off + seg.plen] = b"\1" * seg.plen

    def check_seen(self):
        """Every byte written reached the peer."""
        missing = self.seen.find(0, 0, self.written)
        check(missing < 0, f"byte {missing} of {self.written} never arrived")


def pages(stat, start):
    """XTCP's MemoryAllocated (pages, module-wide) above what it was before
    the connection: this socket's memory, whatever else a scenario before
    this one left charged."""
    return stat["MemoryAllocated"] - start["MemoryAllocated"]


def open_conn(t):
    """Passive open with MSS and SACK-permitted, the handshake's ACK sent
    only for the retransmitted SYN-ACK: no RTT sample from it (Karn). srtt
    then starts with the first data ACK, sent as soon as XTCP has sent the
    flight, and a slow answer of the Scapy peer to the SYN-ACK (0.7 s
    once) does not weigh on it for the whole slow start; with no RTT yet
    the pacing rate is unlimited and the first write fills skbs of
    GSO_SEGS segments."""
    lsid, port = t.listen(opts=[("SO_SNDBUF", SNDBUF)])
    c = t.conn(port)
    c.send("S", opts=[("MSS", MSS), ("SAckOK", b"")])
    sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
    c.expect("SA", seq=sa.seq, ack=c.nxt, plen=0, timeout=3.0,
             what="SYN-ACK retransmission")
    c.send("A")
    c.sid = t.drv.call("accept", lsid).int()
    return c


def run(t):
    # Sent skbs of up to GSO_SEGS segments (sk_gso_max_segs, read from the
    # device when the child gets its route).
    subprocess.run(["ip", "-n", t.ns_sut, "link", "set", "dev", SUT_DEV,
                    "gso_max_segs", str(GSO_SEGS)], check=True,
                   capture_output=True)
    # The segments of all flights wait in the peer's packet socket until
    # the end (some 300 frames): more than net.core.rmem_max allows.
    t.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    start = t.counters()
    c = open_conn(t)
    sndbuf = t.drv.call("getsockopt", c.sid, "SO_SNDBUF").int()
    check_eq(sndbuf, 2 * SNDBUF, "the child's SO_SNDBUF (the listener's)")
    t.drv.call("nonblock", c.sid, 1)
    st = Stream(t, c)
    st.top_up()

    # Slow start. The peer acknowledges each flight as soon as XTCP reports
    # it sent, and reads the segments at the end: parsing one takes the
    # Scapy peer 10 to 30 ms in a TCG guest, and RTTs of seconds would keep
    # the size goal at the pacing minimum of 2 segments. The last flight
    # must hold MIN_LAST segments at least: as the send buffer holds no
    # more than some 33 KB of skbs, that many take skbs of 5 segments or
    # more, whose cuts cross 2 x sndbuf with dozens to spare. A slower RTT
    # sample (a stalled guest) gives smaller skbs: more full ACKs then
    # bring srtt down again. The last flight holds all that was written:
    # nothing is left to send (and cut off for sending) in recovery.
    rnd = 0
    n = st.flight("flight 0")
    while rnd < GROWTH or n < MIN_LAST or st.acked + n * MSS < st.written:
        check(rnd < GROWTH + EXTRA, f"after {rnd} full ACKs the flight has "
              f"{n} segments ({(st.written - st.acked) // MSS} written), want "
              f"{MIN_LAST} and all: skbs too small (srtt too long for the "
              "pacing size goal to reach GSO_SEGS)")
        st.ack(n)
        rnd += 1
        if rnd >= GROWTH:
            # The next flight may be the last: what cwnd takes, LAST at
            # most, to write.
            cwnd = t.drv.info_until(
                c.sid, lambda i: i["bytes_acked"] - st.acked0 == st.acked
            )["snd_cwnd"]
            st.cap = max(st.written, st.acked + min(LAST, cwnd) * MSS)
        st.top_up()
        n = st.flight(f"flight {rnd}")

    # Segment 0 missing, every other segment after it SACKed: a block in
    # every sent skb of two segments or more, 4 blocks per ACK (no
    # timestamps), all duplicate ACKs.
    una = st.seq(st.acked)
    blocks = [(seq_add(una, MSS * i), seq_add(una, MSS * (i + 1)))
              for i in range(1, n, 2)]
    before = t.counters()
    for i in range(0, len(blocks), 4):
        c.send("A", ack=una, opts=sack_opts(*blocks[i:i + 4]))
    time.sleep(0.3 * SCALE)
    after = t.counters()
    toobig = after["WqueueTooBig"] - before["WqueueTooBig"]
    # Cuts are free while the queue holds at most 2 * sndbuf + 1 bytes
    # ((wmem_queued >> 1) <= sk_sndbuf), so the last free one ends at most
    # a head above that; past it only the first and the last skb are cut,
    # each into at most GSO_SEGS pieces (nothing is left to send: no new
    # skb is cut off for sending). MemoryAllocated counts whole pages: the
    # queue's memory and less than a page forward-allocated.
    mem0 = pages(before, start) * PAGE
    mem1 = pages(after, start) * PAGE
    bound = (max(mem0, 2 * sndbuf + 1 + HEAD) + 2 * (GSO_SEGS - 1) * HEAD +
             PAGE)
    t.log(f"SACK phase: {len(blocks)} blocks in {(len(blocks) + 3) // 4} "
          f"ACKs over {n} segments; sndbuf {sndbuf}; socket memory "
          f"{mem0 // PAGE} -> {mem1 // PAGE} pages (bound {bound // PAGE} "
          f"pages, {bound} bytes); WqueueTooBig +{toobig}; RetransSegs "
          f"+{after['RetransSegs'] - before['RetransSegs']}")
    check(mem1 <= bound,
          f"write queue memory after the SACKs: {mem1 // PAGE} pages "
          f"({mem1} bytes), more than {bound} bytes (2 x sndbuf {sndbuf}, "
          f"the first and last skbs cut, a page); {mem0 // PAGE} pages "
          f"before; WqueueTooBig +{toobig}")
    check(toobig >= 1, f"WqueueTooBig grew by {toobig}: no cut refused")

    # Everything acknowledged: recovery over, nothing in flight.
    st.ack(n)
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0 and
                            i["ca_state"] == 0)
    check_eq(info["unacked"], 0, "segments in flight after the full ACK")
    check_eq(info["ca_state"], 0, "recovery over after the full ACK")
    # The peer reads what XTCP sent: every flight, the retransmissions.
    while True:
        seg = c.recv(0.5 * SCALE)
        if seg is None:
            break
        st.take(seg)
    st.check_seen()
    t.log(f"{st.written} bytes arrived, {st.rtx} segments retransmitted")

    # The connection still carries data: the rest of the stream.
    st.cap += TAIL * MSS
    while st.acked < st.cap:
        st.top_up()
        n = st.flight("after recovery")
        check(n > 0, "nothing sent of the rest of the stream")
        for i in range(n):
            seg = c.recv(3.0 * SCALE)
            check(seg is not None, f"after recovery: segment {i} of {n} "
                  "missing")
            st.take(seg)
        st.ack(n)
    st.check_seen()
    c.expect_none(0.5 * SCALE, "anything after the last ACK")
    info = t.drv.info_until(c.sid, lambda i: i["unacked"] == 0)
    check_eq(XTCP_STATES.get(info["state"]), "ESTABLISHED", "state")
    check_eq(info["unacked"], 0, "segments in flight at the end")
    left = pages(t.counters(), start)
    t.log(f"socket memory at the end: {left} pages")
    check(left <= 1, f"socket memory once everything is acknowledged: "
          f"{left} pages, not freed")
