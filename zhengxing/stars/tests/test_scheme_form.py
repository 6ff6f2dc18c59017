"""A scheme is edited through a form — weights, score bands, named stars and their menus — and
kept as JSON for export and import. The form is checked by the same rules as an imported
scheme, each problem beside the part it concerns; what it does not show (what feeds a named
star, tiers, red stars) is kept. The county edits its own; a township's edit narrows the
county's for itself ("以党支部为单位", 003: a township may run the scheme its own way)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from zhengxing.stars.forms import SchemeEditForm
from zhengxing.stars.models import StarScheme
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import SYSTEM, Cast, client_for


@pytest.fixture
def scheme(cast: Cast) -> StarScheme:
    return scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532"
    )


def filled(scheme: StarScheme, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it from the scheme, with `changes` typed in."""
    form = SchemeEditForm(base=scheme.spec)
    data = {n: "" if form[n].initial is None else form[n].initial for n in form.fields}
    return {**data, **changes}


def current(scheme: StarScheme, owner: Any = None) -> StarScheme:
    return StarScheme.objects.get(
        owner=owner or scheme.owner, year=2026, subject=scheme.subject, is_current=True
    )


def test_the_county_edits_weights_bands_and_names_into_a_new_version(
    cast: Cast, scheme: StarScheme
) -> None:
    alice = client_for(cast.alice)
    url = reverse("stars:scheme_edit", args=[scheme.pk])
    page = alice.get(url)
    assert page.status_code == 200
    assert 'name="weight_points" value="60"' in page.content.decode()
    assert f'href="{url}"' in alice.get(reverse("stars:schemes") + "?year=2026").content.decode()

    saved = alice.post(
        url,
        filled(
            scheme,
            weight_points="70",
            weight_member_eval="10",
            band_min_1="45",
            criterion_name_0="政治坚定星",
            band_min_11="99",  # a new band in an empty row
            band_stars_11="10",
        ),
    )
    assert saved.status_code == 302
    new = current(scheme)
    assert new.version == scheme.version + 1
    assert new.spec["weights"] == {"points": "70", "member_eval": "10", "public_eval": "20"}
    assert {"min": "45", "stars": 1} in new.spec["bands"]
    assert {"min": "99", "stars": 10} in new.spec["bands"]
    first = new.spec["criteria"][0]
    assert first["name"] == "政治坚定星"
    # what feeds the star, which the form does not show, is kept with its code
    assert first["questions"] == scheme.spec["criteria"][0]["questions"]
    assert new.spec["tiers"] == scheme.spec["tiers"]


def test_the_same_rules_as_an_import_refuse_it_beside_the_fields(
    cast: Cast, scheme: StarScheme
) -> None:
    alice = client_for(cast.alice)
    url = reverse("stars:scheme_edit", args=[scheme.pk])
    refused = alice.post(url, filled(scheme, weight_points="50", band_min_2="40"))
    assert refused.status_code == 400
    html = refused.content.decode()
    weights = html[html.index('id="weights"') : html.index('id="bands"')]
    bands = html[html.index('id="bands"') : html.index('id="criteria"')]
    assert "各项权重之和应为100%，现为90%" in weights
    assert "星级对照表重叠：40分出现在两档中" in bands
    assert current(scheme).version == scheme.version  # nothing saved

    picked = alice.post(url, filled(scheme, picks_duty="9"))
    html = picked.content.decode()
    criteria = html[html.index('id="criteria"') :]
    assert picked.status_code == 400 and "职责星要选9颗" in criteria

    half = alice.post(url, filled(scheme, band_min_12="50"))
    assert half.status_code == 400
    assert "A band needs both" in half.content.decode() or "分数和星数" in half.content.decode()


def test_a_township_narrows_the_countys_scheme_for_itself(cast: Cast, scheme: StarScheme) -> None:
    bob = client_for(cast.bob)
    url = reverse("stars:scheme_edit", args=[scheme.pk])
    assert bob.post(url, filled(scheme, missing="rescale")).status_code == 302
    assert current(scheme, cast.town_a).spec["missing"] == "rescale"
    assert current(scheme).version == scheme.version  # the county's is untouched
    assert client_for(cast.carol).get(url).status_code == 404  # a branch sets no scheme
    assert (
        client_for(cast.dave)
        .get(reverse("stars:scheme_edit", args=[current(scheme, cast.town_a).pk]))
        .status_code
        == 404
    )  # another township's


def test_the_json_goes_out_and_comes_back_in(cast: Cast, scheme: StarScheme) -> None:
    alice = client_for(cast.alice)
    exported = alice.get(reverse("stars:scheme_export", args=[scheme.pk]))
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    spec = json.loads(exported.content)
    assert spec == scheme.spec
    spec["weights"] = {"points": "80", "member_eval": "10", "public_eval": "10"}
    imported = alice.post(
        reverse("stars:schemes") + "?year=2026", {"spec": json.dumps(spec, ensure_ascii=False)}
    )
    assert imported.status_code == 302
    assert current(scheme).spec["weights"]["points"] == "80"
    spec["weights"]["points"] = "70"
    refused = alice.post(reverse("stars:schemes") + "?year=2026", {"spec": json.dumps(spec)})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "各项权重之和应为100%，现为90%" in html[html.index('name="spec"') - 400 :]
