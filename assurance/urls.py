"""Root URLs: where each app's pages are mounted.

The "meetings" namespace at /meetings/ is composed here of the meetings app's own pages (series,
directory, previous minutes) and the minutes app's pages (a meeting's minutes, its agenda and
items, search), so that the minutes app may import meetings without meetings importing it.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from actions.dashboard_views import dashboard
from assurance.health import health
from assurance.keep_alive import keep_alive
from assurance.signin import LoginForm, PasswordChange
from meetings import urls as meetings_urls
from minutes import urls as minutes_urls

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
        auth_views.PasswordChangeView.as_view(form_class=PasswordChange),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "meetings/",
        include((minutes_urls.urlpatterns + meetings_urls.urlpatterns, "meetings")),
    ),
    path("public/", include((minutes_urls.public_urlpatterns, "public"))),
    path("", include("actions.urls")),
    path("admin/", admin.site.urls),
]
