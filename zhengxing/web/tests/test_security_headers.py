"""Every page is served with a strict Content-Security-Policy (scripts and styles from this site
only: no inline script, no inline handler, no style attribute) and a Permissions-Policy that turns
the camera, the microphone and the location off; and no template carries what the policy would
block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from zhengxing.testing import Cast

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/v1/openapi.json", "/nowhere/"])
def test_every_response_carries_the_policies(cast: Cast, path: str) -> None:
    client = Client()
    client.force_login(cast.alice)

    response = client.get(path)

    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_or_widget_carries_inline_script_or_style() -> None:
    files = [*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("*/forms.py")]
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in files
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert files and found == []
