import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop running in the test thread; Django then refuses
# synchronous database calls there (including the test database's own set-up and flush) unless
# this is set. Tests only: the server code never runs inside an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from zhengxing.testing import Cast, build_cast

# A test that uses the database runs on both engines: these mark it so (pytest-django).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


# The modules whose tests take minutes (processes killed and raced, a server of four workers,
# the demo crawled by every role in the browser, the migrations run): collected first, after the
# tests of the shared demo county, so that with workers (`pytest -n 2`, pytest-xdist) they start
# at once, side by side, instead of leaving one worker to finish them alone.
LONG = (
    "zhengxing/ops/tests/test_kills.py",
    "zhengxing/ops/tests/test_migrations.py",
    "zhengxing/ops/tests/test_process_races.py",
    "zhengxing/ops/tests/test_shared_limits.py",
    "zhengxing/web/tests/test_crawl.py",
)


class _SharedDemo:
    """The demo county (`zhengxing.ops.demo.demo_build`), built once for every test that asks
    for it in a row, inside a transaction rolled back before the next test that does not. The
    modules that use it mark themselves `pytest.mark.xdist_group("demo")`, so that one worker
    runs them one after another (pytest-xdist, `--dist loadgroup`), and they are collected side
    by side (pytest_collection_modifyitems; a test of the county outside that group stops the
    collection): one build a pass. Each of their tests also takes `db` (or is marked
    django_db), so what a test writes is undone after it."""

    def __init__(self) -> None:
        self.atomic: Any = None
        self.result: Any = None
        self.blocker: Any = None  # pytest-django's django_db_blocker

    def get(self, blocker: Any) -> Any:
        self.blocker = blocker
        if self.atomic is None:
            from django.db import transaction
            from django.test import override_settings

            from zhengxing.ops.demo import demo_build

            hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            with blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                try:
                    self.result = demo_build()
                except BaseException:
                    self.release()
                    raise
        return self.result

    def release(self) -> None:
        if self.atomic is not None:
            from django.db import transaction

            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
            self.atomic = self.result = None


