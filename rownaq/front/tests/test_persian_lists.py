"""Numbered lists count in Persian digits (``list-persian``); the browser's default markers are Latin."""

from __future__ import annotations

import re
from pathlib import Path

import rownaq

# Not numbered on screen (breadcrumbs, unstyled lists), the PDF minutes (their own styles), and the need
# page's match list (its numbering is another piece of work).
_EXEMPT = re.compile(r"breadcrumb|list-unstyled|id=\"matches\"")


def test_every_numbered_list_counts_in_persian_digits() -> None:
    root = Path(rownaq.__file__).parent
    latin = [
        f"{path.relative_to(root)}: {tag}"
        for path in root.glob("*/templates/**/*.html")
        if path.name != "minutes.html"
        for tag in re.findall(r"<ol\b[^>]*>", path.read_text(encoding="utf-8"))
        if "list-persian" not in tag and not _EXEMPT.search(tag)
    ]
    assert latin == []
