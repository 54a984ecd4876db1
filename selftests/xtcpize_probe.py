#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# The socket API as libxtcpize.so presents it, checked from a program that
# knows only TCP (run under `xtcpize run`): TCP sockets are XTCP sockets;
# AF_INET6 ones are XTCP's own IPv6 sockets (native: ::1, dual-stack
# listeners, IPV6_V6ONLY and real IPv6 addresses as the kernel has them) or,
# in the fallback, translated to and from IPv4 (addresses, the caller's
# address-length rules, IPV6_V6ONLY, IPV6_TCLASS, real IPv6 refused); the
# per-descriptor flag following dup/dup2/fcntl(F_DUPFD) and cleared by
# close. Prints one "ok"/"not ok" line per check; exits 1 on any failure.
#
#   xtcpize_probe.py PROTO [MODE]
#     PROTO: the IP protocol XTCP sockets must have
#     MODE:  native (default) or translate (run with XTCPIZE_TRANSLATE6=1)

import ctypes
import errno
import fcntl
import os
import socket
import struct
import sys

PROTO = int(sys.argv[1])
NATIVE = (sys.argv[2] if len(sys.argv) > 2 else "native") == "native"
IPV6_MTU = 24                           # not in the socket module
libc = ctypes.CDLL(None, use_errno=True)
failed = 0


def check(cond, what):
    global failed
    print(("ok " if cond else "not ok ") + what, flush=True)
    if not cond:
        failed += 1


def err_of(fn):
    try:
        fn()
    except OSError as e:
        return e.errno
    return 0


def proto_of(s):
    return s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)


def raw_name(fd, peer, buflen):
    """getsockname/getpeername through libc with a buflen-byte buffer."""
    buf = ctypes.create_string_buffer(b"\xee" * 64, 64)
    ln = ctypes.c_uint(buflen)
    fn = libc.getpeername if peer else libc.getsockname
    r = fn(fd, buf, ctypes.byref(ln))
    return r, ln.value, buf.raw


# IPv4 TCP socket: XTCP, everything else untouched.
s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
check(proto_of(s4) == PROTO, "AF_INET SOCK_STREAM is XTCP (protocol %d)" % proto_of(s4))
s4.close()
s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK |
                   socket.SOCK_CLOEXEC, socket.IPPROTO_TCP)
check(proto_of(s4) == PROTO and s4.getblocking() is False,
      "SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_TCP: XTCP, still non-blocking")
s4.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
check(proto_of(u) == socket.IPPROTO_UDP, "UDP left alone")
u.close()

# The dual-stack listener.
ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
check(proto_of(ls) == PROTO and ls.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_INET6,
      "AF_INET6 SOCK_STREAM is XTCP, SO_DOMAIN reads AF_INET6")
check(ls.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0, "IPV6_V6ONLY reads 0")
ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("::", 0))
name = ls.getsockname()
port = name[1]
check(name[0] == "::" and len(name) == 4, "bind(::) reads back as %s" % (name,))
check(err_of(lambda: ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)) == errno.EINVAL,
      "IPV6_V6ONLY after bind: EINVAL, as Linux")
ls.listen(8)

r, ln, raw = raw_name(ls.fileno(), False, 8)
check(r == 0 and ln == 28 and raw[8:9] == b"\xee" and
      struct.unpack("=H", raw[:2])[0] == socket.AF_INET6,
      "getsockname with an 8-byte buffer: 8 bytes written, length 28 reported")
r, ln, raw = raw_name(ls.fileno(), False, 64)
check(r == 0 and ln == 28 and raw[28:29] == b"\xee", "a 64-byte buffer: 28 written")
r = libc.getsockname(ls.fileno(), ctypes.create_string_buffer(64),
                     ctypes.byref(ctypes.c_int(-1)))
check(r == -1 and ctypes.get_errno() == errno.EINVAL, "negative length: EINVAL")

