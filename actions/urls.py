"""URLs of the actions app (namespace "actions")."""

from django.urls import path

from actions import urls_log, views

app_name = "actions"

urlpatterns = [
    path("actions/<int:pk>/", views.action_detail, name="detail"),
]
urlpatterns += urls_log.urlpatterns
