"""Paging a long list cheaply at any depth (the member list, the needs lists).

OFFSET over the full rows, joined to what each shows, makes a deep page fetch and join every
row before it, and a sorted list sort every row it filters with all their columns. Instead the
page's primary keys are found in a subquery (a walk of the filter's index, ordered as the list
is), and only those rows are read with what they join: two queries, the count and the page,
whatever the page size or depth.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class KeyPages(Generic[M]):
    """`rows` (filtered and ordered) as Django's Paginator pages them; each page read through
    `detail` (the same model with its joins and annotations, unfiltered), in `rows`' order."""

    def __init__(self, rows: QuerySet[M], detail: QuerySet[M]) -> None:
        self.rows = rows
        self.detail = detail

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[M]:
        page_ids = self.rows.values("pk")[window]
        return list(self.detail.filter(pk__in=page_ids).order_by(*self.rows.query.order_by))
