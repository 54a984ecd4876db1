#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write-queue memory of a sender whose peer does not read.

  xtcp_wqmem.py server PROTO ADDR PORT FLAG   (in the server's namespace)
  xtcp_wqmem.py client PROTO ADDR PORT FLAG [RATE]
                                              (in the client's namespace)

PROTO is an IP protocol number (XTCP's, or 6 for TCP); the sockets are
socket(AF_INET, SOCK_STREAM, PROTO). The server accepts and reads nothing
until the file FLAG exists. The client, with a 1 MiB SO_SNDBUF (and
SO_MAX_PACING_RATE RATE bytes a second if given), writes without blocking
until the queue stays full for a second, then prints

  outq=BYTES wmem_queued=BYTES written=BYTES

(SIOCOUTQ: bytes queued and not acknowledged; SO_MEMINFO's wmem_queued:
the memory those skbs are charged), creates FLAG, shuts its side down and
waits for the server's EOF. The server then reads everything and prints
received=BYTES; both exit 0 when the byte stream was the expected one.
"""
import fcntl
import os
import socket
import struct
import sys
import termios
import time

SO_MEMINFO = 55
SK_MEMINFO_WMEM_QUEUED = 5
SO_MAX_PACING_RATE = 47


def pattern(off, n):
    """Bytes [off, off + n) of the stream: a 251-byte cycle."""
    base = bytes(range(251))
    start = off % 251
    reps = (start + n) // 251 + 1
    return (base * reps)[start:start + n]


def server(proto, addr, port, flag):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    c, _ = ls.accept()
    deadline = time.monotonic() + 600
    while not os.path.exists(flag):
        if time.monotonic() > deadline:
            print("server: no FLAG in 600 s", file=sys.stderr)
            return 1
        time.sleep(0.05)
    got, bad = 0, 0
    while True:
        buf = c.recv(1 << 20)
        if not buf:
            break
        if buf != pattern(got, len(buf)):
            bad += 1
        got += len(buf)
    print(f"received={got} bad_reads={bad}")
    c.close()
    return 1 if bad else 0


def client(proto, addr, port, flag, rate=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    if rate:
        s.setsockopt(socket.SOL_SOCKET, SO_MAX_PACING_RATE, rate)
    for _ in range(100):
        try:
            s.connect((addr, port))
            break
        except ConnectionRefusedError:
            time.sleep(0.1)
    s.setblocking(False)
    written, idle_since = 0, None
    chunk = 1 << 16
    while True:
        try:
            n = s.send(pattern(written, chunk))
            written += n
            idle_since = None
        except BlockingIOError:
            now = time.monotonic()
            if idle_since is None:
                idle_since = now
            elif now - idle_since > 1.0:
                break
            time.sleep(0.02)
    buf = bytearray(4)
    fcntl.ioctl(s.fileno(), termios.TIOCOUTQ, buf)
    outq = struct.unpack("i", buf)[0]
    mem = struct.unpack("9I", s.getsockopt(socket.SOL_SOCKET, SO_MEMINFO,
                                            36))
    print(f"outq={outq} wmem_queued={mem[SK_MEMINFO_WMEM_QUEUED]} "
          f"written={written}", flush=True)
    with open(flag, "w"):
        pass
    s.setblocking(True)
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()
    return 0


def main():
    if (len(sys.argv) not in (6, 7) or
            sys.argv[1] not in ("server", "client") or
            (len(sys.argv) == 7 and sys.argv[1] != "client")):
        print(__doc__, file=sys.stderr)
        return 2
    role, proto, addr, port, flag = sys.argv[1:6]
    if role == "server":
        return server(int(proto), addr, int(port), flag)
    rate = int(sys.argv[6]) if len(sys.argv) == 7 else 0
    return client(int(proto), addr, int(port), flag, rate)


if __name__ == "__main__":
    sys.exit(main())
