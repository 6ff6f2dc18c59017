from .views import plans, ratings, rounds

app_name = "stars"
urlpatterns = ratings.urlpatterns + plans.urlpatterns + rounds.urlpatterns
