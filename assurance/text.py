"""The plain-text format of background, questions, minutes and update notes, rendered as HTML.

A small Markdown subset: blank lines separate paragraphs, lines starting ``- `` or ``• `` are
bullets, lines starting ``1. `` (any number) are numbered items, and a single newline inside a
paragraph is a line break. An indented line under a list item continues that item; an
unindented line ends the list. Everything the user typed is escaped, and the result passes
through the nh3 sanitiser as well, so no HTML typed by a user reaches a page unescaped.
"""

from __future__ import annotations

import functools
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "ul", "ol", "li", "br"}

BULLET = re.compile(r"^\s*[-•]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*\d+\.\s+(?P<text>\S.*)$")


def _classify(line: str) -> tuple[str, str]:
    """The kind of a line ("ul", "ol", "blank", "text") and its text without the marker."""
    if not line.strip():
        return "blank", ""
    for kind, pattern in (("ul", BULLET), ("ol", NUMBERED)):
        match = pattern.match(line)
        if match:
            return kind, match["text"].strip()
    return "text", line.strip()


def _blocks(text: str) -> list[tuple[str, list[list[str]]]]:
    """Group lines into blocks: ("p", [lines]) or ("ul"/"ol", [[lines of item], ...])."""
    blocks: list[tuple[str, list]] = []
    current: tuple[str, list] | None = None
    after_blank = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        kind, content = _classify(line)
        if kind == "blank":
            after_blank = True
            continue
        in_list = current is not None and current[0] in ("ul", "ol")
        if kind in ("ul", "ol"):
            # Items of the same kind stay in one list even across a blank line.
            if current is None or current[0] != kind:
                current = (kind, [])
                blocks.append(current)
            current[1].append([content])
        elif in_list and not after_blank and line[:1].isspace():
            current[1][-1].append(content)  # an indented line continues the list item
        elif current is not None and current[0] == "p" and not after_blank:
            current[1].append(content)
        else:
            current = ("p", [content])
            blocks.append(current)
        after_blank = False
    return blocks


def _lines(lines: list[str]) -> str:
    return "<br>".join(escape(line) for line in lines)


# A page of minutes renders a thousand texts, and renders them again after each change to
# anything; the result depends on the text alone, so the texts seen lately are kept.
@functools.lru_cache(maxsize=4096)
def render_text(text: str | None) -> SafeString:
    """Render plain text in the minutes' Markdown subset as sanitised HTML."""
    if not text or not text.strip():
        return mark_safe("")
    parts = []
    for kind, content in _blocks(text):
        if kind == "p":
            parts.append(f"<p>{_lines(content)}</p>")
        else:
            items = "".join(f"<li>{_lines(item)}</li>" for item in content)
            parts.append(f"<{kind}>{items}</{kind}>")
    html = nh3.clean("\n".join(parts), tags=ALLOWED_TAGS, attributes={})
    # Safe: every piece of user text was escaped above, and nh3 removed anything else.
    return mark_safe(html)
