from django.contrib.auth import views as auth_views
from django.urls import path

from . import security, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/setup/", security.otp_setup, name="otp_setup"),
    path("accounts/otp/verify/", security.otp_verify, name="otp_verify"),
    path("accounts/reauth/", security.reauth, name="reauth"),
]
