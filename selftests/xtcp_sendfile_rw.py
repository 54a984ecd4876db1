#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xtcp_sendfile_rw - sendfile(2) of a file that another thread rewrites.

  xtcp_sendfile_rw.py [-p xtcp|tcp] -f FILE -n ROUNDS ADDR PORT

Connects to ADDR PORT (socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP), or
TCP's with -p tcp), sends FILE ROUNDS times with sendfile(2) while a
second thread rewrites it, 4 KiB of random bytes at a time in a loop, then
shuts down its sending side and waits for the peer's EOF. What arrives is
whatever the pages held when they left: the point is that every segment
carries a checksum of the bytes it carries, however the page changes
while it is queued. Prints the bytes sent and the writes made; exits 0,
or 1 on an error.
"""

import argparse
import os
import socket
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", default="xtcp", choices=("xtcp", "tcp"))
    ap.add_argument("-f", required=True)
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    a = ap.parse_args()

    if a.p == "xtcp":
        with open("/sys/module/xtcp/parameters/ipproto", encoding="ascii") as f:
            proto = int(f.read())
    else:
        proto = socket.IPPROTO_TCP
    size = os.path.getsize(a.f)
    stop = threading.Event()
    writes = [0]

    def writer():
        fd = os.open(a.f, os.O_WRONLY)
        try:
            while not stop.is_set():
                os.pwrite(fd, os.urandom(4096), (writes[0] * 4096) % size)
                writes[0] += 1
        finally:
            os.close(fd)

    t = threading.Thread(target=writer)
    t.start()
    sent = 0
    try:
        # Blocking (a Python timeout would make sendfile(2) see EAGAIN):
        # the caller bounds the run with timeout(1).
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        s.connect((a.addr, a.port))
        fd = os.open(a.f, os.O_RDONLY)
        for _ in range(a.n):
            off = 0
            while off < size:
                n = os.sendfile(s.fileno(), fd, off, size - off)
                if n <= 0:
                    raise OSError("sendfile sent nothing")
                off += n
                sent += n
        os.close(fd)
        s.shutdown(socket.SHUT_WR)
        if s.recv(1):
            raise OSError("the peer sent data")
        s.close()
    except OSError as e:
        print(f"xtcp_sendfile_rw: {e} after {sent} bytes", file=sys.stderr)
        return 1
    finally:
        stop.set()
        t.join()
    print(f"xtcp_sendfile_rw: sent {sent} bytes, {writes[0]} writes meanwhile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
