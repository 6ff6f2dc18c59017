"""`zhengxing scheme …`: try a star scheme before adopting it.

zhengxing scheme show SCHEME                       the scheme as JSON (a preset or a file)
zhengxing scheme check FILE                        every problem of a scheme file; exit 1
zhengxing scheme evaluate SCHEME --input IN.csv --output OUT.csv
    IN.csv: a `member` column, a `period` column where the scheme has periods, one column
    per component (bayannur-532: points, member_eval, public_eval, each 0-100; gaotai-341:
    score), or one 0/1 column per named star for criteria schemes. OUT.csv: the same with
    score, stars, tier (and red_stars, flags). UTF-8, a BOM is fine (Excel writes one).
zhengxing scheme simulate SCHEME --county CODE --year YYYY [--period P]
    the scheme over the live database, nothing written: stars now and under the scheme.
zhengxing scheme adopt SCHEME --county CODE --year YYYY [--township ORG_CODE]
    adopt the scheme for the county's year (or narrow it for one township or branch): a new version
    when one is in force, audited; ratings already computed keep their version.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengxing.core.sheets import text_cell
from zhengxing.orgs.commands import county_named
from zhengxing.stars.presets import scheme_load
from zhengxing.stars.rules import Scheme, SchemeInvalid, evaluate
from zhengxing.stars.scheme_spec import scheme_from_dict, scheme_to_dict


def _load(name: str) -> Scheme:
    try:
        return scheme_load(name)
    except SchemeInvalid as e:
        raise CommandError("；".join(e.problems)) from None


def evaluate_csv(scheme: Scheme, source: Path, target: Path) -> int:
    """Write OUT.csv from IN.csv; all rows checked first, nothing written on a bad one."""
    try:
        with source.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
            columns = list(rows[0].keys()) if rows else []
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(f"无法读取{source}：{e}") from None
    needed = ["member"]
    if scheme.periods != ("Y",):
        needed.append("period")
    needed += list(scheme.weights) if not scheme.criteria_count else []
    missing = [c for c in needed if c not in columns]
    if missing:
        raise CommandError(f"{source}缺少列：{'、'.join(missing)}")
    extra = ["score", "stars", "tier"] + (["red_stars", "flags"] if scheme.red_bands else [])
    out_rows = []
    red_so_far: Counter[str] = Counter()
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        if "period" in needed and row["period"] not in scheme.periods:
            raise CommandError(
                f"第{n}行，列period：应为{'、'.join(scheme.periods)}，现为“{row['period']}”"
            )
        met = [code for code, _ in scheme.criteria if row.get(code, "").strip() in ("1", "是")]
        try:
            result = evaluate(
                scheme, row, criteria_met=met, earlier_red_stars=red_so_far[row["member"]]
            )
        except ValueError as e:
            column = next((c for c in scheme.weights if f"“{c}”" in str(e)), "")
            raise CommandError(f"第{n}行，列{column}：{e}") from None
        red_so_far[row["member"]] += result.red_stars
        values = {
            "score": "" if result.score is None else f"{result.score}",
            "stars": result.stars,
            "tier": result.tier.code if result.tier else "",
            "red_stars": result.red_stars,
            "flags": result.flags,
        }
        out_rows.append({**row, **{k: values[k] for k in extra}})
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".scheme-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns + [c for c in extra if c not in columns])
            writer.writeheader()
            for out in out_rows:  # what a spreadsheet would run as a formula stays text
                writer.writerow(
                    {k: text_cell(v) if isinstance(v, str) else v for k, v in out.items()}
                )
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return len(out_rows)


class Command(BaseCommand):
    help = "Show, check, evaluate (CSV) or simulate (live data, nothing written) a star scheme."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show")
        show.add_argument("scheme")
        check = sub.add_parser("check")
        check.add_argument("file")
        ev = sub.add_parser("evaluate")
        ev.add_argument("scheme")
        ev.add_argument("--input", required=True)
        ev.add_argument("--output", required=True)
        sim = sub.add_parser("simulate")
        sim.add_argument("scheme")
        sim.add_argument("--county", required=True, metavar="CODE")
        sim.add_argument("--year", required=True, type=int)
        sim.add_argument("--period", default=None)
        adopt = sub.add_parser("adopt")
        adopt.add_argument("scheme")
        adopt.add_argument("--county", required=True, metavar="CODE")
        adopt.add_argument("--year", required=True, type=int)
        adopt.add_argument(
            "--township",
            "--org",
            dest="township",
            metavar="ORG_CODE",
            help="narrow it for one township, or one branch (a township's narrowing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "show":
            data = scheme_to_dict(_load(options["scheme"]))
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif action == "check":
            path = Path(options["file"])
            try:
                scheme_from_dict(json.loads(path.read_text(encoding="utf-8-sig")))
            except (OSError, json.JSONDecodeError) as e:
                raise CommandError(f"无法读取方案文件：{e}") from None
            except SchemeInvalid as e:
                for problem in e.problems:
                    self.stderr.write(problem)
                raise CommandError(f"方案有{len(e.problems)}处问题", returncode=1) from None
            self.stdout.write("方案检查通过")
        elif action == "evaluate":
            n = evaluate_csv(
                _load(options["scheme"]), Path(options["input"]), Path(options["output"])
            )
            self.stdout.write(f"已评定{n}行，写入{options['output']}")
        elif action == "adopt":
            self.adopt(options)
        else:
            self.simulate(options)

    def adopt(self, options: dict[str, Any]) -> None:
        from zhengxing.core.actor import Actor
        from zhengxing.core.errors import ServiceError
        from zhengxing.orgs.models import Org
        from zhengxing.stars.services import scheme_save

        scheme = _load(options["scheme"])
        county = county_named(options["county"])
        owner = None
        if options["township"]:
            owner = Org.objects.filter(
                county=county, code=options["township"], parent__isnull=False
            ).first()
            if owner is None:
                raise CommandError(f"{county.name}没有代码为“{options['township']}”的组织")
        try:
            stored = scheme_save(
                actor=Actor.system("zhengxing scheme adopt"),
                county=county,
                owner=owner,
                year=options["year"],
                spec=scheme_to_dict(scheme),
            )
        except ServiceError as e:
            raise CommandError(str(e)) from None
        where = owner.name if owner else county.name
        self.stdout.write(f"{where}{stored.year}年已采用“{stored.name}”（第{stored.version}版）")

    def simulate(self, options: dict[str, Any]) -> None:
        from zhengxing.stars.compute import distribution, plan_from_scheme
        from zhengxing.stars.models import Rating

        scheme = _load(options["scheme"])
        county = county_named(options["county"])
        year, period = options["year"], options["period"] or scheme.periods[-1]
        try:
            plan = plan_from_scheme(scheme)
        except ValueError as e:
            raise CommandError(str(e)) from None
        ratings = Rating.objects.filter(
            county=county, year=year, period=period, subject=scheme.subject
        )
        before = Counter(ratings.values_list("stars", flat=True))
        after = distribution(  # computed as the recompute would, nothing written
            county_id=county.pk, year=year, plan=plan, period=period, now=timezone.now()
        )
        self.stdout.write(f"{county.name} {year}{period} {scheme.name}")
        self.stdout.write("星级  现在  按此方案")
        for stars in sorted(set(before) | set(after), reverse=True):
            self.stdout.write(f"{stars:>4}  {before[stars]:>4}  {after[stars]:>8}")
