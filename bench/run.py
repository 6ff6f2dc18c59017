"""The benchmark runner behind `make bench`.

    python bench/run.py [NAME ...]        run bench/bench_*.py (only those whose name contains
                                          one of the NAMEs), print one table, exit 1 if any
                                          figure misses its target
    ZHENGXING_BENCH_SCALE=small ...       shrink the sizes, for a quick check that all runs
    ZHENGXING_BENCH_POSTGRES=postgres://… on PostgreSQL instead (`make bench-postgres` starts a
                                          throwaway server): a fresh database bench_<name> each

Each benchmark module runs in a subprocess of its own, against a fresh SQLite database
var/bench/<name>.sqlite3: DATABASE_URL is set before Django starts, the database is migrated,
then the module's `run()` is called. (On SQLite the migrations run once, into
var/bench/_migrated.sqlite3, and each benchmark starts from a copy of it: migrating costs several
seconds a time, and nothing of it is measured.) It returns a list of rows, each a dict with

    figure           what was measured, e.g. "member list, queries at 10 rows"
    value            the measurement (a number)
    unit             "s", "ms", "queries" …
    reference        what it is compared with, e.g. "a bare SELECT … LIMIT 50"
    reference_value  that reference's measurement (a number, or None)
    target           the target, in words, e.g. "< 100 ms" or "≤ 2× reference"
    ok               whether the target is met

Modules read ZHENGXING_BENCH_SCALE ("full" unless set) to choose their sizes. The rows of every
run are also written to var/bench/results.json. At the small scale (CI runs it, `make test`) the
figures are not the ones to quote, on a machine shared with whatever else runs: the runner then
exits 1 only when a benchmark fails to run (an exception, an assertion of its own, no rows), and
lists the figures that miss their targets without failing on them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VAR = ROOT / "var" / "bench"
MARKER = "@@zhengxing-bench@@ "
KEYS = ("figure", "value", "unit", "reference", "reference_value", "target", "ok")
HEADERS = (
    "benchmark",
    "figure",
    "value",
    "unit",
    "reference",
    "reference value",
    "ratio",
    "target",
    "ok",
)
# What "small" means for benchmarks that size themselves by a variable of their own.
SMALL_DEFAULTS = {"ZHENGXING_BENCH_MEMBERS": "5000"}


def discover(filters: list[str]) -> list[Path]:
    found = sorted(BENCH_DIR.glob("bench_*.py"))
    if filters:
        found = [p for p in found if any(f in p.stem for f in filters)]
    return found


def database_for(name: str) -> Path:
    VAR.mkdir(parents=True, exist_ok=True)
    db = VAR / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


TEMPLATE = "_migrated"


def migrate_template() -> None:
    """In a subprocess: var/bench/_migrated.sqlite3, a fresh SQLite database with every
    migration applied, for each benchmark's database to start from."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database_for(TEMPLATE)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def copy_of_template(name: str) -> Path:
    """var/bench/<name>.sqlite3, a copy of the migrated template (SQLite's backup API)."""
    import sqlite3

    db = database_for(name)
    template = VAR / f"{TEMPLATE}.sqlite3"
    with sqlite3.connect(template) as source, sqlite3.connect(db) as target:
        source.backup(target)
    source.close()
    target.close()
    return db


# --- in the subprocess: one benchmark ---------------------------------------------------------


