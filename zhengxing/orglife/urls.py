from django.urls import URLPattern

from .views import meetings

app_name = "orglife"
urlpatterns: list[URLPattern] = [*meetings.urlpatterns]
