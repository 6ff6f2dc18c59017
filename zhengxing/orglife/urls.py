from django.urls import URLPattern

from .views import learning, meetings

app_name = "orglife"
urlpatterns: list[URLPattern] = [*meetings.urlpatterns, *learning.urlpatterns]
