"""Sessions end after a while without activity (GB/T 22239-2019 level 3)."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

POLL_HEADER = "X-Zhengxing-Poll"  # sent by a page polling by itself (a job's progress bar)


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
