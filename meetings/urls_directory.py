"""URLs of the directory, for the OPCC: people and offices, and creating and editing them."""

from django.urls import path

from meetings import directory_views

urlpatterns = [
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
]
