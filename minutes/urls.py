"""URLs of the minutes: the pages that show a meeting's items with the actions arising.

``urlpatterns`` join the meetings app's own under the "meetings" namespace at /meetings/ (the URL
root composes the two); ``public_urlpatterns`` are the "public" namespace at /public/, which
needs no sign-in.
"""

from django.urls import path

from minutes import agenda_views, finding_views, meeting_views, pdf, public_views, views

urlpatterns = [
    # The list of meetings and a meeting's minutes.
    path("", views.meeting_list, name="list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/minutes.pdf", pdf.meeting_pdf, name="pdf"),
    # Creating and editing a meeting, and moving its minutes through approval.
    path("new/", meeting_views.meeting_create, name="create"),
    path("<int:pk>/edit/", meeting_views.meeting_edit, name="edit"),
    path("<int:pk>/approve/", meeting_views.meeting_approve, name="approve"),
    path("<int:pk>/publish/", meeting_views.meeting_publish, name="publish"),
    path("<int:pk>/reopen/", meeting_views.meeting_reopen, name="reopen"),
    # The agenda builder and the item form with its actions arising: ``item_create`` takes
    # ``?parent=<item pk>`` for a sub-item; ``item_move`` takes POST ``move`` = up / down /
    # indent / outdent; ``item_delete`` confirms, then deletes an item with its sub-items.
    path("<int:pk>/agenda/", agenda_views.agenda, name="agenda"),
    path("<int:pk>/agenda/new/", agenda_views.item_create, name="item_create"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", agenda_views.item_edit, name="item_edit"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda_views.item_move, name="item_move"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", agenda_views.item_delete, name="item_delete"),
    # Finding what was said: search, calendar feeds, topic and area pages.
    path("search/", finding_views.search_page, name="search"),
    path("calendar.ics", finding_views.calendar_feed, name="calendar"),
    path("<int:pk>/meeting.ics", finding_views.meeting_ics, name="meeting_ics"),
    path("topics/", finding_views.topic_list, name="topics"),
    path("topics/<slug:slug>/", finding_views.topic_detail, name="topic"),
    path("areas/", finding_views.area_list, name="areas"),
    path("areas/<slug:slug>/", finding_views.area_detail, name="area"),
]

public_urlpatterns = [
    path("", public_views.meeting_list, name="list"),
    path("<int:pk>/", public_views.meeting_detail, name="detail"),
    path("<int:pk>/minutes.pdf", public_views.meeting_pdf, name="pdf"),
]
