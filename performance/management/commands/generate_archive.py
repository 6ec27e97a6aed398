"""``manage.py generate_archive --scale N --seed S``: fill the database with a realistic archive.

See ``performance.synthetic_archive``. Meant for throwaway databases (benchmarks, load tests,
trying the pages with years of data); it adds to what is there and never deletes.
"""

from django.core.management.base import BaseCommand, CommandError

from performance.synthetic_archive import generate_archive


class Command(BaseCommand):
    help = (
        "Add a generated archive of monthly meetings, agenda items, actions and updates: "
        "--scale 1 is two years, --scale 10 twenty years at nine times the action density "
        "(about 12,000 actions). The same --seed gives the same archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = two years (default 1)")
        parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
        parser.add_argument(
            "--password",
            default=None,
            help="password for the archive's accounts (archive-officer, archive-pcc, "
            "archive-force-cc, …); without it they cannot sign in",
        )

    def handle(self, *args, scale, seed, password, **options):
        if scale <= 0:
            raise CommandError("Give a --scale above 0, for example --scale 1 for two years.")
        summary = generate_archive(scale=scale, seed=seed, password=password)
        statuses = ", ".join(f"{count} {name}" for name, count in sorted(summary.statuses.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.meetings} meetings, {summary.items} agenda items, "
                f"{summary.attendances} attendance rows, {summary.actions} actions "
                f"({statuses}) and {summary.updates} updates. "
                f"Accounts: {', '.join(summary.usernames)}."
            )
        )