# v4-mapped and ::1 clients, and a plain IPv4 client.
c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
c.connect(("::ffff:127.0.0.1", port))
a, peer = ls.accept()
check(peer[0] == "::ffff:127.0.0.1" and len(peer) == 4, "accept() peer %s" % (peer,))
check(c.getpeername()[:2] == ("::ffff:127.0.0.1", port), "getpeername %s" % (c.getpeername(),))
check(a.getsockname()[:2] == ("::ffff:127.0.0.1", port), "accepted getsockname %s" % (a.getsockname(),))
check(proto_of(a) == PROTO and a.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_INET6,
      "accepted socket: XTCP, AF_INET6")
c.sendall(b"x" * 100000)
got = b""
while len(got) < 100000:
    got += a.recv(65536)
check(got == b"x" * 100000, "100000 bytes over the mapped connection")
check(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0 and
      c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) is None and
      c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1, "SOL_TCP TCP_NODELAY")
a.close()
c.close()

c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
c.connect(("::1", port))
a, peer = ls.accept()
check(c.getpeername()[:2] == ("::1", port) and c.getsockname()[0] == "::1",
      "connect(::1): peer %s, local %s" % (c.getpeername(), c.getsockname()))
a.close()
c.close()

c4 = socket.create_connection(("127.0.0.1", port))
a, peer = ls.accept()
check(peer[0] == "::ffff:127.0.0.1" and c4.getpeername() == ("127.0.0.1", port),
      "IPv4 client on the dual-stack listener: %s, client sees %s" % (peer, c4.getpeername()))

# recvfrom with an address, as some programs do on streams.
c4.sendall(b"hello")
buf = ctypes.create_string_buffer(16)
sa = ctypes.create_string_buffer(b"\xee" * 64, 64)
ln = ctypes.c_uint(64)
n = libc.recvfrom(a.fileno(), buf, 16, 0, sa, ctypes.byref(ln))
check(n == 5 and buf.raw[:5] == b"hello", "recvfrom with an address buffer: %d bytes, addrlen %d" % (n, ln.value))

# dup, dup2, fcntl(F_DUPFD) carry the translation; close clears it.
d = os.dup(a.fileno())                  # fcntl(F_DUPFD_CLOEXEC) in CPython
d2 = 200
os.dup2(a.fileno(), d2)
d3 = fcntl.fcntl(a.fileno(), fcntl.F_DUPFD, 300)
ok = True
for fd in (d, d2, d3):
    r, ln, raw = raw_name(fd, True, 64)
    ok = ok and r == 0 and ln == 28
check(ok, "dup, dup2, fcntl(F_DUPFD) copies still read IPv6 names")
os.close(d2)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.dup2(u.fileno(), d2)
u.bind(("127.0.0.1", 0))
r, ln, raw = raw_name(d2, False, 64)
check(r == 0 and ln == 16, "after close, a UDP socket on the same number reads sockaddr_in")
os.close(d)
os.close(d2)
os.close(d3)
u.close()
a.close()
c4.close()

