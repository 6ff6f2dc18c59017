"""Democratic appraisal's pure rules (民主评议党员): the four grades, a member's grade from the
ballots, and the county's cap on 优秀's share. No database here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

EXCELLENT, QUALIFIED, BASIC, UNQUALIFIED = "excellent", "qualified", "basic", "unqualified"
GRADES = (EXCELLENT, QUALIFIED, BASIC, UNQUALIFIED)
GRADE_LABELS = {EXCELLENT: "优秀", QUALIFIED: "合格", BASIC: "基本合格", UNQUALIFIED: "不合格"}
# The share of 优秀 a county allows when it has set none (a common rule in the practice).
DEFAULT_EXCELLENT_CAP = 20


def grade_of(votes: Counter[str]) -> str:
    """A member's grade from the ballots cast on them: 不合格 when more than half say so; 基本合格
    when more than half say 基本合格 or worse; 优秀 when more than half say 优秀; else 合格 (and
    合格 with no ballot at all)."""
    total = sum(votes.values())
    if not total:
        return QUALIFIED
    if votes[UNQUALIFIED] * 2 > total:
        return UNQUALIFIED
    if (votes[UNQUALIFIED] + votes[BASIC]) * 2 > total:
        return BASIC
    if votes[EXCELLENT] * 2 > total:
        return EXCELLENT
    return QUALIFIED


def excellent_allowed(members: int, cap_percent: int) -> int:
    """How many may be 优秀 under the cap: the whole number within cap_percent of the members."""
    return members * cap_percent // 100


def outcome(
    tallies: Mapping[int, Counter[str]], *, members: Mapping[int, str], cap_percent: int
) -> dict[int, str]:
    """Every appraised member's grade (members: id -> name). Those whose ballots make them 优秀
    beyond the cap are 合格: the most 优秀 votes (as a share of their ballots) keep it, ties by
    name, so the same ballots always give the same result."""
    grades = {pk: grade_of(tallies.get(pk, Counter())) for pk in members}
    excellent = [pk for pk, g in grades.items() if g == EXCELLENT]

    def share(pk: int) -> float:
        votes = tallies[pk]
        return votes[EXCELLENT] / sum(votes.values())

    excellent.sort(key=lambda pk: (-share(pk), members[pk], pk))
    for pk in excellent[excellent_allowed(len(members), cap_percent) :]:
        grades[pk] = QUALIFIED
    return grades
