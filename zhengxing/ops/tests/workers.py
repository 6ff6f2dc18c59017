"""The processes of the multi-process race tests (test_process_races.py), each its own Python
with its own database connection, run as `python -m zhengxing.ops.tests.workers JOB AT SEED`
against DATABASE_URL. Every worker first sets Django up and opens its connection, then waits
for the wall-clock moment AT so that all of them start at once, then prints what it did as one
JSON line. Everyone acts on 30 June 2026 (Q2), as the ledger's tests do.

- setup: the foundation's test cast (zhengxing.testing) with the Sanmenxia rules and MEMBERS
  more members in branch A1B;
- submit: every member of A1B self-reports the same CLAIMS activities (the same idempotency keys
  in every process: the same form sent from several phones) plus one of the worker's own;
- review: carol or cathy (by SEED) decides every pending claim of A1B in a shuffled order, one
  at a time or five at once, approving, adjusting or rejecting, until none is pending (a batch
  refused because another reviewer decided one of its claims is listed again);
- sign-off: carol signs Q2 off (on 1 July: a quarter is signed once it has ended); deduct:
  cathy records deductions for Q2 meanwhile (on 30 June). With WORKER_SYNC (a directory) the
  signature that wins holds its transaction open until deduct 2 has begun a deduction, and
  reports the moment it commits (`committing_at`); each deduction reports when its call
  began and ended (`calls`): a deduction that began before that moment and ended after it
  waited for the signature's lock;
- write-loop: until the file WORKER_STOP exists (or SEED seconds), cathy records an activity
  for three members and carol approves it, again and again (each approval a chain append: the
  work a backup is taken during);
- sign-off-all (for the kill tests, on a synthetic county): every branch signs the current
  quarter off, one after another, skipping those signed already, as on the first morning
  after the quarter (the synthetic county leaves it open)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from typing import Any

MEMBERS = 30
CLAIMS = 3
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI)
JULY_1 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=SHANGHAI)  # Q2 has ended: it may be signed


def main(job: str, at: float, seed: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from zhengxing.core.actor import Actor
    from zhengxing.core.errors import ServiceError
    from zhengxing.ledger.models import Claim, RuleCatalogue
    from zhengxing.ledger.rules import ClaimStatus, Quarter
    from zhengxing.ledger.services import (
        catalogue_from_preset,
        claim_record_many,
        claim_review,
        claim_review_many,
        claim_submit,
        deduction_record,
        quarter_sign_off,
    )
    from zhengxing.orgs.models import Member, Org
    from zhengxing.testing import SYSTEM, add_member, build_cast

    def as_(username: str, now: dt.datetime = NOW) -> Actor:
        return Actor(user=User.objects.get(username=username), label=username, now=now)

    if job == "setup":
        cast = build_cast()
        catalogue_from_preset(
            actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
        )
        for _ in range(MEMBERS):
            add_member(cast.county, "A1B")
        return {"members": Member.objects.filter(branch=cast.branch_a1).count()}

    if job == "sign-off-all":  # a kill test's long run of sign-offs, one transaction each
        from django.utils import timezone

        from zhengxing.ledger.rules import quarter_of

        current, signed = quarter_of(timezone.localdate()), 0  # synth leaves it open
        after = dt.datetime.combine(current.next().first_day, dt.time(9), tzinfo=SHANGHAI)
        actor = Actor(user=None, label="kill test", now=after)
        for branch in Org.objects.filter(kind="branch", members__isnull=False).distinct():
            try:
                quarter_sign_off(actor=actor, branch=branch, quarter=current)
            except ServiceError:
                continue  # signed before the last kill
            signed += 1
        return {"ok": signed}

    branch = Org.objects.get(code="A1B")
    rules = RuleCatalogue.objects.get(year=2026, is_current=True)
    items = {i.code: i for i in rules.items.all()}
    members = list(Member.objects.filter(branch=branch).order_by("pk"))
    rng = random.Random(seed)
    connection.ensure_connection()
    time.sleep(max(0.0, at - time.time()))
    done: dict[str, Any] = {"ok": 0, "refused": 0, "errors": []}
    sync = os.environ.get("WORKER_SYNC", "")  # a directory where workers leave marks

    def touch(mark: str) -> None:
        with open(os.path.join(sync, mark), "w"):
            pass

    def wait_for_file(mark: str) -> None:
        deadline = time.time() + 60
        while not os.path.exists(os.path.join(sync, mark)):
            if time.time() > deadline:
                raise SystemExit(f"{job} waited a minute for {mark}")
            time.sleep(0.005)

    def attempt(call: Any) -> Any:
        try:
            result = call()
        except ServiceError as refused:
            done["refused"] += 1
            done["errors"].append(str(refused))
            return None
        done["ok"] += 1
        return result

    if job == "submit":
        work = [(m, k) for m in members for k in range(CLAIMS)] + [(members[seed], f"own{seed}")]
        rng.shuffle(work)
        for member, k in work:
            code = ("SMX-G02", "SMX-G03", "SMX-G04")[k if isinstance(k, int) else 0]
            attempt(
                lambda member=member, k=k, code=code: claim_submit(
                    actor=Actor(user=None, label=f"member {member.pk}", now=NOW),
                    branch=branch,
                    member=member,
                    item=items[code],
                    occurred_on=dt.date(2026, 6, 1),
                    place="村口",
                    description="清雪",
                    idempotency_key=f"m{member.pk}-{k}",
                )
            )
    elif job == "review":
        actor = as_(("carol", "cathy")[seed % 2])
        while pending := list(  # as on the page: what is still pending, again after a refusal
            Claim.objects.filter(branch=branch, status=ClaimStatus.PENDING).select_related("item")
        ):
            rng.shuffle(pending)
            while pending:
                if rng.random() < 0.3:
                    batch, pending = pending[:5], pending[5:]
                    attempt(
                        lambda batch=batch: claim_review_many(
                            actor=actor, branch=branch, claims=batch, decision="approve"
                        )
                    )
                    continue
                claim = pending.pop()
                decision = rng.choice(("approve", "approve", "adjust", "reject"))
                attempt(
                    lambda claim=claim, decision=decision: claim_review(
                        actor=actor,
                        claim=claim,
                        decision=decision,
                        points=claim.item.min_points if decision == "adjust" else None,
                        reason="不符合加分条件" if decision == "reject" else "",
                    )
                )
    elif job == "write-loop":  # the committee at work while a backup is taken

        def record_and_approve() -> Any:
            recorded = claim_record_many(
                actor=as_("cathy"), branch=branch, item=items["SMX-G02"],
                members=rng.sample(members, 3), occurred_on=dt.date(2026, 6, 1),
                place="村道", description="清雪", idempotency_key=f"w{rng.random()}",
            )  # fmt: skip
            return claim_review_many(
                actor=as_("carol"), branch=branch, claims=recorded, decision="approve"
            )

        stop = os.environ["WORKER_STOP"]  # a file: the test creates it when it has seen enough
        while not os.path.exists(stop) and time.time() < at + seed:
            attempt(record_and_approve)
    elif job == "sign-off":
        from django.db import transaction

        def sign_and_hold() -> Any:
            with transaction.atomic():
                close = quarter_sign_off(
                    actor=as_("carol", JULY_1), branch=branch, quarter=Quarter(2026, 2)
                )
                if sync:  # hold the branch's lock until a deduction is under way
                    touch("holding")
                    wait_for_file("deducting")
                    time.sleep(0.2)
                done["committing_at"] = time.time()
            return close

        attempt(sign_and_hold)
    elif job == "deduct":
        if sync and seed == 2:  # this one starts once a signature holds the lock
            wait_for_file("holding")
        done["calls"] = []
        for member in rng.sample(members, 10):
            began = time.time()
            if sync and seed == 2:
                touch("deducting")
            attempt(
                lambda member=member: deduction_record(
                    actor=as_("cathy"),
                    branch=branch,
                    member=member,
                    item=items["SMX-K01"],
                    reason="无故缺席组织生活",
                    occurred_on=dt.date(2026, 6, 29),
                    idempotency_key=f"d{seed}-{member.pk}",
                )
            )
            done["calls"].append((began, time.time()))
    else:
        raise SystemExit(f"unknown job {job}")
    done["errors"] = sorted(set(done["errors"]))  # each refusal's wording once
    return done


if __name__ == "__main__":
    job, at, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(main(job, at, seed), ensure_ascii=False))
