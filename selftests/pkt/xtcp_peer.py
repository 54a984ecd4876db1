# SPDX-License-Identifier: GPL-2.0
"""Packet-level conformance tests for XTCP: the framework.

A scripted peer, built on Scapy, plays the remote end of XTCP connections
from its own network namespace, in the spirit of packetdrill. It injects
segments with chosen sequence and acknowledgement numbers, flags, windows,
options and timing, and asserts the exact segments XTCP emits. The system
under test (SUT) is driven by xtcp_pktdrv, a small C program making ordinary
socket calls on AF_XTCP, whose return values and errnos are asserted too.

Topology (fresh namespaces for every scenario):

    SUT netns                                   peer netns
    xtcp_pktdrv, XTCP                           this process' AF_PACKET socket
    veth-s 10.0.1.2/24  <------ veth ------>    veth-p (no address)

The peer's end has no IP address, so its own kernel never answers the
traffic (it neither owns 10.0.1.1 nor forwards); the SUT reaches 10.0.1.1
through a permanent neighbour entry for veth-p's MAC address. The peer sends
and receives whole Ethernet frames on veth-p. Checksum offload is off on
veth-s, so XTCP computes every checksum it sends and verifies every checksum
it receives; the peer verifies the checksum of every segment XTCP sends
(TCP's algorithm over a pseudo-header carrying XTCP's protocol number, as
issue 3 specifies: 253, or the module's ipproto parameter) and fails the
scenario on a bad one.

XTCP_FAMILY=6 runs the same scenarios over IPv6: veth-s has fd00:1::2/64
(nodad), the SUT reaches fd00:1::1 through a permanent neighbour entry,
and IPv6 is disabled on veth-p (no link-local address, its kernel drops
every IPv6 frame; AF_PACKET still sees them). The peer builds IPv6 headers
with next header XTCP and hop limit 64, and checksums over the IPv6
pseudo-header (RFC 8200 8.1) with XTCP's number. A frame from fd00:1::2 to
fd00:1::1 whose next header is an extension header fails the scenario:
XTCP sends none, so one would be a bug, not noise. Scenarios read family
neutral values from here: SUT_IP, PEER_IP, IP_HLEN, LINK_MSS (the MSS the
1500-byte link allows: 1460 or 1440), TOS_OPT and Seg.tos (IP_TOS and the
TOS byte, or IPV6_TCLASS and the traffic class). A scenario that cannot run
over IPv6 sets IPV4_ONLY (the reason): the IPv6 run reports it as
"ok N name # SKIP IPv4 only: reason".

Timing: segments are timestamped by the peer's kernel on arrival
(SO_TIMESTAMPNS); the peer's own segments are timestamped just before they
are sent. A timing assertion is a range:

    expected interval E   ->   accepted [0.85 * E - 20 ms, 1.5 * E + 300 ms * S]
    doubling backoff      ->   ratio of successive intervals in [1.5, 2.6]
    "immediately"         ->   within 100 ms * S of the segment that caused it

where S is XTCP_TIME_SCALE (1 in the stock guest). These bounds are generous
for a TCG guest with 2 vCPUs, where a timer may fire late by tens of
milliseconds, but tight enough to tell a delayed ACK (set to 300 ms or more
in the scenarios that measure it) from an immediate one, and a doubled RTO
from a constant one.

Scenarios are scn_*.py files next to this one. Each defines TITLE, optional
SYSCTLS (net.xtcp.* values for the SUT namespace, on top of DEFAULT_SYSCTLS),
an optional XFAIL (the reason, for a known XTCP bug: the TAP line then
carries "# TODO"), an optional IPV4_ONLY (the reason it cannot run over
IPv6: skipped with XTCP_FAMILY=6) and run(t), which gets a Testbed. A
scenario fails by raising Fail (or any exception); the TAP line then is
"not ok" and the packet trace of the scenario follows as TAP comments.

Run: python3 xtcp_peer.py [-v] [scn_name ... | all]  (root, xtcp module loaded)
"""

import ctypes
import errno
import importlib.util
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time
import traceback

from scapy.layers.inet import IP, TCP, in4_chksum
from scapy.layers.inet6 import IPv6, in6_chksum
from scapy.layers.l2 import Ether
from scapy.packet import Raw

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "xtcp_pktdrv")

# XTCP_FAMILY=6: every scenario over IPv6 (see the docstring).
FAMILY = 6 if os.environ.get("XTCP_FAMILY") == "6" else 4
if FAMILY == 6:
    SUT_IP = "fd00:1::2"
    PEER_IP = "fd00:1::1"
    PREFIX_LEN = 64
    IP_HLEN = 40
    TOS_OPT = "IPV6_TCLASS"
else:
    SUT_IP = "10.0.1.2"
    PEER_IP = "10.0.1.1"
    PREFIX_LEN = 24
    IP_HLEN = 20
    TOS_OPT = "IP_TOS"
