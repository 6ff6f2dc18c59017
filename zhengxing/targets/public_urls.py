"""Public pages at /p/targets/, no login: a county's target results as they happen."""

from .public import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]
