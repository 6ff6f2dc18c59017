"""Public pages at /p/mobile/, no login: the phone form a county's or a branch's QR code opens."""

from .views import public_urlpatterns

app_name = "mobility_public"
urlpatterns = public_urlpatterns
