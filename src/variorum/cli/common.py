"""What every command shares: the report formats of ``diff`` and ``collate``, and warnings on stderr."""

from __future__ import annotations

import sys
from enum import Enum


class ReportFormat(str, Enum):
    """The formats a comparison or collation report can be written in."""

    text = "text"
    json = "json"
    html = "html"
    markdown = "markdown"


def warn(message: str) -> None:
    """Print ``variorum: warning: MESSAGE`` on standard error."""
    print(f"variorum: warning: {message}", file=sys.stderr)
