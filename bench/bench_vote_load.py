"""The public's vote under load (issue 23: "Sustained 1,000 votes per second with every limit
enforced, behind gunicorn on this 2-core machine, for one minute: 0 votes lost, 0 counted twice
(checked against the load generator's own log)").

A contest in its voting days with 103 entries (双晒: 20 township and 83 village secretaries)
and a voter code for every vote; gunicorn on 127.0.0.1 trusted as the reverse proxy
(ZHENGXING_TRUSTED_PROXIES), so each request's X-Forwarded-For is its voter's address. The
generator (one process, asyncio, HTTP/1.1 keep-alive connections written by hand as Protocols,
every request's bytes made before the clock starts: it shares the two cores with the server)
sends POST /api/v1/contests/public/<ref>/votes at a set rate for a set time, each with its own
code, an address of 2,000 and a device of 10,000, and writes each request's outcome to its log.
The server's CPU per request over the run (gunicorn and its workers, from /proc) is reported.
Mixed in, every limit put to the test:
- a code sent again for the same entry (1 in 100), and codes never issued (1 in 200): refused;
- one device sending its daily limit and 5 more: exactly its limit counted;
- one address sending twice its minute's limit and 10 more at once: never more than the limit
  in any minute, and refused (429) past it.
Afterwards the log is compared with the vote rows: every vote answered 201 is a row, and every
row a vote answered 201 (none lost, none counted twice); the refused are absent; each limit is
checked on the rows.

The reference, in the same run: the same generator against a trivial server (a raw asyncio
one answering 201 at once) for a few seconds, as fast as it goes, from its connections open to
the last answer — the generator's own ceiling, so a rate below the target is the server's.

Full scale: 1,000 votes/s for 60 s (ZHENGXING_BENCH_VOTE_RATE, ZHENGXING_BENCH_VOTE_SECONDS;
ZHENGXING_BENCH_VOTE_WORKERS gunicorn workers, 3 × 4 threads unless set). Small: 50/s for 3 s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SMALL = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
RATE = int(os.environ.get("ZHENGXING_BENCH_VOTE_RATE", "50" if SMALL else "1000"))
SECONDS = float(os.environ.get("ZHENGXING_BENCH_VOTE_SECONDS", "3" if SMALL else "60"))
WORKERS = os.environ.get("ZHENGXING_BENCH_VOTE_WORKERS", "3")
THREADS = os.environ.get("ZHENGXING_BENCH_VOTE_THREADS", "4")
CONNECTIONS = int(os.environ.get("ZHENGXING_BENCH_VOTE_CONNECTIONS", "48"))
ENTRIES = 103
ADDRESSES = 2_000
DEVICES = 10_000
DEVICE_LIMIT = 20
PER_ADDRESS = 30 if SMALL else 120  # the server's ZHENGXING_CONTEST_VOTES_PER_ADDRESS
REFERENCE_SECONDS = 2.0 if SMALL else 5.0
LOG = ROOT / "var" / "bench" / "vote_load.jsonl"


class Shot:
    """One request of the plan and, once sent, its outcome (a plain class: bench/run.py loads
    this module under no name a dataclass could look up)."""

    __slots__ = (
        "at", "body", "code", "device", "entry", "expect", "ip", "latency_ms", "status", "wire"
    )  # fmt: skip

    def __init__(self, at: float, entry: str, code: str, device: str, ip: str, expect: str):
        self.at = at  # seconds after the start
        self.entry, self.code, self.device, self.ip = entry, code, device, ip
        self.expect = expect  # "ok", "duplicate", "unknown", "device" (the one phone), "hot"
        self.status = 0  # 0: no answer
        self.latency_ms = 0.0
        self.body = ""
        self.wire = b""  # the request's bytes


def plan(codes: list[str], entries: list[str], rate: int, seconds: float) -> list[Shot]:
    """Every request of the run, in order of sending."""
    total = int(rate * seconds)
    shots: list[Shot] = []
    fresh = iter(codes)
    for i in range(total):
        at = i / rate
        ip = f"10.{i % ADDRESSES // 250}.{i % 250}.{1 + i % ADDRESSES // 500}"
        device = f"d{i % DEVICES:05d}"  # rate × seconds / DEVICES a day each, under the limit
        if i % 100 == 99 and i >= rate:  # a code sent again for its entry, a second later
            first = shots[i - rate]
            if first.expect == "ok":
                shots.append(Shot(at, first.entry, first.code, device, ip, "duplicate"))
                continue
        if i % 200 == 150:
            shots.append(
                Shot(at, entries[i % len(entries)], "ZZZZ" + f"{i:06d}", device, ip, "unknown")
            )
            continue
        shots.append(Shot(at, entries[i % len(entries)], next(fresh), device, ip, "ok"))
    # one phone: its day's limit and five more, spread over the run
    for k in range(DEVICE_LIMIT + 5):
        shots.append(Shot(seconds * k / (DEVICE_LIMIT + 5), entries[k % len(entries)],
                          next(fresh), "the-one-phone", f"10.9.{k}.1", "device"))  # fmt: skip
    # one address: twice its minute's limit and ten more, in the run's first second
    for k in range(2 * PER_ADDRESS + 10):
        shots.append(Shot(k / (2 * PER_ADDRESS + 10), entries[k % len(entries)], next(fresh),
                          f"h{k:04d}", "10.99.99.99", "hot"))  # fmt: skip
    shots.sort(key=lambda s: s.at)
    return shots


# --- the generator ------------------------------------------------------------------------------
#
# Cheap per request, for it shares the two cores with the server: each request's bytes are
# written before the clock starts (`_wire`), and each connection is an asyncio Protocol that
# finds the answer's end in the bytes received (the status line, Content-Length, Connection:
# close) instead of a coroutine awaiting every header line.

_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


def _wire(shot: Shot, path: str, host: str) -> bytes:
    """The request of a shot, as sent."""
    data = json.dumps({"entry": shot.entry, "code": shot.code, "device": shot.device}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"X-Forwarded-For: {shot.ip}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: one request at a time, its answer parsed from the
    bytes as they come (status, body, whether the server closes)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None or self.waiter.done():
            return
        head = bytes(self.buffer[: end + 2])
        length = _LENGTH.search(head)
        if length is None:  # chunked, or a body to the close: not what the API answers; the
            # shot logged as unanswered (status 0: lost), the connection closed
            self.buffer.clear()
            self.waiter.set_result((0, head, True))
            return
        size = int(length[1])
        if len(self.buffer) < end + 4 + size:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + size])
        del self.buffer[: end + 4 + size]
        self.waiter.set_result((int(head[9:12]), body, _CLOSE.search(head) is not None))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed"))

    async def ask(self, request: bytes) -> tuple[int, bytes, bool]:
        if self.transport is None:
            raise ConnectionError("closed")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter


async def _connect(port: int) -> _Connection:
    _transport, connection = await asyncio.get_running_loop().create_connection(
        _Connection, "127.0.0.1", port
    )
    return connection


async def _send(port: int, connection: _Connection, queue: asyncio.Queue[Shot | None]) -> None:
    """One connection's requests: takes the next due shot, sends it, logs its answer."""
    while True:
        shot = await queue.get()
        if shot is None:
            break
        sent = time.perf_counter()
        for attempt in range(2):
            try:
                status, body, close = await connection.ask(shot.wire)
                break
            except ConnectionError:
                # the server closed a kept-alive connection before reading this request (a
                # gthread worker's keep-alive timeout): a new one, the request sent again once
                # (had the server counted it, the second is refused as a duplicate and the
                # check counts the shot lost)
                connection = await _connect(port)
                if attempt == 1:
                    raise
        shot.latency_ms = (time.perf_counter() - sent) * 1000
        shot.status, shot.body = status, body.decode("utf-8", "replace")
        if close:
            if connection.transport is not None:
                connection.transport.close()
            connection = await _connect(port)
    if connection.transport is not None:
        connection.transport.close()


