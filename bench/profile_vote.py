"""The public's vote in CPU microseconds, in-process (issue 23: 1,000 votes a second behind
gunicorn on two cores, the load generator sharing them): a fresh SQLite file database in WAL as
the server has it, a contest in its voting days with 103 entries, then N votes — each its own
code, address and device, as bench_vote_load.py sends them — through the WSGI application, with
`time.process_time()` around them: the CPU a worker spends per vote, the database's included
(SQLite runs in the process).

Three ways in, measured in the same run, each on votes of its own:
- `zhengxing.wsgi.application`, what gunicorn serves;
- Django's `WSGIHandler` with settings.MIDDLEWARE less `contests.public_vote.PublicVoteMiddleware`
  (every middleware, the URL resolver over all the pages, django-ninja): what a vote cost before
  it had its own way in, the reference;
- the refused: a code sent again, through `zhengxing.wsgi.application` (a 400 and its log).

    python bench/profile_vote.py                        2,000 votes each (ZHENGXING_PROFILE_VOTES)
    ZHENGXING_PROFILE=var/prof python bench/profile_vote.py   also cProfile each way in there
    ZHENGXING_CODE=/tmp/old python bench/profile_vote.py      the code of another commit
                                          (`git archive <commit> | tar -x -C /tmp/old`)
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

CODE = Path(os.environ.get("ZHENGXING_CODE", Path(__file__).resolve().parent.parent))
sys.path[:0] = [str(CODE), str(CODE / "bench")]
VOTES = int(os.environ.get("ZHENGXING_PROFILE_VOTES", "2000"))

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ(path: str, body: dict[str, str], ip: str) -> dict[str, Any]:
    """A POST as gunicorn hands it to the application, behind the trusted proxy."""
    data = json.dumps(body).encode()
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": ip,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def votes(app: WsgiApp, requests: list[dict[str, Any]]) -> tuple[float, Counter[str]]:
    """Each request through `app`, its body read and closed as a server does: CPU seconds and
    the statuses."""
    statuses: Counter[str] = Counter()

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses[status[:3]] += 1

    start = time.process_time()
    for env in requests:
        response = app(env, start_response)
        for _chunk in response:
            pass
        close = getattr(response, "close", None)
        if close is not None:
            close()
    return time.process_time() - start, statuses


def main() -> None:
    import shutil
    import tempfile

    import django

    work = Path(tempfile.mkdtemp(prefix="zhengxing-profile-vote-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxing.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ.update(
        ZHENGXING_HTTPS="off",
        ZHENGXING_DEBUG="off",
        ALLOWED_HOSTS="127.0.0.1",
        ZHENGXING_TRUSTED_PROXIES="127.0.0.1/32",
    )
    template = CODE / "var" / "bench" / "_migrated.sqlite3"
    if template.exists():  # bench/run.py's migrated database: migrating costs a minute here
        shutil.copy(template, work / "db.sqlite3")
    django.setup()
    import bench_vote_load as b
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    import zhengxing
    from zhengxing import wsgi

    call_command("migrate", verbosity=0)
    ways: list[tuple[str, WsgiApp]] = [("zhengxing.wsgi", wsgi.application)]
    lean = [m for m in settings.MIDDLEWARE if m.endswith(".PublicVoteMiddleware")]
    if lean:
        with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m not in lean]):
            ways.append(("without PublicVoteMiddleware (every middleware, ninja)", WSGIHandler()))
    warm = 50
    contest, entries, codes = b._contest(len(ways) * (VOTES + warm) + warm + 10)
    connection.close()
    path = f"/api/v1/contests/public/{contest.public_ref}/votes"
    fresh = iter(codes)

    def batch(n: int, offset: int) -> list[dict[str, Any]]:
        return [
            environ(
                path,
                {"entry": entries[i % len(entries)], "code": next(fresh), "device": f"d{i:06d}"},
                f"10.{(offset + i) // 62500 % 250}.{(offset + i) // 250 % 250}.{1 + i % 250}",
            )
            for i in range(n)
        ]

    print(f"code: {Path(zhengxing.__file__).parent}; {VOTES:,} votes each way in")
    out = os.environ.get("ZHENGXING_PROFILE")
    cpu: dict[str, float] = {label: 0.0 for label, _app in ways}
    used: list[dict[str, Any]] = []
    profiles = {label: cProfile.Profile() for label, _app in ways} if out else {}
    for k, (_label, app) in enumerate(ways):
        votes(app, batch(warm, 1_000_000 * (k + 1)))
    # the ways in turn, a few hundred votes at a time: a load that comes and goes on a shared
    # machine weighs on each alike
    rounds, done = 8, 0
    for _round in range(rounds):
        n = VOTES // rounds
        for k, (label, app) in enumerate(ways):
            requests = batch(n, 1_000_000 * (k + 1) + warm + done)
            used += [json.loads(q["wsgi.input"].getvalue()) | {"ip": q["HTTP_X_FORWARDED_FOR"]}
                     for q in requests]  # fmt: skip
            profile = profiles.get(label)
            if profile is not None:
                profile.enable()
            seconds, statuses = votes(app, requests)
            if profile is not None:
                profile.disable()
            assert statuses == {"201": n}, f"{label}: {dict(statuses)}"
            cpu[label] += seconds
        done += n
    for k, profile in enumerate(profiles.values()):
        Path(str(out)).mkdir(parents=True, exist_ok=True)
        profile.dump_stats(Path(str(out)) / f"vote-{k}.prof")
    results = {label: cpu[label] / done * 1e6 for label, _app in ways}
    for label, micros in results.items():
        print(f"{label}: {micros:,.0f} µs CPU a vote ({done:,} votes answered 201)")
    again = [environ(path, {k: v for k, v in u.items() if k != "ip"}, u["ip"])
             for u in used[: VOTES // 4]]  # fmt: skip
    refused, statuses = votes(wsgi.application, again)
    assert statuses == {"400": len(again)}, dict(statuses)
    print(
        f"a code sent again (400), zhengxing.wsgi: {refused / len(again) * 1e6:,.0f} µs CPU a vote"
    )
    if len(ways) > 1:
        first, second = results.values()
        print(f"zhengxing.wsgi ÷ without PublicVoteMiddleware: {first / second:.2f}×")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
