"""The county's kept heads page at /p/integrity/, no login."""

from .views import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
