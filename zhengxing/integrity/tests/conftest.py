"""The integrity app's cast: the ledger's (county T1, its Sanmenxia rules for 2026, branch A1B's
Q1 signed by carol, B1B's Q1 and Q2 signed by the county: `ledger`; A1B's Q2 too: `signed_q2`)."""

from __future__ import annotations

from zhengxing.ledger.tests.conftest import ledger, rules, signed_q2

__all__ = ["ledger", "rules", "signed_q2"]
