"""What every command shares: the report formats of ``diff`` and ``collate``, writing a report, and
warnings on stderr."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

from variorum.errors import InputError


class ReportFormat(str, Enum):
    """The formats a comparison or collation report can be written in."""

    text = "text"
    json = "json"
    html = "html"
    markdown = "markdown"


def warn(message: str) -> None:
    """Print ``variorum: warning: MESSAGE`` on standard error."""
    print(f"variorum: warning: {message}", file=sys.stderr)


def write_report(report: str, output: Path | None) -> None:
    """Write ``report`` to ``output``, or to standard output when there is none."""
    if output is None:
        sys.stdout.write(report)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as error:
        raise InputError(str(output), f"cannot write the report ({error.strerror or error})") from None
