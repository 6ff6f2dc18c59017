"""The county's signed tree heads published for anyone to keep (issue 24): the public page at
/p/integrity/<county code>/, its download of the kept heads file, the same file in the API at
/api/v1/integrity/public/{county}/heads, and the links to it from the notices and the county's home.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报" — a head kept outside the database is what a rewrite with the key cannot match."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from django.test import Client

from zhengxing.integrity import keys, merkle
from zhengxing.integrity.kept import FORMAT
from zhengxing.integrity.leaves import head_message
from zhengxing.integrity.models import Leaf, TreeHead
from zhengxing.ledger.models import Posting
from zhengxing.testing import Cast, client_for
from zhengxing.testing import verify_ledger as verify


def test_the_page_shows_the_latest_signed_head_and_the_key(signed_q2: Cast) -> None:
    head = TreeHead.objects.filter(county=signed_q2.county).order_by("-size").first()
    assert head is not None and head.size == 4
    page = Client().get("/p/integrity/T1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert head.root_hash in html
    assert base64.urlsafe_b64decode(head.signature).hex() in html
    assert base64.urlsafe_b64decode(head.public_key).hex() in html
    assert "/p/integrity/T1/heads-all.json" in html and "/p/integrity/T1/heads-latest.json" in html
    assert "示范旗" in html  # the county by its name and code, never its id


def test_a_county_without_heads_says_so_and_an_unknown_code_is_404(cast: Cast) -> None:
    page = Client().get("/p/integrity/T1/")
    assert page.status_code == 200 and "heads-all.json" not in page.content.decode()
    assert Client().get("/p/integrity/NOPE/").status_code == 404
    assert Client().get("/api/v1/integrity/public/NOPE/heads").status_code == 404


def test_the_downloaded_file_holds_every_signed_head_each_verifying(
    signed_q2: Cast, tmp_path: Path
) -> None:
    response = Client().get("/p/integrity/T1/heads-all.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="heads-T1-all.json"' in response["Content-Disposition"]
    doc = json.loads(response.content)
    assert doc["format"] == FORMAT and doc["county"] == "T1"
    assert doc["public_key"] == keys.public_key()
    assert [h["size"] for h in doc["heads"]] == [1, 2, 3, 4]
    for h in doc["heads"]:
        signed = head_message(county="T1", size=h["size"], root=h["root"], timestamp=h["timestamp"])
        assert keys.signature_holds(doc["public_key"], signed, h["signature"])
    stored = list(Leaf.objects.order_by("index").values_list("leaf_hash", flat=True))
    assert doc["leaves"] == stored
    assert merkle.tree_root([bytes.fromhex(x) for x in stored]).hex() == doc["heads"][-1]["root"]
    latest = json.loads(Client().get("/p/integrity/T1/heads-latest.json").content)
    assert [h["size"] for h in latest["heads"]] == [4] and latest["leaves"] == stored
    # what the township saves is what the command reads
    kept = tmp_path / "kept.json"
    kept.write_bytes(response.content)
    code, out, err = verify("--against", str(kept))
    assert code == 0 and "留存树头（T1）台账校验通过" in out, err


def test_the_api_gives_the_same_file_without_login(signed_q2: Cast) -> None:
    page = json.loads(Client().get("/p/integrity/T1/heads-all.json").content)
    api = Client().get("/api/v1/integrity/public/T1/heads")
    assert api.status_code == 200 and api.json() == page
    latest = Client().get("/api/v1/integrity/public/T1/heads", {"latest": "true"}).json()
    assert [h["size"] for h in latest["heads"]] == [4]


def test_the_notice_its_check_and_the_county_home_link_to_the_heads(signed_q2: Cast) -> None:
    posting = Posting.objects.filter(branch=signed_q2.branch_a1).first()
    assert posting is not None
    for url in (f"/p/{posting.slug}/", f"/p/{posting.slug}/verify/"):
        page = Client().get(url)
        assert page.status_code == 200 and 'href="/p/integrity/T1/"' in page.content.decode()
    home = client_for(signed_q2.alice).get("/")
    assert home.status_code == 200 and 'href="/p/integrity/T1/"' in home.content.decode()
    linked = Client().get("/p/integrity/T1/")
    assert linked.status_code == 200
