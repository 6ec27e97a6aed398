"""Dependencies run one way: ``meetings`` ← ``actions`` ← ``minutes``.

``meetings`` (meetings, their agendas, series and the directory) imports neither of the other
apps; ``actions`` (the action workflow and its pages) may import ``meetings``; ``minutes`` (the
minutes as a document and the pages showing them, composed of both) may import both, and
neither imports it. ``assurance`` holds what all of them share and imports the apps only in the
modules that compose them. The ``performance`` package (synthetic archive, benchmark, load
tests) stands outside the product and may import anything.

The modules are read with ``ast``, not imported, so an import inside a function counts as much as
one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = {"meetings", "actions", "minutes"}

# What each app may import of the others.
MAY_IMPORT = {
    "meetings": set(),
    "actions": {"meetings"},
    "minutes": {"meetings", "actions"},
}

# The modules of ``assurance`` that compose the apps, and so may import them. Every other module
# of the project package (settings, roles, permissions, caching, history, audit, constraints,
# admin bases ...) imports none of the apps.
ASSURANCE_COMPOSING_THE_APPS = {
    "assurance.urls",  # the URL root: mounts each app's URLs, and the actions dashboard as home
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


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_each_app_imports_only_the_apps_below_it(app):
    found = importers(app, APPS - {app} - MAY_IMPORT[app])
    assert not found, f"{app} may import only {sorted(MAY_IMPORT[app]) or 'no other app'}"


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
