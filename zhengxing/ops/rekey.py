"""`zhengxing rekey`: every encrypted value under the newest data key, every lookup hash under
the lookup key — so an old data key (ZHENGXING_DATA_KEY lists them newest first) can be removed,
and a new lookup key (ZHENGXING_LOOKUP_KEY) takes effect.

In batches of rows, each batch in its own transaction with its rows locked and its audit rows
(one per county it touched) written beside it; a value already under the newest key and a hash
already right are left alone, so a run stopped half-way is simply run again, and a second run
changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.deliberation.models import GroupMember
from zhengxing.deliberation.models import Objection as MatterObjection
from zhengxing.grid.models import GridPerson, Need, Resident
from zhengxing.ledger.models import Claim, Objection
from zhengxing.mobility.models import Arrival, InflowOrg, Whereabouts
from zhengxing.orgs.models import Member

BATCH = 1000


@dataclass(frozen=True)
class Encrypted:
    """A model's encrypted fields, and its lookup hashes with the field each is taken from."""

    model: type[models.Model]
    fields: tuple[str, ...]
    hashes: dict[str, str] = field(default_factory=dict)


# Every encrypted field of the schema (a test holds this list to the models' `*_enc` fields).
ENCRYPTED = (
    Encrypted(Member, ("id_card_enc", "phone_enc"), hashes={"id_card_hash": "id_card_enc"}),
    Encrypted(Claim, ("reporter_contact_enc",)),
    Encrypted(Objection, ("contact_enc",)),
    Encrypted(GridPerson, ("phone_enc",)),
    Encrypted(Resident, ("phone_enc",)),
    Encrypted(Need, ("contact_enc",)),
    Encrypted(Whereabouts, ("phone_enc",)),
    Encrypted(InflowOrg, ("contact_phone_enc",)),
    Encrypted(Arrival, ("phone_enc",)),
    Encrypted(GroupMember, ("phone_enc",)),
    Encrypted(MatterObjection, ("contact_enc",)),
)


def _mend(row: models.Model, spec: Encrypted) -> bool:
    """Re-encrypt and re-hash one row in place; whether anything changed."""
    changed = False
    for name in spec.fields:
        token = getattr(row, name)
        if not pii.is_current(token):
            setattr(row, name, pii.reencrypt(token))
            changed = True
    for name, source in spec.hashes.items():
        value = pii.blind_index(pii.decrypt(getattr(row, source)))
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def pii_rekey(
    *,
    actor: Actor,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Rows changed per model label (those that would change, with `dry_run`)."""
    counts: dict[str, int] = {}
    for spec in ENCRYPTED:
        label = spec.model._meta.label
        counts[label] = 0
        last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    spec.model._default_manager.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "county_id", *spec.fields, *spec.hashes)[:batch]
                )
                if not rows:
                    break
                last = rows[-1].pk
                changed = [row for row in rows if _mend(row, spec)]
                counts[label] += len(changed)
                if changed and not dry_run:
                    spec.model._default_manager.bulk_update(
                        changed, [*spec.fields, *spec.hashes], batch_size=500
                    )
                    per_county = Counter(row.county_id for row in changed)  # type: ignore[attr-defined]
                    audit_record_many(
                        audit_event(
                            actor=actor,
                            action="pii.rekey",
                            object_type=spec.model._meta.model_name or label,
                            county_id=county_id,
                            summary=f"个人信息以最新密钥重新加密：{label} {n}条",
                            after={"model": label, "rows": n},
                        )
                        for county_id, n in sorted(per_county.items())
                    )
            if progress is not None:
                progress(f"{label}: {counts[label]} changed, up to id {last}")
    if not dry_run:
        audit_record(
            actor=actor,
            action="pii.rekey.done",
            object_type="database",
            county_id=None,
            summary="个人信息重新加密完成：" + "，".join(f"{k} {v}条" for k, v in counts.items()),
            after=counts,
        )
    return counts