async def _generate(port: int, path: str, shots: list[Shot], paced: bool) -> float:
    """Send the shots (each at its moment if `paced`, else as fast as the connections go);
    the wall time from the start — the connections open, every request written — to the last
    answer."""
    for shot in shots:
        shot.wire = _wire(shot, path, "127.0.0.1")
    connections = [await _connect(port) for _ in range(CONNECTIONS)]
    queue: asyncio.Queue[Shot | None] = asyncio.Queue()
    senders = [asyncio.create_task(_send(port, c, queue)) for c in connections]
    start = time.perf_counter()
    for shot in shots:
        if paced:
            delay = start + shot.at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        queue.put_nowait(shot)
    for _ in senders:
        queue.put_nowait(None)
    await asyncio.gather(*senders, return_exceptions=True)
    return time.perf_counter() - start


TRIVIAL = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class _Trivial(asyncio.Protocol):
    """The reference's server: every request answered 201 at once (its body skipped by its
    Content-Length)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length = _LENGTH.search(bytes(self.buffer[: end + 2]))
            size = end + 4 + (int(length[1]) if length else 0)
            if len(self.buffer) < size:
                return
            del self.buffer[:size]
            assert self.transport is not None
            self.transport.write(TRIVIAL)


def _trivial_server(port: int) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Trivial, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _server_cpu(pid: int) -> float:
    """CPU seconds (user and system, every thread) of gunicorn and its workers so far (Linux's
    /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for process in [str(pid), *children]:
            fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    except OSError:
        return 0.0
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not come up at {url}")


def _reference(count: int) -> float:
    """The generator alone: `count` requests, unpaced, against the trivial server (in a
    process of its own, as gunicorn is); requests per second."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
         f"import bench_vote_load as b; b._trivial_server({port})"],
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        shots = [Shot(0.0, "e", f"C{i:09d}", "d", "10.0.0.1", "ok") for i in range(count)]
        wall = asyncio.run(_generate(port, "/", shots, paced=False))
    finally:
        server.terminate()
        server.wait(timeout=30)
    answered = sum(1 for s in shots if s.status == 201)
    assert answered == count, f"the trivial server answered {answered} of {count}"
    return count / wall


# --- the run --------------------------------------------------------------------------------------


def _contest(votes: int) -> tuple[Any, list[str], list[str]]:
    """A contest in its voting days with ENTRIES entries and `votes` codes."""
    from django.utils import timezone

    from zhengxing.contests.models import Entry
    from zhengxing.contests.rules import MAX_CODES_PER_BATCH, Dates
    from zhengxing.contests.services import contest_create, voter_codes_issue
    from zhengxing.core.actor import Actor
    from zhengxing.orgs.models import Org
    from zhengxing.orgs.synth import county_synth

    today = timezone.localdate()
    system = Actor.system("bench")
    result = county_synth(actor=system, members=1000, seed=23, today=today)
    root = Org.objects.get(county_id=result.county_id, parent=None)
    contest = contest_create(
        actor=system,
        organiser=root,
        title="双晒",
        series="双晒",
        year=today.year,
        level="league",
        entrant_kind="branch",
        dates=Dates(
            today - dt.timedelta(days=10),
            today - dt.timedelta(days=1),
            today + dt.timedelta(days=1),
            today + dt.timedelta(days=10),
        ),
        weights=(40, 30, 30),
        rubric=[{"name": "综合评价", "max": 100}],
    )
    orgs = list(
        Org.objects.filter(county_id=result.county_id).exclude(pk=root.pk).order_by("path")
    )[:ENTRIES]
    Entry.objects.bulk_create(
        Entry(county_id=result.county_id, contest=contest, org=o, title=o.name,
              text="晒党建、晒成绩", public_ref=f"e{n:03d}", created_at=system.now)
        for n, o in enumerate(orgs)
    )  # fmt: skip
    codes: list[str] = []
    while len(codes) < votes:
        count = min(MAX_CODES_PER_BATCH, votes - len(codes))
        _batch, issued = voter_codes_issue(
            actor=system, contest=contest, count=count, label=f"第{len(codes) // count + 1}批"
        )
        codes += issued
    return contest, [f"e{n:03d}" for n in range(len(orgs))], codes


def _server(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ZHENGXING_HTTPS": "off",
        "ZHENGXING_DEBUG": "off",
        "ZHENGXING_OTP_ROLES": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ZHENGXING_TRUSTED_PROXIES": "127.0.0.1/32",
        "ZHENGXING_CONTEST_VOTES_PER_ADDRESS": str(PER_ADDRESS),
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "zhengxing.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--worker-class", "gthread",
         "--threads", THREADS, "--backlog", "2048", "--keep-alive", "75",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip


def _check(contest: Any, shots: list[Shot]) -> dict[str, Any]:
    """The log against the rows: what was lost, counted twice, let through past a limit."""
    from zhengxing.contests.models import Entry, Vote, VoterCode
    from zhengxing.contests.rules import code_hash

    refs = dict(Entry.objects.filter(contest=contest).values_list("pk", "public_ref"))
    codes = dict(VoterCode.objects.filter(contest=contest).values_list("pk", "code_hash"))
    rows = Counter(
        (codes[c], refs[e])
        for c, e in Vote.objects.filter(contest=contest).values_list("code_id", "entry_id")
    )
    accepted = Counter((code_hash(s.code), s.entry) for s in shots if s.status == 201)
    unanswered = [s for s in shots if s.status == 0 or s.status >= 500]
    wrongly_refused = [s for s in shots if s.expect == "ok" and s.status != 201]
    wrongly_counted = [s for s in shots if s.expect in ("duplicate", "unknown") and s.status == 201]
    lost = sum((accepted - rows).values())  # answered 201, no row
    unlogged = sum((rows - accepted).values())  # a row no 201 answered
    twice = sum(n - 1 for n in rows.values() if n > 1) + sum(
        n - 1 for n in accepted.values() if n > 1
    )
    phone = sum(1 for s in shots if s.expect == "device" and s.status == 201)
    per_minute = Counter(
        at // 60_000
        for at in Vote.objects.filter(contest=contest, ip="10.99.99.99").values_list(
            "at_ms", flat=True
        )
    )
    hot = [s for s in shots if s.expect == "hot"]
    hot_refused = sum(1 for s in hot if s.status == 429)
    return {
        "rows": sum(rows.values()),
        "accepted": sum(accepted.values()),
        "lost": lost + len(unanswered) + len(wrongly_refused),
        "unlogged": unlogged,
        "twice": twice + len(wrongly_counted),
        "phone": phone,
        "hot_max": max(per_minute.values(), default=0),
        "hot_refused": hot_refused,
        "examples": [
            (s.expect, s.status, s.body[:120])
            for s in (unanswered + wrongly_refused + wrongly_counted)[:5]
        ],
    }


def run() -> list[dict[str, Any]]:
    from django.db import connection

    contest, entries, codes = _contest(int(RATE * SECONDS) + 2 * PER_ADDRESS + 100)
    shots = plan(codes, entries, RATE, SECONDS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()  # the server writes now
    reference = _reference(max(2_000, int(RATE * REFERENCE_SECONDS)))

    port = _free_port()
    path = f"/api/v1/contests/public/{contest.public_ref}/votes"
    server = _server(port)
    load_before = os.getloadavg()
    try:
        _wait_up(f"http://127.0.0.1:{port}{path}")
        warm = [Shot(0.0, entries[0], f"WARM{i:06d}", "w", f"10.200.0.{i % 250}", "unknown")
                for i in range(CONNECTIONS * 4)]  # fmt: skip
        asyncio.run(_generate(port, path, warm, paced=False))  # each thread has loaded the API
        server_cpu = _server_cpu(server.pid)
        wall = asyncio.run(_generate(port, path, shots, paced=True))
        server_cpu = _server_cpu(server.pid) - server_cpu  # the run's, the start's left out
    finally:
        server.terminate()
        server.wait(timeout=60)
    load_after = os.getloadavg()
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with LOG.open("w", encoding="utf-8") as log:
        for s in shots:
            log.write(json.dumps({"at": round(s.at, 4), "entry": s.entry, "code": s.code,
                                  "device": s.device, "ip": s.ip, "expect": s.expect,
                                  "status": s.status, "ms": round(s.latency_ms, 1),
                                  "body": s.body}, ensure_ascii=False) + "\n")  # fmt: skip
    found = _check(contest, shots)
    answered = sorted(s.latency_ms for s in shots if s.status)
    p50 = answered[len(answered) // 2] if answered else 0.0
    p99 = answered[min(len(answered) - 1, int(len(answered) * 0.99))] if answered else 0.0
    achieved = len(shots) / wall
    statuses = Counter(s.status for s in shots)
    cpu_us = server_cpu / len(shots) * 1e6
    print(f"vote load: {len(shots)} requests in {wall:.2f} s ({achieved:.0f}/s of {RATE}/s "
          f"asked), the server's CPU {server_cpu:.1f} s ({cpu_us:.0f} µs a request), "
          f"statuses {dict(statuses)}, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
          f"load {load_before} → {load_after}; {found}; log {LOG}", file=sys.stderr)  # fmt: skip
    engine = connection.vendor
    ok_counts = found["lost"] == 0 and found["unlogged"] == 0 and found["twice"] == 0
    return [
        {
            "figure": f"votes a second, {len(shots):,} sent at {RATE:,}/s for {SECONDS:g} s "
            f"({engine}, {WORKERS}×{THREADS} gunicorn, its CPU {cpu_us:.0f} µs a request; "
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms; load {load_before[0]:.1f}→{load_after[0]:.1f})",
            "value": round(achieved, 1),
            "unit": "votes/s",
            "reference": "the generator alone, against a trivial server",
            "reference_value": round(reference, 1),
            "target": f"≥ {RATE * 0.98:,.0f}/s",
            "ok": achieved >= RATE * 0.98,
        },
        {
            "figure": f"votes lost or counted twice ({found['rows']:,} rows, "
            f"{found['accepted']:,} answered 201 in the log)",
            "value": found["lost"] + found["unlogged"] + found["twice"],
            "unit": "votes",
            "reference": None,
            "reference_value": None,
            "target": "0",
            "ok": ok_counts,
        },
        {
            "figure": f"limits: one phone counted {found['phone']} of {DEVICE_LIMIT + 5} "
            f"(limit {DEVICE_LIMIT}); one address at most {found['hot_max']} in a minute "
            f"(limit {PER_ADDRESS} a minute), {found['hot_refused']} refused 429",
            "value": int(found["phone"] == DEVICE_LIMIT)
            + int(found["hot_max"] <= PER_ADDRESS and found["hot_refused"] >= 10),
            "unit": "of 2 held",
            "reference": None,
            "reference_value": None,
            "target": "2",
            "ok": found["phone"] == DEVICE_LIMIT
            and found["hot_max"] <= PER_ADDRESS
            and found["hot_refused"] >= 10,
        },
    ]


if __name__ == "__main__":
    runner = Path(__file__).resolve().parent / "run.py"
    sys.exit(subprocess.call([sys.executable, str(runner), "vote_load"]))
