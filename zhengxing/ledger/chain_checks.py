"""Other hash chains `zhengxing verify-ledger` walks beside the points ledger's, registered by
the apps above that keep them (the points supermarket's, `orglife`, in its AppConfig.ready): a
label for the report and the check, which returns the number of chains and the first problem
of each broken one (`selectors.chains_problems` does the walk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .chain import ChainProblem

Check = Callable[[int | None], tuple[int, list[ChainProblem]]]


@dataclass(frozen=True)
class ChainCheck:
    label: str
    check: Check


_checks: dict[str, ChainCheck] = {}


def register(key: str, *, label: str, check: Check) -> None:
    """Add (or replace) a chain to verify; `check(county_id)` with None for every county."""
    _checks[key] = ChainCheck(label=label, check=check)


def registered() -> list[ChainCheck]:
    return [_checks[k] for k in sorted(_checks)]


# `verify-ledger --against FILE`: the check of a file of heads kept outside the database, by the
# app that signs them (`integrity`, in its AppConfig.ready): given the file's bytes, the county's
# code, the number of leaves and heads checked and the problems found; a ServiceError when the
# file is refused.
Against = Callable[[bytes], tuple[str, int, list[ChainProblem]]]
_against: list[Against] = []


def register_against(check: Against) -> None:
    _against[:] = [check]


def against() -> Against | None:
    return _against[0] if _against else None
