"""Public pages at /p/mobile/, no login: the phone form a county's or a branch's QR code opens,
and a branch's year-end airing of its mobile members' points."""

from .views import life, public_urlpatterns

app_name = "mobility_public"
urlpatterns = [*life.public_urlpatterns, *public_urlpatterns]
