#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xtcp_tw_reconnect - reconnect on the same 4-tuple right after a close.

  xtcp_tw_reconnect.py server [-p xtcp|tcp] -n ROUNDS -s SIZE -F READY ADDR PORT
  xtcp_tw_reconnect.py client [-p xtcp|tcp] -n ROUNDS -s SIZE -b CPORT ADDR PORT
  xtcp_tw_reconnect.py decode PCAP

Each round: the client, bound to CPORT (SO_REUSEADDR), connects and sends
SIZE bytes; the server reads them, echoes them back and closes first (its
socket becomes an orphan in FIN_WAIT2, then TIME_WAIT); the client reads
the echo and EOF, waits a little (so its ACK of the server's FIN goes
alone, before its own FIN) and closes; once its socket is gone it starts
the next round at once, on the same 4-tuple. The server's TIME_WAIT entry
must hand the new SYN to the listener. The client prints one line per
round with the connect() time in ms ("round N connect_ms X") and checks
every byte. Exit 0 when every round moved its bytes exactly, 1 otherwise.
An IPv6 ADDR makes AF_INET6 sockets (xtcp_tw_reconnect6.sh); decode reads
IPv4 and IPv6 segments.
"""
import argparse
import socket
import struct
import sys
import time
import zlib

T0 = time.monotonic()


def log(who, msg):
    print("[%7.3f] %s: %s" % (time.monotonic() - T0, who, msg), flush=True)


def pattern(rnd, size):
    """SIZE bytes, different each round."""
    b = bytes((rnd * 7 + i * 13) & 0xff for i in range(251))
    return (b * (size // 251 + 1))[:size]


def proto(p):
    if p == "tcp":
        return 0
    try:
        with open("/sys/module/xtcp/parameters/ipproto") as f:
            return int(f.read())
    except OSError:
        return 253


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            break
        buf += d
    return bytes(buf)


def local_gone(port, fam=socket.AF_INET):
    """No entry left with local port @port in /proc/net/xtcp (or tcp, tcp6
    for @fam AF_INET6). /proc/net/xtcp lists both families."""
    try:
        with open("/proc/net/xtcp") as f:
            lines = f.read().splitlines()[1:]
        return not any(ln.split()[0].endswith(":%d" % port) for ln in lines)
    except OSError:
        pass
    with open("/proc/net/tcp6" if fam == socket.AF_INET6
              else "/proc/net/tcp") as f:
        lines = f.read().splitlines()[1:]
    hexport = ":%04X" % port
    return not any(ln.split()[1].endswith(hexport) for ln in lines)


def server(a):
    ls = socket.socket(family(a.addr), socket.SOCK_STREAM, proto(a.p))
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(16)
    ls.settimeout(a.t)
    with open(a.F, "w") as f:
        f.write("listening\n")
    ok = True
    for rnd in range(a.n):
        c, peer = ls.accept()
        c.settimeout(a.t)
        data = recv_exact(c, a.s)
        if data != pattern(rnd, a.s):
            log("server", "round %d: %d bytes, not the expected %d" %
                (rnd, len(data), a.s))
            ok = False
        # The reply: the upload's CRC, then a short echo of its start.
        c.sendall(struct.pack("!I", zlib.crc32(data)) + data[:a.e])
        if a.c == "client":
            eof = c.recv(1)
            if eof:
                ok = False
            time.sleep(a.w)
        c.close()
        log("server", "round %d from %s:%d done" % (rnd, peer[0], peer[1]))
    return 0 if ok else 1


def client(a):
    ok = True
    fam = family(a.addr)
    for rnd in range(a.n):
        s = socket.socket(fam, socket.SOCK_STREAM, proto(a.p))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.b))
        s.settimeout(a.t)
        t = time.monotonic()
        s.connect((a.addr, a.port))
        ms = (time.monotonic() - t) * 1000
        print("round %d connect_ms %.1f" % (rnd, ms), flush=True)
        s.sendall(pattern(rnd, a.s))
        back = recv_exact(s, 4 + min(a.e, a.s))
        want = struct.pack("!I", zlib.crc32(pattern(rnd, a.s)))
        want += pattern(rnd, a.s)[:a.e]
        if a.c == "client":
            if back != want:
                ok = False
            s.close()
            time.sleep(a.w + 0.2)
            continue
        eof = s.recv(1)
        if back != want or eof:
            log("client", "round %d: reply %d bytes (want %d), eof %r" %
                (rnd, len(back), len(want), eof))
            ok = False
        # The server's FIN is in: let our ACK of it go alone, so the
        # server's orphan sits in FIN_WAIT2 when our FIN arrives.
        time.sleep(a.w)
        s.close()
        end = time.monotonic() + a.t
        while not local_gone(a.b, fam):
            if time.monotonic() > end:
                log("client", "round %d: port %d still in use" % (rnd, a.b))
                return 1
            time.sleep(0.002)
    return 0 if ok else 1


def decode(a):
    """Print the SYN, FIN and RST segments of a pcap file, and before each
    RST the ten segments that preceded it (what provoked it)."""
    d = open(a.addr, "rb").read()
    off, t0 = 24, None
    segs = []
    while off + 16 <= len(d):
        sec, usec, incl = struct.unpack_from("<III", d, off)
        p = d[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(p) >= 54 and p[12:14] == b"\x08\x00":
            ihl = (p[14] & 15) * 4
            tot = struct.unpack_from("!H", p, 16)[0]
        elif len(p) >= 74 and p[12:14] == b"\x86\xdd":
            # IPv6: a fixed 40-byte header (the capture filter takes
            # only segments with no extension header), tot as for IPv4.
            ihl = 40
            tot = 40 + struct.unpack_from("!H", p, 18)[0]
        else:
            continue
        th = p[14 + ihl:]
        sport, dport, seq, ack = struct.unpack_from("!HHII", th, 0)
        win = struct.unpack_from("!H", th, 14)[0]
        plen = tot - ihl - (th[12] >> 4) * 4
        fl = "".join(c for c, b in zip("FSRPA", (1, 2, 4, 8, 16))
                     if th[13] & b)
        t = sec + usec / 1e6
        t0 = t if t0 is None else t0
        segs.append(("%8.4f %d > %d %-3s seq=%u ack=%u win=%u len=%d" %
                     (t - t0, sport, dport, fl, seq, ack, win, plen),
                     th[13] & 7, th[13] & 4))
    shown = set()
    for i, (line, sfr, rst) in enumerate(segs):
        if rst:
            for j in range(max(0, i - 10), i):
                if j not in shown and not segs[j][1]:
                    print("  " + segs[j][0])
                    shown.add(j)
        if sfr:
            print(line)
            shown.add(i)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["server", "client", "decode"])
    ap.add_argument("-p", default="xtcp", choices=["xtcp", "tcp"])
    ap.add_argument("-n", type=int, default=3, help="rounds")
    ap.add_argument("-s", type=int, default=4096, help="bytes each way")
    ap.add_argument("-e", type=int, default=4096, help="bytes echoed")
    ap.add_argument("-b", type=int, default=40000, help="client port")
    ap.add_argument("-w", type=float, default=0.3, help="client's wait "
                    "between the server's FIN and its close")
    ap.add_argument("-c", default="server", choices=["server", "client"],
                    help="who closes first")
    ap.add_argument("-F", help="server: file to write once listening")
    ap.add_argument("-t", type=float, default=30, help="socket timeout")
    ap.add_argument("addr", help="address, or the pcap file to decode")
    ap.add_argument("port", type=int, nargs="?", default=0)
    a = ap.parse_args()
    if a.role == "decode":
        return decode(a)
    try:
        return server(a) if a.role == "server" else client(a)
    except OSError as e:
        log(a.role, "error: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
