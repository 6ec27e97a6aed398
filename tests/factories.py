"""factory-boy factories, one per model, with realistic defaults.

Meetings share the migrations' series (``meetings.models.default_series``) unless a test gives
them another. Models are named as "app.Model", which factory-boy looks up.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from actions.models import ActionOwner, Status
from meetings.models import Attendance, Meeting, Organisation, Person, default_series


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """UserFactory(groups=["opcc"]) puts the user in those role groups."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Office"
        django_get_or_create = ["abbreviation"]

    title = factory.Sequence(lambda n: f"Assistant Chief Constable {n}")
    abbreviation = factory.Sequence(lambda n: f"ACC{n}")
    organisation = Organisation.FORCE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Person"

    name = factory.Faker("name", locale="en_GB")
    organisation = Organisation.FORCE
    office = factory.SubFactory(OfficeFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Topic"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class LocalPolicingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.LocalPolicingArea"
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Series"

    name = factory.Sequence(lambda n: f"Governance Board {n}")
    reference_code = factory.Sequence(lambda n: f"S{n}")
    minutes_label = factory.LazyAttribute(lambda s: s.name)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Meeting"

    series = factory.LazyFunction(default_series)
    date = factory.Sequence(lambda n: datetime.date(2022, 1, 4) + datetime.timedelta(days=28 * n))
    title = factory.LazyAttribute(lambda m: f"Monthly Assurance Meeting {m.date:%B %Y}")
    start_time = datetime.time(14, 0)
    venue = "Hindlip HQ"
    chair = factory.SubFactory(
        PersonFactory,
        organisation=Organisation.OPCC,
        office=factory.SubFactory(
            OfficeFactory,
            abbreviation="PCC",
            title="Police and Crime Commissioner",
            organisation=Organisation.OPCC,
        ),
    )
    status = Meeting.Status.DRAFT


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    capacity = factory.LazyAttribute(lambda a: a.person.office.title if a.person.office else "")
    status = Attendance.Status.PRESENT


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    parent = None
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    minutes = "The PCC asked for reassurance.\n\nThe CC set out the force's plan."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.Action"
        skip_postgeneration_save = True

    origin_item = factory.SubFactory(AgendaItemFactory)
    origin_meeting = factory.SelfAttribute("origin_item.meeting")
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    description = "Update on response times to be provided at the next meeting."
    due_date = factory.LazyAttribute(lambda a: a.origin_meeting.date + datetime.timedelta(days=90))
    status = Status.OPEN
    created_at = factory.LazyAttribute(
        lambda a: timezone.make_aware(
            datetime.datetime.combine(
                a.origin_meeting.date, a.origin_meeting.start_time or datetime.time(12)
            )
        )
    )

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        """ActionFactory(owners=[office or person, …]), in that order; by default one force
        office."""
        if not create:
            return
        owners = extracted or [OfficeFactory(abbreviation="CC", title="Chief Constable")]
        for position, owner in enumerate(owners):
            kind = "person" if isinstance(owner, Person) else "office"
            ActionOwner.objects.create(action=self, position=position, **{kind: owner})


class ActionOwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.ActionOwner"

    action = factory.SubFactory(ActionFactory, owners=[])
    office = factory.SubFactory(OfficeFactory)


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.ActionUpdate"

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    note = "Work is under way; a briefing note will follow."
    meeting = None
    created_at = factory.LazyFunction(timezone.now)
    # On its meeting's day when given at one; else the day it is typed, as the workflow dates it.
    effective_on = factory.LazyAttribute(
        lambda u: u.meeting.date if u.meeting else timezone.localdate(u.created_at)
    )
    status_before = factory.SelfAttribute("action.status")
    status_after = factory.SelfAttribute("action.status")


def written_owners(owners) -> str:
    """Owners (offices or people) as the item form's owners field takes them: "ACC RJ / CC"."""
    return " / ".join(
        owner.written() if isinstance(owner, Person) else owner.abbreviation for owner in owners
    )