_shared_demo = _SharedDemo()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Any:
    """The demo county, shared by the tests that ask for it in a row (_SharedDemo)."""
    return _shared_demo.get(django_db_blocker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After the last of a row of tests that use the demo county, its transaction is rolled
    back, so that the next test starts from an empty database."""
    yield
    if _shared_demo.atomic is not None and (nextitem is None or not _uses_demo(nextitem)):
        _shared_demo.release()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long tests first (LONG). The two passes (README, Tests): the SQLite pass runs
    `-m "not postgres"`, the PostgreSQL pass `-m "not engine_neutral"`. A browser test is
    engine-neutral by its marker (what it checks is the page in chromium; the queries behind the
    page run in the page tests of both passes). Any other test marked engine_neutral must not
    use the database, and no test may be engine-neutral and PostgreSQL-only (it would run in
    neither pass)."""
    for item in items:
        browser = item.get_closest_marker("browser") is not None
        neutral = item.get_closest_marker("engine_neutral") is not None
        if browser and not neutral:
            item.add_marker(pytest.mark.engine_neutral)
        elif neutral and not browser and _uses_database(item):
            uses = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            raise pytest.UsageError(
                f"{item.nodeid} is marked engine_neutral but uses the database "
                f"({', '.join(sorted(uses)) or 'django_db'}): it must run on both engines"
            )
        if (browser or neutral) and item.get_closest_marker("postgres"):
            raise pytest.UsageError(f"{item.nodeid}: marked both engine_neutral and postgres")
        if _uses_demo(item) and not (
            {"db"} & set(item.fixturenames) or item.get_closest_marker("django_db")  # type: ignore[attr-defined]
        ):
            raise pytest.UsageError(
                f"{item.nodeid} uses the demo county without `db`: what it writes would stay "
                "for the next test (_SharedDemo)"
            )
        if _uses_demo(item) and _xdist_group(item) != "demo":
            raise pytest.UsageError(
                f'{item.nodeid} uses the demo county outside pytest.mark.xdist_group("demo"): '
                "another worker would build the county again (_SharedDemo)"
            )
    # The demo county's tests side by side (one build), then the long ones; stable: the order
    # is kept within each
    items.sort(key=lambda item: 0 if _uses_demo(item) else 1 if item.nodeid.startswith(LONG) else 2)


def _uses_database(item: pytest.Item) -> bool:
    """Whether the test uses the test database (a fixture of DATABASE_FIXTURES, django_db)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(DATABASE_FIXTURES & fixtures or item.get_closest_marker("django_db"))


def _uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


def _xdist_group(item: pytest.Item) -> str | None:
    """The group of pytest-xdist's `--dist loadgroup` the test is in (its closest mark)."""
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return None
    return str(mark.kwargs.get("name", mark.args[0] if mark.args else "default"))


# The fixtures that need a migrated database of their own, beside the test database: the
# processes of ops' tests (ops/tests/conftest.py, `scratch`) and the served demo county of the
# browser walks and the crawl (`built_demo`, web/tests/served.py).
NEEDS_MIGRATED = frozenset({"scratch", "built_demo"})


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """On SQLite the test databases are made from the models as they are (Django's
    TEST["MIGRATE"] = False: `migrate --run-syncdb`), not by running the migrations: replaying
    the migrations' states costs ~40 s of CPU a database (one a worker, and more for the
    processes' own databases), the tables themselves a second. That the migrations build the
    same schema is a test of its own (ops/tests/test_migrations.py), run once a pass; that they
    match the models, `makemigrations --check` (make lint). The PostgreSQL pass still migrates
    its test databases: a database made there from the models has not been run through the
    whole pass yet."""
    from django.db import connections

    for alias in connections:
        if connections[alias].vendor == "sqlite":
            connections[alias].settings_dict.setdefault("TEST", {})["MIGRATE"] = False


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: Any,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database (django_db_modify_db_settings), its migrations recorded as
    applied, as `migrate` leaves them; then, on SQLite, if this session runs a test that starts
    processes of its own on a migrated database (NEEDS_MIGRATED), a copy of it taken now, before
    any test writes, for `migrated_database`. pytest-django makes a test database only for a
    session with tests that use one: for a session of such tests alone (the kills, the browser
    walks) it is made here, so that nothing is recorded in the development database."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    items = request.session.items
    needed = any(NEEDS_MIGRATED & set(getattr(i, "fixturenames", ())) for i in items)
    made = None
    if needed and not any(_uses_database(i) for i in items):
        with django_db_blocker.unblock():
            made = setup_databases(verbosity=0, interactive=False, aliases={"default"})  # type: ignore[arg-type]
    with django_db_blocker.unblock():
        _record_migrations_applied(connection)
    if needed and connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
        with django_db_blocker.unblock():
            connection.ensure_connection()
            with sqlite3.connect(path) as target:
                connection.connection.backup(target)
            target.close()
        _migrated_url.append(f"sqlite:///{path}")
    yield
    if made is not None:
        with django_db_blocker.unblock():
            teardown_databases(made, verbosity=0)


_migrated_url: list[str] = []


def _record_migrations_applied(connection: Any) -> None:
    """Every migration on disk recorded as applied (django_migrations), as `migrate` would."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    applied = set(recorder.applied_migrations())
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    plan = [node for leaf in graph.leaf_nodes() for node in graph.forwards_plan(leaf)]
    recorder.Migration.objects.bulk_create(
        recorder.Migration(app=app, name=name)
        for app, name in dict.fromkeys(plan)
        if (app, name) not in applied
    )


@pytest.fixture(scope="session")
def migrated_database(django_db_setup: None) -> Iterator[str]:
    """The URL of a database with every migration applied and nothing else, for processes the
    test starts (never written by a test: copy it). On SQLite a copy of the test database taken
    before any test ran (django_db_setup); on PostgreSQL a fresh database, migrated."""
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    if connection.vendor == "sqlite":
        if not _migrated_url:
            raise RuntimeError(f"only the fixtures of NEEDS_MIGRATED may use it: {NEEDS_MIGRATED}")
        yield _migrated_url[0]
        return
    import psycopg

    server = os.environ["DATABASE_URL"]
    admin = urlunsplit(urlsplit(server)._replace(path="/postgres"))
    name = f"zx_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    subprocess.run(
        [sys.executable, "-m", "zhengxing", "migrate", "-v0"],
        env={**os.environ, "DATABASE_URL": url}, cwd=Path(__file__).resolve().parent.parent,
        check=True, timeout=900,
    )  # fmt: skip
    yield url
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # PBKDF2 at production strength costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _second_factor_where_asked(settings: pytest.FixtureRequest) -> None:
    # The cast's county and township users would each be sent to enrol an authenticator app on
    # their first page; tests of what those pages do sign in with the password alone. The
    # second factor's own tests (web/tests/test_second_factor.py) turn it back on.
    settings.ZHENGXING_OTP_ROLES = ()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def _job_files(tmp_path_factory: pytest.TempPathFactory) -> object:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _jobs_at_once(settings: pytest.FixtureRequest, _job_files: object) -> None:
    # Background jobs run at once, in the process and transaction that start them; the files
    # they keep go to a temporary folder. The worker's own tests
    # (zhengxing/jobs/tests/test_worker.py) run a real one, in a process of its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = _job_files  # type: ignore[attr-defined]


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium: Playwright cannot download its own browser on these machines."""
    import shutil

    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("chromium is not installed: run scripts/system-deps")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory, migrated_database: str) -> Any:
    """The demo county as `make run` builds it, in a directory of its own (its SQLite file and
    keys), built once a session for the browser tests that serve a copy of it
    (web/tests/served.py). Their modules share the xdist group "crawl", so one worker builds
    it once for all of them. On SQLite its database starts as a copy of `migrated_database`
    (the schema `migrate` makes, ops/tests/test_migrations.py) instead of running the
    migrations again (~60 s of CPU)."""
    from zhengxing.web.tests.served import demo_build

    url = migrated_database
    migrated = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None
    return demo_build(tmp_path_factory.mktemp("demo"), migrated=migrated)


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    """The API's OpenAPI document, as a client reads it (/api/v1/openapi.json)."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document
