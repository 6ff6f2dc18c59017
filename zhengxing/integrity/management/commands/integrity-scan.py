"""`zhengxing integrity-scan --county CODE [--since DATE] [--until DATE] [--dry-run]`: run every
registered detector (rating rings, outlier raters, identical ballots, all-or-nothing raters;
duplicate claims, improbable volumes, members credited together again and again, reused photos)
over the county's rows of the window — by default from 1 January of this year to today — and
store each new finding as a flag for the township. A finding stored before is left as it is.
`--dry-run` prints each finding with its evidence instead, and stores nothing."""

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.integrity import findings
from zhengxing.integrity.findings import Finding, Window
from zhengxing.integrity.flags import findings_scan
from zhengxing.orgs.commands import county_named
from zhengxing.orgs.models import Org


def findings_text(found: Iterable[Finding]) -> list[str]:
    """Each finding as two lines: what it is, its branch and its summary; then its evidence as
    JSON (the ids and figures to check it by)."""
    found = list(found)
    branches = dict(Org.objects.filter(pk__in={f.org_id for f in found}).values_list("pk", "name"))
    lines = []
    for f in found:
        lines.append(
            f"[{findings.kind_label(f.kind)}] {branches.get(f.org_id, f.org_id)}：{f.summary}"
        )
        lines.append("    " + json.dumps(f.evidence, ensure_ascii=False, sort_keys=True))
    return lines


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，格式为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Run the integrity detectors over a county and store new findings as flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", required=True)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="default: 1 January this year")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="default: today")
        parser.add_argument(
            "--dry-run", action="store_true", help="print the findings; store nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county = county_named(options["county"])
        until = _date(options["until"]) if options["until"] else timezone.localdate()
        since = _date(options["since"]) if options["since"] else until.replace(month=1, day=1)
        if options["dry_run"]:
            if since > until:
                raise CommandError("--since 不能晚于 --until")
            window = Window(county_id=county.pk, since=since, until=until)
            found = [f for d in findings.detectors() for f in d.find(window)]
            self.stdout.write(f"{county.name} {since}至{until}：{len(found)}条线索（未保存）")
            for line in findings_text(found):
                self.stdout.write(line)
            return
        try:
            scanned = findings_scan(
                actor=Actor.system("integrity-scan"), county=county, since=since, until=until
            )
        except ServiceError as e:
            raise CommandError(str(e)) from e
        kinds = "，".join(
            f"{findings.kind_label(kind)} {n}" for kind, n in sorted(scanned.by_kind.items())
        )
        self.stdout.write(
            f"{county.name}（{since}至{until}）：发现{scanned.found}项，新记{scanned.new}项"
            + (f"（{kinds}）" if kinds else "")
        )
