"""Helpers for reading pages in tests."""

import html
import re

from django.core.cache import cache


def page_text(response) -> str:
    """The page's visible text with tags removed and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text).strip()


def render(client, url, params=None):
    """The page as rendered, not served from the page cache: what a count of the queries of
    rendering it should count. It must answer 200."""
    cache.clear()
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response
