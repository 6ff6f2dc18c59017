"""Targets as data: "将7项重点任务逐项分解为20项具体目标" (004 Sanmenxia) — a county's catalogue
of key tasks and specific targets, drafted, published (frozen), revised as the next version."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.targets.models import TargetCatalogue
from zhengxing.targets.rules import Measure, TargetSpec, TaskSpec
from zhengxing.targets.selectors import catalogue_for_unit, targets_for_unit
from zhengxing.targets.services import (
    catalogue_spec,
    target_catalogue_draft,
    target_catalogue_publish,
)
from zhengxing.testing import SYSTEM, Cast

from .conftest import TASKS, D, as_, snapshot


def with_points(points: str) -> tuple[TaskSpec, ...]:
    first = dataclasses.replace(TASKS[0].targets[0], points=D(points))
    return (dataclasses.replace(TASKS[0], targets=(first,)),)


@pytest.mark.parametrize("points", ["0", "0.4", "100.5", "-5"])
def test_a_targets_points_outside_its_range_are_refused_and_nothing_is_written(
    people: Cast, points: str
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match=r"分值须在0\.5到100分之间"):
        target_catalogue_draft(
            actor=as_(people.alice), county=people.county, year=2026, name="目标",
            tasks=with_points(points),
        )  # fmt: skip
    assert snapshot() == before


def test_a_count_without_a_goal_a_repeated_code_and_an_unknown_figure_are_refused(
    people: Cast,
) -> None:
    bad = (
        TaskSpec(
            code="K1",
            name="任务",
            targets=(
                TargetSpec(code="A", name="数量", points=D(5), measure=Measure.COUNT),
                TargetSpec(code="A", name="重复", points=D(5)),
                TargetSpec(
                    code="C",
                    name="述职",
                    points=D(5),
                    measure=Measure.FIGURE,
                    figure="nobody_registered",
                ),
                TargetSpec(code="D", name="类型", points=D(5), kinds=("palace",)),
            ),
        ),
    )
    with pytest.raises(ServiceError) as refused:
        target_catalogue_draft(
            actor=SYSTEM, county=people.county, year=2026, name="目标", tasks=bad
        )
    message = str(refused.value)
    assert "须填写大于0的目标数" in message
    assert "代码A重复" in message
    assert "指标“nobody_registered”不存在" in message
    assert "适用单位类型不存在：palace" in message
    assert not TargetCatalogue.objects.exists()


def test_only_the_county_or_a_township_sets_targets_for_its_subtree(people: Cast) -> None:
    with pytest.raises(PermissionDenied):
        target_catalogue_draft(
            actor=as_(people.carol), county=people.county, year=2026, name="目标", tasks=TASKS
        )
    with pytest.raises(PermissionDenied):  # township A's clerk, for the county
        target_catalogue_draft(
            actor=as_(people.bob), county=people.county, year=2026, name="目标", tasks=TASKS
        )
    mine = target_catalogue_draft(
        actor=as_(people.bob), county=people.county, owner=people.town_a, year=2026,
        name="甲镇目标", tasks=TASKS,
    )  # fmt: skip
    assert mine.owner == people.town_a


def test_a_published_version_is_frozen_and_editing_drafts_the_next(people: Cast) -> None:
    alice = as_(people.alice)
    draft = target_catalogue_draft(
        actor=alice, county=people.county, year=2026, name="目标", tasks=TASKS
    )
    again = target_catalogue_draft(
        actor=alice, county=people.county, year=2026, name="目标（修改）", tasks=TASKS[:1]
    )
    assert again.pk == draft.pk and again.version == 1  # a draft is edited in place
    assert catalogue_for_unit(people.village_a1, 2026) is None  # nothing published yet
    first = target_catalogue_publish(actor=alice, catalogue=draft)
    assert first.is_current and first.status == "published"
    with pytest.raises(ServiceError, match="已发布"):
        target_catalogue_publish(actor=alice, catalogue=first)
    second = target_catalogue_draft(
        actor=alice, county=people.county, year=2026, name="目标 第二版",
        tasks=catalogue_spec(first) + list(TASKS[1:]),
    )  # fmt: skip
    assert second.version == 2 and second.status == "draft"
    assert catalogue_for_unit(people.village_a1, 2026) == first  # until the next is published
    target_catalogue_publish(actor=alice, catalogue=second)
    first.refresh_from_db()
    assert not first.is_current and first.targets.count() == 2  # kept as it was
    assert catalogue_for_unit(people.village_a1, 2026) == second
    actions = list(
        AuditEvent.objects.filter(object_type="target_catalogue").values_list("action", flat=True)
    )
    assert actions.count("targets.catalogue.publish") == 2


def test_a_target_applies_to_the_kinds_of_unit_it_names(
    targets: TargetCatalogue, people: Cast
) -> None:
    village = [t.code for t in targets_for_unit(people.village_a1, targets)]
    township = [t.code for t in targets_for_unit(people.town_a, targets)]
    assert village == ["K1.1", "K1.2", "K2.1"]
    assert township == ["K1.1", "K2.1"]  # the lessons' count is the villages' alone


def test_a_townships_own_catalogue_wins_over_the_countys_in_its_subtree(
    targets: TargetCatalogue, people: Cast
) -> None:
    own = target_catalogue_publish(
        actor=SYSTEM,
        catalogue=target_catalogue_draft(
            actor=SYSTEM, county=people.county, owner=people.town_a, year=2026, name="甲镇目标",
            tasks=TASKS[1:],
        ),
    )  # fmt: skip
    assert catalogue_for_unit(people.village_a1, 2026) == own
    assert catalogue_for_unit(people.village_b1, 2026) == targets
