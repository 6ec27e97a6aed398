"""The minutes' plain-text format renders to safe HTML."""

import pytest

from assurance.text import render_text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("One paragraph.", "<p>One paragraph.</p>"),
        ("First.\n\nSecond.", "<p>First.</p>\n<p>Second.</p>"),
        ("Line one\nline two", "<p>Line one<br>line two</p>"),
        ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
        ("• one\n• two", "<ul><li>one</li><li>two</li></ul>"),
        ("1. Can the CC?\n2. How will?", "<ol><li>Can the CC?</li><li>How will?</li></ol>"),
        ("Findings:\n\n- a point", "<p>Findings:</p>\n<ul><li>a point</li></ul>"),
        ("", ""),
    ],
)
def test_the_markdown_subset(text, html):
    assert render_text(text) == html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "<svg onload=alert(1)>",
        "[link](javascript:alert(1))",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<<script>script>alert(1)<</script>/script>",
    ],
)
def test_typed_html_never_reaches_the_page(payload):
    html = render_text(f"- {payload}\n\n{payload}")
    assert "<script" not in html
    assert "<img" not in html
    assert "<svg" not in html
    assert "<a " not in html
