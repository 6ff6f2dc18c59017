"""The suite's own arrangements (zhengxing/conftest.py): the files they name exist, and the shared
demo county leaves nothing behind."""

from pathlib import Path
from typing import Any

import pytest

from zhengxing.conftest import LONG

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.engine_neutral
def test_the_long_tests_collected_first_are_still_where_they_are_named() -> None:
    """A long module moved elsewhere would quietly be collected last again (CI's time)."""
    assert [name for name in LONG if not (ROOT / name).is_file()] == []


@pytest.mark.django_db
def test_the_shared_demo_county_is_built_once_and_rolled_back_whole(
    django_db_blocker: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """conftest's _SharedDemo: one build for a row of tests, nothing of it left after."""
    from zhengxing.conftest import _SharedDemo
    from zhengxing.orgs.models import County

    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        County.objects.create(code="DEMO-X", name="示例旗", region_code="150800")
        return "built"

    monkeypatch.setattr("zhengxing.ops.demo.demo_build", build)
    shared = _SharedDemo()
    assert shared.get(django_db_blocker) == shared.get(django_db_blocker) == "built"
    assert builds == [1] and County.objects.filter(code="DEMO-X").exists()
    shared.release()
    assert not County.objects.filter(code="DEMO-X").exists()
    assert shared.get(django_db_blocker) == "built" and builds == [1, 1]
    shared.release()


class _Item:
    """What pytest_collection_modifyitems reads of a collected test."""

    def __init__(self, nodeid: str, fixtures: tuple[str, ...], *marks: pytest.MarkDecorator):
        self.nodeid, self.fixturenames = nodeid, list(fixtures)
        self.marks = [m.mark for m in marks]

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return next((m for m in self.marks if m.name == name), None)

    def add_marker(self, mark: pytest.MarkDecorator) -> None:
        self.marks.append(mark.mark)


@pytest.mark.engine_neutral
def test_a_test_of_the_demo_county_outside_its_worker_group_stops_the_collection() -> None:
    """Each worker that runs a test asking for `demo` builds the county (minutes): a test of it
    outside xdist_group("demo") would have a second worker build it too."""
    from zhengxing.conftest import pytest_collection_modifyitems

    collected: Any = pytest_collection_modifyitems  # with stand-ins for the items and config

    grouped = pytest.mark.xdist_group("demo")
    inside = _Item("a.py::test_in", ("db", "demo"), grouped)
    named = _Item("c.py::test_named", ("db", "demo"), pytest.mark.xdist_group(name="demo"))
    other = _Item("d.py::test_other", ("db",))
    items = [other, inside, named]
    collected(None, items)
    assert items == [inside, named, other]
    for marks in ((), (pytest.mark.xdist_group("crawl"),)):
        outside = _Item("b.py::test_out", ("db", "demo"), *marks)
        with pytest.raises(pytest.UsageError, match=r"b\.py::test_out .*xdist_group"):
            collected(None, [inside, outside])


@pytest.mark.engine_neutral
@pytest.mark.xdist_group("demo")
def test_the_tests_of_a_worker_group_run_on_one_worker(request: pytest.FixtureRequest) -> None:
    """With workers (`make test`: pytest-xdist's `--dist loadgroup`) the tests of a group run on
    one worker by the group's name added to their ids: without it each worker builds the demo
    county and the served one (minutes each), as pytest 9.2 had it (xdist #1386; pyproject.toml
    keeps pytest below 9.2). Without workers there are no groups to check."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@demo"), request.node.nodeid
