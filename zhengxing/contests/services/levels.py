"""Winners go up a level: a street contest names the banner's contest above it (the banner's,
the league's), and once its results are published its winners become entrants there, each
entry remembering the one it came from.

在全盟54个社区同步组织开展社区党组织书记“比武争星”活动，让社区党组织书记们在街道比、旗区推，
在全盟赛中 (article 002)
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require

from ..models import Contest, Entry, EntryPhoto, Result
from ..rules import Phase
from .contests import may_organise, new_ref

OPEN_TO_ENTRIES = (Phase.DRAFT, Phase.SHOWCASE)


def advance_open(contest: Contest, today: dt.date) -> bool:
    """Whether the contest one level up still takes entries (its showcase has not closed)."""
    higher = contest.next_level
    return higher is not None and higher.phase(today) in OPEN_TO_ENTRIES


@transaction.atomic
def winners_advance(*, actor: Actor, contest: Contest) -> list[Entry]:
    """The published contest's winners (its top `advance`, 优胜 by default) entered in the
    contest one level up, with their words, video link and photos, each entry recording the
    one it came from. Idempotent: a winner already entered there (went up before, or entered
    on its own) is left as it is. Refused before the results are published and once the
    higher contest's showcase has closed; nothing written then. Called by `results_publish`
    while the higher contest is open, and by the organiser again if need be.

    让社区党组织书记们在街道比、旗区推，在全盟赛中 (article 002)"""
    require(may_organise(actor, contest))
    if contest.next_level_id is None:
        raise ServiceError("本次比武没有设置上一级比武")
    if contest.published_at is None:
        raise ServiceError("结果公布后，优胜者才能晋级上一级比武", code="conflict")
    higher = Contest.objects.select_for_update().get(pk=contest.next_level_id)
    if higher.phase(timezone.localdate(actor.now)) not in OPEN_TO_ENTRIES:
        raise ServiceError(f"“{higher.title}”的展示阶段已经结束，优胜者不能再晋级", code="conflict")
    winners = [
        r.entry
        for r in Result.objects.filter(contest=contest, rank__lte=contest.advance)
        .select_related("entry")
        .prefetch_related("entry__photos")
        .order_by("rank")
    ]
    entered = set(
        Entry.objects.filter(contest=higher, org_id__in=[e.org_id for e in winners]).values_list(
            "org_id", flat=True
        )
    )
    going = [e for e in winners if e.org_id not in entered]
    if not going:
        return []
    new = Entry.objects.bulk_create(
        Entry(
            county_id=higher.county_id,
            contest=higher,
            org_id=e.org_id,
            member_id=e.member_id,
            entrant_user_id=e.entrant_user_id,
            title=e.title,
            text=e.text,
            video_url=e.video_url,
            public_ref=new_ref(),
            created_at=actor.now,
            came_from=e,
        )
        for e in going
    )
    EntryPhoto.objects.bulk_create(
        EntryPhoto(county_id=higher.county_id, entry=n, path=p.path)
        for n, e in zip(new, going, strict=True)
        for p in e.photos.all()
    )
    audit_record(
        actor=actor,
        action="contests.winners.advance",
        object_type="contest",
        object_id=higher.pk,
        county_id=higher.county_id,
        summary=f"{contest.title}的优胜者晋级{higher.title}：{len(new)}个",
        after={
            "from_contest_id": contest.pk,
            "entries": {e.pk: n.pk for n, e in zip(new, going, strict=True)},
        },
    )
    return new
