"""The ``variorum`` command: global options, the list of commands, and one clear line for every error.

Each command lives in its own module, imported only when that command runs: ``variorum diff`` loads the
comparison engine and nothing of the store, the web server, the fetcher or Dask, and ``variorum --help``
loads no command at all (the one-line summaries below are checked against the commands' docstrings by the
tests). Help is plain text; every usage error is one line on standard error with exit status 2.

Exit status follows ``diff``: 0 nothing substantive, 1 substantive changes (where a command reports them),
2 an error.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from difflib import get_close_matches
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

import typer
from typer.core import TyperGroup

from variorum import __version__
from variorum.cli.common import guarded_stdout
from variorum.cli.console import ColorChoice, configure
from variorum.errors import VariorumError


class CommandEntry(NamedTuple):
    """Where a command is defined, and its one-line summary for ``variorum --help``."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "diff": CommandEntry("variorum.cli.diff", "diff_command",
                         "Compare two versions of an article: every real change, classified and ranked; layout "
                         "noise ignored."),
    "extract": CommandEntry("variorum.cli.extract", "extract_command",
                            "Extract articles (text, title, authors, date, links, captions) from pages and crawl "
                            "containers."),
    "dedup": CommandEntry("variorum.cli.dedup", "dedup_command",
                          "Group documents that are the same story: exact copies, syndicated, trimmed and edited "
                          "versions."),
    "index": CommandEntry("variorum.cli.dedup", "index_app",
                          "A persistent near-duplicate index: add documents, ask what resembles one."),
    "collate": CommandEntry("variorum.cli.collate", "collate_command",
                            "Collate many versions of an article: every variant site over a base, with the "
                            "witnesses reading each."),
    "track": CommandEntry("variorum.cli.track", "track_app",
                          "Watch feeds and pages; store every real version of each article."),
    "history": CommandEntry("variorum.cli.history", "history_command",
                            "List the stored versions of an article: number, fetch time, significance, title and "
                            "what changed."),
    "show": CommandEntry("variorum.cli.history", "show_command",
                         "Show what changed between two stored versions of an article, reported as by variorum "
                         "diff."),
    "export": CommandEntry("variorum.cli.export", "export_command",
                           "Export every article, version and change as articles, versions and changes files."),
    "serve": CommandEntry("variorum.cli.serve", "serve_command",
                          "Serve the web interface and JSON API (reference at /docs) over the store."),
}


class PlainValue:
    """Turns command-line strings into ``str``, ``int``, ``float``, ``Path`` or ``Enum`` values (one, or a
    list), with Typer's error messages, without loading pydantic.

    Typer converts every parameter through a pydantic ``TypeAdapter``; importing pydantic costs more than
    importing Typer itself, so for the plain types every command uses, this converter is put in the
    parameter's ``_runtime_param`` slot, with the ``min`` and ``max`` bounds of a number checked as pydantic
    words them. Parameters that clamp, have parsers or other types keep Typer's.
    """

    SIMPLE = (str, int, float, Path, bool)
    TRUE, FALSE = ("1", "true", "t", "yes", "y", "on"), ("0", "false", "f", "no", "n", "off")

    def __init__(self, target: type, minimum: float | None = None, maximum: float | None = None) -> None:
        self.target = target
        self.minimum, self.maximum = minimum, maximum

    @classmethod
    def for_annotation(cls, annotation: Any) -> PlainValue | None:
        """A converter for ``annotation`` (``X``, ``Optional[X]`` or ``list[X]``), or ``None`` if it is not
        one of the plain types."""
        if get_origin(annotation) in (Union, types.UnionType):
            others = [arg for arg in get_args(annotation) if arg is not type(None)]
            annotation = others[0] if len(others) == 1 else None
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        if isinstance(annotation, type) and (annotation in cls.SIMPLE or issubclass(annotation, Enum)):
            return cls(annotation)
        return None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        if many:
            return [self._one(item, param, ctx) for item in value]
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, self.target):
            return value
        if self.target is bool and str(value).lower() in (*self.TRUE, *self.FALSE):
            return str(value).lower() in self.TRUE
        try:
            if self.target is bool:
                raise ValueError(value)
            converted = self.target(value)
        except ValueError:
            if issubclass(self.target, Enum):
                choices = ", ".join(repr(member.value) for member in self.target)
                problem = f"{value!r} is not one of {choices}."
            else:
                problem = f"{value!r} is not a valid {self.target.__name__}."
            raise typer.BadParameter(problem, ctx=ctx, param=param) from None
        low, high = self.minimum is not None and converted < self.minimum, self.maximum is not None and converted > self.maximum
        if low or high:
            bound = self.minimum if low else self.maximum
            shown = int(bound) if bound is not None and float(bound).is_integer() else bound
            raise typer.BadParameter(f"Input should be {'greater' if low else 'less'} than or equal to {shown}",
                                     ctx=ctx, param=param)
        return converted


