"""Template context shared by every page."""

from django.conf import settings


def organisation(request):
    return {"ORGANISATION_NAME": settings.ORGANISATION_NAME, "FORCE_NAME": settings.FORCE_NAME}
