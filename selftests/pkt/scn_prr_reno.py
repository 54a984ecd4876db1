# SPDX-License-Identifier: GPL-2.0
"""Proportional Rate Reduction with Reno: scn_prr.py's episode, where
ssthresh is half the flight (11 of 22 segments, with cwnd 20 before the
loss): about one segment sent in recovery for every two SACKed."""
from scn_prr import run  # noqa: F401 (the scenario's entry point)

TITLE = "PRR with Reno: one segment sent per two delivered in recovery"
SYSCTLS = {"rto_min_ms": 5000, "congestion_control": "reno"}
