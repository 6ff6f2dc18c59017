"""The branch's annual score (本年度党建责任书) as those above may charge it: a deduction for
what the higher committee found, and its reversal when the finding is withdrawn.

003 Gaotai: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果
不及時公開的情況給予通報,要酌情扣去該黨支部本年度黨建責任書相應分數。"

The score lives in the targets' ledger (`zhengxing.targets`), the finding in the integrity app
(`zhengxing.integrity.supervision`); the two sit on one floor and must not import each other.
The targets app offers the two writes here at its `ready()` and the supervision calls them, in
its own transaction. This way round, and not the findings offered to the targets, because the
finding is what causes the deduction: the supervision's service must write both or neither, so
it is the one that calls; the target ledger stays a ledger that knows only a category, a reason
and a reference, whoever charged it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from zhengxing.core.errors import ServiceError


class Charge(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        unit: Any,
        year: int,
        points: Decimal,
        category: str,
        reason: str,
        reference: str,
    ) -> str:
        """Deduct `points` (positive: what is taken off) from the unit's score of `year`, under
        `category` (late, unfair, faked, unpublished), citing `reference`; return the entry's
        reference. Refuses in Chinese (ServiceError) before writing anything."""


class Reverse(Protocol):
    def __call__(self, *, actor: Any, unit: Any, entry_ref: str, reason: str) -> str:
        """Give back what the entry `entry_ref` took; return the reversal's reference. A second
        reversal of one deduction is refused (and held by a constraint when two race)."""


@dataclass
class _Registry:
    charge: Charge | None = None
    reverse: Reverse | None = None


_registry = _Registry()


def register(*, charge: Charge, reverse: Reverse) -> None:
    """Called from the targets app's `ready()`."""
    _registry.charge = charge
    _registry.reverse = reverse


def _offered() -> tuple[Charge, Reverse]:
    if _registry.charge is None or _registry.reverse is None:
        raise ServiceError("未启用目标积分（党建责任书），无法扣分", code="invalid")
    return _registry.charge, _registry.reverse


def annual_score_deduct(
    *,
    actor: Any,
    unit: Any,
    year: int,
    points: Decimal,
    category: str,
    reason: str,
    reference: str,
) -> str:
    charge, _ = _offered()
    return charge(
        actor=actor,
        unit=unit,
        year=year,
        points=points,
        category=category,
        reason=reason,
        reference=reference,
    )


def annual_score_restore(*, actor: Any, unit: Any, entry_ref: str, reason: str) -> str:
    _, reverse = _offered()
    return reverse(actor=actor, unit=unit, entry_ref=entry_ref, reason=reason)
