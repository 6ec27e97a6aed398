"""URLs for creating and editing meetings and moving minutes through approval."""

urlpatterns = []
