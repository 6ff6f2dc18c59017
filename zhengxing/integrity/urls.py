"""The township's integrity page at /integrity/, signed in."""

from .flag_views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
