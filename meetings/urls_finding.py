"""Finding what was said: search, calendar feeds, topic and area pages."""

from django.urls import path

from meetings import finding_views

urlpatterns = [
    path("search/", finding_views.search_page, name="search"),
    path("calendar.ics", finding_views.calendar_feed, name="calendar"),
    path("<int:pk>/meeting.ics", finding_views.meeting_ics, name="meeting_ics"),
    path("topics/", finding_views.topic_list, name="topics"),
    path("topics/<slug:slug>/", finding_views.topic_detail, name="topic"),
    path("areas/", finding_views.area_list, name="areas"),
    path("areas/<slug:slug>/", finding_views.area_detail, name="area"),
]
