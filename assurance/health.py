"""``/health/``: whether the service can answer, for a load balancer or a monitor.

It runs django-health-check's database and cache checks (a ``SELECT 1`` on the default
database; a write and read of the default cache). The project has no job queue or mail server,
so there is nothing else to check. Anyone may ask, without signing in, and gets only ``ok``
(HTTP 200) or ``unhealthy`` (HTTP 500); a superuser gets the library's report of each check.
"""

import asyncio

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from health_check.views import HealthCheckView

CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
)


class HealthView(HealthCheckView):
    checks = CHECKS

    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        if user.is_superuser:
            return await super().get(request, *args, **kwargs)
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        healthy = not any(result.error for result in results)
        return HttpResponse(
            "ok\n" if healthy else "unhealthy\n",
            content_type="text/plain; charset=utf-8",
            status=200 if healthy else 500,
        )


health = login_not_required(HealthView.as_view())
