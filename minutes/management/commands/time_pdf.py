"""Time making a meeting's minutes PDF: ``python manage.py time_pdf <meeting pk> [--public]``."""

import time

from django.core.management.base import BaseCommand, CommandError

from meetings.models import Meeting
from minutes.pdf import minutes_pdf
from minutes.record import with_minutes_header


class Command(BaseCommand):
    help = "Make a meeting's minutes PDF a few times and report how long each took."

    def add_arguments(self, parser):
        parser.add_argument("pk", type=int, help="The meeting's id.")
        parser.add_argument(
            "--public", action="store_true", help="The public version (restricted items withheld)."
        )
        parser.add_argument("--runs", type=int, default=3, help="How many times (default 3).")
        parser.add_argument("--output", help="Also save the PDF to this file.")

    def handle(self, *args, pk, public, runs, output, **options):
        try:
            meeting = with_minutes_header(Meeting.objects.all()).get(pk=pk)
        except Meeting.DoesNotExist:
            raise CommandError(f"There is no meeting with id {pk}.") from None
        timings = []
        for run in range(1, max(runs, 1) + 1):
            # The first run includes importing WeasyPrint and loading fonts.
            started = time.perf_counter()
            pdf = minutes_pdf(meeting, public=public)
            timings.append(time.perf_counter() - started)
            self.stdout.write(f"Run {run}: {timings[-1]:.2f} s, {len(pdf):,} bytes")
        if output:
            with open(output, "wb") as file:
                file.write(pdf)
        best = min(timings)
        self.stdout.write(f"{meeting.title}: best {best:.2f} s over {len(timings)} run(s)")
