"""URLs for the agenda builder and the item form."""

urlpatterns = []
