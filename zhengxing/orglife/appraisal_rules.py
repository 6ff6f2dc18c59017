"""Democratic appraisal's pure rules (民主评议党员): the four grades, a member's grade from the
ballots, and the county's cap on 优秀's share. No database here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

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


def ballot_problem(grades: Mapping[int, str], *, members: int, cap_percent: int) -> str | None:
    """Why one ballot cannot be counted, in Chinese, or None: a ballot naming more 优秀 than the
    cap allows is refused whole, as a paper one with too many ticks is spoilt, so a branch
    cannot make everyone 优秀 by voting so ("对…评选过程不公正…的情况给予通报", 003). Every other
    grade is free: no grade is chosen for the voter beforehand, not even 合格 — a member not
    graded is named back to the voter (`appraisal_vote`), and 合格 is a member's grade only when
    no ballot was cast on them at all (`grade_of`)."""
    allowed = excellent_allowed(members, cap_percent)
    chosen = sum(1 for g in grades.values() if g == EXCELLENT)
    if chosen <= allowed:
        return None
    if not allowed:
        return f"本支部{members}名党员，按{cap_percent}%的比例不能评优秀，这张选票评了{chosen}人"
    return (
        f"评为优秀的不能超过{allowed}人（本支部{members}名党员的{cap_percent}%），"
        f"这张选票评了{chosen}人"
    )


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


# What follows a 不合格, step by step, when the county has set nothing: the Party's own rule (党章
# 第九条): "党员如果没有革命意志，不履行党员义务，不符合党员条件，党的支部应当对他进行教育，要求
# 他限期改正；经教育仍无转变的，应当劝他退党。……如被劝告退党的党员坚持不退，应当提交支部党员大会
# 讨论，决定把他除名". Each step: its name and the days the branch has to record it; the county
# edits the list (its own names, its own days).
DEFAULT_STEPS: tuple[tuple[str, int], ...] = (("限期改正", 90), ("劝其退党", 30), ("除名", 30))
MAX_STEPS = 6
# how a step ends: the member corrected (the follow-up ends), not (the next step opens), or the
# step carried out as the rules say (the follow-up ends: left the Party, struck off)
CORRECTED, ESCALATE, CONCLUDED = "corrected", "escalate", "concluded"
OUTCOME_LABELS = {
    CORRECTED: "已改正，后续处理结束",
    ESCALATE: "未改正，转入下一步",
    CONCLUDED: "已按规定处理完毕",
}


def steps_problems(steps: Sequence[Any]) -> list[str]:
    """Every reason a county's list of follow-up steps cannot be used, in Chinese."""
    problems = []
    if not 1 <= len(steps) <= MAX_STEPS:
        problems.append(f"不合格的后续处理须有1到{MAX_STEPS}步")
    for n, step in enumerate(steps, start=1):
        try:
            name, days = step
        except (TypeError, ValueError):
            problems.append(f"第{n}步须写明名称和期限天数")
            continue
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 30:
            problems.append(f"第{n}步的名称须为1到30个字")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            problems.append(f"第{n}步的期限须为1到365天")
    return problems