# The MSS a 1500-byte link allows (no options): 1460 over IPv4, 1440 over
# IPv6. What XTCP announces, and the most it sends to a peer announcing
# at least that much.
LINK_MSS = 1500 - IP_HLEN - 20
SUT_DEV = "veth-s"
PEER_DEV = "veth-p"


def _module_param(name, default):
    try:
        with open(f"/sys/module/xtcp/parameters/{name}", encoding="ascii") as f:
            return int(f.read())
    except (OSError, ValueError):
        return default


# XTCP's IP protocol number: in the IP header and in the checksum's
# pseudo-header (module/xtcp_output.c, xtcp_v4_csum()).
XTCP_PROTO = _module_param("ipproto", 253)

SCALE = float(os.environ.get("XTCP_TIME_SCALE", "1") or 1)
VERBOSE = bool(os.environ.get("XTCP_PKT_VERBOSE"))

# net.xtcp.* for every scenario: short timers so that orphans and TIME_WAIT
# sockets left by a scenario are gone within a few seconds.
DEFAULT_SYSCTLS = {
    "tw_timeout_ms": 1000,
    "fin_timeout_ms": 1000,
    "retries2": 4,
    "syn_retries": 3,
    "synack_retries": 3,
    # RFC 6675 DupThresh and plain RTOs: scenarios that want RACK-TLP's
    # timers (which fire tens of milliseconds after a flight when the peer
    # is slow to answer) turn it on themselves.
    "recovery": 0,
}

# SYSCTLS = {**NO_RTO, ...}: for the scenarios in which the driver must
# answer XTCP's data or FIN before anything else comes, and which are not
# about retransmission. make check runs two guests on two cores; a driver
# answering through a busy guest can miss the 200 ms RTO, and XTCP's
# resend then comes first.
NO_RTO = {"rto_min_ms": 3000}

# Tolerances (see the docstring).
TOL_LO = 0.85
TOL_LO_ABS = 0.020
TOL_HI = 1.5
TOL_HI_ABS = 0.300 * SCALE
IMMEDIATE = 0.100 * SCALE
BACKOFF_RATIO = (1.5, 2.6)

XTCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
               5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT",
               9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING"}

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
# IPv6 extension headers (RFC 8200 4): hop-by-hop, routing, fragment,
# ESP, AH, destination options, mobility, HIP, shim6.
IPV6_EXT_HDRS = frozenset((0, 43, 44, 50, 51, 60, 135, 139, 140))
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35
CLONE_NEWNET = 0x40000000
FLAG_BITS = "FSRPAUEC"


class Fail(Exception):
    """A scenario assertion failed."""


def flags_str(value):
    """TCP flag bits as letters in header order: 0x12 -> 'SA'."""
    return "".join(c for i, c in enumerate(FLAG_BITS) if value & (1 << i))


def flags_set(spec):
    return frozenset(spec.upper())


def seq_add(a, b):
    return (a + b) & 0xFFFFFFFF


def seq_diff(a, b):
    """a - b in sequence space, as a signed number."""
    d = (a - b) & 0xFFFFFFFF
    return d - (1 << 32) if d & 0x80000000 else d


def pattern(start, length):
    """Stream bytes as a function of their offset: retransmissions and
    overlapping segments carry the same bytes, as a real sender's would."""
    return bytes((start + i) * 7 % 251 for i in range(length))


def ts_of(seg):
    """(TSval, TSecr) of a segment's timestamp option, or None."""
    for kind, value in seg.opts:
        if kind == "Timestamp":
            return value
    return None


def without_ts(opts):
    """An option list without its timestamp option (TSval changes with
    every transmission) nor the NOPs that align it."""
    return [(k, v) for k, v in opts if k not in ("Timestamp", "NOP")]
def sack_opts(*blocks):
    """NOP, NOP, SACK (RFC 2018) with blocks given as (start, end) pairs."""
    return [("NOP", None), ("NOP", None),
            ("SAck", tuple(x for b in blocks for x in b))]


def interval_range(expected):
    """The accepted range for an interval expected to last `expected` s."""
    return (expected * TOL_LO - TOL_LO_ABS, expected * TOL_HI + TOL_HI_ABS)


def sut_wscale():
    """The window scale shift XTCP announces for a socket without SO_RCVBUF
    (xtcp_wscale_choose()): the smallest that covers the largest receive
    buffer it can grow to, net.xtcp.rmem[2] (protocol-wide), at most 14."""
    with open("/proc/sys/net/xtcp/rmem", encoding="ascii") as f:
        space = max(int(v) for v in f.read().split()[1:3])
    ws = 0
    while space > (65535 << ws) and ws < 14:
        ws += 1
    return ws


def ip_header(payload_len):
    """The peer's IP header (Scapy) for an XTCP segment of payload_len
    bytes, towards the SUT."""
    if FAMILY == 6:
        return IPv6(src=PEER_IP, dst=SUT_IP, nh=XTCP_PROTO, hlim=64,
                    plen=payload_len)
    return IP(src=PEER_IP, dst=SUT_IP, proto=XTCP_PROTO, ttl=64,
              len=20 + payload_len)


