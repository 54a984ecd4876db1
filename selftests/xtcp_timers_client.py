#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xtcp_timers_client - a client whose every step the shell script paces.

  xtcp_timers_client.py [options] ADDR PORT

ADDR is IPv4 or IPv6 (an AF_INET6 socket then).

Waits for the -W file to exist (if given), connects (blocking), writes
"connected" to the -R file, then waits for the -G file to exist before it sends -i FILE (if any) and/or shuts down its
sending side (-f), then reads until EOF. With -k IDLE,INTVL,CNT it turns
keepalive on first and, with -s SECS, just stays idle that long before the
-G wait. Prints what happened, with times. Exits 0 when every step
succeeded, or when it ended with the errno named by -e; 1 otherwise.
"""
import argparse
import errno
import os
import socket
import sys
import time

T0 = time.monotonic()


def log(msg):
    print("[%7.3f] client: %s" % (time.monotonic() - T0, msg), flush=True)


def read_param(name, default):
    try:
        with open("/sys/module/xtcp/parameters/" + name) as f:
            return int(f.read())
    except OSError:
        return default


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", default="xtcp", choices=["xtcp", "tcp"])
    ap.add_argument("-R", help="file to create once connected")
    ap.add_argument("-W", help="file to wait for before connecting")
    ap.add_argument("-G", help="file to wait for before sending")
    ap.add_argument("-i", help="file to send")
    ap.add_argument("-f", action="store_true", help="shutdown(SHUT_WR)")
    ap.add_argument("-k", help="keepalive IDLE,INTVL,CNT")
    ap.add_argument("-s", type=float, default=0, help="idle seconds")
    ap.add_argument("-e", help="expected errno name (ETIMEDOUT...)")
    ap.add_argument("-t", type=float, default=60, help="overall timeout")
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    a = ap.parse_args()

    # An IPv6 address: an AF_INET6 socket, XTCP's or TCP's.
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    if a.p == "xtcp":
        # AF_INET(6) with XTCP's protocol number: Python cannot pass a
        # sockaddr_in to connect() for a family it does not know.
        sol = read_param("ipproto", 253)
        s = socket.socket(fam, socket.SOCK_STREAM, sol)
    else:
        s = socket.socket(fam, socket.SOCK_STREAM, 0)
        sol = socket.IPPROTO_TCP
    want = getattr(errno, a.e) if a.e else 0
    deadline = T0 + a.t
    try:
        if a.k:
            idle, intvl, cnt = (int(x) for x in a.k.split(","))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            s.setsockopt(sol, 4, idle)     # KEEPIDLE
            s.setsockopt(sol, 5, intvl)    # KEEPINTVL
            s.setsockopt(sol, 6, cnt)      # KEEPCNT
            log("keepalive idle %d intvl %d cnt %d" % (idle, intvl, cnt))
        if a.W:
            while not os.path.exists(a.W):
                if time.monotonic() > deadline:
                    raise socket.timeout("no %s" % a.W)
                time.sleep(0.05)
            log("connecting")
        s.settimeout(max(1.0, deadline - time.monotonic()))
        s.connect((a.addr, a.port))
        log("connected")
        if a.R:
            with open(a.R, "w") as f:
                f.write("connected\n")
        if a.s:
            end = time.monotonic() + a.s
            while time.monotonic() < end:
                time.sleep(0.5)
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise OSError(err, os.strerror(err))
            log("stayed up %.1f s idle" % a.s)
        if a.G:
            while not os.path.exists(a.G):
                if time.monotonic() > deadline:
                    raise socket.timeout("no %s" % a.G)
                time.sleep(0.05)
        if a.i:
            with open(a.i, "rb") as f:
                data = f.read()
            s.settimeout(max(1.0, deadline - time.monotonic()))
            s.sendall(data)
            log("queued %d bytes" % len(data))
        if a.f:
            s.shutdown(socket.SHUT_WR)
            log("shutdown(SHUT_WR)")
        s.settimeout(max(1.0, deadline - time.monotonic()))
        n = 0
        while True:
            b = s.recv(65536)
            if not b:
                break
            n += len(b)
        log("EOF after %d bytes" % n)
        s.close()
    except OSError as e:
        # socket.timeout (our own deadline) is an OSError without errno;
        # a connection that timed out raises one with ETIMEDOUT.
        if e.errno is None:
            log("FAIL: timed out (%s)" % e)
            return 1
        name = errno.errorcode.get(e.errno, str(e.errno))
        if want and e.errno == want:
            log("ended with %s as expected" % name)
            return 0
        log("FAIL: %s (%s)" % (name, e))
        return 1
    if want:
        log("FAIL: expected %s" % a.e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
