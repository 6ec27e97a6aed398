"""Database constraints shared by the apps' models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def choices_check(field: str, choices: type[models.TextChoices], name: str):
    """A check constraint that keeps a choice field to its declared values."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)
