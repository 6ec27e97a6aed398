"""The dashboard (the home page), the action log and its CSV export.

All three read through ``Action.objects.visible_to`` and the one filter form; a signed-in user
without a role sees a dashboard and a log that say so, and may not export.
"""

import csv
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from actions.filters import (
    ANY_OUTSTANDING,
    ActionFilterForm,
    count_by_owner,
    count_tiles,
    filter_actions,
)
from actions.models import Action, ActionOwner, Status
from actions.tracking import (
    action_rows,
    for_listing,
    horizon_for,
    last_assurance,
    recent_updates,
)
from assurance import roles
from assurance.caching import cached_page
from assurance.permissions import has_role
from meetings.agenda import agenda_numbers
from meetings.models import Meeting, Person, readable_statuses

ROLES = (roles.OPCC, roles.COMMISSIONER, roles.FORCE)
PAGE_SIZE = 25


def _listing(request, actions):
    """One page of ``actions`` with what the table shows."""
    page = Paginator(for_listing(actions, request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = action_rows(page.object_list)
    # The due-back meetings came with the actions (``for_listing``): which the reader may open
    # is read from their status, without a query.
    readable = readable_statuses(request.user)
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "rows": rows,
        "readable_meeting_ids": {
            row.action.due_meeting_id
            for row in rows
            if row.action.due_meeting_id and row.action.due_meeting.status in readable
        },
    }


def _per_reader(request):
    """What the dashboard and the log vary on: the reader, the day (what is overdue) and the
    query string. A user without a role sees a page that says so, not worth keeping."""
    if not has_role(request.user, *ROLES):
        return None
    return (request.user.pk, timezone.localdate(), sorted(request.GET.lists()))


def _no_role(request, template: str, title: str) -> TemplateResponse:
    return TemplateResponse(request, template, {"has_role": False, "frame": {"title": title}})


@cached_page(vary=_per_reader, frame="actions/page.html")
def dashboard(request):
    """Counts, the next meeting, the last meeting's assurance, the outstanding actions
    (filtered and paged) and the latest updates."""
    user = request.user
    if not has_role(user, *ROLES):
        return _no_role(request, "actions/dashboard_body.html", "Dashboard")
    horizon = horizon_for(user)
    visible = Action.objects.visible_to(user)
    form = ActionFilterForm(request.GET or None, user=user, outstanding_only=True)
    outstanding = filter_actions(visible.outstanding(), form.filters, horizon)
    context = {
        "has_role": True,
        "form": form,
        "horizon": horizon,
        "tiles": count_tiles(visible, horizon),
        "assurance": last_assurance(user, horizon.today),
        "updates": recent_updates(visible, user),
        # The same actions in the log and the export: outstanding unless a status is chosen.
        "log_status": form.filters.get("status", ANY_OUTSTANDING),
        "owner_counts": count_by_owner(outstanding, horizon.today, form.owner_choices),
        "frame": {"title": "Dashboard", "has_errors": bool(form.errors)},
    }
    return TemplateResponse(
        request, "actions/dashboard_body.html", context | _listing(request, outstanding)
    )


@cached_page(vary=_per_reader, frame="actions/page.html")
def action_log(request):
    """Every action the user may read, closed and withdrawn included; filtered and paged."""
    user = request.user
    if not has_role(user, *ROLES):
        return _no_role(request, "actions/action_log_body.html", "Action log")
    form = ActionFilterForm(request.GET or None, user=user)
    horizon = horizon_for(user)
    actions = filter_actions(Action.objects.visible_to(user), form.filters, horizon)
    context = {
        "has_role": True,
        "form": form,
        "owner_counts": count_by_owner(actions, horizon.today, form.owner_choices),
        "frame": {"title": "Action log", "has_errors": bool(form.errors)},
    }
    return TemplateResponse(
        request, "actions/action_log_body.html", context | _listing(request, actions)
    )


CSV_HEADER = (
    "Reference",
    "Description",
    "Owners",
    "Origin meeting",
    "Origin date",
    "Item number",
    "Item title",
    "Due date",
    "Due back at",
    "Status",
    "Last update",
    "Closed at",
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """The text with a leading apostrophe if a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def _date(value) -> str:
    return value.isoformat() if value else ""


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# The columns the export reads: plain values, not model instances, because an export of
# twenty years' actions builds tens of thousands of rows and instances cost ten times more.
EXPORT_VALUES = (
    "pk",
    "reference",
    "description",
    "origin_meeting_id",
    "origin_meeting__title",
    "origin_meeting__date",
    "origin_item_id",
    "origin_item__title",
    "due_date",
    "due_meeting_id",
    "due_meeting__title",
    "due_meeting__date",
    "status",
    "last_update_at",
    "closed_at",
)
STATUS_LABELS = dict(Status.choices)


def _owners_by_action(actions) -> dict[int, list[str]]:
    """Each action's owners as written on the pages ("ACC RJ", "CC"), in order, in one query."""
    owners = defaultdict(list)
    ownerships = (
        ActionOwner.objects.filter(action__in=actions.order_by().values("pk"))
        .order_by("position", "pk")
        .values_list(
            "action_id", "office__abbreviation", "person__name", "person__initials", "person__rank"
        )
    )
    for action_id, abbreviation, name, initials, rank in ownerships:
        written = abbreviation or Person(name=name, initials=initials, rank=rank).written()
        owners[action_id].append(written)
    return owners


def _csv_row(values, owners, numbers, readable_meeting_ids) -> list[str]:
    due_title = values["due_meeting__title"]
    if values["due_meeting_id"] and values["due_meeting_id"] not in readable_meeting_ids:
        due_title = "The meeting of"  # a draft's title is not the reader's to read
    cells = [
        values["reference"],
        values["description"],
        " / ".join(owners.get(values["pk"], ())),
        values["origin_meeting__title"],
        _date(values["origin_meeting__date"]),
        numbers.get(values["origin_item_id"], ""),
        values["origin_item__title"] or "",
        _date(values["due_date"]),
        f"{due_title} ({values['due_meeting__date'].isoformat()})" if due_title else "",
        STATUS_LABELS[values["status"]],
        _date(values["last_update_at"]),
        _moment(values["closed_at"]),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def action_export(request):
    """The filtered action log as CSV: every row, not one page, in the log's order."""
    user = request.user
    if not has_role(user, *ROLES):
        raise PermissionDenied
    form = ActionFilterForm(request.GET or None, user=user)
    horizon = horizon_for(user)
    actions = filter_actions(Action.objects.visible_to(user), form.filters, horizon)
    rows = list(for_listing(actions, user).prefetch_related(None).values(*EXPORT_VALUES))
    owners = _owners_by_action(actions)
    numbers, _places = agenda_numbers(
        {row["origin_meeting_id"] for row in rows if row["origin_item_id"]}
    )
    readable = Meeting.objects.visible_to(user).ids_among({row["due_meeting_id"] for row in rows})

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="actions-{horizon.today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_row(row, owners, numbers, readable) for row in rows)
    return response
