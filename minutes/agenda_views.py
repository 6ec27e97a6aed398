"""The agenda builder and the agenda item form, for OPCC staff.

Every view checks the role first (403 for other signed-in users), finds the meeting through
``Meeting.objects.visible_to`` and the item through that meeting (404 for another meeting's
item), and leaves the writes to ``meetings.agenda`` and ``actions.arising``, which refuse them
once the minutes are approved. After each change the agenda page is shown again, renumbered.
The item form carries a one-time token (``assurance.submissions``): sent twice, it saves once,
so a double click adds one item with one set of actions.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assurance import roles
from assurance.inputs import too_many_rows_response
from assurance.permissions import role_required
from assurance.submissions import submitted_once
from meetings import agenda as builder
from meetings.models import AgendaItem, Meeting
from meetings.numbering import number_items, ordered_tree
from minutes.item_form import OWNER_SUGGESTIONS_ID, ItemEditor, parse_id

MOVES = {
    builder.Move.UP: (builder.item_move_up, "Moved “{title}” up."),
    builder.Move.DOWN: (builder.item_move_down, "Moved “{title}” down."),
    builder.Move.INDENT: (builder.item_indent, "Moved “{title}” in, under the item above it."),
    builder.Move.OUTDENT: (
        builder.item_outdent,
        "Moved “{title}” out, after the item it was under.",
    ),
}


@dataclass(frozen=True)
class AgendaEntry:
    """A row of the agenda builder: the item, its number and depth, and what it may do."""

    item: AgendaItem
    number: str
    depth: int
    can_add_child: bool
    can_move_up: bool
    can_move_down: bool
    can_indent: bool
    can_outdent: bool


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("series"), pk=pk
    )


def _agenda_url(meeting: Meeting, item: AgendaItem | None = None) -> str:
    url = reverse("meetings:agenda", args=[meeting.pk])
    return f"{url}#item-{item.pk}" if item is not None and item.pk else url


def _numbered(meeting: Meeting) -> tuple[list[AgendaItem], dict[int, str]]:
    """All the meeting's items (one query) and their numbers."""
    items = list(
        meeting.items.only("pk", "meeting_id", "parent_id", "position", "printed_number", "title")
    )
    return items, number_items(items, meeting.series.reference_style)


@role_required(roles.OPCC)
def agenda(request, pk):
    """The meeting's items as a numbered outline, with the buttons to rearrange them."""
    meeting = _meeting(request, pk)
    items = list(
        meeting.items.select_related("lead_office").annotate(action_count=Count("actions"))
    )
    numbers = number_items(items, meeting.series.reference_style)
    outline = builder.Outline(items)
    entries = [
        AgendaEntry(
            item=item,
            number=numbers[item.pk],
            depth=depth,
            can_add_child=outline.add_child_refusal(item) is None,
            can_move_up=outline.refusal(builder.Move.UP, item) is None,
            can_move_down=outline.refusal(builder.Move.DOWN, item) is None,
            can_indent=outline.refusal(builder.Move.INDENT, item) is None,
            can_outdent=outline.refusal(builder.Move.OUTDENT, item) is None,
        )
        for item, depth in ordered_tree(items)
    ]
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "entries": entries,
            "editable": meeting.is_editable,
            "read_only_message": Meeting.READ_ONLY_MESSAGE,
        },
    )


@role_required(roles.OPCC)
@require_POST
def item_move(request, pk, item_pk):
    """Move an item up, down, in or out (the ``move`` field), then show the agenda again."""
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    try:
        move = builder.Move(request.POST.get("move", ""))
    except ValueError:
        messages.error(request, "Choose up, down, indent or outdent to move the item.")
        return redirect(_agenda_url(meeting, item))
    function, done = MOVES[move]
    try:
        function(item=item)
    except builder.AgendaChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done.format(title=item.title))
    return redirect(_agenda_url(meeting, item))


