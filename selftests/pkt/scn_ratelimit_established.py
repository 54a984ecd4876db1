# SPDX-License-Identifier: GPL-2.0
"""Rate limits on replies (RFC 5961 section 7, the kernel's
tcp_oow_rate_limited() and tcp_send_challenge_ack()): a single out-of-window
segment is still answered with an ACK at once, but a flood of bare
out-of-window ACKs, of in-window RSTs or of SYNs at an established
connection gets at most one ACK per net.xtcp.invalid_ratelimit_ms from the
socket (AckSkippedSeq, AckSkippedChallenge count the rest); with that limit
off, the namespace's challenge_ack_limit caps challenge ACKs per second
(ChallengeAckLimited). The connection is unharmed and moves data after."""
import time

from xtcp_peer import (NO_RTO, check, check_eq, check_immediate, pattern,
                       seq_add, sleep_until)

TITLE = "rate limits: out-of-window and challenge ACK floods, per socket and namespace"
SYSCTLS = {**NO_RTO, "invalid_ratelimit_ms": 500, "challenge_ack_limit": 1000}
FLOOD = 300
LIMIT_S = 0.5


def flood_replies(t, c, what, flags, seq, counter):
    """Flood, count XTCP's ACKs and check them against the per-socket limit
    and the counter; return the number of ACKs."""
    before = t.counters()
    t0, t1 = c.flood(flags, FLOOD, seq=seq)
    acks = c.collect(t1 + 0.3)
    for a in acks:
        check_eq(a.flags, "A", f"{what}: reply flags of {a}")
    bound = int((t1 - t0) / LIMIT_S) + 1
    t.log(f"{what}: {FLOOD} segments in {t1 - t0:.3f} s, {len(acks)} ACKs, "
          f"at most {bound} allowed")
    check(len(acks) <= bound,
          f"{what}: {len(acks)} ACKs to {FLOOD} segments in {t1 - t0:.3f} s "
          f"(at most {bound} allowed)")
    t.check_counters(before, **{counter: FLOOD - len(acks)})
    return len(acks)


def run(t):
    c = t.passive_open()
    wnd = c.sut_win
    far = seq_add(c.nxt, 1 << 20)

    # A lone probe outside the window is answered at once.
    sent = c.send("A", seq=far, advance=False)
    ack = c.expect_ack(what="ACK for one out-of-window segment")
    check_immediate(ack, sent, "ACK for one out-of-window segment")

    # Bare out-of-window ACKs: the first reply above opened the interval.
    flood_replies(t, c, "out-of-window ACK flood", "A", far, "AckSkippedSeq")
    sleep_until(time.time() + LIMIT_S + 0.1)
    sent = c.send("A", seq=far, advance=False)
    ack = c.expect_ack(what="ACK for an out-of-window segment after the flood")
    check_immediate(ack, sent, "ACK after the flood")

    # In-window RSTs not at RCV.NXT, then SYNs: challenge ACKs.
    sleep_until(time.time() + LIMIT_S + 0.1)
    flood_replies(t, c, "in-window RST flood", "R", seq_add(c.nxt, wnd // 2),
                  "AckSkippedChallenge")
    sleep_until(time.time() + LIMIT_S + 0.1)
    flood_replies(t, c, "SYN flood", "S", seq_add(c.nxt, 100),
                  "AckSkippedChallenge")
    check_eq(t.drv.state(c.sid), "ESTABLISHED", "state after the floods")

    # Per-socket limit off: the namespace allows challenge_ack_limit per
    # second, a random budget in [limit/2, 3*limit/2).
    limit = 10
    t.sysctl("invalid_ratelimit_ms", 0)
    t.sysctl("challenge_ack_limit", limit)
    # A new second: the budget is drawn afresh with the new limit.
    sleep_until(time.time() + 1.1)
    before = t.counters()
    t0, t1 = c.flood("R", FLOOD, seq=seq_add(c.nxt, wnd // 2))
    acks = c.collect(t1 + 0.3)
    seconds = int(t1 - t0) + 2
    bound = seconds * (limit + (limit + 1) // 2 - 1)
    t.log(f"namespace limit: {len(acks)} challenge ACKs to {FLOOD} RSTs in "
          f"{t1 - t0:.3f} s, at most {bound}")
    check(limit // 2 <= len(acks) <= bound,
          f"{len(acks)} challenge ACKs to {FLOOD} RSTs in {t1 - t0:.3f} s: "
          f"want {limit // 2}..{bound}")
    t.check_counters(before, ChallengeAcks=len(acks),
                     ChallengeAckLimited=FLOOD - len(acks),
                     AckSkippedChallenge=0)
    t.sysctl("invalid_ratelimit_ms", 500)
    t.sysctl("challenge_ack_limit", 1000)

    check_eq(t.drv.state(c.sid), "ESTABLISHED", "state after the floods")
    c.send("PA", data=pattern(0, 100))
    c.expect_ack(what="ACK of data after the floods")
    check_eq(t.drv.recv_all(c.sid, 100), pattern(0, 100), "data read")
    t.drv.send(c.sid, pattern(0, 50))
    c.expect("PA", ack=c.nxt, data=pattern(0, 50), what="data from XTCP")
