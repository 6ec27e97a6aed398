"""Dependencies run one way: ``actions`` may import ``meetings``, ``meetings`` does not import
``actions``, and ``assurance`` imports the apps only in the modules that compose them.

The modules are read with ``ast``, not imported, so an import inside a function counts as much as
one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {"meetings", "actions"}

# The modules of ``meetings`` that still import ``actions``. The goal is an empty set: move what
# they need from ``actions`` into ``actions`` (which may import ``meetings``) or into
# ``assurance``, then take the module off this list. The test fails when a module is added to
# the set of importers, and also when one listed here no longer imports ``actions``, so the
# list only ever shrinks.
MEETINGS_IMPORTING_ACTIONS_ALLOWED_FOR_NOW = {
    "meetings.agenda",  # refuses to delete an item that has actions arising
    "meetings.agenda_forms",  # the item form saves the actions arising with the item
    "meetings.audit",  # holds the change history of an action as well as of a meeting
    "meetings.finding_views",  # the topic and area pages list each item's actions
    "meetings.minutes",  # the minutes show the actions arising and their updates
    "meetings.search",  # the search covers actions and their updates
}

# The modules of ``assurance`` that compose the apps, and so may import them. Every other module
# of the project package (settings, roles, permissions, caching, history, constraints, admin
# bases ...) imports neither app.
ASSURANCE_COMPOSING_THE_APPS = {
    "assurance.urls",  # the URL root: includes each app's URLs and the actions dashboard as home
    "assurance.archive",  # synthetic benchmark data: writes meetings and their actions
    "assurance.management.commands.benchmark",  # times the pages of both apps
    "assurance.management.commands.restore",  # refuses to restore over a database with meetings
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_top_level_packages(path: Path) -> set[str]:
    """The top-level packages a module imports by absolute name, anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def importers(package: str, of: set[str]) -> set[str]:
    """The modules under ``package`` that import any of the packages in ``of``."""
    return {
        module_name(path)
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_top_level_packages(path) & of
    }


def test_meetings_imports_actions_only_in_the_modules_not_yet_fixed():
    found = importers("meetings", {"actions"})
    assert not found - MEETINGS_IMPORTING_ACTIONS_ALLOWED_FOR_NOW, (
        "These meetings modules newly import actions; meetings must not depend on actions "
        "(move the shared piece into assurance, or the code into actions)"
    )
    assert not MEETINGS_IMPORTING_ACTIONS_ALLOWED_FOR_NOW - found, (
        "These meetings modules no longer import actions: take them off "
        "MEETINGS_IMPORTING_ACTIONS_ALLOWED_FOR_NOW"
    )


def test_assurance_imports_the_apps_only_where_it_composes_them():
    found = importers("assurance", APPS)
    assert not found - ASSURANCE_COMPOSING_THE_APPS, (
        "These assurance modules import meetings or actions; shared machinery in assurance "
        "must import neither app"
    )
    assert not ASSURANCE_COMPOSING_THE_APPS - found, (
        "These assurance modules no longer import the apps: take them off "
        "ASSURANCE_COMPOSING_THE_APPS"
    )


def test_the_reader_sees_imports_at_any_depth(tmp_path):
    # The scan must catch the forms of import a module can use, inside functions too.
    module = tmp_path / "sample.py"
    module.write_text(
        "import actions\n"
        "from . import actions as relative\n"
        "def later():\n"
        "    from meetings.models import Meeting\n"
        "    import actions.workflow as workflow\n",
        encoding="utf-8",
    )
    assert imported_top_level_packages(module) == {"actions", "meetings"}
