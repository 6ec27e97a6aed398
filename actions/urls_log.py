"""URLs for the dashboard's lists: the action log and its CSV export."""

from django.urls import path

from actions import dashboard_views

urlpatterns = [
    path("actions/", dashboard_views.action_log, name="log"),
    path("actions/export.csv", dashboard_views.action_export, name="export"),
]
