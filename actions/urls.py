"""URLs of the actions app (namespace "actions"), mounted at the site root."""

from django.urls import path

from actions import urls_log, views

app_name = "actions"

urlpatterns = [
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/transition/", views.action_transition, name="transition"),
    path("actions/<int:pk>/note/", views.action_note, name="note"),
    path(
        "meetings/<int:pk>/outstanding-matters/",
        views.outstanding_matters,
        name="outstanding",
    ),
]
urlpatterns += urls_log.urlpatterns
