"""Public star pages at /p/stars/, no login: approved star plans, the board of finalised stars."""

from .views.public import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
