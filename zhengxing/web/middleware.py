import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the language switch.

    Django's own middleware follows the browser's Accept-Language, which on a township office
    PC or a borrowed phone is often English; the people using this read Chinese first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


POLL_HEADER = "X-Zhengxing-Poll"


class IdleTimeoutMiddleware:
    """Signs a user out after ZHENGXING_IDLE_MINUTES (30) without a request. The moment of the
    last request is kept in the session, rewritten at most once a minute (so the session, and
    its cookie's expiry, are not saved on every request)."""

    KEY = "zx_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            idle = settings.ZHENGXING_IDLE_MINUTES * 60
            if isinstance(seen, int) and now - seen > idle:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity."))
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "会话已超时，请重新登录", "code": "unauthenticated"}, status=401
                    )
                return redirect_to_login(request.get_full_path())
            # a page polling by itself (a job's progress bar: X-Zhengxing-Poll) is not the
            # person's activity, and writes nothing (on SQLite it would wait behind a job's work)
            polled = request.headers.get(POLL_HEADER) == "1"
            if not polled and (not isinstance(seen, int) or now - seen >= 60):
                request.session[self.KEY] = now
        return self.get_response(request)

    @classmethod
    def seen(cls, request: HttpRequest) -> None:
        """Start the idle clock (at login, so the first page does not write the session)."""
        request.session[cls.KEY] = int(time.time())


# No inline script, no inline event handler, no style attribute: everything the pages run and
# wear comes from /static/ (styles too: 'unsafe-inline' is not needed for them either). ECharts
# sets its canvas's styles through the CSSOM, which the policy allows; htmx is told not to add
# its own <style> (web/base.html). QR codes are inline SVG (segno) without style attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Nothing here scans a QR code (a phone's own camera app opens the notice's link) or asks where
# anyone is: every powerful feature is off for every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "midi",
        "accelerometer",
        "gyroscope",
        "magnetometer",
        "display-capture",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """The Content-Security-Policy and the Permissions-Policy, on every response that does not
    set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
