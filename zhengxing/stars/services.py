"""Writes of star schemes: each checks the actor's scope, refuses a bad scheme with every
problem in Chinese before writing, and writes the scheme and its audit row in one transaction.
An edit makes a new version; ratings keep the version they were computed under."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from zhengxing.audit.services import Actor, audit_record
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import ServiceError, county_root

from .models import StarScheme
from .presets import PRESETS
from .rules import SchemeInvalid, scheme_from_dict, scheme_to_dict


@transaction.atomic
def scheme_save(
    *, actor: Actor, county: County, owner: Org | None, year: int, spec: dict[str, Any]
) -> StarScheme:
    """A county's (owner None: its root) or a township's scheme for a year: a new version when
    the owner has one for the year and subject."""
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("该组织不属于本旗县区")
    if not scope_for_actor(actor).can_manage_tree(owner):
        raise PermissionDenied("无权操作该对象")
    if not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    try:
        scheme = scheme_from_dict(spec)
    except SchemeInvalid as e:
        raise ServiceError("星级方案有误：" + "；".join(e.problems)) from None
    current = (
        StarScheme.objects.select_for_update()
        .filter(owner=owner, year=year, subject=scheme.subject, is_current=True)
        .first()
    )
    version = 1
    if current is not None:
        version = current.version + 1
        current.is_current = False
        current.save(update_fields=["is_current"])
    try:
        with transaction.atomic():
            stored = StarScheme.objects.create(
                county=county,
                owner=owner,
                year=year,
                subject=scheme.subject,
                version=version,
                name=scheme.name,
                preset=scheme.key if scheme.key in PRESETS else "",
                spec=scheme_to_dict(scheme),
                created_at=actor.now,
                created_by=actor.user,
            )
    except IntegrityError:
        raise ServiceError("方案正在被他人修改，请刷新后重试") from None
    audit_record(
        actor=actor,
        action="stars.scheme.save",
        object_type="star_scheme",
        object_id=stored.pk,
        county_id=county.pk,
        summary=f"{owner.name}{year}年星级方案：{scheme.name}（第{version}版）",
        after={"key": scheme.key, "subject": scheme.subject, "version": version},
    )
    return stored


def scheme_from_preset(
    *, actor: Actor, county: County, owner: Org | None, year: int, preset: str
) -> StarScheme:
    if preset not in PRESETS:
        raise ServiceError(f"没有名为“{preset}”的预置方案（可用：{'、'.join(PRESETS)}）")
    return scheme_save(
        actor=actor, county=county, owner=owner, year=year, spec=scheme_to_dict(PRESETS[preset])
    )