def postgres_database_for(name: str, server: str) -> str:
    """A fresh database `bench_<name>` on the PostgreSQL server of the URL `server`."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    database = f"bench_{name}".lower()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    return urlunsplit(urlsplit(server)._replace(path=f"/{database}"))


def run_one(name: str) -> None:
    """Set up Django on a fresh database, run bench/<name>.py, print its rows as JSON."""
    server = os.environ.get("ZHENGXING_BENCH_POSTGRES")
    if server:
        os.environ["DATABASE_URL"] = postgres_database_for(name, server)
    elif (VAR / f"{TEMPLATE}.sqlite3").exists():
        os.environ["DATABASE_URL"] = f"sqlite:///{copy_of_template(name)}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{database_for(name)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # nothing to do on a copy of the template
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run()
    for row in rows:
        missing = [k for k in KEYS if k not in row]
        if missing:
            raise ValueError(f"{name}: a row lacks {', '.join(missing)}: {row}")
    sys.stdout.flush()
    print(MARKER + json.dumps(rows, ensure_ascii=False, default=str), flush=True)


# --- in the parent: every benchmark, one table ------------------------------------------------


def spawn(path: Path) -> tuple[list[dict[str, Any]], float]:
    """Run one benchmark in a subprocess; its own output goes to stderr as it comes."""
    env = dict(os.environ)
    if env.get("ZHENGXING_BENCH_SCALE", "full") == "small":
        for key, value in SMALL_DEFAULTS.items():
            env.setdefault(key, value)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--one", path.stem],
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        text=True,
    )
    assert process.stdout is not None
    rows: list[dict[str, Any]] | None = None
    for line in process.stdout:
        if line.startswith(MARKER):
            rows = json.loads(line[len(MARKER) :])
        else:
            sys.stderr.write(line)
    code = process.wait()
    elapsed = time.perf_counter() - start
    if code != 0 or rows is None:
        failed = {
            "figure": f"(the benchmark failed: exit status {code})",
            "value": None,
            "unit": "",
            "reference": "",
            "reference_value": None,
            "target": "runs",
            "ok": False,
        }
        return [failed], elapsed
    return rows, elapsed


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.1f}"


def ratio(row: dict[str, Any]) -> str:
    value, reference = row.get("value"), row.get("reference_value")
    numbers = all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (value, reference)
    )
    if not numbers or not reference:
        return "—"
    return f"{value / reference:,.2f}×"


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(results: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [list(HEADERS)]
    for name, row in results:
        lines.append(
            [
                name.removeprefix("bench_"),
                str(row["figure"]),
                _number(row["value"]),
                str(row["unit"]),
                str(row["reference"]),
                _number(row["reference_value"]),
                ratio(row),
                str(row["target"]),
                "ok" if row["ok"] else "FAIL",
            ]
        )
    widths = [max(_width(line[i]) for line in lines) for i in range(len(HEADERS))]
    numeric = {2, 5, 6}  # right-aligned columns

    def render(line: list[str]) -> str:
        cells = []
        for i, (cell, width) in enumerate(zip(line, widths, strict=True)):
            pad = " " * (width - _width(cell))
            cells.append(pad + cell if i in numeric else cell + pad)
        return "  ".join(cells).rstrip()

    out = [render(lines[0]), "  ".join("-" * w for w in widths)]
    out += [render(line) for line in lines[1:]]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        run_one(argv[1])
        return 0
    if argv[:1] == ["--migrate-template"]:
        migrate_template()
        return 0
    paths = discover(argv)
    if not paths:
        print(f"no benchmark matches {' '.join(argv)!r} in {BENCH_DIR}", file=sys.stderr)
        return 2
    scale = os.environ.get("ZHENGXING_BENCH_SCALE", "full")
    started = time.perf_counter()
    database_for(TEMPLATE)  # none left from an earlier run
    if not os.environ.get("ZHENGXING_BENCH_POSTGRES"):
        subprocess.run([sys.executable, __file__, "--migrate-template"], check=True, cwd=ROOT)
    results: list[tuple[str, dict[str, Any]]] = []
    broken: list[str] = []
    for path in paths:
        print(f"== {path.stem} (scale: {scale})", file=sys.stderr, flush=True)
        rows, elapsed = spawn(path)
        print(f"== {path.stem}: {elapsed:.1f} s", file=sys.stderr, flush=True)
        results += [(path.stem, row) for row in rows]
        if any(row["target"] == "runs" and not row["ok"] for row in rows):
            broken.append(path.stem)
    print(table(results))
    VAR.mkdir(parents=True, exist_ok=True)
    record = [{"benchmark": name, "scale": scale, **row} for name, row in results]
    (VAR / "results.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    some = f"{len(paths)} benchmark{'s' if len(paths) != 1 else ''}"
    print(f"\n{some} in {time.perf_counter() - started:.0f} s (scale: {scale}).")
    if broken:
        print(f"{len(broken)} of {len(paths)} benchmarks failed to run: {', '.join(broken)}.")
        return 1
    failed = [row for _, row in results if not row["ok"]]
    if failed and scale == "small":
        print(f"{len(failed)} of {len(results)} figures miss their target (at the small scale, "
              f"on a shared machine, reported and not failed on).")  # fmt: skip
        return 0
    if failed:
        print(f"{len(failed)} of {len(results)} figures miss their target.")
        return 1
    print(f"All {len(results)} figures meet their targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
