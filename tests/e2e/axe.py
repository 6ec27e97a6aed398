"""Accessibility checks for the browser tests, with axe-core run in the page.

axe.min.js comes from the pinned ``axe-playwright-python`` test dependency, which bundles it, so
the check needs no network and always runs the same axe-core release.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from playwright.sync_api import Page

# WCAG 2.2 AA as axe-core tags it: each level's rules carry their own tag.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Moderate and minor findings are left to review; these two fail the test.
FAILING_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    """The axe-core script bundled by axe-playwright-python."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Every WCAG A/AA violation axe-core finds in the page, once it and its styles have loaded."""
    page.wait_for_load_state()  # colour contrast needs the stylesheets
    # page.evaluate runs through the DevTools protocol, so a Content-Security-Policy that
    # forbids inline scripts does not stop the injection.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "options => window.axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def describe_violations(url: str, violations: list[dict]) -> str:
    """A readable list: each rule with its impact and help, then the elements that fail it."""
    lines = [f"axe-core found {len(violations)} serious or critical problem(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            # A target is a list of selectors, one per frame or shadow root on the way in.
            target = " >>> ".join(
                part if isinstance(part, str) else " ".join(part) for part in node["target"]
            )
            lines.append(f"    {target}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail, listing each one, if axe-core finds serious or critical WCAG A/AA violations."""
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, describe_violations(page.url, failing)
