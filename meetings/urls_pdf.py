"""The signed-in minutes PDF, ``meetings:pdf``: to be added to meetings/urls.py's urlpatterns
like the other ``urls_*`` modules (``urlpatterns += urls_pdf.urlpatterns``)."""

from django.urls import path

from meetings import pdf

urlpatterns = [
    path("<int:pk>/minutes.pdf", pdf.MeetingPdfView.as_view(), name="pdf"),
]
