from .views import plans, ratings, rectify, rounds

app_name = "stars"
urlpatterns = ratings.urlpatterns + plans.urlpatterns + rounds.urlpatterns + rectify.urlpatterns
