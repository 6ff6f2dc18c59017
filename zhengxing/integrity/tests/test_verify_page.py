"""The public verify page of a posted notice (issue 24, part 2) and what it fetches: the
notice's proof at /api/v1/integrity/public/{county}/notices/{slug}/proof — its signed quarter's
leaf, its path to the county's latest signed head, the head and the key — and the consistency
proof between two heads; the notice's QR code pointing at the page with its printed figures.
Only what the notice already shows, and hashes: no person's id, ID number or phone.

Issue 24: "a page where anyone pastes or scans a notice's QR code and sees whether the ledger
still matches what was posted"; 003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚
作假、评选过程不公正和结果不及时公开的情况给予通报"."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from zhengxing.integrity import keys, merkle
from zhengxing.integrity.leaves import head_message
from zhengxing.integrity.models import Leaf, TreeHead
from zhengxing.ledger.models import Posting
from zhengxing.ledger.views.public import qr_svg
from zhengxing.orgs.models import County
from zhengxing.testing import Cast
from zhengxing.testing import run_sql as sql


def notice(cast: Cast, quarter: int = 2) -> Posting:
    return Posting.objects.get(branch=cast.branch_a1, year=2026, quarter=quarter)


def proof_of(posting: Posting) -> dict:
    response = Client().get(f"/api/v1/integrity/public/T1/notices/{posting.slug}/proof")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_proof_holds_for_a_signed_quarter_and_carries_nothing_private(
    signed_q2: Cast,
) -> None:
    posting = notice(signed_q2)
    data = proof_of(posting)
    leaf = data["leaf"]
    assert leaf["content"] == leaf["anchored"] == Leaf.objects.get(close=posting.close).content
    head = data["head"]
    assert head["size"] == 4 and leaf["index"] == 3
    path = [bytes.fromhex(p) for p in data["proof"]]
    hashed = merkle.leaf_hash(leaf["content"].encode())
    assert merkle.inclusion_holds(
        leaf["index"], head["size"], hashed, path, bytes.fromhex(head["root"])
    )
    signed = head_message(
        county="T1", size=head["size"], root=head["root"], timestamp=head["timestamp"]
    )
    assert head["public_key"] == keys.public_key()
    assert keys.signature_holds(head["public_key"], signed, head["signature"])
    # the leaf's figures are the notice's sums (its 合计 row)
    content = json.loads(leaf["content"])
    n = data["notice"]
    assert (
        (n["quarter"], n["head_hash"])
        == ("2026Q2", posting.head_hash)
        == (
            content["quarter"],
            content["head_hash"],
        )
    )
    assert (
        Decimal(n["additions"])
        == Decimal(content["base_total"]) + Decimal(content["bonus_total"])
        == Decimal("21.0")
    )  # 王甲 snow +1, 李二妮 haircuts +20
    assert n["deductions"] == content["deduction_total"] == "0.0"
    assert data["chain"] == {"matches": True, "problem": ""}
    text = json.dumps(data, ensure_ascii=False)
    for member in (signed_q2.member_a1, signed_q2.erin_member):
        assert member.name not in text and member.id_card not in text and member.phone not in text
    assert "member_id" not in text


def test_a_notice_of_another_county_or_none_is_404(signed_q2: Cast) -> None:
    posting = notice(signed_q2)
    County.objects.create(code="T2", name="别的旗")
    assert (
        Client().get(f"/api/v1/integrity/public/T2/notices/{posting.slug}/proof").status_code == 404
    )
    assert Client().get("/api/v1/integrity/public/T1/notices/nope/proof").status_code == 404
    assert Client().get(f"/p/integrity/T2/verify/?n={posting.slug}").status_code == 404
    assert Client().get("/p/integrity/T1/verify/?n=nope").status_code == 404


def test_a_quarter_not_in_the_tree_is_said_plainly(signed_q2: Cast) -> None:
    posting = notice(signed_q2)
    sql("DELETE FROM integrity_treehead")
    sql("DELETE FROM integrity_leaf")
    assert (
        Client().get(f"/api/v1/integrity/public/T1/notices/{posting.slug}/proof").status_code == 404
    )
    page = Client().get(f"/p/integrity/T1/verify/?n={posting.slug}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "尚未记入县核验树" in html and "data-proof=" not in html


def test_the_consistency_proof_from_a_kept_head_to_the_latest(signed_q2: Cast) -> None:
    heads = {h.size: h for h in TreeHead.objects.filter(county=signed_q2.county)}
    for first in (1, 2, 3, 4):
        data = Client().get("/api/v1/integrity/public/T1/consistency", {"first": first}).json()
        assert data["first"] == first and data["head"]["size"] == 4
        assert merkle.consistency_holds(
            first,
            4,
            bytes.fromhex(heads[first].root_hash),
            bytes.fromhex(data["head"]["root"]),
            [bytes.fromhex(p) for p in data["proof"]],
        )
    between = Client().get("/api/v1/integrity/public/T1/consistency", {"first": 1, "second": 3})
    assert between.json()["head"]["size"] == 3
    # a head the county no longer has (a tree cut back), or a first past the second: 404
    for query in ({"first": 9}, {"first": 3, "second": 2}, {"first": 1, "second": 9}):
        assert Client().get("/api/v1/integrity/public/T1/consistency", query).status_code == 404


def test_the_page_for_a_notice_loads_its_script_and_names_its_proof(signed_q2: Cast) -> None:
    posting = notice(signed_q2)
    page = Client().get(f"/p/integrity/T1/verify/?n={posting.slug}&h=abcd&a=21.0&d=0.0")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-proof="/api/v1/integrity/public/T1/notices/{posting.slug}/proof"' in html
    assert "/static/integrity/verify.js" in html and 'id="verify-text"' in html
    assert 'value="abcd"' in html and 'value="21.0"' in html
    assert f'href="/p/{posting.slug}/"' in html  # back to the notice and its objections
    assert 'href="/p/integrity/T1/"' in html
    assert 'data-consistency="/api/v1/integrity/public/T1/consistency"' in html
    bare = Client().get("/p/integrity/T1/verify/")
    assert bare.status_code == 200 and "data-proof" not in bare.content.decode()


def test_a_pasted_address_leads_to_its_notice_with_what_it_carries(signed_q2: Cast) -> None:
    posting = notice(signed_q2)
    own = Client().get(
        "/p/integrity/T1/verify/", {"n": f"https://x.example/p/{posting.slug}/", "h": "ab12"}
    )
    assert own.status_code == 302
    assert parse_qs(urlsplit(own["Location"]).query) == {"n": [posting.slug], "h": ["ab12"]}
    chain = Client().get("/p/integrity/T1/verify/", {"n": f"/p/{posting.slug}/verify/"})
    assert parse_qs(urlsplit(chain["Location"]).query) == {"n": [posting.slug]}
    qr = f"https://x.example/p/integrity/T1/verify/?n={posting.slug}&h={posting.head_hash}&a=21.0&d=0.0"
    pasted = Client().get("/p/integrity/T1/verify/", {"n": qr})
    assert pasted.status_code == 302
    where = urlsplit(pasted["Location"])
    assert where.path == "/p/integrity/T1/verify/"
    assert parse_qs(where.query) == {
        "n": [posting.slug],
        "h": [posting.head_hash],
        "a": ["21.0"],
        "d": ["0.0"],
    }


def test_the_notice_qr_code_carries_the_verify_page_with_its_printed_figures(
    signed_q2: Cast,
) -> None:
    posting = notice(signed_q2, quarter=1)
    page = Client().get(f"/p/{posting.slug}/")
    html = page.content.decode()
    expected = (
        f"http://testserver/p/integrity/T1/verify/?n={posting.slug}&h={posting.head_hash}"
        "&a=7.0&d=-5.0"  # Q1: 王甲 +1 +5, 李二妮 +1 -5
    )
    assert page.context["qr"] == qr_svg(expected, title=f"http://testserver/p/{posting.slug}/")
    # what it carried before, the notice's own address, is still printed beside it
    assert f"http://testserver/p/{posting.slug}/" in html
    # the 合计 row, the printed check code, and no 64-digit hash for a villager to read
    assert "7.0" in html and "-5.0" in html and "2.0" in html
    code = " ".join(posting.head_hash[i : i + 4] for i in range(0, 16, 4))
    assert code in html and posting.head_hash not in html
    assert f'href="/p/integrity/T1/verify/?n={posting.slug}"' in html


@pytest.mark.parametrize("url", ["/p/integrity/T1/"])
def test_the_heads_page_links_to_the_verify_page(signed_q2: Cast, url: str) -> None:
    html = Client().get(url).content.decode()
    assert 'href="/p/integrity/T1/verify/"' in html
    assert Client().get("/p/integrity/T1/verify/").status_code == 200
