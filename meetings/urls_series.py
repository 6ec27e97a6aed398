"""URLs of the series pages, for the OPCC: the list, and creating and editing a series."""

from django.urls import path

from meetings import series_views

urlpatterns = [
    path("series/", series_views.series_list, name="series_list"),
    path("series/new/", series_views.series_create, name="series_create"),
    path("series/<int:pk>/edit/", series_views.series_edit, name="series_edit"),
]
