from .views import appraisal, chances, commitments, shop

app_name = "orglife"
urlpatterns = (
    shop.urlpatterns + commitments.urlpatterns + chances.urlpatterns + appraisal.urlpatterns
)
