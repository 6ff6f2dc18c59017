"""`zhengxing scheme`: evaluate a CSV with a preset or a scheme file (all rows checked before
anything is written), show a scheme, check a file, simulate on live data without writing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhengxing.stars.presets import BAYANNUR_532
from zhengxing.stars.scheme_spec import scheme_to_dict
from zhengxing.testing import Cast


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:  # Excel's BOM
        csv.writer(f).writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_bayannur_scores_a_csv(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        [
            ["member", "points", "member_eval", "public_eval"],
            ["王甲", "79.4", "93", "93.3"],
            ["李二妮", "100", "95", "95"],
        ],
    )
    out = tmp_path / "out.csv"
    call_command("scheme", "evaluate", "bayannur-532", input=str(source), output=str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # opens in Excel
    rows = read(out)
    assert [(r["member"], r["score"], r["stars"], r["tier"]) for r in rows] == [
        ("王甲", "84.9", "7", "adjust"),
        ("李二妮", "98.0", "10", "reward"),
    ]


def test_gaotai_red_stars_and_flags_accumulate_over_the_year(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        [
            ["member", "period", "committee_eval", "commitment_review"],
            ["王甲", "H1", "92", "92"],
            ["王甲", "H2", "75", "75"],
            ["赵乙", "H1", "59", "59"],
        ],
    )
    out = tmp_path / "out.csv"
    call_command("scheme", "evaluate", "gaotai-341", input=str(source), output=str(out))
    assert [(r["red_stars"], r["flags"]) for r in read(out)] == [("3", "1"), ("2", "2"), ("0", "0")]


def test_a_bad_row_names_its_row_and_column_and_writes_nothing(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        [
            ["member", "points", "member_eval", "public_eval"],
            ["王甲", "79", "93", "93"],
            ["赵乙", "120", "1", "1"],
        ],
    )
    out = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="第3行，列points：评分项“points”应在0至100之间"):
        call_command("scheme", "evaluate", "bayannur-532", input=str(source), output=str(out))
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["in.csv"]
    missing = write(tmp_path / "in.csv", [["member", "points"], ["王甲", "79"]])
    with pytest.raises(CommandError, match="缺少列：member_eval、public_eval"):
        call_command("scheme", "evaluate", "bayannur-532", input=str(missing), output=str(out))


def test_a_scheme_file_is_checked_and_used(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    data = {**scheme_to_dict(BAYANNUR_532), "key": "my-county", "weights": {"points": "100"}}
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("scheme", "check", str(good), stdout=out)
    assert "方案检查通过" in out.getvalue()
    source = write(tmp_path / "in.csv", [["member", "points"], ["王甲", "85"]])
    call_command("scheme", "evaluate", str(good), input=str(source), output=str(tmp_path / "o.csv"))
    assert read(tmp_path / "o.csv")[0]["stars"] == "8"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "weights": {"points": "90"}}), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("scheme", "check", str(bad), stderr=err)
    assert failed.value.returncode == 1 and "各项权重之和应为100%，现为90%" in err.getvalue()
    with pytest.raises(CommandError, match="没有名为“nope”的预置方案"):
        call_command("scheme", "show", "nope")


def test_show_prints_a_preset_as_json() -> None:
    out = io.StringIO()
    call_command("scheme", "show", "sanmenxia-5star", stdout=out)
    data = json.loads(out.getvalue())
    assert data["criteria_count"] and len(data["criteria"]) == 5


def test_adopt_makes_a_version_for_the_county_or_narrows_it_for_a_township(cast: Cast) -> None:
    from zhengxing.stars.models import StarScheme

    out = io.StringIO()
    call_command("scheme", "adopt", "bayannur-532", county="T1", year=2026, stdout=out)
    assert "第1版" in out.getvalue()
    call_command("scheme", "adopt", "bayannur-532", county="T1", year=2026, stdout=out)
    call_command(
        "scheme", "adopt", "bayannur-532", county="T1", year=2026, township="A", stdout=out
    )
    current = StarScheme.objects.filter(is_current=True).order_by("owner__path")
    assert [(s.owner_id, s.version) for s in current] == [(cast.root.pk, 2), (cast.town_a.pk, 1)]
    with pytest.raises(CommandError, match="没有代码为“Z”的组织"):
        call_command("scheme", "adopt", "bayannur-532", county="T1", year=2026, township="Z")
    with pytest.raises(CommandError, match="年份应在2000至2100之间"):
        call_command("scheme", "adopt", "gaotai-341", county="T1", year=1999)


def test_a_name_that_looks_like_a_formula_stays_text_in_the_output(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        [
            ["member", "points", "member_eval", "public_eval"],
            ['=HYPERLINK("http://example.com")', "79.4", "93", "93.3"],
        ],
    )
    out = tmp_path / "out.csv"
    call_command("scheme", "evaluate", "bayannur-532", input=str(source), output=str(out))
    [row] = read(out)
    assert row["member"] == '\'=HYPERLINK("http://example.com")'
    assert row["score"] == "84.9"
