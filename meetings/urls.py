"""URLs of the meeting pages: ``meetings:list`` and ``meetings:detail``."""

from django.urls import path

from meetings import (
    urls_agenda,
    urls_directory,
    urls_editing,
    urls_finding,
    urls_pdf,
    urls_previous_minutes,
    urls_series,
    views,
)

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
]
urlpatterns += urls_editing.urlpatterns + urls_agenda.urlpatterns + urls_finding.urlpatterns
urlpatterns += urls_pdf.urlpatterns
urlpatterns += urls_series.urlpatterns
urlpatterns += urls_directory.urlpatterns
urlpatterns += urls_previous_minutes.urlpatterns
