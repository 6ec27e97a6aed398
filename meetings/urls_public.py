"""The public minutes: no login needed (namespace "public", under /public/)."""

from django.urls import path

from meetings import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.meeting_list, name="list"),
    path("<int:pk>/", public_views.meeting_detail, name="detail"),
    path("<int:pk>/minutes.pdf", public_views.meeting_pdf, name="pdf"),
]
