"""The suite's own arrangements (zhengxing/conftest.py): the files they name exist, and the shared
demo county leaves nothing behind."""

from pathlib import Path

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
