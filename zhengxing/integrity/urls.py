"""The township's integrity page at /integrity/ and the supervision's under /integrity/supervision/,
signed in."""

from . import flag_views, supervision_views

app_name = flag_views.app_name
urlpatterns = flag_views.urlpatterns + supervision_views.urlpatterns

__all__ = ["app_name", "urlpatterns"]