def xtcp_csum(ip, seg):
    """TCP's checksum of `seg` (its checksum field zero) over the IP or
    IPv6 pseudo-header of `ip` with XTCP's protocol number."""
    if FAMILY == 6:
        # in6_chksum() finds the addresses in the upper layer's underlayer.
        return in6_chksum(XTCP_PROTO, (ip.copy() / Raw(seg))[Raw], seg)
    return in4_chksum(XTCP_PROTO, ip, seg)


def check(cond, what):
    if not cond:
        raise Fail(what)


def check_eq(value, want, what):
    if value != want:
        raise Fail(f"{what}: got {value!r}, want {want!r}")


def check_between(value, lo, hi, what):
    if not lo <= value <= hi:
        raise Fail(f"{what}: {value:.3f} not in [{lo:.3f}, {hi:.3f}]")


def check_immediate(seg, since, what):
    """`seg` came at once (within IMMEDIATE) after time `since`."""
    check_between(seg.ts - since, -0.001, IMMEDIATE, f"{what}: delay")


def check_interval(value, expected, what):
    lo, hi = interval_range(expected)
    check_between(value, lo, hi, f"{what} (expected ~{expected:.3f} s)")


def check_backoff(intervals, what):
    """Each interval about twice the previous one."""
    for a, b in zip(intervals, intervals[1:]):
        check_between(b / a, *BACKOFF_RATIO,
                      f"{what}: backoff ratio {b:.3f}/{a:.3f}")


def run_batch(opts, cmds, check_rc=True):
    """Several ip(8) commands in one process (processes are slow in TCG)."""
    r = subprocess.run(["ip", *opts, "-batch", "-"], input="\n".join(cmds) + "\n",
                       capture_output=True, text=True, check=False)
    if check_rc and r.returncode:
        raise RuntimeError(f"ip {' '.join(opts)} -batch: {r.stderr.strip()}")


_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET):
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


class Seg:
    """One segment XTCP sent, as the peer saw it."""

    def __init__(self, ts, ip, tcp_bytes):
        self.ts = ts
        self.ip = ip
        self.raw = tcp_bytes
        tcp = TCP(tcp_bytes)
        self.sport = tcp.sport
        self.dport = tcp.dport
        self.seq = tcp.seq
        self.ack = tcp.ack
        self.flags = flags_str(int(tcp.flags))
        self.win = tcp.window
        self.urgptr = tcp.urgptr
        self.doff = tcp.dataofs
        self.opts = [(k, v) for k, v in tcp.options]
        self.payload = tcp_bytes[tcp.dataofs * 4:]
        self.plen = len(self.payload)
        want = xtcp_csum(ip, tcp_bytes[:16] + b"\0\0" + tcp_bytes[18:])
        self.csum_ok = want == tcp.chksum

    @property
    def tos(self):
        """The IPv4 TOS byte or the IPv6 traffic class."""
        return self.ip.tc if FAMILY == 6 else self.ip.tos

    @property
    def end(self):
        return seq_add(self.seq, self.plen + ("S" in self.flags) +
                       ("F" in self.flags))

    def __str__(self):
        s = (f"{self.sport}>{self.dport} [{self.flags or '.'}] seq {self.seq} "
             f"ack {self.ack} win {self.win} len {self.plen}")
        if self.opts:
            s += f" opts {self.opts}"
        if self.urgptr:
            s += f" urg {self.urgptr}"
        if not self.csum_ok:
            s += " BAD-CSUM"
        return s


class Reply:
    def __init__(self, line):
        self.line = line
        words = line.split()
        self.ok = bool(words) and words[0] == "ok"
        self.errno = 0 if self.ok else int(words[1]) if len(words) > 1 else -1
        self.values = words[1:] if self.ok else []

    @property
    def errname(self):
        return errno.errorcode.get(self.errno, str(self.errno))

    def int(self, i=0):
        return int(self.values[i])

    def kv(self):
        return dict(w.split("=", 1) for w in self.values if "=" in w)

    def __str__(self):
        return self.line if self.ok else f"err {self.errname}"


class Pending:
    """A driver command sent, its reply not read yet."""

    def __init__(self, drv, line):
        self.drv = drv
        self.line = line
        self.reply = None
        self.sent = time.time()

    def result(self, timeout=5.0):
        """The reply; Fail if none within `timeout` seconds."""
        self.drv.collect(self, timeout * SCALE)
        return self.reply

    def done(self):
        """Has the call returned (non-blocking check)?"""
        self.drv.collect(self, 0, must=False)
        return self.reply is not None

    def ok(self, timeout=5.0):
        r = self.result(timeout)
        check(r.ok, f"{self.line}: {r}")
        return r

    def fails(self, err, timeout=5.0):
        r = self.result(timeout)
        check(not r.ok, f"{self.line}: succeeded ({r}), want {errno.errorcode[err]}")
        check_eq(r.errname, errno.errorcode[err], f"{self.line}: errno")
        return r


