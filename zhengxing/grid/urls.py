from django.urls import URLPattern

app_name = "grid"
urlpatterns: list[URLPattern] = []
