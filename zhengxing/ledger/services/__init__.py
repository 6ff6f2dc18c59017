"""Writes to the points ledger. Each runs in one transaction with its audit row, checks the
actor's scope itself, and refuses bad input with a Chinese `ServiceError` before writing anything.

Races are settled in the database. Every write that appends to a branch's chain first locks that
branch's `BranchChainHead` row (lock order everywhere: chain head, then claims; see
`guard.QuarterGuard`), so appends, reviews, cap arithmetic and sign-off of one branch serialise;
the unique constraints on (branch, seq), on the claim an entry records, and on (member,
idempotency_key) are the backstop.

The writes live in one module per subject; every public name is re-exported here, so callers
import them from `zhengxing.ledger.services` whichever module holds them.
"""

from ._common import claim_snapshot, entry_snapshot
from .automatic import points_from_activity
from .base_points import base_points_record
from .catalogues import catalogue_from_preset, catalogue_revise, catalogue_spec
from .claims import claim_record_many, claim_submit, public_report_submit
from .deductions import deduction_record
from .guard import QuarterGuard
from .objections import (
    objection_answer,
    objection_contact_reveal,
    objection_snapshot,
    objection_submit,
)
from .postings import objection_days, posting_lines
from .quarters import may_sign_off, quarter_sign_off
from .reversals import entry_reverse
from .review import (
    ADJUST,
    APPROVE,
    DECISIONS,
    OWN_CLAIM,
    PUBLIC_ONE_BY_ONE,
    REJECT,
    Approval,
    Skipped,
    claim_approve_all,
    claim_review,
    claim_review_many,
    public_reports_mark_spam,
)
from .talks import TALK_ROLES, may_record_reminder_talk, reminder_talk_record
from .uploads import evidence_upload

__all__ = [
    "ADJUST",
    "APPROVE",
    "DECISIONS",
    "OWN_CLAIM",
    "PUBLIC_ONE_BY_ONE",
    "REJECT",
    "TALK_ROLES",
    "Approval",
    "QuarterGuard",
    "Skipped",
    "base_points_record",
    "catalogue_from_preset",
    "catalogue_revise",
    "catalogue_spec",
    "claim_approve_all",
    "claim_record_many",
    "claim_review",
    "claim_review_many",
    "claim_snapshot",
    "claim_submit",
    "deduction_record",
    "entry_reverse",
    "entry_snapshot",
    "evidence_upload",
    "may_record_reminder_talk",
    "may_sign_off",
    "objection_answer",
    "objection_contact_reveal",
    "objection_days",
    "objection_snapshot",
    "objection_submit",
    "points_from_activity",
    "posting_lines",
    "public_report_submit",
    "public_reports_mark_spam",
    "quarter_sign_off",
    "reminder_talk_record",
]