class Driver:
    """xtcp_pktdrv in the SUT namespace, over a pipe."""

    def __init__(self, tb, netns):
        self.tb = tb
        self.proc = subprocess.Popen(["ip", "netns", "exec", netns, DRIVER],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.buf = b""
        self.queue = []

    def start(self, *words):
        """Send a command; its reply is read later (Pending.result())."""
        line = " ".join(str(w) for w in words)
        p = Pending(self, line)
        self.queue.append(p)
        self.tb.log(f"sut: {line[:120]}")
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        return p

    def collect(self, pending, timeout, must=True):
        deadline = time.time() + timeout
        fd = self.proc.stdout.fileno()
        while pending.reply is None:
            if b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                p = self.queue.pop(0)
                p.reply = Reply(line.decode())
                p.reply.ts = time.time()
                self.tb.log(f"sut: {p.line[:60]} -> {str(p.reply)[:100]}")
                continue
            left = deadline - time.time()
            if left <= 0 and not must:
                return
            if left <= 0:
                raise Fail(f"no reply to '{pending.line}' in {timeout:.1f} s")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                data = os.read(fd, 65536)
                if not data:
                    raise Fail(f"driver exited before replying to '{pending.line}'")
                self.buf += data

    def call(self, *words, timeout=5.0):
        """Run a command that must succeed; return its Reply."""
        return self.start(*words).ok(timeout)

    def fails(self, err, *words, timeout=5.0):
        """Run a command that must fail with errno `err`."""
        return self.start(*words).fails(err, timeout)

    def info(self, sid):
        kv = self.call("info", sid).kv()
        return {k: int(v) for k, v in kv.items()}

    def info_until(self, sid, cond, timeout=2.0):
        """info() once cond(info) holds, or the last one after `timeout` s.
        A segment the peer injects reaches XTCP's socket in the receiving
        CPU's softirq, which a loaded guest may run after send() returned
        and the driver answered: read what an ACK changed with this."""
        end = time.time() + timeout * SCALE
        while True:
            i = self.info(sid)
            if cond(i) or time.time() >= end:
                return i
            time.sleep(0.005)

    def state(self, sid):
        return XTCP_STATES.get(self.info(sid)["state"], "?")

    def stat(self):
        return {k: int(v) for k, v in self.call("stat").kv().items()}

    def recv_all(self, sid, n, timeout=5.0):
        """recv() with MSG_WAITALL; return the bytes."""
        r = self.call("recv", sid, n, "waitall", timeout=timeout)
        return bytes.fromhex(r.values[1]) if r.int() else b""

    def send(self, sid, data):
        return self.call("send", sid, data.hex() if data else "-").int()

    def stop(self):
        try:
            self.call("abortall")
            self.proc.stdin.write(b"quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired, Fail):
            self.proc.kill()
            self.proc.wait()


class Conn:
    """One connection as the peer sees it: its ports, the peer's next
    sequence number (nxt) and XTCP's (sut_nxt, what the peer acknowledges)."""

    def __init__(self, tb, sport, dport, iss):
        self.tb = tb
        self.sport = sport          # the peer's port
        self.dport = dport          # XTCP's port
        self.iss = iss              # the peer's ISN
        self.nxt = iss              # the peer's next sequence number
        self.sut_iss = None         # XTCP's ISN
        self.sut_nxt = None         # XTCP's next sequence number
        self.win = 65535            # window the peer advertises
        self.sut_win = None         # window XTCP advertised last
        self.sid = None             # the driver's socket id
        self.ignore = None          # f(seg) -> True: a segment recv() skips

    @property
    def rcv_nxt(self):
        """What the peer acknowledges: everything XTCP sent."""
        return self.sut_nxt

    def send(self, flags="A", data=b"", seq=None, ack=None, win=None,
             opts=None, raw_opts=None, urgptr=0, bad_csum=False, doff=None,
             advance=True):
        """Inject one segment; return the time it left. By default seq is the
        peer's next sequence number (advanced past data, SYN and FIN) and ack
        acknowledges everything XTCP sent."""
        fl = flags_set(flags)
        if seq is None:
            seq = self.nxt
        if ack is None:
            ack = self.sut_nxt if "A" in fl and self.sut_nxt is not None else 0
        if win is None:
            win = self.win
        t = self.tb.send_tcp(self.sport, self.dport, seq, ack, flags, win,
                             data, opts, raw_opts, urgptr, bad_csum, doff)
        if advance:
            end = seq_add(seq, len(data) + ("S" in fl) + ("F" in fl))
            if seq_diff(end, self.nxt) > 0:
                self.nxt = end
        return t

    def flood(self, flags, count, data=b"", seq=None, ack=None, win=None):
        """`count` copies of one segment (Testbed.flood), with the same
        defaults as send() but never advancing; return (first, last) times."""
        if seq is None:
            seq = self.nxt
        if ack is None:
            ack = self.sut_nxt if "A" in flags and self.sut_nxt is not None else 0
        return self.tb.flood(self.sport, self.dport, seq, ack, flags,
                             self.win if win is None else win, count, data)

    def collect(self, until):
        """Every segment of this connection until time `until`."""
        segs = []
        while True:
            seg = self.recv(max(0.0, until - time.time()))
            if seg is None:
                return segs
            segs.append(seg)

    def recv(self, timeout):
        """The next segment of this connection, or None. Segments for which
        self.ignore(seg) is true (a retransmission the scenario does not
        care about, say) are logged and skipped."""
        end = time.time() + timeout
        while True:
            seg = self.tb.recv_seg(max(0.0, end - time.time()),
                                   (self.dport, self.sport))
            if not seg or not self.ignore or not self.ignore(seg):
                break
            self.tb.log(f"(ignored: {seg})")
        if seg:
            if "S" in seg.flags and self.sut_iss is None:
                self.sut_iss = seg.seq
                self.sut_nxt = seg.seq
            if "R" not in seg.flags and (self.sut_nxt is None or
                                         seq_diff(seg.end, self.sut_nxt) > 0):
                self.sut_nxt = seg.end
            if "R" not in seg.flags:
                self.sut_win = seg.win
        return seg

    def expect(self, flags, seq=None, ack=None, win=None, plen=None,
               data=None, opts=None, urgptr=None, timeout=3.0, what=""):
        """The next segment XTCP sends on this connection must arrive within
        `timeout` and match every field given; return it."""
        label = what or f"[{flags}]"
        seg = self.recv(timeout * SCALE)
        if seg is None:
            raise Fail(f"{label}: no segment within {timeout * SCALE:.1f} s")
        ctx = f"{label}: segment {seg}"
        check_eq(frozenset(seg.flags), flags_set(flags), f"{ctx}: flags")
        for name, want, got in (("seq", seq, seg.seq), ("ack", ack, seg.ack),
                                ("window", win, seg.win),
                                ("payload length", plen, seg.plen),
                                ("options", opts, seg.opts),
                                ("urgent pointer", urgptr, seg.urgptr)):
            if want is not None:
                check_eq(got, want, f"{ctx}: {name}")
        if data is not None:
            check_eq(seg.payload.hex(), data.hex(), f"{ctx}: payload")
        return seg

    def expect_ack(self, ack=None, timeout=3.0, what="ACK", **kw):
        """A pure ACK: seq = XTCP's next, ack = the peer's next by default."""
        return self.expect("A", seq=self.sut_nxt,
                           ack=self.nxt if ack is None else ack, plen=0,
                           timeout=timeout, what=what, **kw)

    def expect_none(self, duration, what="nothing"):
        """XTCP must send nothing on this connection for `duration` s."""
        seg = self.recv(duration)
        if seg is not None:
            raise Fail(f"{what}: unexpected segment {seg}")


class Testbed:
    """Namespaces, the driver and the peer's packet socket, for one scenario."""

    def __init__(self, name):
        self.name = name
        self.trace = []
        self.t0 = time.time()
        sfx = f"{random.getrandbits(32):08x}"
        self.ns_sut = f"xtcp-pkt-s-{sfx}"
        self.ns_peer = f"xtcp-pkt-p-{sfx}"
        self.sock = None
        self.drv = None
        self.backlog = []
        self.ports = set()
        self._setup_ns()
        self._open_socket()
        self.drv = Driver(self, self.ns_sut)

    # --- setup ---------------------------------------------------------------

    def _setup_ns(self):
        s, p = self.ns_sut, self.ns_peer
        # Locally administered MAC addresses, chosen here: the neighbour
        # entry needs the peer's before anything is up.
        self.sut_mac = "02:58:54:00:00:02"
        self.peer_mac = "02:58:54:00:00:01"
        run_batch([], [f"netns add {s}", f"netns add {p}",
                       f"link add {SUT_DEV} address {self.sut_mac} netns {s} "
                       f"type veth peer name {PEER_DEV} address {self.peer_mac} "
                       f"netns {p}"])
        run_batch(["-n", s], ["link set lo up",
                              f"addr add {SUT_IP}/{PREFIX_LEN} dev {SUT_DEV}"
                              + (" nodad" if FAMILY == 6 else "")])
        # XTCP computes and verifies every checksum itself (before the link
        # is up, so that no route caches the offload).
        out = subprocess.run(["ip", "netns", "exec", s, "ethtool", "-K", SUT_DEV,
                              "tx", "off", "rx", "off"], capture_output=True,
                             check=False)
        if out.returncode:
            self.log("warning: checksum offload still on on veth-s")
        run_batch(["-n", s], [f"link set {SUT_DEV} up",
                              f"neigh replace {PEER_IP} lladdr {self.peer_mac} "
                              f"dev {SUT_DEV} nud permanent"])
        run_batch(["-n", p], ["link set lo up", f"link set {PEER_DEV} up"])
        # Frames sent before the carrier is seen are dropped (noop qdisc).
        for _ in range(60):
            out = subprocess.run(["ip", "-n", p, "-br", "link", "show", PEER_DEV],
                                 capture_output=True, text=True, check=False)
            if " UP " in out.stdout and "NO-CARRIER" not in out.stdout:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"{PEER_DEV} has no carrier: {out.stdout.strip()}")

    def _open_socket(self):
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        peer = os.open(f"/run/netns/{self.ns_peer}", os.O_RDONLY)
        try:
            setns(peer)
            try:
                if FAMILY == 6:
                    # /proc/sys/net is the opener's namespace: the peer's.
                    with open(f"/proc/sys/net/ipv6/conf/{PEER_DEV}/disable_ipv6",
                              "w", encoding="ascii") as f:
                        f.write("1\n")
                sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                     socket.htons(ETH_P_ALL))
                sock.bind((PEER_DEV, 0))
            finally:
                setns(own)
        finally:
            os.close(own)
            os.close(peer)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        sock.setblocking(False)
        self.sock = sock

    def sysctl(self, name, value):
        """Set net.xtcp.NAME in the SUT namespace. With
        XTCP_PKT_MISSING_SYSCTL_OK=1 a sysctl the module lacks is skipped,
        so that new scenarios can be run against an older module (to show
        them fail on the behaviour, not on the missing knob)."""
        if os.environ.get("XTCP_PKT_MISSING_SYSCTL_OK") == "1":
            r = self.drv.start("sysctl", name, value).result()
            if r.errname == "ENOENT":
                self.log(f"no net.xtcp.{name}: skipped")
                return
            check(r.ok, f"sysctl {name} {value}: {r}")
            return
        self.drv.call("sysctl", name, value)

    def close(self):
        if self.drv:
            self.drv.stop()
        if self.sock:
            self.sock.close()
        run_batch([], [f"netns del {self.ns_sut}", f"netns del {self.ns_peer}"],
                  check_rc=False)

    # --- trace -----------------------------------------------------------------

    def log(self, msg, ts=None):
        t = (ts or time.time()) - self.t0
        line = f"{t:8.3f} {msg}"
        self.trace.append(line)
        if VERBOSE:
            print(f"# {line}", flush=True)

    # --- packets -----------------------------------------------------------------

    def send_tcp(self, sport, dport, seq, ack, flags, win, data=b"",
                 opts=None, raw_opts=None, urgptr=0, bad_csum=False,
                 doff=None):
        """Build a segment with Scapy and put it on the wire; return the time
        just before it left. raw_opts (bytes) replaces the option list
        verbatim, so it may be malformed; doff forces the data offset (a
        header longer than the segment is a truncated one)."""
        if raw_opts is not None or doff is not None:
            raw_opts = raw_opts or b""
            pad = b""
            if doff is None:
                doff = 5 + (len(raw_opts) + 3) // 4
                pad = b"\0" * ((doff - 5) * 4 - len(raw_opts))
            tcp = TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags,
                      window=win, urgptr=urgptr, dataofs=doff, chksum=0)
            seg = bytes(tcp) + raw_opts + pad + data
        else:
            tcp = TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags,
                      window=win, urgptr=urgptr, options=opts or [], chksum=0)
            seg = bytes(tcp) + data
        # TCP's checksum over a pseudo-header with XTCP's protocol number.
        ip = ip_header(len(seg))
        ck = xtcp_csum(ip, seg)
        if bad_csum:
            ck ^= 0x5a5a
        seg = seg[:16] + struct.pack("!H", ck) + seg[18:]
        frame = Ether(src=self.peer_mac, dst=self.sut_mac) / ip / Raw(seg)
        t = time.time()
        self.sock.send(bytes(frame))
        desc = (f"peer > {sport}>{dport} [{flags or '.'}] seq {seq} ack {ack} "
                f"win {win} len {len(data)}")
        if opts:
            desc += f" opts {opts}"
        if raw_opts is not None:
            desc += f" raw-opts {raw_opts.hex()}"
        if doff is not None:
            desc += f" doff {doff}"
        if urgptr:
            desc += f" urg {urgptr}"
        if bad_csum:
            desc += " BAD-CSUM"
        self.log(desc, t)
        return t

    def flood(self, sport, dport, seq, ack, flags, win, count, data=b""):
        """Put `count` copies of one segment on the wire back to back (the
        frame is built once); return the times before the first and after
        the last."""
        seg = bytes(TCP(sport=sport, dport=dport, seq=seq, ack=ack,
                        flags=flags, window=win, chksum=0)) + data
        ip = ip_header(len(seg))
        ck = xtcp_csum(ip, seg)
        seg = seg[:16] + struct.pack("!H", ck) + seg[18:]
        frame = bytes(Ether(src=self.peer_mac, dst=self.sut_mac) / ip /
                      Raw(seg))
        t0 = time.time()
        for _ in range(count):
            self.sock.send(frame)
        t1 = time.time()
        self.log(f"peer > {sport}>{dport} [{flags or '.'}] seq {seq} ack "
                 f"{ack} win {win} len {len(data)} x {count} in "
                 f"{t1 - t0:.3f} s", t0)
        return t0, t1

    def _read_frame(self, timeout):
        """One XTCP segment from the SUT off the wire, or None."""
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            r, _, _ = select.select([self.sock], [], [], max(left, 0))
            if not r:
                return None
            data, anc, _, addr = self.sock.recvmsg(65536, 64)
            if addr[2] == PACKET_OUTGOING:
                continue
            ts = now = time.time()
            for level, typ, cdata in anc:
                if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", cdata[:16])
                    ts = sec + nsec / 1e9
            if not now - 10 < ts <= now + 0.001:
                ts = now    # no usable kernel timestamp
            seg = self._parse_frame(data, ts)
            if seg is None:
                continue
            if not seg.csum_ok:
                raise Fail(f"XTCP sent a segment with a bad checksum: {seg}: "
                           f"frame {data.hex()}")
            return seg

    def _parse_frame(self, data, ts):
        """The Seg of a frame XTCP sent to the peer, or None for any other
        frame (ARP, neighbour discovery, MLD, ...)."""
        if len(data) < 14:
            return None
        proto = struct.unpack("!H", data[12:14])[0]
        if FAMILY == 4:
            if len(data) < 34 or proto != ETH_P_IP:
                return None
            ip = Ether(data)[IP]
            if ip.proto != XTCP_PROTO or ip.src != SUT_IP or ip.dst != PEER_IP:
                return None
            seg = Seg(ts, ip, bytes(ip.payload)[:ip.len - ip.ihl * 4])
        else:
            if len(data) < 54 or proto != ETH_P_IPV6:
                return None
            ip = Ether(data)[IPv6]
            if ip.src != SUT_IP or ip.dst != PEER_IP:
                return None
            if ip.nh in IPV6_EXT_HDRS:
                raise Fail(f"XTCP's IPv6 packet has an extension header "
                           f"(next header {ip.nh}): frame {data.hex()}")
            if ip.nh != XTCP_PROTO:
                return None
            seg = Seg(ts, ip, bytes(ip.payload)[:ip.plen])
        self.log(f"xtcp > {seg}", ts)
        return seg

    def recv_seg(self, timeout, ports=None):
        """The next segment from XTCP (for ports=(sut port, peer port) if
        given; others are kept for later), or None after `timeout` s."""
        for i, seg in enumerate(self.backlog):
            if ports is None or (seg.sport, seg.dport) == ports:
                return self.backlog.pop(i)
        deadline = time.time() + timeout
        while True:
            seg = self._read_frame(max(deadline - time.time(), 0))
            if seg is None:
                return None
            if ports is None or (seg.sport, seg.dport) == ports:
                return seg
            self.backlog.append(seg)

    # --- connections -------------------------------------------------------------

    def conn(self, dport, sport=None, iss=None):
        """A connection object towards XTCP port `dport`."""
        return Conn(self, sport or random.randint(20000, 60000), dport,
                    random.getrandbits(32) if iss is None else iss)

    def listen(self, port=None, backlog=8, opts=()):
        """A listening XTCP socket on SUT_IP:port; return (sid, port)."""
        # A port no earlier listener of this scenario took (two random
        # picks collided once: EADDRINUSE, 2026-12-03).
        while not port:
            port = random.randint(5000, 9999)
            port = 0 if port in self.ports else port
        self.ports.add(port)
        sid = self.drv.call("socket").int()
        for name, value in opts:
            self.drv.call("setsockopt", sid, name, value)
        self.drv.call("bind", sid, SUT_IP, port)
        self.drv.call("listen", sid, backlog)
        return sid, port

    def passive_open(self, mss=1460, win=65535, syn_opts=None, lopts=(),
                     ack_delay=0.0):
        """XTCP listens, the peer connects; return the established Conn
        (conn.sid is the accepted socket, conn.lsid the listener). The
        handshake's ACK waits `ack_delay` s: XTCP's first RTT sample."""
        lsid, port = self.listen(opts=lopts)
        c = self.conn(port)
        c.win = win
        c.lsid = lsid
        c.send("S", opts=syn_opts if syn_opts is not None else [("MSS", mss)])
        sa = c.expect("SA", ack=c.nxt, plen=0, what="SYN-ACK")
        time.sleep(ack_delay)
        c.send("A")
        c.sid = self.drv.call("accept", lsid).int()
        c.synack = sa
        return c

    def start_connect(self, rport, nonblock=False):
        """connect() from XTCP to the peer's port `rport`; return the Conn,
        XTCP's SYN and the Pending connect() call (None when non-blocking:
        the call then failed with EINPROGRESS)."""
        sid = self.drv.call("socket").int()
        pend = None
        if nonblock:
            self.drv.call("nonblock", sid, 1)
            self.drv.fails(errno.EINPROGRESS, "connect", sid, PEER_IP, rport)
        else:
            pend = self.drv.start("connect", sid, PEER_IP, rport)
        syn = self.recv_seg(3.0 * SCALE)
        check(syn is not None, "no SYN from connect()")
        c = self.conn(syn.sport, sport=rport)
        c.sid = sid
        c.sut_iss = syn.seq
        c.sut_nxt = syn.end
        return c, syn, pend

    def sack_open_send(self, segs, mss=1000):
        """Passive open with SACK-permitted and MSS `mss`; XTCP sends `segs`
        full segments of pattern data, each checked as it leaves. Return
        (conn, data, at) where at(i) is the sequence number of segment i."""
        c = self.passive_open(syn_opts=[("MSS", mss), ("SAckOK", b"")])
        data = pattern(0, segs * mss)
        self.drv.send(c.sid, data)
        una = c.sut_nxt
        for i in range(segs):
            c.expect("PA" if i == segs - 1 else "A", seq=seq_add(una, mss * i),
                     plen=mss, what=f"segment {i}")
        return c, data, lambda i: seq_add(una, mss * i)

    def counters(self):
        return self.drv.stat()

    def check_counters(self, before, **want):
        """Each named counter of /proc/net/xtcp_stat grew by exactly the
        given amount since `before` (a dict from counters()), or by at
        least it for a (n, '+') tuple."""
        now = self.counters()
        for name, w in want.items():
            delta = now.get(name, 0) - before.get(name, 0)
            check(name in now, f"no counter {name} in /proc/net/xtcp_stat")
            if isinstance(w, tuple):
                check(delta >= w[0], f"{name} grew by {delta}, want >= {w[0]}")
            else:
                check_eq(delta, w, f"{name} growth")


