"""The three ledgers' full phone numbers (支部一张表、基层党委一册、旗县区一个数据库, article 002):
the workbook an organisation department files carries each mobile member's phone in full, so
the branch can call them. Like the roster's export, only a role that may reveal numbers (the
secretary, the township, the county) gets them, with the password entered in the last few
minutes (the view's re-authentication), and every such export is in the audit log.

“3”即“支部一张表、基层党委一册、旗县区一个数据库”，定期维护完善，切实摸清底数。 (article 002)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import require
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..ledgers import Ledger, Level, mobile_ledger


@transaction.atomic
def ledger_reveal(*, actor: Actor, org: Org, quarter: Quarter, today: dt.date) -> Ledger:
    """The ledger of `org` for the quarter with the phones in full, for a role that may reveal
    the numbers of every member under `org`; logged with how many numbers it carried."""
    require(scope_for_actor(actor).can_reveal_org(org))
    found = mobile_ledger(org=org, quarter=quarter, today=today, full_phones=True)
    audit_record(
        actor=actor,
        action="mobility.ledger.reveal",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"导出{org.name}流动党员台账（{Level.NAMES[found.level]}，{quarter.label}），"
        f"含完整联系电话{sum(1 for r in found.rows if r.phone)}个"[:300],
        after={"quarter": str(quarter), "members": len(found.rows)},
    )
    return found
