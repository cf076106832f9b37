"""How the command line writes: the one place that decides between terminal and plain output.

Rich decides whether a stream is a terminal, honouring ``FORCE_COLOR``, ``NO_COLOR`` and ``TTY_COMPATIBLE``;
the global options ``--color auto|always|never`` and ``--quiet`` (set once per run by :mod:`variorum.cli.app`)
adjust that decision. Every command asks this module instead of calling ``isatty()`` itself:
:func:`terminal_console` for reports, :func:`progress_console` for progress bars (``None`` when there should be
none), :func:`warn` and :func:`note` for lines on standard error, :func:`show_log_records` for the library's log
records. Text that came from an input is passed through :func:`escape_controls` before it reaches a
terminal, so an ESC or OSC sequence in a page cannot move the cursor, retitle the window or forge a hyperlink.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class ColorChoice(str, Enum):
    """``--color``: colour when standard output is a terminal (auto), always, or never."""

    auto = "auto"
    always = "always"
    never = "never"


@dataclass(slots=True)
class OutputPolicy:
    """The global output options of one run."""

    color: ColorChoice = ColorChoice.auto
    quiet: bool = False


policy = OutputPolicy()


def configure(color: ColorChoice, quiet: bool) -> None:
    """Set the output options of this run (called once, by the root command)."""
    policy.color = color
    policy.quiet = quiet


def _console(stderr: bool) -> Console:
    from rich.console import Console  # loaded when something is printed through Rich, not at start-up

    force = True if policy.color is ColorChoice.always else None
    if policy.color is ColorChoice.never:
        return Console(stderr=stderr, force_terminal=force, color_system=None, highlight=False, soft_wrap=True)
    return Console(stderr=stderr, force_terminal=force, highlight=False, soft_wrap=True)


def terminal_console() -> Console | None:
    """A console on standard output when it is a terminal (to style and escape for), else ``None``: plain
    text then, and a piped run never loads Rich to ask."""
    if not _may_be_terminal(sys.stdout):
        return None
    console = _console(stderr=False)
    return console if console.is_terminal else None


def _may_be_terminal(stream: TextIO) -> bool:
    """False when Rich would certainly not take ``stream`` for a terminal: no ``--color always``, no
    ``TTY_COMPATIBLE`` or ``FORCE_COLOR`` in the environment, and ``stream`` is not a TTY (so a piped run
    never loads Rich to ask)."""
    if policy.color is ColorChoice.always or "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return True
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def progress_console() -> Console | None:
    """A console on standard error for a progress bar, or ``None`` when no bar should be shown (piped
    standard error, or ``--quiet``)."""
    if policy.quiet or not _may_be_terminal(sys.stderr):
        return None
    console = _console(stderr=True)
    return console if console.is_terminal else None


def warn(message: str) -> None:
    """Print ``variorum: warning: MESSAGE`` on standard error (unless ``--quiet``)."""
    if not policy.quiet:
        print(f"variorum: warning: {message}", file=sys.stderr)


def show_log_records() -> None:
    """Show the library's log records on standard error as lines like :func:`warn`'s (``variorum: warning:
    MESSAGE``, ``variorum: error: MESSAGE``); under ``--quiet`` errors only."""
    import logging  # loaded by the commands that log (the tracker), not at start-up

    class LogLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return f"variorum: {record.levelname.lower()}: {super().format(record)}"

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogLine())
    logging.basicConfig(level=logging.ERROR if policy.quiet else logging.WARNING, handlers=[handler])


def note(message: str) -> None:
    """Print ``variorum: MESSAGE`` (a summary or status line) on standard error (unless ``--quiet``)."""
    if not policy.quiet:
        print(f"variorum: {message}", file=sys.stderr)


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    r"""``text`` with every control character but tab and newline shown as a visible escape.

    >>> escape_controls("red \x1b[31mflag\x1b[0m\tok")
    'red \\x1b[31mflag\\x1b[0m\tok'
    >>> escape_controls("\x1b]8;;http://evil/\x07link")
    '\\x1b]8;;http://evil/\\x07link'
    """
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


__all__ = [
    "ColorChoice", "OutputPolicy", "configure", "escape_controls", "note", "policy", "progress_console",
    "terminal_console", "warn",
]
