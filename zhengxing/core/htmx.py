"""HTMX partials from the same view and template (`for_htmx`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

View = Callable[..., HttpResponse]


def for_htmx(*, use_template: str, if_hx_target: str | None = None) -> Callable[[View], View]:
    """Render `use_template` (a partial the full page includes) for an HTMX request, optionally
    only one aimed at `if_hx_target`: the pattern of spookylukey's django-htmx-patterns. The
    view builds one context for both; a history restore (back button) gets the full page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def _view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            htmx = request.htmx  # type: ignore[attr-defined]
            if (
                isinstance(response, TemplateResponse)
                and htmx
                and not htmx.history_restore_request
                and (if_hx_target is None or htmx.target == if_hx_target)
            ):
                response.template_name = use_template
            patch_vary_headers(response, ("HX-Request", "HX-Target"))
            return response

        return _view

    return decorator
