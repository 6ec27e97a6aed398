from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """No models: installed so that Django finds the ``generate_archive`` and ``benchmark``
    management commands."""

    name = "performance"
    verbose_name = "Performance measurement"
