"""The county's kept heads page, public (no login), at /p/integrity/<county code>/: its latest
signed tree head and public key, and the small file of its signed heads for the township and
the county to download and keep outside the database (`kept.py`), which `zhengxing
verify-ledger --against FILE` checks the database against. The county is named by its code,
never its id; what is shown carries no person, only hashes, sizes, times and the key."""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors
from .kept import heads_document


def _hex(b64: str) -> str:
    return base64.urlsafe_b64decode(b64.encode()).hex()


@require_GET
def heads(request: HttpRequest, code: str) -> HttpResponse:
    """The head published for anyone to keep. 003: "上级党委要组织专人定期开展督导检查，
    对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的情况给予通报"."""
    county = selectors.county_public(code=code)
    latest = selectors.latest_head(county_id=county.pk)
    return TemplateResponse(
        request,
        "integrity/public/heads.html",
        {
            "county": county,
            "head": latest,
            "signed_at": (
                timezone.localtime(dt.datetime.fromtimestamp(latest.timestamp / 1000, tz=dt.UTC))
                if latest
                else None
            ),
            "signature_hex": _hex(latest.signature) if latest else "",
            "key_hex": _hex(latest.public_key) if latest else "",
        },
    )


@require_GET
def heads_file(request: HttpRequest, code: str, which: str) -> HttpResponse:
    """The kept heads file: every signed head of the county (`all`) or its latest."""
    county = selectors.county_public(code=code)
    found = selectors.county_heads(county_id=county.pk, latest=which == "latest")
    document = heads_document(county=county, heads=found)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="heads-{county.code}-{which}.json"'
    return response


app_name = "public_integrity"
urlpatterns = [
    path("<str:code>/", heads, name="heads"),
    path("<str:code>/heads-all.json", heads_file, {"which": "all"}, name="heads_all"),
    path("<str:code>/heads-latest.json", heads_file, {"which": "latest"}, name="heads_latest"),
]
