"""The points reports' large Excel files as background jobs: a township's book (一册) and a
ranking (a branch's, a township's, the county's), made with the starter's own scope by the same
selectors and writers as the pages' downloads, and kept for the starter to download."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.jobs.board import Reporter
from zhengxing.jobs.kinds import Kind, Outcome, kind_register
from zhengxing.jobs.models import Job, JobKind
from zhengxing.orgs.models import County, Org

from . import excel, selectors


def _user(actor: Actor) -> Any:
    if actor.user is None:
        raise PermissionDenied("无权导出")
    return actor.user


def _year(params: dict[str, Any]) -> int:
    year = params.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    return year


def book_authorize(actor: Actor, county: County, org: Org | None, params: dict[str, Any]) -> None:
    _year(params)
    try:
        selectors.org_above_branches(user=_user(actor), pk=org.pk if org else 0)
    except Http404:
        raise PermissionDenied("无权导出该组织的积分册") from None


def book_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    assert job.org is not None
    report(0, 1)
    book = selectors.township_book(user=_user(actor), org=job.org, year=job.params["year"])
    data = excel.township_book_bytes(book)
    report(1, 1)
    name = f"党员积分册-{job.org.name}-{book.year}.xlsx"
    return Outcome(summary=f"{job.org.name}{book.year}年积分册", file=(name, data))


def ranking_authorize(
    actor: Actor, county: County, org: Org | None, params: dict[str, Any]
) -> None:
    _year(params)
    if org is None:
        raise ServiceError("请选择排名的组织")
    try:
        selectors.member_ranking(user=_user(actor), org=org, year=params["year"])
    except Http404:
        raise PermissionDenied("无权导出该组织的积分排名") from None


def _counted(rows: Iterable[dict[str, Any]], total: int, report: Reporter) -> Iterator[Any]:
    for n, row in enumerate(rows, start=1):
        if n % 1000 == 0:
            report(n, total)
        yield row


def ranking_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    org, year = job.org, job.params["year"]
    assert org is not None
    total = selectors.members_ranked_count(org=org)
    report(0, total)
    ranking = selectors.member_ranking(user=_user(actor), org=org, year=year)
    title = job.params.get("title") or f"{org.name} {year}年党员积分排名"
    data = excel.ranking_bytes(
        title=title, rows=_counted(ranking.iterator(chunk_size=2000), total, report)
    )
    return Outcome(
        summary=f"{title}：{total}人", result={"members": total}, file=(f"{title}.xlsx", data)
    )


def register() -> None:
    kind_register(Kind(code=JobKind.BOOK_EXPORT, authorize=book_authorize, run=book_run))
    kind_register(Kind(code=JobKind.RANKING_EXPORT, authorize=ranking_authorize, run=ranking_run))
