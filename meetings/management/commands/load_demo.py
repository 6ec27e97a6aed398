"""Load the seed meetings into an empty database and create the demo users (local use only).

``make run`` runs this every time: a database that already holds meetings is left as it is
(the seeds are not loaded over what users changed), and only missing demo accounts are added."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assurance import roles
from meetings.models import Meeting, Office, Person

FIXTURES = ["reference.yaml", "meetings_2018.yaml", "meetings_2022.yaml"]
DEMO_PASSWORD = "assurance-demo"  # noqa: S105 - a published demo password, refused outside DEBUG
FORCE_OFFICES = ["CC", "DCC", "ACC", "ACC-LP", "ACC-CV"]

# username → (group, name of the Person the account belongs to, if any)
DEMO_USERS = {
    "officer": (roles.OPCC, "Natasha Noorbakhsh"),
    "pcc": (roles.COMMISSIONER, "John Campion"),
    "force": (roles.FORCE, None),
}


class Command(BaseCommand):
    help = (
        "Load the seed meetings from fixtures/ and create the demo users officer, pcc and force "
        f"(password {DEMO_PASSWORD!r}). Safe to run again: the seeds go only into a database "
        "holding no meetings, and existing accounts are kept. Refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates accounts with a published password, so it only runs with "
                "DEBUG on. Load the seed meetings alone with: manage.py loaddata "
                + " ".join(f"fixtures/{name}" for name in FIXTURES)
            )
        with transaction.atomic():
            if Meeting.objects.exists():
                self.stdout.write(
                    "The database already holds meetings: the seed meetings are not loaded "
                    "again, so nothing changed since is overwritten. Only missing demo users "
                    "are added."
                )
            else:
                call_command(
                    "loaddata", *[str(settings.BASE_DIR / "fixtures" / name) for name in FIXTURES]
                )
            for username, (group_name, person_name) in DEMO_USERS.items():
                self.create_user(username, group_name, person_name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users ready: {', '.join(DEMO_USERS)} (password {DEMO_PASSWORD!r})."
            )
        )

    def create_user(self, username, group_name, person_name):
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=group_name))
        if group_name == roles.FORCE:
            for office in Office.objects.filter(abbreviation__in=FORCE_OFFICES):
                office.delegates.add(user)
        if person_name:
            Person.objects.filter(name=person_name, user__isnull=True).update(user=user)
