"""The county's kept heads page, public (no login), at /p/integrity/<county code>/: its latest
signed tree head and public key, and the small file of its signed heads for the township and
the county to download and keep outside the database (`kept.py`), which `zhengxing
verify-ledger --against FILE` checks the database against. The county is named by its code,
never its id; what is shown carries no person, only hashes, sizes, times and the key."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhengxing.ledger.rules import Quarter

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


# What the page's script says, in the page's language ({0}, {1}: what it fills in)
TEXT = {
    "matches": _("The ledger matches the notice (与公示一致)"),
    "differs": _("The ledger does NOT match the notice (与公示不一致)"),
    "cannot": _("This browser could not finish the check"),
    "checking": _("Checking in your browser…"),
    "tree_ok": _(
        "The quarter as the ledger holds it today is entry {0} of the county's signed tree of "
        "{1}: nobody has changed it since it was signed."
    ),
    "tree_bad": _(
        "The quarter as the ledger holds it today is not the one in the county's signed tree: "
        "it was changed after it was signed."
    ),
    "tree_changed": _(
        "The quarter as the ledger holds it today is not the one in the county's signed tree: "
        "it was changed after it was signed. The tree still proves what was signed:"
    ),
    "field_changed": _("{0} was {1} when signed, is {2} now."),
    "signature_ok": _("The county's tree head is signed with the county's key (Ed25519)."),
    "signature_bad": _(
        "The tree head's signature does not hold: the head was not signed by the county's key."
    ),
    "no_ed25519": _(
        "This browser cannot check Ed25519 signatures, so the head's signature was NOT checked. "
        "Open this page in a current Chrome, Edge, Firefox or Safari."
    ),
    "no_webcrypto": _(
        "This browser cannot compute the check (no WebCrypto, or the page was not opened over "
        "https). Nothing was checked."
    ),
    "names_ok": _("The signed record names this branch, this quarter and this county."),
    "names_bad": _("The signed record is not this notice's (another branch, quarter or county)."),
    "figures_ok_paper": _("The figures you hold (from the QR code or the paper) match the ledger."),
    "figures_bad_paper": _(
        "The figures you hold (from the QR code or the paper) differ from the ledger:"
    ),
    "figures_ok_online": _(
        "The notice as posted online matches the ledger. For a stronger check, scan the QR code "
        "on the paper notice, or type its check code and sums below."
    ),
    "figures_bad_online": _("The notice as posted online differs from the ledger:"),
    "figures_none": _("No figure to compare: type the check code from the paper notice."),
    "chain_ok": _("The server walked the branch's ledger chain up to the notice's head: it holds."),
    "chain_bad": _("The server's walk of the branch's ledger chain failed: {0}"),
    "figure_code": _("Check code (chain head)"),
    "figure_additions": _("Additions, sum"),
    "figure_deductions": _("Deductions, sum"),
    "field_head_hash": _("The chain head's hash"),
    "field_head_seq": _("The chain head's number"),
    "field_entries": _("The number of entries"),
    "field_base_total": _("Base points, sum"),
    "field_bonus_total": _("Bonus points, sum"),
    "field_deduction_total": _("Deductions, sum"),
    "same": _("same"),
    "different": _("different"),
    "not_anchored": _(
        "This notice's quarter is not in the county's signed tree yet, so it cannot be checked "
        "here."
    ),
    "failed": _("The check could not be loaded. Try again later."),
    "detail_leaf": _("The signed record (the leaf)"),
    "detail_index": _("Its place in the tree / the tree's size"),
    "detail_root_walked": _("Root computed in this browser"),
    "detail_root_signed": _("Root of the signed head"),
    "detail_signed_at": _("Head signed at (UTC)"),
    "detail_key": _("County's public key (Ed25519, hexadecimal)"),
    "detail_signature": _("Signature (Ed25519, hexadecimal)"),
    "detail_path": _("Inclusion proof (RFC 9162), nearest the leaf first"),
    "detail_ms": _("Time the check took in this browser (ms)"),
    "kept_ok": _("The county's current tree extends the head you kept, unchanged"),
    "kept_bad": _("The county's current tree does NOT extend the head you kept"),
    "kept_unsupported": _("This browser could not finish the check"),
    "kept_unreadable": _("This is not a kept heads file (heads-latest.json or heads-all.json)."),
    "kept_other_county": _("The file is county {0}'s, not this county's."),
    "kept_kept_signed": _("The head you kept ({0} quarters) carries the county's signature."),
    "kept_kept_unsigned": _("The head you kept ({0} quarters) is not validly signed."),
    "kept_no_such_head": _(
        "The county's database no longer has a head of {0} quarters: its tree was cut back or "
        "rewritten."
    ),
    "kept_key_changed": _("The county's key is not the one in your file."),
    "kept_now_signed": _("The current head ({0} quarters) carries the county's signature."),
    "kept_now_unsigned": _("The current head ({0} quarters) is not validly signed."),
    "kept_extends": _(
        "The consistency proof holds: the tree of {1} quarters keeps your {0} unchanged."
    ),
    "kept_not_extends": _(
        "The consistency proof fails: the tree of {1} quarters does not keep your {0} unchanged."
    ),
    "kept_no_ed25519": _(
        "This browser cannot check Ed25519 signatures: the signatures were NOT checked."
    ),
}

HELD = ("h", "a", "d")  # what the visitor holds on paper: the check code, the two sums


def _pasted(address: str, request: HttpRequest, code: str) -> str:
    """The verify page for a pasted address: the QR code's (this page's, with the figures it
    carries, perhaps another county's) or the notice's own, /p/<slug>/."""
    parts = urlsplit(address)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k in ("n", *HELD)}
    segments = [s for s in parts.path.split("/") if s]
    if segments[:2] == ["p", "integrity"] and len(segments) >= 3:
        code = segments[2]
    elif segments[:1] == ["p"] and (len(segments) == 2 or segments[2:] == ["verify"]):
        query["n"] = segments[1]  # the notice, /p/<slug>/, or its chain's check, …/verify/
    for key in HELD:  # what was typed beside the address, unless the address carries it
        if request.GET.get(key) and key not in query:
            query[key] = request.GET[key]
    return f"{reverse('public_integrity:verify', args=[code])}?{urlencode(query)}"


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone pastes or scans a notice's QR code and sees whether the ledger still matches what
    was posted (issue 24): the page's script (static/integrity/verify.js) fetches the notice's
    proof and checks it in the browser — the quarter's leaf hashed, its path walked to the
    county's signed head (RFC 9162 §2.1.3.2), the head's Ed25519 signature — and compares the
    leaf with the figures the visitor holds (the QR code's, or the check code and sums typed
    from a paper notice). A kept heads file is checked against the latest head the same way
    (§2.1.4.2). 003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不
    公正和结果不及时公开的情况给予通报"."""
    county = selectors.county_public(code=code)
    given = request.GET.get("n", "").strip()
    if "/" in given:
        return redirect(_pasted(given, request, code))
    posting = selectors.county_notice(county=county, slug=given) if given else None
    context = {
        "county": county,
        "given": given,
        "posting": posting,
        "held": {key: request.GET.get(key, "").strip()[:80] for key in HELD},
        "consistency_url": reverse("api-1:heads_consistency", args=[county.code]),
        "has_head": selectors.latest_head(county_id=county.pk) is not None,
        "text": TEXT,
    }
    if posting is not None:
        context |= {
            "quarter": Quarter(posting.year, posting.quarter),
            "anchored": selectors.notice_anchored(posting=posting),
            "proof_url": reverse("api-1:notice_proof", args=[county.code, posting.slug]),
        }
    status = 404 if given and posting is None else 200
    return TemplateResponse(request, "integrity/public/verify.html", context, status=status)


app_name = "public_integrity"
urlpatterns = [
    path("<str:code>/", heads, name="heads"),
    path("<str:code>/verify/", verify, name="verify"),
    path("<str:code>/heads-all.json", heads_file, {"which": "all"}, name="heads_all"),
    path("<str:code>/heads-latest.json", heads_file, {"which": "latest"}, name="heads_latest"),
]