def _prepare(command: Any) -> None:
    """Plain-text help for ``command`` and its subcommands, with arguments written ``A``, ``[A]``, ``A...``
    in the usage line (Typer writes ``{a}``), and :class:`PlainValue` conversion for plain parameters."""
    command.rich_markup_mode = None
    help_option = command.get_help_option(typer.Context(command))  # made once and kept by the command
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        descriptor = getattr(param, "type_descriptor", None)  # Typer versions without pydantic have none
        if descriptor is not None:
            info = descriptor.parameter_info
            plain = PlainValue.for_annotation(descriptor.annotation)
            bounded = info.min is not None or info.max is not None
            if plain is not None and info.parser is None and not (bounded and (info.clamp or plain.target not in (
                    int, float))):
                plain.minimum, plain.maximum = info.min, info.max
                param._runtime_param = plain
        if param.param_type_name == "argument":
            name = param.metavar = (param.metavar or param.name or "").upper()
            shown = name if param.required else f"[{name}]"
            param._usage_display_name = (lambda shown=shown, many=param.nargs != 1: shown + ("..." if many else ""))
    for sub in getattr(command, "commands", {}).values():
        _prepare(sub)


def load_command(name: str) -> Any:
    """The Click command (or group) ``variorum NAME`` runs, imported on demand."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer):
        command: Any = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    _prepare(command)
    return command


class LazyCommands(TyperGroup):
    """The root group: lists the commands from :data:`COMMANDS` and imports one only when it runs."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:  # "No such command": suggest the closest
            close = get_close_matches(args[0], COMMANDS, n=1) if args else []
            if close and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {close[0]!r}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        width = max(len(name) for name in COMMANDS)
        with formatter.section("Commands"):
            formatter.write_dl([(name.ljust(width), entry.summary) for name, entry in COMMANDS.items()])


app = typer.Typer(
    cls=LazyCommands,
    name="variorum",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        print(f"variorum {__version__}")
        raise typer.Exit(0)


@app.callback()
def _variorum(
    color: Annotated[ColorChoice, typer.Option(
        help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always, never.")] = ColorChoice.auto,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bars, warnings or summary lines on standard error.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version, help="Print the version and exit.")] = False,
) -> None:
    """Collate versions of news articles: what changed, which documents are the same story, and when."""
    configure(color, quiet)


def error_exit(message: str) -> None:
    """Print ``variorum: error: MESSAGE`` on standard error and exit with status 2."""
    print(f"variorum: error: {message}", file=sys.stderr)
    raise SystemExit(2)


BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}
"""Set (unless the user set them) before any command loads NumPy: no command does linear algebra, and
NumPy's OpenBLAS otherwise starts a thread per core when it loads, 0.035-0.04 CPU-seconds of every run that
imports NumPy on this 2-core machine (``import numpy`` 0.088-0.093 s, with one thread 0.052-0.054 s).
Worker processes (``--processes``, Dask's local cluster) inherit it."""


def main() -> None:
    """Entry point of the ``variorum`` console script."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    try:
        root = typer.main.get_command(app)
        _prepare(root)
        with guarded_stdout():
            status = root.main(prog_name="variorum", standalone_mode=False)
    except typer.TyperException as error:  # a usage error: bad option, missing argument, bad value
        print(f"variorum: error: {error.format_message()}", file=sys.stderr)
        raise SystemExit(error.exit_code) from None
    except typer.Abort:
        print("variorum: aborted", file=sys.stderr)
        raise SystemExit(1) from None
    except VariorumError as error:
        error_exit(str(error))
    except ModuleNotFoundError as error:  # an optional extra the command needs is not installed
        from variorum.cli.extras import missing_extra_hint

        hint = missing_extra_hint(error)
        if hint is None:
            raise
        error_exit(hint)
    except KeyboardInterrupt:
        print("variorum: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
    raise SystemExit(status if isinstance(status, int) else 0)
