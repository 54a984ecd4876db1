#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Runs CMD as on a kernel where XTCP has no IPv6 (module built without it,
# ipv6.disable=1): a seccomp filter makes socket(AF_INET6, any type, PROTO)
# fail with EAFNOSUPPORT, for CMD and everything it execs. Exits 4 (skip)
# where the filter cannot be installed (not x86_64, no seccomp).
#
#   xtcpize_no6.py PROTO CMD [ARGS...]

import ctypes
import os
import platform
import struct
import sys

PROTO = int(sys.argv[1])
AUDIT_ARCH_X86_64 = 0xc000003e
NR_SOCKET = 41                          # x86_64
AF_INET6 = 10
EAFNOSUPPORT = 97
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7fff0000
LD_ABS_W, JEQ_K, RET_K = 0x20, 0x15, 0x06

if platform.machine() != "x86_64":
    print("xtcpize_no6: x86_64 only", file=sys.stderr)
    sys.exit(4)

# seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8 * i (low half first).
prog = [
    (LD_ABS_W, 0, 0, 4),
    (JEQ_K, 0, 7, AUDIT_ARCH_X86_64),
    (LD_ABS_W, 0, 0, 0),
    (JEQ_K, 0, 5, NR_SOCKET),
    (LD_ABS_W, 0, 0, 16),
    (JEQ_K, 0, 3, AF_INET6),
    (LD_ABS_W, 0, 0, 32),
    (JEQ_K, 0, 1, PROTO),
    (RET_K, 0, 0, RET_ERRNO | EAFNOSUPPORT),
    (RET_K, 0, 0, RET_ALLOW),
]
code = b"".join(struct.pack("=HBBI", *insn) for insn in prog)
buf = ctypes.create_string_buffer(code, len(code))
fprog = struct.pack("=HxxxxxxQ", len(prog), ctypes.addressof(buf))
fbuf = ctypes.create_string_buffer(fprog, len(fprog))
libc = ctypes.CDLL(None, use_errno=True)
if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or
        libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fbuf, 0, 0)):
    print("xtcpize_no6: seccomp: %s" % os.strerror(ctypes.get_errno()), file=sys.stderr)
    sys.exit(4)
os.execvp(sys.argv[2], sys.argv[2:])
