#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of scripts/xtcp.lua, the tshark plugin (no guest needed).

Writes a pcap of XTCP segments built here byte by byte: a SYN with a good
checksum, a data segment with a corrupted one, a segment whose checksum
field holds only the pseudo-header sum (what a sender-side capture of an
offloaded checksum shows), and a good segment under protocol 254. Then
checks what tshark makes of it with the plugin (default number 253, and
ipproto=254 given as the script's argument), and that without the plugin
tshark sees no TCP at all, so the test can tell the plugin is what works.

Usage: xtcp_lua_selftest.py [TMPDIR]; exits 0 when every check passes.
"""

import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "xtcp.lua")
SRC, DST = bytes([10, 0, 1, 1]), bytes([10, 0, 1, 2])


def csum_fold(acc):
    while acc > 0xFFFF:
        acc = (acc & 0xFFFF) + (acc >> 16)
    return acc


def sum16(data):
    if len(data) % 2:
        data += b"\0"
    return sum(struct.unpack("!%dH" % (len(data) // 2), data))


def segment(proto, sport, dport, seq, ack, flags, payload, how):
    """An IPv4 packet carrying a TCP-format header under protocol PROTO.

    HOW is "good", "bad" (checksum off by one) or "partial" (pseudo-header
    sum only, as CHECKSUM_PARTIAL leaves it)."""
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    seg = hdr + payload
    pseudo = sum16(SRC + DST) + proto + len(seg)
    if how == "partial":
        # XTCP's partial sum starts after the ports: they are in the seed
        ck = csum_fold(pseudo + sum16(seg[:4]))
    else:
        ck = ~csum_fold(pseudo + sum16(seg)) & 0xFFFF
        if how == "bad":
            ck ^= 0x0101
    seg = seg[:16] + struct.pack("!H", ck) + seg[18:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 1, 0x4000,
                      64, proto, 0, SRC, DST)
    iph = iph[:10] + struct.pack("!H", ~csum_fold(sum16(iph)) & 0xFFFF) + \
        iph[12:]
    return iph + seg


def write_pcap(path, packets):
    with open(path, "wb") as f:
        # LINKTYPE_RAW (101): each record is an IPv4 packet
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(p), len(p)))
            f.write(p)


def tshark(pcap, *extra):
    fields = ["frame.number", "tcp.srcport", "tcp.flags.syn"]
    if extra:  # the xtcp.* fields exist only with the plugin
        fields += ["xtcp.checksum.status", "xtcp.ipproto"]
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    cmd += list(extra)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    rows = {}
    for line in out.stdout.splitlines():
        f = line.split("|")
        rows[int(f[0])] = f[1:]
    return rows


def main():
    tmp = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    pcap = os.path.join(tmp, "xtcp-lua-selftest.pcap")
    write_pcap(pcap, [
        segment(253, 40000, 5001, 1000, 0, 0x02, b"", "good"),
        segment(253, 40000, 5001, 1001, 7, 0x18, b"hello, xtcp", "bad"),
        segment(253, 40000, 5001, 1012, 7, 0x18, b"offloaded", "partial"),
        segment(254, 40001, 5001, 5000, 0, 0x02, b"", "good"),
    ])
    failures = []

    def expect(what, got, want):
        ok = got == want
        print("%s %s: %r" % ("ok  " if ok else "FAIL", what, got))
        if not ok:
            failures.append(what)

    plain = tshark(pcap)
    expect("without the plugin, no TCP in frame 1", plain[1][0], "")

    lua = "lua_script:" + LUA
    rows = tshark(pcap, "-X", lua)
    expect("frame 1 decoded as TCP", rows[1][0:2], ["40000", "1"])
    expect("frame 1 checksum", rows[1][2], "good")
    expect("frame 2 checksum", rows[2][2], "bad")
    expect("frame 3 checksum", rows[3][2], "partial")
    expect("frame 4 (protocol 254) not XTCP by default", rows[4][0], "")

    rows = tshark(pcap, "-X", lua, "-X", "lua_script1:ipproto=254")
    expect("ipproto=254: frame 4 decoded", rows[4][0:4],
           ["40001", "1", "good", "254"])
    expect("ipproto=254: frame 1 no longer XTCP", rows[1][0], "")

    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
