from django.urls import URLPattern

app_name = "public_grid"
urlpatterns: list[URLPattern] = []
