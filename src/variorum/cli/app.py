"""The ``variorum`` Typer application: registers each command and turns errors into one clear line.

Exit status follows ``diff``: 0 nothing substantive, 1 substantive changes (where a command reports them),
2 an error.
"""

from __future__ import annotations

import sys

import typer

from variorum.cli import collate, dedup, diff, export, extract, history, serve, track
from variorum.cli.common import guarded_stdout
from variorum.errors import VariorumError

app = typer.Typer(
    name="variorum",
    help="Collate versions of news articles: what changed, which documents are the same story, and when.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _variorum() -> None:
    """Collate versions of news articles: what changed, which documents are the same story, and when."""


app.command("diff")(diff.diff_command)
app.command("extract")(extract.extract_command)
app.command("dedup")(dedup.dedup_command)
app.add_typer(dedup.index_app, name="index")
app.command("collate")(collate.collate_command)
app.add_typer(track.track_app, name="track")
app.command("history")(history.history_command)
app.command("show")(history.show_command)
app.command("export")(export.export_command)
app.command("serve")(serve.serve_command)


def error_exit(message: str) -> None:
    """Print ``variorum: error: MESSAGE`` on standard error and exit with status 2."""
    print(f"variorum: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main() -> None:
    """Entry point of the ``variorum`` console script."""
    try:
        with guarded_stdout():
            app()
    except VariorumError as error:
        error_exit(str(error))
    except KeyboardInterrupt:
        print("variorum: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
