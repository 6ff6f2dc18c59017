"""A small named cast for tests, built through the real services.

county 示范旗 (T1), region 150824
├── 甲镇 (A)                  bob: township committee
│   └── 甲一村 (A1)            gina: grid worker
│       └── 甲一村党支部 (A1B)  carol: secretary · cathy: committee · erin: a member there
│           └── 第一党小组 (A1B-G1)
└── 乙镇 (B)                  dave: township committee
    └── 乙一村 (B1)
        └── 乙一村党支部 (B1B)
alice: county organisation department, sees everything in T1.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import connection, connections

from zhengxing.core.actor import Actor
from zhengxing.orgs import idcard
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.roster import MemberData
from zhengxing.orgs.services import (
    county_create,
    county_root,
    member_register,
    org_create,
    role_grant,
)

if TYPE_CHECKING:
    pass

SYSTEM = Actor.system("test")
TODAY = dt.date(2026, 6, 30)
PASSWORD = "Zhengxing-2026!"
_sequence = itertools.count(1)


def member_data(branch_code: str, **overrides: Any) -> MemberData:
    n = next(_sequence)
    born = dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
    number = idcard.make("150824", born, (n * 2 + 1) % 1000)  # odd sequence: male
    values: dict[str, Any] = {
        "name": f"党员{n}",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": born,
        "id_card": number,
        "phone": f"138{n:08d}",
        "address": "甲一村",
        "education": "senior",
        "joined_on": dt.date(born.year + 25, 7, 1),
        "full_on": dt.date(born.year + 26, 7, 1),
        "standing": "full",
        "category": "ordinary",
        "post": "",
        "branch_code": branch_code,
        "group_code": "",
        "status": "active",
        "mobile_whereabouts": "",
        "mobile_reason": "",
    }
    values.update(overrides)
    if "birth_date" in overrides and "joined_on" not in overrides:
        # dates that follow the birth date given, whatever the sequence has reached
        year = overrides["birth_date"].year
        values.update(joined_on=dt.date(year + 25, 7, 1), full_on=dt.date(year + 26, 7, 1))
    return MemberData(**values)


def add_member(county: County, branch_code: str, **overrides: Any) -> Member:
    return member_register(
        actor=SYSTEM, county_id=county.pk, data=member_data(branch_code, **overrides), on=TODAY
    )


@dataclass
class Cast:
    county: County
    root: Org
    town_a: Org
    village_a1: Org
    branch_a1: Org
    group_a1: Org
    town_b: Org
    village_b1: Org
    branch_b1: Org
    alice: User
    bob: User
    carol: User
    cathy: User
    dave: User
    gina: User
    erin: User
    erin_member: Member
    member_a1: Member
    member_b1: Member


def build_cast() -> Cast:
    county = county_create(actor=SYSTEM, code="T1", name="示范旗", region_code="150824")
    root = county_root(county)

    def org(parent: Org, code: str, name: str, kind: str) -> Org:
        return org_create(actor=SYSTEM, parent=parent, code=code, name=name, kind=kind)

    town_a = org(root, "A", "甲镇党委", "township")
    village_a1 = org(town_a, "A1", "甲一村", "village")
    branch_a1 = org(village_a1, "A1B", "中共甲一村支部委员会", "branch")
    group_a1 = org(branch_a1, "A1B-G1", "第一党小组", "group")
    town_b = org(root, "B", "乙镇党委", "township")
    village_b1 = org(town_b, "B1", "乙一村", "village")
    branch_b1 = org(village_b1, "B1B", "中共乙一村支部委员会", "branch")

    def user(name: str, at: Org | None, role: str | None) -> User:
        u = User.objects.create_user(username=name, password=PASSWORD)
        if at is not None and role is not None:
            role_grant(actor=SYSTEM, user=u, org=at, role=role)
        return u

    erin = user("erin", None, None)
    erin_member = add_member(county, "A1B", name="李二妮", group_code="A1B-G1")
    erin_member.user = erin
    erin_member.save(update_fields=["user"])
    role_grant(actor=SYSTEM, user=erin, org=branch_a1, role="member")
    return Cast(
        county=county,
        root=root,
        town_a=town_a,
        village_a1=village_a1,
        branch_a1=branch_a1,
        group_a1=group_a1,
        town_b=town_b,
        village_b1=village_b1,
        branch_b1=branch_b1,
        alice=user("alice", root, "county"),
        bob=user("bob", town_a, "township"),
        carol=user("carol", branch_a1, "secretary"),
        cathy=user("cathy", branch_a1, "committee"),
        dave=user("dave", town_b, "township"),
        gina=user("gina", village_a1, "grid_worker"),
        erin=erin,
        erin_member=erin_member,
        member_a1=add_member(county, "A1B", name="王甲"),
        member_b1=add_member(county, "B1B", name="赵乙"),
    )


def api_token(username: str, password: str = PASSWORD) -> str:
    """A bearer token from POST /api/v1/auth/token, as a script gets one."""
    from django.test import Client

    body = {"username": username, "password": password}
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, str]:
    """The headers of a request with the token (the test client's `headers=`)."""
    return {"Authorization": f"Bearer {token}"}


def client_for(
    user: User, *, enforce_csrf: bool = False, password_minutes_ago: int | None = None
) -> Any:
    """A test client with the user's session already open (`force_login`: no login page, no
    second factor), for tests of what a signed-in user sees and may do; `signed_in` below
    signs in through the pages instead. `enforce_csrf`: the client sends no CSRF token unless
    the test does, as a browser script would not. `password_minutes_ago`: the password was
    last entered that many minutes ago (re-authentication asks again after five)."""
    import time

    from django.test import Client

    from zhengxing.accounts.reauth import REAUTH_KEY

    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    if password_minutes_ago is not None:
        session = client.session
        session[REAUTH_KEY] = int(time.time()) - password_minutes_ago * 60
        session.save()
    return client


def signed_in(user: User, password: str = PASSWORD, **client_options: Any) -> Any:
    """A test client signed in as a person signs in: the password on the login page, then,
    when the user must pass the second factor (settings.ZHENGXING_OTP_ROLES, or an enrolled
    app), the six digits of an authenticator app — a confirmed TOTP device of the user's (made
    here if the user has none), its current code computed as the app computes it. Every later
    request goes through the whole middleware as the person's would (benchmarks use it)."""
    from django.test import Client
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhengxing.accounts.second_factor import needs_second_factor

    client = Client(**client_options)
    login = client.post(reverse("login"), {"username": user.username, "password": password})
    assert login.status_code == 302, f"{user.username}: the password was refused"
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        verify = client.post(reverse("otp_verify"), {"code": code})
        assert verify.status_code == 302, f"{user.username}: the code was refused"
    return client


PHONE = {"width": 375, "height": 812}


def phone_page(browser: Any, base: str, username: str | None = None) -> Any:
    """A Playwright page in a phone-sized window (375×812, Chinese), signed in through the
    login page as `username` (a visitor when None), on its home page."""
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(base + "/")
    if username:
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button.primary").click()
        page.wait_for_load_state()
    return page


ASSET = re.compile(
    r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"', re.IGNORECASE
)


def static_bytes(url: str) -> bytes:
    """A static file a page loads, as the server would send it."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("?")[0].removeprefix(settings.STATIC_URL).lstrip("/")
    path = path.removeprefix(settings.STATIC_URL.strip("/") + "/")
    found = finders.find(path)
    if found is None:
        raise AssertionError(f"a page loads {url}, which is not among the static files")
    with open(found if isinstance(found, str) else found[0], "rb") as f:
        return f.read()


def page_weight(html: bytes) -> tuple[int, int, int]:
    """What a phone downloads for a page before images: its HTML and every stylesheet and
    script it loads, each once — (bytes as sent, bytes gzipped, how many files it loads)."""
    found = [a or b for a, b in ASSET.findall(html.decode())]
    files = [static_bytes(url) for url in dict.fromkeys(found)]
    raw = len(html) + sum(len(f) for f in files)
    zipped = len(gzip.compress(html)) + sum(len(gzip.compress(f)) for f in files)
    return raw, zipped, len(files)


def verify_ledger(*args: str) -> tuple[int, str, str]:
    """`zhengxing verify-ledger` run as an operator runs it: its exit code, what it printed and
    what it complained of (the failure's own line last)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify-ledger", *args, stdout=out, stderr=err)
    except CommandError as failed:
        return failed.returncode, out.getvalue(), err.getvalue() + str(failed)
    return 0, out.getvalue(), err.getvalue()


def run_sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """A statement behind the application's back, as a forger with the database would run it."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, one thread each (each with its own database
    connection, closed after); their results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as failed:
            results[i] = failed
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


# --- what a person reads on a page ------------------------------------------------------------

# Attributes a person reads (a phone's table shows data-label before each value) or hears.
READ_ATTRIBUTES = frozenset({"placeholder", "title", "aria-label", "data-label", "alt"})
# English a Chinese page may show: the names of things that have no other (API, TOTP, Excel,
# QR), and the language switch's own "English".
# Latin words a Chinese page may show (the Chinese-pages test and the browser crawl): the
# product's and others' names, the language switch, acronyms, file formats
ENGLISH_ALLOWED = frozenset(
    {"API", "TOTP", "Excel", "QR", "ID", "JSON", "English", "IP", "JPEG", "PNG", "WebP"}
    | {"Zhengxing", "ECharts", "WeChat", "Microsoft", "Google", "Authenticator", "https", "http"}
    | {"xlsx", "xlsm", "xlsb", "xls", "et", "ett", "ods", "csv", "json", "pdf", "png", "svg"}
)


def visible_texts(html: str) -> list[str]:
    """The pieces of text a person reads on the page: its text outside scripts and styles, and
    the attributes in READ_ATTRIBUTES. An element marked translate="no" holds data, not words
    (the audit log's record of a change as it was stored): it is left out."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.texts: list[str] = []
            self.hiding: str | None = None  # the tag of the element whose text is left out
            self.depth = 0  # how deep in elements of that tag

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if self.hiding is not None:
                self.depth += tag == self.hiding
                return
            if tag in ("script", "style", "template") or ("translate", "no") in attrs:
                self.hiding, self.depth = tag, 1
                return
            self.texts.extend(v for k, v in attrs if k in READ_ATTRIBUTES and v)

        def handle_endtag(self, tag: str) -> None:
            if tag == self.hiding:
                self.depth -= 1
                if self.depth == 0:
                    self.hiding = None

        def handle_data(self, data: str) -> None:
            if self.hiding is None and data.strip():
                self.texts.append(data.strip())

    reader = Reader()
    reader.feed(html)
    return reader.texts


def english_words(texts: list[str], *, typed: frozenset[str] = frozenset()) -> list[str]:
    """The English words among the texts: runs of two or more Latin letters, except the
    allowed (ENGLISH_ALLOWED) and what people typed (`typed`: names, usernames, codes, each
    word of them). A word with a digit in it (an organisation's code "HLT01B", a preset's
    "bayannur-532") is a code, not English; but a quarter written as its code ("Q1",
    "2026Q1") is found: people read 第一季度."""
    import re

    found = []
    for text in texts:
        text = re.sub(r"https?://\S+", "", text)  # an address is not words
        for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", text):
            if re.fullmatch(r"(\d{4})?Q[1-4]", token):  # a quarter as its code: 第一季度 in words
                found.append(f"{token} ({text[:60]})")
                continue
            if re.search(r"\d", token):
                continue
            for word in re.findall(r"[A-Za-z]{2,}", token):
                if word not in ENGLISH_ALLOWED and word not in typed and token not in typed:
                    found.append(f"{word} ({text[:60]})")
    return found


_CONSTRAINT_KEYS = ("columns", "primary_key", "unique", "foreign_key", "check", "index", "type")


def schema_of(db: Any = connection) -> dict[str, Any]:
    """The database's schema as it reports it (JSON-shaped), for holding two databases to the
    same schema: each table's columns (type, size, null) and constraints and indexes (columns,
    kind, target), and the migrations recorded as applied. SQLite's own account (its PRAGMAs and
    each table's CHECKs) stands in for Django's introspection of its constraints, which fails on
    some tables' JSON checks; column order is not compared (a field added later comes last)."""
    import json

    introspection = db.introspection
    tables: dict[str, Any] = {}
    with db.cursor() as cursor:
        names = sorted(t.name for t in introspection.get_table_list(cursor) if t.type == "t")
        for table in names:
            if table == "django_migrations":  # its rows' times differ; the rows are compared
                continue
            if db.vendor == "sqlite":
                tables[table] = _sqlite_table(cursor, table)
                continue
            columns = {
                c.name: [c.type_code, c.internal_size, c.precision, c.scale, c.null_ok]
                for c in introspection.get_table_description(cursor, table)
            }
            constraints = {
                name: {k: found.get(k) for k in _CONSTRAINT_KEYS}
                for name, found in introspection.get_constraints(cursor, table).items()
            }
            tables[table] = {"columns": columns, "constraints": constraints}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied = [list(row) for row in cursor.fetchall()]
    schema: dict[str, Any] = json.loads(json.dumps({"tables": tables, "applied": applied}))
    return schema


def _sqlite_table(cursor: Any, table: str) -> dict[str, Any]:
    quoted = '"' + table.replace('"', '""') + '"'
    columns = {row[1]: list(row[2:]) for row in cursor.execute(f"PRAGMA table_xinfo({quoted})")}
    indexes = {}
    for row in cursor.execute(f"PRAGMA index_list({quoted})").fetchall():
        name = row[1]
        # each column's (position, name, descending, collation, key), not its place in the table
        info = [[i[0], *i[2:]] for i in cursor.execute(f'PRAGMA index_xinfo("{name}")')]
        sql = cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name]).fetchone()
        indexes[name if not name.startswith("sqlite_autoindex") else f"auto:{info}"] = [
            list(row[2:]),
            [list(i) for i in info],
            sql[0] if sql else None,
        ]
    keys = sorted(list(row[2:]) for row in cursor.execute(f"PRAGMA foreign_key_list({quoted})"))
    sql = cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table]).fetchone()[0]
    return {"columns": columns, "indexes": indexes, "foreign_keys": keys, "checks": _checks(sql)}


def _checks(sql: str) -> list[str]:
    """The CHECK (…) clauses of a CREATE TABLE, sorted."""
    found, at = [], sql.find("CHECK (")
    while at != -1:
        depth, end = 0, at + len("CHECK ")
        for end in range(at + len("CHECK "), len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        found.append(sql[at : end + 1])
        at = sql.find("CHECK (", end)
    return sorted(found)
