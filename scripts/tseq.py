#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tseq.py - a time-sequence plot of one TCP/XTCP connection, as SVG.

The picture people use to understand a TCP flow (tcptrace's, Wireshark's
"Stevens" graph): time to the right, the sender's sequence numbers up.
Every data segment is a short vertical bar covering its bytes; the
receiver's cumulative ACK is a step line under the bars and the right edge
of its advertised window (ACK + window, window scaling applied) a step line
above them. Retransmissions are red, bytes that never reached the capture
point (dropped before it) grey, so a loss shows as a grey gap, a flat ACK
line, then a red bar and the ACK line jumping.

  scripts/tseq.py CAPTURE [-o OUT.svg] [--proto 253] [--port PORT]
                  [--require retransmission]
  scripts/tseq.py --trace TRACE [-o OUT.svg] [--port PORT]
  scripts/tseq.py --selftest

CAPTURE is a pcap or pcapng file (read by ladder.py's parser, no tshark).
The plotted direction is the one that sent more payload. --require exits 1
unless the plot shows a retransmission (for scripts). Output: OUT.svg
(default: CAPTURE with .svg), and a one-line summary on stdout.

--trace reads the sender's own view instead: the text of XTCP's tracepoints
(/sys/kernel/tracing/trace, trace-cmd report or perf script output) with
xtcp:xtcp_probe (one line per ACK) and xtcp:xtcp_retransmit_skb events.
Bars are what was sent between two ACKs (snd_nxt's progress), the ACK line
is snd_una, the window line snd_una + snd_wnd, and a blue line shows the
congestion window's edge, snd_una + cwnd * mss; retransmissions are red.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ladder  # noqa: E402  (the capture parser and analysis)

W, H = 960, 560
ML, MR, MT, MB = 80, 20, 40, 50     # margins


def _wscale(seg):
    for o in seg.opts.split(","):
        if o.startswith("wscale "):
            return int(o.split()[1])
    return None


def series(conn, left, right):
    """Data bars, ACK steps and window steps for the busier direction."""
    rows = ladder.analyse(conn, left)
    sent = {}
    for s in rows:
        if not s.lost:
            sent[(s.src, s.sport)] = sent.get((s.src, s.sport), 0) + s.len
    sender = max(sent, key=sent.get) if sent else left
    # Window scaling applies when both SYNs carried the option; the
    # receiver's own shift scales the windows it advertises.
    shifts = {}
    for s in rows:
        if s.flags & ladder.SYN and not s.lost:
            shifts[(s.src, s.sport)] = _wscale(s)
    both = len(shifts) == 2 and None not in shifts.values()
    t0 = rows[0].t if rows else 0.0
    bars, acks, wins = [], [], []
    for s in rows:
        me = (s.src, s.sport)
        if me == sender and s.len:
            kind = "lost" if s.lost else \
                "retransmission" if s.note == "retransmission" else "data"
            bars.append((s.t - t0, s.rseq, s.rseq + s.len, kind))
        elif me != sender and s.rack is not None and not s.lost:
            shift = shifts.get(me) if both and not s.flags & ladder.SYN else 0
            acks.append((s.t - t0, s.rack))
            wins.append((s.t - t0, s.rack + (s.win << (shift or 0))))
    return sender, bars, acks, wins


def _steps(points, sx, sy):
    out, last = [], None
    for t, v in points:
        if last is not None:
            out.append("%.1f,%.1f" % (sx(t), sy(last)))
        out.append("%.1f,%.1f" % (sx(t), sy(v)))
        last = v
    return " ".join(out)


def _ticks(hi, n=6):
    if hi <= 0:
        return [0]
    raw = hi / n
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw) if raw >= 1 \
        else raw
    return [i * step for i in range(int(hi / step) + 1)]


def _byte_ticks(hi, n=6):
    """Ticks at a power-of-two step, so they read 16 KiB, 32 KiB..."""
    step = 1
    while step * n < hi:
        step *= 2
    return [i * step for i in range(int(hi // step) + 1)]


def _bytes(v):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if v >= div:
            return "%g %s" % (round(v / div, 1), unit)
    return "%d" % v


def render(title, bars, acks, wins, cwnds=()):
    """The SVG document as a string."""
    tmax = max([b[0] for b in bars] + [a[0] for a in acks] + [1e-3])
    smax = max([b[2] for b in bars] + [w[1] for w in wins] + [1])
    sx = lambda t: ML + (W - ML - MR) * t / tmax        # noqa: E731
    sy = lambda v: H - MB - (H - MT - MB) * v / smax    # noqa: E731
    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg",
                     width=str(W), height=str(H),
                     viewBox="0 0 %d %d" % (W, H))
    ET.SubElement(svg, "rect", width=str(W), height=str(H), fill="white")
    ET.SubElement(svg, "text", x=str(ML), y="24", style="font: 15px sans-serif"
                  ).text = title
    axes = ET.SubElement(svg, "g", stroke="black", style="font: 11px sans-serif")
    ET.SubElement(axes, "line", x1=str(ML), y1=str(H - MB), x2=str(W - MR),
                  y2=str(H - MB))
    ET.SubElement(axes, "line", x1=str(ML), y1=str(MT), x2=str(ML),
                  y2=str(H - MB))
    for t in _ticks(tmax):
        x = sx(t)
        ET.SubElement(axes, "line", x1="%.1f" % x, y1=str(H - MB), x2="%.1f" % x,
                      y2=str(H - MB + 5))
        ET.SubElement(axes, "text", x="%.1f" % x, y=str(H - MB + 18), stroke="none",
                      **{"text-anchor": "middle"}).text = "%g" % round(t, 4)
    ET.SubElement(axes, "text", x=str((W + ML) // 2), y=str(H - 10), stroke="none",
                  **{"text-anchor": "middle"}).text = "time (s)"
    for v in _byte_ticks(smax):
        y = sy(v)
        ET.SubElement(axes, "line", x1=str(ML - 5), y1="%.1f" % y, x2=str(ML),
                      y2="%.1f" % y)
        ET.SubElement(axes, "text", x=str(ML - 8), y="%.1f" % (y + 4), stroke="none",
                      **{"text-anchor": "end"}).text = _bytes(v)
    colours = {"data": "black", "retransmission": "red", "lost": "#aaaaaa"}
    if wins:
        ET.SubElement(svg, "polyline", points=_steps(wins, sx, sy), fill="none",
                      stroke="#d4a017", **{"stroke-width": "1.2",
                                           "class": "window"})
    if acks:
        ET.SubElement(svg, "polyline", points=_steps(acks, sx, sy), fill="none",
                      stroke="green", **{"stroke-width": "1.2", "class": "ack"})
    if cwnds:
        ET.SubElement(svg, "polyline", points=_steps(cwnds, sx, sy), fill="none",
                      stroke="#3060c0", **{"stroke-width": "1", "class": "cwnd"})
    for t, lo, hi, kind in bars:
        x = "%.1f" % sx(t)
        ET.SubElement(svg, "line", x1=x, y1="%.1f" % sy(lo), x2=x,
                      y2="%.1f" % min(sy(hi), sy(lo) - 1.5),
                      stroke=colours[kind], **{"stroke-width": "1.5",
                                               "class": kind})
    legend = ET.SubElement(svg, "g", style="font: 11px sans-serif")
    keys = [("data", "black"), ("retransmission", "red"),
            ("lost before capture", "#aaaaaa"), ("ACK", "green"),
            ("ACK + window", "#d4a017")]
    if cwnds:
        keys = keys[:2] + keys[3:] + [("ACK + cwnd", "#3060c0")]
    for i, (name, colour) in enumerate(keys):
        y = MT + 14 * i
        ET.SubElement(legend, "line", x1=str(ML + 12), y1=str(y), x2=str(ML + 30),
                      y2=str(y), stroke=colour, **{"stroke-width": "2"})
        ET.SubElement(legend, "text", x=str(ML + 36), y=str(y + 4)).text = name
    return ET.tostring(svg, encoding="unicode")


def plot(capture, out, proto, port):
    conn, left, right = ladder.read_connection(capture, proto, port)
    if not conn:
        raise ValueError("%s: no connection of protocol %d%s" %
                         (capture, proto, " on port %d" % port if port else ""))
    sender, bars, acks, wins = series(conn, left, right)
    title = "%s:%d -> %s, protocol %d: %d segments, %d retransmitted" % (
        sender[0], sender[1], right[0] if sender == left else left[0], proto,
        sum(1 for b in bars if b[3] != "lost"),
        sum(1 for b in bars if b[3] == "retransmission"))
    with open(out, "w") as f:
        f.write(render(title, bars, acks, wins))
    return title, bars


_TRACE = re.compile(r"\s(\d+\.\d+):\s+(?:xtcp:)?(xtcp_probe|xtcp_retransmit_skb):"
                    r"\s+src=(\S+)\s+dst=(\S+)\s+(.*)")


def read_trace(path, port=None):
    """Probe and retransmission events of one connection from trace text:
    of the connections (with PORT at either end, if given), the sender
    that moved the most bytes."""
    probes, rtx = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            m = _TRACE.search(line)
            if not m:
                continue
            t, ev, src, dst, rest = m.groups()
            ports = (int(src.rsplit(":", 1)[1]), int(dst.rsplit(":", 1)[1]))
            if port is not None and port not in ports:
                continue
            kv = dict(x.split("=", 1) for x in rest.split() if "=" in x)
            if ev == "xtcp_probe":
                probes.setdefault((src, dst), []).append(
                    (float(t), {k: int(v) for k, v in kv.items()
                                if v.isdigit()}))
            else:
                rtx.setdefault((src, dst), []).append(
                    (float(t), int(kv["seq"]), int(kv["end_seq"])))
    if not probes:
        return None, [], []

    def moved(key):
        p = probes[key]
        return (p[-1][1]["snd_una"] - p[0][1]["snd_una"]) & 0xFFFFFFFF
    best = max(probes, key=moved)
    return best, probes[best], rtx.get(best, [])


def trace_series(probes, rtx):
    """Bars, ACK, window and cwnd steps from probe events, sequence
    numbers relative to the first snd_una."""
    if not probes:
        return [], [], [], []
    t0, base = probes[0][0], probes[0][1]["snd_una"]
    rel = lambda v: (v - base) & 0xFFFFFFFF     # noqa: E731
    bars, acks, wins, cwnds = [], [], [], []
    sent = rel(probes[0][1]["snd_nxt"])
    for t, p in probes:
        una, nxt = rel(p["snd_una"]), rel(p["snd_nxt"])
        if nxt > sent and nxt - sent < 1 << 30:
            bars.append((t - t0, sent, nxt, "data"))
            sent = nxt
        acks.append((t - t0, una))
        wins.append((t - t0, una + p.get("snd_wnd", 0)))
        cwnds.append((t - t0, una + p.get("snd_cwnd", 0) * p.get("mss", 0)))
    for t, seq, end in rtx:
        if t >= t0:
            bars.append((t - t0, rel(seq), rel(end), "retransmission"))
    return bars, acks, wins, cwnds


def plot_trace(trace, out, port):
    tuple_, probes, rtx = read_trace(trace, port)
    if not probes:
        raise ValueError("%s: no xtcp_probe events%s" %
                         (trace, " for port %d" % port if port else ""))
    bars, acks, wins, cwnds = trace_series(probes, rtx)
    title = "%s -> %s (xtcp_probe): %d ACKs, %d retransmissions" % (
        tuple_[0], tuple_[1], len(probes),
        sum(1 for b in bars if b[3] == "retransmission"))
    with open(out, "w") as f:
        f.write(render(title, bars, acks, wins, cwnds))
    return title, bars


_SAMPLE_TRACE = """\
# tracer: nop
 xtcp_xfer-91 [001] b..1. 10.000050: xtcp_probe: src=10.0.1.2:5001 dst=10.0.1.1:40000 ack=1001 data_len=1000 snd_nxt=501 snd_una=501 snd_cwnd=10 ssthresh=2147483647 snd_wnd=65535 srtt=1000 rcv_wnd=65535 mss=1000
 xtcp_xfer-90 [000] b..1. 10.000100: xtcp_probe: src=10.0.1.1:40000 dst=10.0.1.2:5001 ack=1001 data_len=0 snd_nxt=1001 snd_una=1001 snd_cwnd=10 ssthresh=2147483647 snd_wnd=65535 srtt=1000 rcv_wnd=65535 mss=1000
 xtcp_xfer-90 [000] b..1. 10.002000: xtcp_probe: src=10.0.1.1:40000 dst=10.0.1.2:5001 ack=2001 data_len=0 snd_nxt=11001 snd_una=2001 snd_cwnd=11 ssthresh=2147483647 snd_wnd=65535 srtt=1000 rcv_wnd=65535 mss=1000
 xtcp_xfer-90 [000] b..1. 10.003000: xtcp_probe: src=10.0.1.1:40000 dst=10.0.1.2:5001 ack=2001 data_len=0 snd_nxt=13001 snd_una=2001 snd_cwnd=11 ssthresh=2147483647 snd_wnd=65535 srtt=1000 rcv_wnd=65535 mss=1000
 xtcp_xfer-90 [000] b..1. 10.003100: xtcp_retransmit_skb: src=10.0.1.1:40000 dst=10.0.1.2:5001 seq=2001 end_seq=3001 state=ESTABLISHED cause=fast
 other-1 [001] ..... 10.003200: xtcp_probe: src=10.0.9.9:1 dst=10.0.9.8:2 ack=1 data_len=0 snd_nxt=1 snd_una=1 snd_cwnd=10 ssthresh=1 snd_wnd=1 srtt=1 rcv_wnd=1 mss=1
 xtcp_xfer-90 [000] b..1. 10.004000: xtcp_probe: src=10.0.1.1:40000 dst=10.0.1.2:5001 ack=13001 data_len=0 snd_nxt=14001 snd_una=13001 snd_cwnd=5 ssthresh=5 snd_wnd=65535 srtt=1000 rcv_wnd=65535 mss=1000
"""


def selftest():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        cap = os.path.join(d, "t.pcap")
        ladder._synthetic_pcap(cap)
        out = os.path.join(d, "t.svg")
        title, bars = plot(cap, out, 253, None)
        root = ET.parse(out).getroot()
        kinds = [e.get("class") for e in root.iter()
                 if e.tag.endswith("line") or e.tag.endswith("polyline")]
        checks = [
            ("valid SVG", root.tag.endswith("svg")),
            ("14 data bars", kinds.count("data") == 14),
            ("1 retransmission", kinds.count("retransmission") == 1),
            ("1 lost range", kinds.count("lost") == 1),
            ("ACK line", kinds.count("ack") == 1),
            ("window line", kinds.count("window") == 1),
            ("title counts", "15 segments, 1 retransmitted" in title),
        ]
        print("kinds: %s" % {k: kinds.count(k) for k in set(kinds)})
        trace = os.path.join(d, "trace.txt")
        with open(trace, "w") as f:
            f.write(_SAMPLE_TRACE)
        tout = os.path.join(d, "trace.svg")
        ttitle, tbars = plot_trace(trace, tout, None)
        troot = ET.parse(tout).getroot()
        tkinds = [e.get("class") for e in troot.iter()
                  if e.tag.endswith("line") or e.tag.endswith("polyline")]
        checks += [
            ("trace: the sender's connection, 4 ACKs, 1 retransmission",
             ttitle.startswith("10.0.1.1:40000 -> 10.0.1.2:5001") and
             "4 ACKs, 1 retransmissions" in ttitle),
            ("trace: bars for snd_nxt's progress", [b[1:3] for b in tbars
                                                    if b[3] == "data"] ==
             [(0, 10000), (10000, 12000), (12000, 13000)]),
            ("trace: retransmission at 1000..2000",
             [b[1:3] for b in tbars if b[3] == "retransmission"] ==
             [(1000, 2000)]),
            ("trace: ACK, window and cwnd lines",
             all(tkinds.count(k) == 1 for k in ("ack", "window", "cwnd"))),
        ]
        failed = [n for n, ok in checks if not ok]
        for n, ok in checks:
            print("%s %s" % ("ok  " if ok else "FAIL", n))
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture", nargs="?")
    ap.add_argument("-o", "--output")
    ap.add_argument("--proto", type=int, default=253)
    ap.add_argument("--port", type=int)
    ap.add_argument("--require", choices=["retransmission"])
    ap.add_argument("--trace", metavar="TRACE")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if a.trace:
        out = a.output or os.path.splitext(a.trace)[0] + ".svg"
        try:
            title, _ = plot_trace(a.trace, out, a.port)
        except (OSError, ValueError) as e:
            print("tseq.py: %s" % e, file=sys.stderr)
            return 1
        print("%s -> %s" % (title, out))
        return 0
    if not a.capture:
        ap.error("a capture file is needed")
    out = a.output or os.path.splitext(a.capture)[0] + ".svg"
    try:
        title, bars = plot(a.capture, out, a.proto, a.port)
    except (OSError, ValueError) as e:
        print("tseq.py: %s" % e, file=sys.stderr)
        return 1
    print("%s -> %s" % (title, out))
    if a.require and not any(b[3] == a.require for b in bars):
        print("tseq.py: no %s in the plot" % a.require, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