def v6only_socket():
    """An AF_INET6 socket with IPV6_V6ONLY set to 1 (and reading 1)."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    check(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1, "IPV6_V6ONLY 1 reads 1")
    return s


def v6only_no_mapped(s):
    """A v6-only socket refuses v4-mapped addresses as Linux does."""
    check(err_of(lambda: s.bind(("::ffff:127.0.0.1", 0))) == errno.EINVAL,
          "IPV6_V6ONLY=1 then bind(v4-mapped): EINVAL, as Linux")
    check(err_of(lambda: s.connect(("::ffff:127.0.0.1", port))) == errno.ENETUNREACH,
          "IPV6_V6ONLY=1 then connect(v4-mapped): ENETUNREACH, as Linux")
    s.close()


# IPV6_TCLASS: the kernel's (native) or IP_TOS (translated).
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 0x20)
check(s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS) == 0x20, "IPV6_TCLASS 0x20 reads 0x20")
check(err_of(lambda: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, 300)) == errno.EINVAL,
      "IPV6_TCLASS 300: EINVAL")

if NATIVE:
    # IPV6_MTU before connect: the kernel's ENOTCONN, not an IPv4 socket's
    # ENOPROTOOPT.
    e6 = err_of(lambda: s.getsockopt(socket.IPPROTO_IPV6, IPV6_MTU))
    check(e6 == errno.ENOTCONN, "IPV6_MTU unconnected: ENOTCONN, as TCP (%s)" % os.strerror(e6))
    # Real IPv6 goes to the kernel: no such local address, not "no IPv6".
    e = err_of(lambda: s.bind(("2001:db8::1", 0)))
    check(e == errno.EADDRNOTAVAIL, "bind(2001:db8::1): EADDRNOTAVAIL, as TCP (%s)" % os.strerror(e))
    check(err_of(lambda: s.bind(("ff02::1", 0))) == errno.EINVAL, "bind(multicast): EINVAL, as TCP")
    s.close()
    # An IPv6-only listener: ::1 clients, no IPv4 ones.
    s = v6only_socket()
    e = err_of(lambda: s.bind(("::", 0)))
    check(e == 0, "IPV6_V6ONLY=1 then bind(::): %s" % os.strerror(e))
    if e:
        sys.exit(1)
    s.listen(8)
    p6 = s.getsockname()[1]
    c = socket.create_connection(("::1", p6))
    a, peer = s.accept()
    c.sendall(b"y" * 100000)
    got = b""
    while len(got) < 100000:
        got += a.recv(65536)
    check(peer[0] == "::1" and proto_of(a) == PROTO and got == b"y" * 100000,
          "IPV6_V6ONLY=1 listener on :: takes a ::1 client (peer %s): 100000 bytes over IPv6" % (peer,))
    a.close()
    c.close()
    e = err_of(lambda: socket.create_connection(("127.0.0.1", p6)))
    check(e == errno.ECONNREFUSED, "IPV6_V6ONLY=1 listener: an IPv4 client is refused (%s)" % os.strerror(e))
    s.close()
    v6only_no_mapped(v6only_socket())
    ls.close()
    sys.exit(1 if failed else 0)

# Translated: IPV6_TCLASS is IP_TOS; other IPv6 options: what an IPv4
# socket gets.
check(s.getsockopt(socket.IPPROTO_IP, socket.IP_TOS) == 0x20, "IPV6_TCLASS 0x20 is IP_TOS 0x20")
v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
e4 = err_of(lambda: v4.getsockopt(socket.IPPROTO_IPV6, IPV6_MTU))
e6 = err_of(lambda: s.getsockopt(socket.IPPROTO_IPV6, IPV6_MTU))
check(e4 and e6 == e4, "IPV6_MTU: what an IPv4 socket gets (%s)" % os.strerror(e6))
v4.close()

# Real IPv6 is refused with a clear errno.
e = err_of(lambda: s.connect(("2001:db8::1", 80)))
check(e == errno.ENETUNREACH, "connect(2001:db8::1): ENETUNREACH (%s)" % os.strerror(e))
s.close()
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
e = err_of(lambda: s.bind(("2001:db8::1", 0)))
check(e == errno.EAFNOSUPPORT, "bind(2001:db8::1): EAFNOSUPPORT (%s)" % os.strerror(e))
check(err_of(lambda: s.bind(("ff02::1", 0))) == errno.EINVAL, "bind(multicast): EINVAL, as TCP")
s.close()
s = v6only_socket()
check(err_of(lambda: s.bind(("::", 0))) == errno.EAFNOSUPPORT,
      "IPV6_V6ONLY=1 then bind(::): EAFNOSUPPORT (would need real IPv6)")
v6only_no_mapped(s)
ls.close()

sys.exit(1 if failed else 0)
