from .views import plans, ratings, rectify, rounds, schemes, standards

app_name = "stars"
urlpatterns = (
    ratings.urlpatterns
    + plans.urlpatterns
    + rounds.urlpatterns
    + standards.urlpatterns
    + rectify.urlpatterns
    + schemes.urlpatterns
)
