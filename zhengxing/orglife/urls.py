from django.urls import URLPattern, URLResolver

from .views import appraisal, chances, commitments, learning, life_rules, meetings, shop

app_name = "orglife"
urlpatterns: list[URLPattern | URLResolver] = [
    *meetings.urlpatterns,
    *life_rules.urlpatterns,
    *learning.urlpatterns,
    *shop.urlpatterns,
    *commitments.urlpatterns,
    *chances.urlpatterns,
    *appraisal.urlpatterns,
]
