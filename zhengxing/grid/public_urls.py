"""The resident's pages, no login, at /p/grid/: from the contact card's QR code."""

from .views import public

app_name = "public_grid"
urlpatterns = public.urlpatterns
