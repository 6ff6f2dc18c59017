from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
