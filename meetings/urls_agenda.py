"""URLs for the agenda builder and the item form (in the "meetings" namespace, under /meetings/).

- ``meetings:agenda``       the numbered outline of a meeting's items, with the buttons to change it
- ``meetings:item_create``  add an item (``?parent=<item pk>`` adds it as a sub-item)
- ``meetings:item_edit``    an item's content and its actions arising
- ``meetings:item_move``    POST ``move`` = up / down / indent / outdent
- ``meetings:item_delete``  confirm, then delete an item with its sub-items
"""

from django.urls import path

from meetings import agenda_views

urlpatterns = [
    path("<int:pk>/agenda/", agenda_views.agenda, name="agenda"),
    path("<int:pk>/agenda/new/", agenda_views.item_create, name="item_create"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", agenda_views.item_edit, name="item_edit"),
    path("<int:pk>/agenda/<int:item_pk>/move/", agenda_views.item_move, name="item_move"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", agenda_views.item_delete, name="item_delete"),
]
