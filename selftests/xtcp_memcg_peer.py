#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The two ends of xtcp_memcg.sh, over socket(AF_INET, SOCK_STREAM, IPPROTO),
or AF_INET6 when ADDR is an IPv6 address (xtcp_memcg6.sh).

  xtcp_memcg_peer.py server ADDR PORT N DIR
      listen; create DIR/ready; once DIR/go exists accept N connections
      (without reading), create DIR/accepted; once DIR/close exists close
      them all, create DIR/closed; once DIR/exit exists, exit.
  xtcp_memcg_peer.py client ADDR PORT N BYTES
      N times: connect, send BYTES, close.

The protocol number is read from /sys/module/xtcp/parameters/ipproto.
Exit: 0 ok, 1 failure.
"""
import os
import socket
import sys
import time


def proto():
    with open("/sys/module/xtcp/parameters/ipproto") as f:
        return int(f.read())


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def wait_file(path, secs=600):
    end = time.monotonic() + secs
    while not os.path.exists(path):
        if time.monotonic() > end:
            sys.exit(f"timeout waiting for {path}")
        time.sleep(0.05)


def touch(path):
    with open(path, "w") as f:
        f.write("ok\n")


def server(addr, port, n, d):
    ls = socket.socket(family(addr), socket.SOCK_STREAM, proto())
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(n + 16)
    touch(os.path.join(d, "ready"))
    wait_file(os.path.join(d, "go"))
    ls.settimeout(60)
    conns = [ls.accept()[0] for _ in range(n)]
    touch(os.path.join(d, "accepted"))
    wait_file(os.path.join(d, "close"))
    for c in conns:
        c.close()
    touch(os.path.join(d, "closed"))
    wait_file(os.path.join(d, "exit"))
    ls.close()


def client(addr, port, n, size):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    for _ in range(n):
        s = socket.socket(family(addr), socket.SOCK_STREAM, proto())
        s.settimeout(60)
        s.connect((addr, port))
        s.sendall(data)
        s.close()


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("server", "client"):
        sys.exit(__doc__)
    addr, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if sys.argv[1] == "server":
        server(addr, port, n, sys.argv[5])
    else:
        client(addr, port, n, int(sys.argv[5]))


if __name__ == "__main__":
    main()
