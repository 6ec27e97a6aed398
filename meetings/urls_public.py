"""The public minutes: no login needed (namespace "public", under /public/)."""

app_name = "public"

urlpatterns = []
