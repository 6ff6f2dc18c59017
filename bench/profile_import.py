"""The roster import in CPU seconds, for profiling and for comparing two versions of the code on
a shared machine (bench/README.md, "The roster import"): a fresh SQLite database, the county and
the rows of bench_import.py, then `time.process_time()` around calamine's read (twice, the
lower kept), the import and the re-import.

    python bench/profile_import.py                      20,000 members (ZHENGXING_BENCH_MEMBERS)
    ZHENGXING_PROFILE=var/prof python bench/profile_import.py   also cProfile each import there
    ZHENGXING_CODE=/tmp/old python bench/profile_import.py      the code of another commit
                                          (`git archive <commit> | tar -x -C /tmp/old`)
"""

from __future__ import annotations

import cProfile
import os
import sys
import time
from pathlib import Path
from typing import Any

CODE = Path(os.environ.get("ZHENGXING_CODE", Path(__file__).resolve().parent.parent))
sys.path[:0] = [str(CODE), str(CODE / "bench")]


def _cpu(fn: Any) -> tuple[float, Any]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def main() -> None:
    import shutil
    import tempfile

    import django

    work = Path(tempfile.mkdtemp(prefix="zhengxing-profile-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    django.setup()
    import bench_import as b
    from django.core.management import call_command

    import zhengxing
    from zhengxing.core.actor import Actor
    from zhengxing.orgs import excel
    from zhengxing.orgs.imports import roster_import

    call_command("migrate", verbosity=0)
    n = int(os.environ.get("ZHENGXING_BENCH_MEMBERS", "20000"))
    county, codes = b._county()
    path = work / "roster.xlsx"
    excel.write_workbook(path, members=(excel.member_row(m) for m in b._members(n, codes)))
    read = min(_cpu(lambda: b._calamine_read(path))[0] for _ in range(2))
    print(f"code: {Path(zhengxing.__file__).parent}; {n:,} members")
    print(f"calamine's read: {read:.3f} s CPU")
    actor, out = Actor.system("bench"), os.environ.get("ZHENGXING_PROFILE")
    for label in ("import", "re-import"):
        profile = cProfile.Profile() if out else None
        if profile is not None:
            profile.enable()
        cpu, result = _cpu(
            lambda: roster_import(actor=actor, county=county, file=path, today=b.TODAY)
        )
        if profile is not None and out:
            profile.disable()
            profile.dump_stats(Path(out) / f"{label}.prof")
        print(f"{label}: {cpu:.3f} s CPU, {cpu / read:.2f}× calamine's read; {result}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
