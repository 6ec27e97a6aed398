"""Root URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actions.dashboard_views import dashboard
from assurance.forms import LoginForm
from assurance.health import health
from assurance.keep_alive import keep_alive

urlpatterns = [
    path("", dashboard, name="home"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keep-alive/", keep_alive, name="keep_alive"),
    path("health/", health, name="health"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("meetings/", include("meetings.urls")),
    path("public/", include("meetings.urls_public")),
    path("", include("actions.urls")),
    path("admin/", admin.site.urls),
]
