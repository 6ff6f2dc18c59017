"""`zhengxing synth`: a synthetic county (`orgs/synth.py`), its ledgers (`ledger/synth.py`) and its
evaluation ballots (`stars/synth.py`), one after the other, each reported."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import models

from zhengxing.ledger.models import LedgerEntry
from zhengxing.orgs.models import Member
from zhengxing.stars.models import Ballot, PublicCode


def test_the_command_reports_what_it_made(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("synth", members=100, seed=3, county_code="CMD", verbosity=0)
    out = capsys.readouterr().out
    assert "CMD:" in out and "100 members" in out
    assert Member.objects.filter(county__code="CMD").count() == 100


def test_the_command_makes_ledgers_and_checks_its_years(db: None) -> None:
    out = io.StringIO()
    call_command(
        "synth", members=80, seed=3, county_code="LCMD", entries=5, years="2026", stdout=out
    )
    assert "LCMD: ledgers of" in out.getvalue()
    assert LedgerEntry.objects.filter(county__code="LCMD", year=2026).exists()
    with pytest.raises(CommandError, match="--years"):
        call_command("synth", members=10, county_code="LBAD", entries=5, years="20x6")


def test_synth_makes_closed_rounds_and_ballots_that_never_rate_their_rater(db: None) -> None:
    out = io.StringIO()
    call_command("synth", members=120, seed=2, county_code="BSYN", ballots=10, stdout=out)
    assert "evaluation rounds" in out.getvalue()
    ballots = Ballot.objects.filter(county__code="BSYN")
    assert ballots.filter(kind="peer").count() == 120 * 2 * 4  # 4 peers, two rounds
    assert ballots.filter(kind="public").count() == 120 * 2  # two households each
    assert not ballots.filter(rater_member=models.F("ratee_member")).exists()
    assert PublicCode.objects.filter(round__county__code="BSYN", used_at__isnull=True).count() == 0
