"""Finding what was said: search, calendar feeds, topic and area pages."""

urlpatterns = []
