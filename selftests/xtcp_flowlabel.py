#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xtcp_flowlabel - IPv6 flow labels leased with IPV6_FLOWLABEL_MGR.

  xtcp_flowlabel.py [-p xtcp|tcp] -l LABEL -i IN -o OUT ADDR PORT
  xtcp_flowlabel.py [-p xtcp|tcp] -l LABEL -e ERRNO ADDR PORT

Leases LABEL (hex) towards ADDR, exclusively (IPV6_FL_S_EXCL), turns on
IPV6_FLOWINFO_SEND and connects with sin6_flowinfo = LABEL, as a program
using RFC 6437 flow labels over TCP does.

With -i/-o: sends the bytes of IN, shuts down its sending side and writes
what it receives until EOF to OUT.

With -e: expects connect() to fail with ERRNO (a name: ECONNREFUSED, or
EINVAL for -u).

  -u  do not lease LABEL (a label the socket does not own: connect() must
      fail with EINVAL once exclusive leases are in use in the namespace,
      as for TCP)

Exit 0 on success, 1 on failure, 4 when the protocol is not available.
"""
import argparse
import errno
import socket
import struct
import sys

IPV6_FLOWLABEL_MGR = 32
IPV6_FLOWINFO_SEND = 33
IPV6_FL_A_GET = 0
IPV6_FL_F_CREATE = 1
IPV6_FL_S_EXCL = 1


def proto(name):
    if name == "tcp":
        return socket.IPPROTO_TCP
    try:
        with open("/sys/module/xtcp/parameters/ipproto") as f:
            return int(f.read())
    except OSError:
        return 253


def lease(sock, addr, label):
    """IPV6_FLOWLABEL_MGR: get LABEL towards ADDR, created, exclusive."""
    req = struct.pack("=16s4sBBHHHI", socket.inet_pton(socket.AF_INET6, addr),
                      label.to_bytes(4, "big"), IPV6_FL_A_GET,
                      IPV6_FL_S_EXCL, IPV6_FL_F_CREATE, 0, 0, 0)
    sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, req)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", default="xtcp")
    ap.add_argument("-l", required=True)
    ap.add_argument("-i")
    ap.add_argument("-o")
    ap.add_argument("-e")
    ap.add_argument("-u", action="store_true")
    ap.add_argument("-t", type=float, default=20)
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    a = ap.parse_args()
    label = int(a.l, 16)

    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, proto(a.p))
    except OSError as e:
        print("socket: %s" % e)
        return 4
    s.settimeout(a.t)
    if not a.u:
        lease(s, a.addr, label)
    else:
        # The kernel checks labels only while exclusive leases are in use,
        # until a second after the last one goes (a deferred static key):
        # another socket holds one for the whole connect(), so a slow
        # guest cannot outlast the previous client's lease.
        holder = socket.socket(socket.AF_INET6, socket.SOCK_STREAM, proto(a.p))
        lease(holder, a.addr, label ^ 1)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1)
    try:
        s.connect((a.addr, a.port, label, 0))
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
        print("connect with label 0x%05x: %s" % (label, name))
        return 0 if a.e == name else 1
    if a.e:
        print("connect with label 0x%05x succeeded, want %s" % (label, a.e))
        return 1
    print("connected with label 0x%05x" % label)
    with open(a.i, "rb") as f:
        s.sendall(f.read())
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    with open(a.o, "wb") as f:
        f.write(got)
    print("received %d bytes" % len(got))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
