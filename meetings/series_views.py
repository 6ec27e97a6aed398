"""Series management for the OPCC: the list of standing meetings, and the pages that create or
edit one with ``meetings.forms.SeriesForm``.

The form's rules compare a series with the others (names and reference codes are unique, at
most one series numbers its actions without a code), so a save locks every series and checks
the form again before writing; the version refuses a save over someone else's.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from assurance import roles
from assurance.permissions import role_required
from assurance.submissions import submitted_once
from assurance.versioning import STALE_EDIT_MESSAGE, StaleEdit, check_version
from meetings.forms import SeriesForm
from meetings.models import Series


def series_save(*, form: SeriesForm) -> Series | None:
    """Save a valid series form, or return None with the reason added to the form.

    Locks every series, so two saves at once take turns, refuses a save over a change made
    since the form was loaded, then checks the form again against what is stored now."""
    try:
        with transaction.atomic():
            list(Series.objects.select_for_update().values_list("pk", flat=True))
            check_version(form.instance, form.cleaned_data.get("version"))
            form.full_clean()  # again, under the lock: another series may have been saved
            if not form.is_valid():
                return None
            return form.save()
    except StaleEdit:
        form.add_error(None, STALE_EDIT_MESSAGE.format(thing="series"))
        return None


def _render_form(request, form, *, series=None, series_name=""):
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "series": series, "series_name": series_name},
    )


@role_required(roles.OPCC)
def series_list(request):
    """Every series, active or not, with how many meetings each has: one query."""
    series = Series.objects.annotate(meeting_count=Count("meetings"))
    return render(request, "meetings/series_list.html", {"series_list": series})


@role_required(roles.OPCC)
@submitted_once
def series_create(request):
    form = SeriesForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        series = series_save(form=form)
        if series is not None:
            messages.success(request, f"The series “{series.name}” has been created.")
            return redirect("meetings:series_list")
    return _render_form(request, form)


@role_required(roles.OPCC)
@submitted_once
def series_edit(request, pk):
    series = get_object_or_404(Series, pk=pk)
    # Validating the form copies what was typed onto the series: keep the saved name for the
    # page's heading and breadcrumb.
    saved_name = series.name
    form = SeriesForm(request.POST if request.method == "POST" else None, instance=series)
    if form.is_bound and form.is_valid():
        if series_save(form=form) is not None:
            messages.success(
                request, f"Your changes to the series “{series.name}” have been saved."
            )
            return redirect("meetings:series_list")
    return _render_form(request, form, series=series, series_name=saved_name)
