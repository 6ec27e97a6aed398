"""URLs for creating and editing meetings and moving minutes through approval."""

from django.urls import path

from meetings import editing

urlpatterns = [
    path("new/", editing.meeting_create, name="create"),
    path("<int:pk>/edit/", editing.meeting_edit, name="edit"),
    path("<int:pk>/approve/", editing.meeting_approve, name="approve"),
    path("<int:pk>/publish/", editing.meeting_publish, name="publish"),
    path("<int:pk>/reopen/", editing.meeting_reopen, name="reopen"),
]
