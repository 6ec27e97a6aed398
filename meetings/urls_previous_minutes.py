"""URL of the previous minutes' approval page, for the OPCC: ``meetings:previous_minutes``."""

from django.urls import path

from meetings import previous_minutes

urlpatterns = [
    path(
        "<int:pk>/previous-minutes/",
        previous_minutes.previous_minutes_edit,
        name="previous_minutes",
    ),
]
