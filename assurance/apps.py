from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assurance import caching, checks  # noqa: F401 (checks registers the system checks)

        caching.connect_signals()
