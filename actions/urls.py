"""URLs of the actions app (namespace "actions")."""

app_name = "actions"

urlpatterns = []