def sleep_until(when):
    """Sleep until time.time() reaches `when`."""
    left = when - time.time()
    if left > 0:
        time.sleep(left)


# --- the runner ------------------------------------------------------------------


def load_scenarios(names):
    files = sorted(f for f in os.listdir(HERE)
                   if f.startswith("scn_") and f.endswith(".py"))
    if names and names != ["all"]:
        want = {n if n.endswith(".py") else n + ".py" for n in names}
        want = {w if w.startswith("scn_") else "scn_" + w for w in want}
        files = [f for f in files if f in want]
    mods = []
    for f in files:
        spec = importlib.util.spec_from_file_location(f[:-3], os.path.join(HERE, f))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mods.append((f[:-3], mod))
    return mods


def run_one(num, name, mod):
    title = getattr(mod, "TITLE", name)
    xfail = getattr(mod, "XFAIL", None)
    ipv4_only = getattr(mod, "IPV4_ONLY", None)
    if ipv4_only and FAMILY == 6:
        print(f"ok {num} {name}: {title} # SKIP IPv4 only: {ipv4_only}",
              flush=True)
        return "skip"
    start = time.time()
    tb = None
    err = None
    try:
        tb = Testbed(name)
        sysctls = dict(DEFAULT_SYSCTLS)
        sysctls.update(getattr(mod, "SYSCTLS", {}))
        for k, v in sysctls.items():
            tb.sysctl(k, v)
        mod.run(tb)
    except Fail as e:
        err = str(e)
    except Exception:  # pylint: disable=broad-except
        err = traceback.format_exc()
    finally:
        if tb:
            try:
                tb.close()
            except Exception:  # pylint: disable=broad-except
                err = err or traceback.format_exc()
    secs = time.time() - start
    desc = f"{name}: {title} ({secs:.1f} s)"
    if err:
        print(f"# FAIL {name}: {err.rstrip()}".replace("\n", "\n# "))
        if tb and not VERBOSE:
            print("# trace:")
            for line in tb.trace:
                print(f"#   {line}")
    if xfail:
        print(f"{'ok' if not err else 'not ok'} {num} {desc} # TODO {xfail}")
        return "xpass" if not err else "xfail"
    print(f"{'not ok' if err else 'ok'} {num} {desc}", flush=True)
    return "fail" if err else "pass"


def main(argv):
    # Scenarios import this file as xtcp_peer: one module, not two copies.
    sys.modules.setdefault("xtcp_peer", sys.modules[__name__])
    names = [a for a in argv if not a.startswith("-")]
    if "-v" in argv:
        global VERBOSE  # pylint: disable=global-statement
        VERBOSE = True
    mods = load_scenarios(names)
    print("TAP version 13")
    print(f"1..{len(mods)}")
    if os.geteuid() != 0:
        for i, (name, _) in enumerate(mods, 1):
            print(f"ok {i} {name} # SKIP needs root")
        return 4
    start = time.time()
    res = {"pass": 0, "fail": 0, "xfail": 0, "xpass": 0, "skip": 0}
    for i, (name, mod) in enumerate(mods, 1):
        res[run_one(i, name, mod)] += 1
        sys.stdout.flush()
    print(f"# xtcp_pkt: {time.time() - start:.1f} s" +
          (" (IPv6)" if FAMILY == 6 else ""))
    print(f"# Totals: pass:{res['pass']} fail:{res['fail']} xfail:{res['xfail']} "
          f"xpass:{res['xpass']} skip:{res['skip']} error:0")
    return 1 if res["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
