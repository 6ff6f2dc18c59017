"""Organisation life's tests stand on the ledger's cast and year (see ledger/tests/conftest):
county T1 under the Sanmenxia rules for 2026, everyone acting on 30 June 2026."""

from zhengxing.ledger.tests.conftest import (  # noqa: F401  (fixtures, found by name)
    api_clock,
    ledger,
    on_30_june,
    rules,
    signed_q2,
)
