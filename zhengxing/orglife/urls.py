from .views import shop

app_name = "orglife"
urlpatterns = shop.urlpatterns
