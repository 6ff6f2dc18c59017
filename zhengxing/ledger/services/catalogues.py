"""Rule catalogues (积分规则): a county's or township's items and base points for a year, copied
from a preset and revised in versions; an old version stays with the entries scored under it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.rules import OrgKind
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import county_root

from ..models import CategoryBase, RuleCatalogue, RuleItem
from ..presets import PRESETS
from ..rules import ItemSpec, item_spec_problems, points_text


def _catalogue_write(
    *,
    actor: Actor,
    county: County,
    owner: Org,
    year: int,
    name: str,
    preset: str,
    items: Sequence[ItemSpec],
    base_points: Mapping[str, Decimal],
    action: str,
) -> RuleCatalogue:
    problems = item_spec_problems(items)
    if problems:
        raise ServiceError("；".join(problems))
    if any(points < 0 for points in base_points.values()):
        raise ServiceError("基础积分不能为负数")
    current = list(
        RuleCatalogue.objects.select_for_update().filter(owner=owner, year=year, is_current=True)
    )
    last = RuleCatalogue.objects.filter(county=county, owner=owner, year=year).aggregate(
        v=Max("version")
    )["v"]
    RuleCatalogue.objects.filter(pk__in=[c.pk for c in current]).update(is_current=False)
    try:
        with transaction.atomic():
            catalogue = RuleCatalogue.objects.create(
                county=county,
                owner=owner,
                year=year,
                version=(last or 0) + 1,
                is_current=True,
                name=name,
                preset=preset,
                created_at=actor.now,
                created_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError("积分规则正被他人同时修改，请刷新后重试") from None
    RuleItem.objects.bulk_create(
        RuleItem(
            county=county,
            catalogue=catalogue,
            code=spec.code.strip(),
            name=spec.name.strip(),
            block=spec.block,
            description=spec.description,
            part=spec.part,
            default_points=spec.points,
            min_points=spec.low,
            max_points=spec.high,
            cap_quarter=spec.cap_quarter,
            cap_year=spec.cap_year,
            recorder=spec.recorder,
            evidence_required=spec.evidence_required,
            position=position,
        )
        for position, spec in enumerate(items)
    )
    CategoryBase.objects.bulk_create(
        CategoryBase(
            county_id=catalogue.county_id, catalogue=catalogue, category=category, points=points
        )
        for category, points in base_points.items()
    )
    audit_record(
        actor=actor,
        action=action,
        object_type="rule_catalogue",
        object_id=catalogue.pk,
        county_id=county.pk,
        summary=f"{owner.name} {year}年 第{catalogue.version}版：{name}",
        before={"version": current[0].version} if current else None,
        after={
            "version": catalogue.version,
            "preset": preset,
            "items": [spec.code for spec in items],
            "base_points": {k: points_text(v) for k, v in base_points.items()},
        },
    )
    return catalogue


def _catalogue_owner(county: County, owner: Org | None) -> Org:
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("制定积分规则的组织不属于该旗县区")
    if owner.kind not in (OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET_COMMITTEE):
        raise ServiceError("积分规则由旗县区或苏木乡镇（街道）党委制定")
    return owner


@transaction.atomic
def catalogue_from_preset(
    *, actor: Actor, county: County, owner: Org | None, year: int, preset: str
) -> RuleCatalogue:
    """A county's (owner None) or a township's catalogue for a year, copied from a preset. If
    the owner already has one for the year, this becomes its next version."""
    owner = _catalogue_owner(county, owner)
    require(scope_for_actor(actor).can_manage_tree(owner))
    spec = PRESETS.get(preset)
    if spec is None:
        raise ServiceError(f"没有名为“{preset}”的积分规则模板")
    return _catalogue_write(
        actor=actor,
        county=county,
        owner=owner,
        year=year,
        name=spec.name,
        preset=spec.key,
        items=spec.items,
        base_points=spec.base_points,
        action="ledger.catalogue.create",
    )


def catalogue_spec(catalogue: RuleCatalogue) -> tuple[list[ItemSpec], dict[str, Decimal]]:
    """A catalogue version as specs, for a revision to start from."""
    items = [
        ItemSpec(
            code=i.code,
            name=i.name,
            part=i.part,
            points=i.default_points,
            min_points=i.min_points,
            max_points=i.max_points,
            cap_quarter=i.cap_quarter,
            cap_year=i.cap_year,
            recorder=i.recorder,
            evidence_required=i.evidence_required,
            block=i.block,
            description=i.description,
        )
        for i in catalogue.items.order_by("position", "pk")
    ]
    bases = {b.category: b.points for b in catalogue.category_bases.all()}
    return items, bases


@transaction.atomic
def catalogue_revise(
    *,
    actor: Actor,
    catalogue: RuleCatalogue,
    items: Sequence[ItemSpec],
    base_points: Mapping[str, Decimal] | None = None,
    name: str | None = None,
) -> RuleCatalogue:
    """The next version of a catalogue. The old version stays, with the entries scored under it."""
    owner = Org.objects.get(pk=catalogue.owner_id)
    require(scope_for_actor(actor).can_manage_tree(owner))
    if not catalogue.is_current:
        raise ServiceError("只能在当前版本的基础上修改积分规则")
    if base_points is None:
        base_points = catalogue_spec(catalogue)[1]
    return _catalogue_write(
        actor=actor,
        county=County.objects.get(pk=catalogue.county_id),
        owner=owner,
        year=catalogue.year,
        name=name or catalogue.name,
        preset=catalogue.preset,
        items=items,
        base_points=base_points,
        action="ledger.catalogue.revise",
    )
