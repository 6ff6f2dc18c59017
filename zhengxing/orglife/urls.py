from .views import commitments, shop

app_name = "orglife"
urlpatterns = shop.urlpatterns + commitments.urlpatterns
