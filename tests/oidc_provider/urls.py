from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("test-control/", views.control, name="control"),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
]
