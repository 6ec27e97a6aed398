"""URLs of the actions app (namespace "actions"), mounted at the site root."""

from django.urls import path

from actions import dashboard_views, views

app_name = "actions"

urlpatterns = [
    # The dashboard's lists: the action log and its CSV export.
    path("actions/", dashboard_views.action_log, name="log"),
    path("actions/export.csv", dashboard_views.action_export, name="export"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/transition/", views.action_transition, name="transition"),
    path("actions/<int:pk>/note/", views.action_note, name="note"),
    path(
        "meetings/<int:pk>/outstanding-matters/",
        views.outstanding_matters,
        name="outstanding",
    ),
]
