"""The directory, for the OPCC: people and offices, with search and paging, and the pages that
create or edit them. Who holds an office, and who held it before, comes from ``OfficeHolding``;
a change of office is written by ``meetings.directory.person_save``. The forms carry a one-time
token (``assurance.submissions``): sent twice, they save once."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render

from assurance import roles
from assurance.permissions import role_required
from assurance.submissions import submitted_once
from meetings.directory import person_save
from meetings.directory_forms import OfficeForm, PersonForm
from meetings.models import Office, OfficeHolding, Person

PER_PAGE = 50
MAX_QUERY_LENGTH = 200


def _search_text(request) -> str:
    """The search typed, without NUL (which PostgreSQL refuses in a query), within bounds."""
    return request.GET.get("q", "").replace("\0", "").strip()[:MAX_QUERY_LENGTH]


def _open_holdings():
    return Prefetch(
        "holdings",
        queryset=OfficeHolding.objects.filter(until__isnull=True).order_by("-since", "-pk"),
        to_attr="open_holdings",
    )


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return {"page_obj": page, "page_range": page.paginator.get_elided_page_range(page.number)}


@role_required(roles.OPCC)
def people_list(request):
    """People by name, searched by name, initials, rank or title, or office: three queries."""
    q = _search_text(request)
    people = Person.objects.select_related("office").prefetch_related(_open_holdings())
    if q:
        people = people.filter(
            Q(name__icontains=q)
            | Q(initials__icontains=q)
            | Q(rank__icontains=q)
            | Q(office__title__icontains=q)
            | Q(office__abbreviation__icontains=q)
        )
    context = {"q": q, **_page(request, people.order_by("name", "pk"))}
    return render(request, "meetings/directory/people_list.html", context)


def _render_person_form(request, form, *, person=None, person_name=""):
    holding = None
    if person is not None:
        holding = (
            OfficeHolding.objects.filter(person=person, until__isnull=True)
            .select_related("office")
            .order_by("-since")
            .first()
        )
    return render(
        request,
        "meetings/directory/person_form.html",
        {"form": form, "person": person, "person_name": person_name, "holding": holding},
    )


@role_required(roles.OPCC)
@submitted_once
def person_create(request):
    form = PersonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        person = person_save(form=form)
        if person is not None:
            messages.success(request, f"{person.name} has been added to the directory.")
            return redirect("meetings:directory_people")
    return _render_person_form(request, form)


@role_required(roles.OPCC)
@submitted_once
def person_edit(request, pk):
    person = get_object_or_404(Person, pk=pk)
    # Validating the form copies what was typed onto the person: keep the saved name for the
    # page's heading and breadcrumb.
    saved_name = person.name
    form = PersonForm(request.POST if request.method == "POST" else None, instance=person)
    if form.is_bound and form.is_valid():
        if person_save(form=form) is not None:
            messages.success(request, f"Your changes to {person.name} have been saved.")
            return redirect("meetings:directory_people")
    return _render_person_form(request, form, person=person, person_name=saved_name)


@role_required(roles.OPCC)
def office_list(request):
    """Offices in their order, with who holds each now, searched by title, abbreviation or the
    holder's name: three queries."""
    q = _search_text(request)
    offices = Office.objects.prefetch_related(
        Prefetch("holders", queryset=Person.objects.order_by("name", "pk"), to_attr="holding_now")
    )
    if q:
        offices = offices.filter(
            Q(title__icontains=q)
            | Q(abbreviation__icontains=q)
            | Q(holders__name__icontains=q)
            | Q(holders__initials__icontains=q)
        ).distinct()
    context = {"q": q, **_page(request, offices.order_by("position", "abbreviation", "pk"))}
    return render(request, "meetings/directory/office_list.html", context)


def _render_office_form(request, form, *, office=None, office_title=""):
    holders, history = [], []
    if office is not None:
        holders = list(
            office.holders.order_by("name", "pk").prefetch_related(
                Prefetch(
                    "holdings",
                    queryset=OfficeHolding.objects.filter(office=office, until__isnull=True),
                    to_attr="open_holdings",
                )
            )
        )
        history = list(office.holdings.select_related("person").order_by("-since", "-pk"))
    return render(
        request,
        "meetings/directory/office_form.html",
        {
            "form": form,
            "office": office,
            "office_title": office_title,
            "holders": holders,
            "history": history,
        },
    )


@role_required(roles.OPCC)
@submitted_once
def office_create(request):
    form = OfficeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        office = form.save()
        messages.success(request, f"The office “{office.title}” has been created.")
        return redirect("meetings:directory_offices")
    return _render_office_form(request, form)


@role_required(roles.OPCC)
@submitted_once
def office_edit(request, pk):
    office = get_object_or_404(Office, pk=pk)
    saved_title = office.title
    form = OfficeForm(request.POST if request.method == "POST" else None, instance=office)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, f"Your changes to the office “{office.title}” have been saved.")
        return redirect("meetings:directory_offices")
    return _render_office_form(request, form, office=office, office_title=saved_title)
