"""`zhengxing integrity-claims --county CODE [--since DATE] [--until DATE]`: run the claim
detectors (`integrity.claims`) over a county's claims and print what they find, for the
township to look into. Nothing is stored (`zhengxing integrity-scan` stores findings)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.integrity import claims
from zhengxing.integrity.findings import Finding, Window
from zhengxing.orgs.commands import county_named
from zhengxing.orgs.models import Org


def findings_text(findings: Iterable[Finding], labels: dict[str, str]) -> list[str]:
    """Each finding as two lines: what it is, its branch and its summary; then its evidence as
    JSON (the ids and figures to check it by)."""
    findings = list(findings)
    branches = dict(
        Org.objects.filter(pk__in={f.org_id for f in findings}).values_list("pk", "name")
    )
    lines = []
    for f in findings:
        lines.append(
            f"[{labels.get(f.kind, f.kind)}] {branches.get(f.org_id, f.org_id)}：{f.summary}"
        )
        lines.append("    " + json.dumps(f.evidence, ensure_ascii=False, sort_keys=True))
    return lines


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，格式为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print the suspicious claims of a county: duplicates, volumes, rings, reused photos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", required=True)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="default: 1 January this year")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        until = _date(options["until"]) if options["until"] else timezone.localdate()
        since = _date(options["since"]) if options["since"] else dt.date(until.year, 1, 1)
        if since > until:
            raise CommandError("--since 不能晚于 --until")
        window = Window(county_id=county.pk, since=since, until=until)
        found = [f for _, _, find in claims.DETECTORS for f in find(window)]
        labels = {kind: str(label) for kind, label, _ in claims.DETECTORS}
        self.stdout.write(f"{county.name} {since}至{until}：{len(found)}条可疑申报线索")
        for line in findings_text(found, labels):
            self.stdout.write(line)
