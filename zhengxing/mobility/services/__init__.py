"""Writes of the mobile members' practice, one module per subject: registration by QR code
(`registration.py`, the "1"), the two sides' quarterly reconciliation (`reconcile.py`, the
"2") and the pairing of committee members with mobile members (`pairing.py`, of the "4").
Each checks the actor's scope, refuses bad input in Chinese before writing anything, and records
its audit row in the same transaction."""

from .pairing import contact_log, contact_report_sign, pairing_create, pairing_end
from .reconcile import (
    agreement_sign,
    difference_resolve,
    inflow_org_create,
    reconciliation_close,
    reconciliation_open,
    reconciliation_open_many,
)
from .registration import registration_code_issue, whereabouts_report

# "5" and "6": their own modules, imported by name (`services.lost`, `services.transfers`,
# `services.elsewhere`)

__all__ = [
    "agreement_sign",
    "contact_log",
    "contact_report_sign",
    "difference_resolve",
    "inflow_org_create",
    "pairing_create",
    "pairing_end",
    "reconciliation_close",
    "reconciliation_open",
    "reconciliation_open_many",
    "registration_code_issue",
    "whereabouts_report",
]
