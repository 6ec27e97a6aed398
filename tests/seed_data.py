"""The seed meetings (fixtures/*.yaml) as the tests know them, written once: the files that load
them, and what the printed minutes of November 2022 hold."""

from django.core.management import call_command

SEED_FIXTURES = (
    "fixtures/reference.yaml",
    "fixtures/meetings_2018.yaml",
    "fixtures/meetings_2022.yaml",
)


def load_seeds() -> None:
    """The seed meetings of 2018 and 2022, with the offices, people and topics they name."""
    call_command("loaddata", *SEED_FIXTURES, verbosity=0)


NOVEMBER_2022 = "Monthly Assurance Meeting November 2022"
# The items under item 2, "Holding to account – Performance", in order: 2.1 to 2.12.
NOVEMBER_2022_ITEMS = [
    "Victim Satisfaction",
    "The Victims' Code",
    "Outcomes",
    "Integrated offender management (IOM)",
    "Call handling",
    "Response times",
    "Acquisitive crime",
    "Possession of weapons",
    "Vehicle offences",
    "Serious and organised crime (SOC)",
    "Road traffic collisions (RTCs)",
    "Preferred Staffing Levels (PSLs)",
]
