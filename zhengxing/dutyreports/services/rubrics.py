"""The county's rubric for the secretaries' reports, as data: items with their points, summing
to 100. A change never edits a version: it writes the next one and makes it current; a round
keeps the version its meeting opened with.

"将党组织负责人抓党建的责任指标进行量化" (article 004: the responsibility of the organisation's
head for Party building, quantified)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max

from zhengxing.core.actor import Actor
from zhengxing.core.errors import require
from zhengxing.orgs.models import County
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Rubric, RubricItem
from ..rules import check_rubric
from ..selectors import may_set_rubric
from ._common import record


@transaction.atomic
def rubric_set(*, actor: Actor, county: County, items: Sequence[tuple[str, object]]) -> Rubric:
    """The county's next rubric version (its first: version 1), made current; the one before
    stays, with the rounds that used it. Two at once: the county's row lock orders them."""
    require(may_set_rubric(scope_for_actor(actor), county.pk))
    checked = check_rubric(items)
    County.objects.select_for_update().get(pk=county.pk)
    last = Rubric.objects.filter(county=county).aggregate(v=Max("version"))["v"] or 0
    Rubric.objects.filter(county=county, is_current=True).update(is_current=False)
    rubric = Rubric.objects.create(
        county=county,
        version=last + 1,
        is_current=True,
        created_at=actor.now,
        created_by=actor.user,
    )
    RubricItem.objects.bulk_create(
        RubricItem(county=county, rubric=rubric, position=n, name=i.name, max_points=i.max_points)
        for n, i in enumerate(checked, 1)
    )
    record(
        actor,
        "rubric.set",
        rubric,
        f"述职评议评分细则第{rubric.version}版（{len(checked)}项）",
        version=rubric.version,
        items=[[i.name, i.max_points] for i in checked],
    )
    return rubric
