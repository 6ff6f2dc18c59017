from .views import reports, workflow

app_name = "ledger"
urlpatterns = workflow.urlpatterns + reports.urlpatterns
