"""URLs for the dashboard's lists: the action log and its CSV export."""

urlpatterns = []
