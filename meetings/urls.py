"""URLs of the meetings app, for the OPCC: series, the directory of people and offices, and the
approval of a meeting's previous minutes. They share the "meetings" namespace at /meetings/ with
the minutes app's pages (the URL root composes the two)."""

from django.urls import path

from meetings import directory_views, previous_minutes, series_views

urlpatterns = [
    path("series/", series_views.series_list, name="series_list"),
    path("series/new/", series_views.series_create, name="series_create"),
    path("series/<int:pk>/edit/", series_views.series_edit, name="series_edit"),
    path("directory/people/", directory_views.people_list, name="directory_people"),
    path("directory/people/new/", directory_views.person_create, name="directory_person_create"),
    path(
        "directory/people/<int:pk>/edit/",
        directory_views.person_edit,
        name="directory_person_edit",
    ),
    path("directory/offices/", directory_views.office_list, name="directory_offices"),
    path("directory/offices/new/", directory_views.office_create, name="directory_office_create"),
    path(
        "directory/offices/<int:pk>/edit/",
        directory_views.office_edit,
        name="directory_office_edit",
    ),
    path(
        "<int:pk>/previous-minutes/",
        previous_minutes.previous_minutes_edit,
        name="previous_minutes",
    ),
]
