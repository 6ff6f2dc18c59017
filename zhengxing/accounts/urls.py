from django.contrib.auth import views as auth_views
from django.urls import path

from . import reauth, second_factor

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/setup/", second_factor.otp_setup, name="otp_setup"),
    path("otp/verify/", second_factor.otp_verify, name="otp_verify"),
    path("reauth/", reauth.reauth, name="reauth"),
]