def _item_page(request, meeting, editor, *, heading, item=None):
    if editor.formset.asked_for_too_many:
        return too_many_rows_response(request, editor.formset, back_url=_agenda_url(meeting))
    if request.method == "POST" and editor.is_valid():
        saved = editor.save()
        if saved is not None:
            messages.success(request, f"Saved “{saved.title}”.")
            if "add_another" in request.POST:
                return redirect("meetings:item_edit", meeting.pk, saved.pk)
            return redirect(_agenda_url(meeting, saved))
    return render(
        request,
        "meetings/item_form.html",
        {
            "meeting": meeting,
            "item": item,
            "heading": heading,
            "form": editor.form,
            "formset": editor.formset,
            "sections": editor.sections(),
            "summary": editor.summary,
            "owner_suggestions": editor.formset.owner_directory.suggestions(),
            "owner_suggestions_id": OWNER_SUGGESTIONS_ID,
        },
    )


def _later_meetings(request, meeting: Meeting):
    """The meetings an action may be due back at: those after this one."""
    return (
        Meeting.objects.visible_to(request.user)
        .filter(date__gt=meeting.date)
        .order_by("date", "start_time", "pk")
    )


@role_required(roles.OPCC)
@submitted_once
def item_create(request, pk):
    """Add an item at the top level, or under the item named by ``?parent=``."""
    meeting = _meeting(request, pk)
    if not meeting.is_editable and request.method != "POST":
        # A POST goes on to the form, which refuses it and keeps what was typed.
        messages.error(request, Meeting.READ_ONLY_MESSAGE)
        return redirect(_agenda_url(meeting))
    parent = None
    parent_pk = request.GET.get("parent", "")
    if parent_pk:
        if parse_id(parent_pk) is None:
            raise Http404("No such agenda item.")
        parent = get_object_or_404(meeting.items, pk=parent_pk)
        items, numbers = _numbered(meeting)
        outline = builder.Outline(items)
        refusal = outline.add_child_refusal(outline.items[parent.pk])
        if refusal:
            messages.error(request, refusal)
            return redirect(_agenda_url(meeting, parent))
        heading = f"Add a sub-item to {numbers[parent.pk]} {parent.title}"
    else:
        heading = "Add an item"
    editor = ItemEditor(
        meeting=meeting,
        user=request.user,
        parent=parent,
        later_meetings=_later_meetings(request, meeting),
        data=request.POST if request.method == "POST" else None,
    )
    return _item_page(request, meeting, editor, heading=heading)


@role_required(roles.OPCC)
@submitted_once
def item_edit(request, pk, item_pk):
    """Edit an item's content and its actions arising."""
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    if not meeting.is_editable and request.method != "POST":
        # A POST goes on to the form, which refuses it and keeps what was typed.
        messages.error(request, Meeting.READ_ONLY_MESSAGE)
        return redirect(_agenda_url(meeting, item))
    _items, numbers = _numbered(meeting)
    editor = ItemEditor(
        meeting=meeting,
        user=request.user,
        item=item,
        later_meetings=_later_meetings(request, meeting),
        data=request.POST if request.method == "POST" else None,
    )
    heading = f"Edit item {numbers[item.pk]}: {item.title}"
    return _item_page(request, meeting, editor, heading=heading, item=item)


@role_required(roles.OPCC)
def item_delete(request, pk, item_pk):
    """Ask to confirm, then delete an item and its sub-items; refused while any has actions."""
    meeting = _meeting(request, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    if not meeting.is_editable:
        messages.error(request, Meeting.READ_ONLY_MESSAGE)
        return redirect(_agenda_url(meeting, item))
    if request.method == "POST":
        try:
            deleted = builder.item_delete(item=item)
        except builder.AgendaChangeRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(_agenda_url(meeting, item))
        also = f" and its {deleted - 1} sub-item{'s' if deleted > 2 else ''}" if deleted > 1 else ""
        messages.success(request, f"Deleted “{item.title}”{also}.")
        return redirect(_agenda_url(meeting))
    items, numbers = _numbered(meeting)
    outline = builder.Outline(items)
    current = outline.items[item.pk]
    nested = outline.descendants(current)
    return render(
        request,
        "meetings/item_confirm_delete.html",
        {
            "meeting": meeting,
            "item": item,
            "number": numbers[item.pk],
            "nested": [(numbers[child.pk], child) for child in nested],
            "refusal": builder.delete_refusal(current, nested),
        },
    )
