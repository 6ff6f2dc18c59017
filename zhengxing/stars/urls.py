from .views import plans, ratings, rounds, standards

app_name = "stars"
urlpatterns = ratings.urlpatterns + plans.urlpatterns + rounds.urlpatterns + standards.urlpatterns
