"""The ``variorum`` command as a whole: global options (``--version``, ``--quiet``, ``--color``), readable
help, one-line usage errors, what reaches a terminal, read-only commands, and what each command imports."""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import SEED_A, SEED_B, RunCli
from variorum import Article, __version__
from variorum.cli.app import COMMANDS, load_command
from variorum.store import open_store
from variorum.track.record import record_fetch

SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOURS = {str(n) for n in [*range(30, 38), *range(90, 98), 38, 39]}


def _colour_codes(text: str) -> set[str]:
    return {code for codes in SGR.findall(text) for code in codes.split(";")} & COLOURS


def _without_styles(text: str) -> str:
    return SGR.sub("", text)


@pytest.fixture(autouse=True)
def _no_colour_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "60")


# global options ---------------------------------------------------------------------------------------------

def test_version_prints_the_package_version(run_cli: RunCli) -> None:
    assert run_cli("--version") == (0, f"variorum {__version__}\n", "")


def test_quiet_silences_warnings_but_not_the_report(run_cli: RunCli, tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le café était fermé à Zürich, a déclaré le maire.\n".encode("latin-1"))
    same = tmp_path / "same.txt"
    same.write_text("Le café était fermé à Zürich, a déclaré le maire.\n", encoding="utf-8")
    status, out, err = run_cli("diff", str(latin), str(same))
    assert status == 0 and "not UTF-8" in err
    assert run_cli("--quiet", "diff", str(latin), str(same)) == (0, out, "")


def test_color_always_styles_a_pipe_and_never_styles_nothing(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    status, plain, _ = run_cli("diff", str(SEED_A), str(SEED_B))
    assert status == 1 and "\x1b" not in plain
    _, coloured, _ = run_cli("--color", "always", "diff", str(SEED_A), str(SEED_B))
    assert _colour_codes(coloured) and _without_styles(coloured) == plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, forced, _ = run_cli("diff", str(SEED_A), str(SEED_B))
    assert _colour_codes(forced)
    _, never, _ = run_cli("--color", "never", "diff", str(SEED_A), str(SEED_B))
    assert "\x1b" not in never and never == plain


def test_no_color_removes_the_colours_on_a_terminal(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    status, out, _ = run_cli("diff", str(SEED_A), str(SEED_B))
    assert status == 1 and "\x1b[" in out and not _colour_codes(out)  # styled for a terminal, but no colours


# help and usage errors --------------------------------------------------------------------------------------

def test_help_is_plain_and_readable(run_cli: RunCli) -> None:
    status, out, err = run_cli("diff", "--help")
    assert (status, err) == (0, "")
    assert "Usage: variorum diff [OPTIONS] A B" in out
    for noise in ("{a}", "<bool>", "52428800", "╭"):
        assert noise not in out
    assert "--max-bytes BYTES" in out and "default: 50 MiB" in " ".join(out.split())
    status, out, _ = run_cli("--help")
    assert status == 0 and all(name in out for name in COMMANDS)


@pytest.mark.parametrize("args, message", [
    (["diff", "-", "-"], "Invalid value: only one of A and B can be standard input"),
    (["diff", "a"], "Missing argument 'B'."),
    (["diff", "-f", "pdf", "a", "b"], "Invalid value for '--format' / '-f': 'pdf' is not one of 'text', 'json', "
                                      "'html', 'markdown'."),
    (["diff", "--max-bytes", "lots", "a", "b"], "Invalid value for '--max-bytes': 'lots' is not a valid int."),
    (["diff", "--colour", "a", "b"], "No such option: --colour"),
    (["--color", "sometimes", "diff"], "Invalid value for '--color': 'sometimes' is not one of 'auto', 'always', "
                                       "'never'."),
    (["difff"], "No such command 'difff'. Did you mean 'diff'?"),
    (["show", "https://example.org/", "--version", "2"], "No such option: --version"),
    (["dedup", "--processes", "0", "a.jsonl"], "Invalid value for '--processes': Input should be greater than or "
                                               "equal to 1"),
    (["serve", "--port", "70000"], "Invalid value for '--port': Input should be less than or equal to 65535"),
])
def test_every_usage_error_is_one_line_on_stderr_with_status_2(run_cli: RunCli, args: list[str], message: str) -> None:
    status, out, err = run_cli(*args)
    assert (status, out) == (2, "")
    assert err.startswith("variorum: error: ") and err.count("\n") == 1
    assert message in err


def test_command_summaries_match_the_commands_own_help() -> None:
    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert (command.help or "").strip().splitlines()[0] == entry.summary, name


# what reaches a terminal ------------------------------------------------------------------------------------

LONG_URL = "https://www.example.org/news/2026/01/30/a-rather-long-path-to-the-story-that-changed.html?id=42"


def test_diff_on_a_terminal_keeps_full_urls_and_offsets(run_cli: RunCli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(f"The report is at {LONG_URL} for everyone.\n", encoding="utf-8")
    b.write_text(f"The report is at {LONG_URL.replace('42', '43')} for everyone.\n", encoding="utf-8")
    status, piped, _ = run_cli("diff", str(a), str(b))
    _, terminal, _ = run_cli("--color", "always", "diff", str(a), str(b))
    assert status == 1
    assert LONG_URL in piped and "A [" in piped
    assert _without_styles(terminal) == piped  # same lines, nothing cut to the 60 columns


HOSTILE = "Rain \x1b]0;pwned\x07 today \x1b[2J\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ now."


def test_diff_escapes_control_sequences_on_a_terminal_and_keeps_them_in_a_pipe(run_cli: RunCli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Rain today.\n", encoding="utf-8")
    b.write_text(HOSTILE + "\n", encoding="utf-8")
    _, terminal, _ = run_cli("--color", "always", "diff", str(a), str(b))
    visible = _without_styles(terminal)
    assert "\x1b" not in visible and "\x07" not in visible
    assert "\\x1b]0;pwned\\x07" in visible
    _, piped, _ = run_cli("diff", str(a), str(b))
    assert "\x1b]0;pwned\x07" in piped  # a pipe gets the data as it is


def _store_with(path: Path, url: str, *texts: str) -> str:
    store = open_store(path)
    for hour, text in enumerate(texts):
        record_fetch(store, url, Article.from_text(text), b"", datetime(2026, 1, 30, 9 + hour, tzinfo=UTC))
    store.close()
    return str(path)


def test_history_escapes_a_hostile_headline_on_a_terminal(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    url = "https://news.example.org/hostile"
    headline = "Storm \x1b]0;pwned\x07 Nears \x1b[2J"
    db = _store_with(tmp_path / "v.db", url, "Calm\n\nNothing happened.", headline + "\n\nSomething happened.")
    status, out, _ = run_cli("--color", "always", "history", url, "--db", db)
    visible = _without_styles(out)
    assert status == 0 and "\x1b" not in visible and "\x07" not in visible
    assert "\\x1b]0;pwned\\x07" in visible
    _, piped, _ = run_cli("history", url, "--format", "json", "--db", db)
    assert json.loads(piped)["versions"][1]["title"] == headline  # stored and exported as it came


# read-only commands -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["history", "https://example.org/a"],
    ["show", "https://example.org/a"],
    ["export", "-o", "OUT"],
    ["serve", "--port", "0"],
    ["track", "list"],
])
def test_read_only_commands_refuse_a_missing_store_and_create_nothing(
    run_cli: RunCli, tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "missing-dir" / "x.db"
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in args]
    status, out, err = run_cli(*args, "--db", str(db))
    assert (status, out) == (2, "")
    assert err == f"variorum: error: {db}: no store here (variorum track add creates one)\n"
    assert not (tmp_path / "missing-dir").exists()


def test_only_track_add_creates_a_store(run_cli: RunCli, tmp_path: Path) -> None:
    db = tmp_path / "new-dir" / "x.db"
    status, out, _ = run_cli("track", "add", "--kind", "page", "--allow-private", "http://127.0.0.1:9/a", "--db", str(db))
    assert status == 0 and out.startswith("watching page") and db.is_file()
    assert run_cli("history", "http://127.0.0.1:9/a", "--db", str(db))[0] == 2  # there, but no versions yet


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_read_only_command_on_a_postgresql_database_without_a_store_is_refused(
    run_cli: RunCli, store_url: str
) -> None:
    status, _, err = run_cli("history", "https://example.org/a", "--db", store_url)
    assert status == 2 and "no store in this database (variorum track add creates one)" in err


# start-up: each command imports what it uses ----------------------------------------------------------------

HEAVY = ("sqlalchemy", "numpy", "httpx", "dask", "distributed", "pyarrow", "fastapi", "uvicorn", "pydantic", "lxml",
         "courlan", "urllib3")


def _after_command(args: list[str], then: str, **environment: str) -> str:
    """What the Python statement ``then`` writes to standard output in a fresh process, once ``variorum ARGS``
    has run there (with only PYTHONPATH, PATH and ``environment`` set)."""
    script = (
        "import os, sys\n"
        f"sys.argv = ['variorum', *{args!r}]\n"
        "from variorum.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"{then}\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(Path(importlib.import_module("variorum").__file__).parent.parent),
                               "PATH": "/usr/bin:/bin", **environment})
    return done.stdout


def _modules_loaded_by(*args: str) -> set[str]:
    return set(_after_command(list(args), "sys.__stdout__.write('\\n'.join(sorted(sys.modules)))").split("\n"))


def test_variorum_diff_loads_no_store_web_fetcher_numpy_or_dask() -> None:
    loaded = _modules_loaded_by("diff", str(SEED_A), str(SEED_B))
    assert "variorum.compare.engine" in loaded  # it did compare
    assert {name.split(".")[0] for name in loaded} & set(HEAVY) == set()


def test_a_piped_variorum_diff_writes_plain_text_without_loading_rich() -> None:
    modules = "sys.__stdout__.write('\\n' + '\\n'.join(sorted(sys.modules)))"
    piped = _after_command(["diff", str(SEED_A), str(SEED_B)], modules)
    assert piped.startswith("4 substantive changes") and "\x1b[" not in piped
    assert "rich.console" not in piped.split("\n")
    forced = _after_command(["diff", str(SEED_A), str(SEED_B)], modules, FORCE_COLOR="1")
    assert "\x1b[" in forced and "rich.console" in forced.split("\n")  # asked for colour: Rich styles it


def test_variorum_help_loads_no_command() -> None:
    loaded = _modules_loaded_by("--help")
    assert not any(name.startswith(("variorum.cli.diff", "variorum.compare", "variorum.store")) for name in loaded)
    assert {name.split(".")[0] for name in loaded} & set(HEAVY) == set()


@pytest.mark.parametrize("hidden", ["pyarrow", "pyarrow.parquet"])
def test_a_missing_optional_extra_is_named_with_what_to_install(
        run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hidden: str) -> None:
    table = tmp_path / "articles.parquet"
    table.write_bytes(b"PAR1 not really a table PAR1")
    monkeypatch.setitem(sys.modules, hidden, None)  # as if the 'parquet' extra were not installed
    status, out, err = run_cli("extract", str(table))
    assert status == 2 and out == ""
    assert err.strip() == ("variorum: error: this needs the optional 'parquet' extra (pyarrow is not installed): "
                           "pip install 'variorum[parquet]'")


def test_a_missing_module_of_no_extra_stays_a_real_error() -> None:
    from variorum.cli.extras import missing_extra_hint

    assert missing_extra_hint(ModuleNotFoundError("no module named 'lxml'", name="lxml")) is None
    assert missing_extra_hint(ModuleNotFoundError("no module named 'psycopg'", name="psycopg.pq")) == (
        "this needs the optional 'postgres' extra (psycopg is not installed): pip install 'variorum[postgres]'")


def test_variorum_dedup_of_text_records_loads_no_pydantic_lxml_worker_pool_rich_or_xml(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "Rain is expected in the city on Monday, forecasters said."}\n',
                      encoding="utf-8")
    loaded = _modules_loaded_by("dedup", str(corpus), "--processes", "1", "-o", str(tmp_path / "report.txt"))
    assert "variorum.dedup.pipeline" in loaded and (tmp_path / "report.txt").exists()  # it did run
    assert {name.split(".")[0] for name in loaded} & {"pydantic", "lxml"} == set()
    assert not {"variorum.extract.html", "variorum.extract.parallel", "concurrent.futures.process",
                "rich.progress", "numpy.ma", "numpy.random"} & loaded  # the default seed's draws are written out
    # Standard error is piped here: no progress bar, so Rich is not even asked; XML is for feeds, and the
    # persistent index (tempfile) for `variorum index`.
    assert {name.split(".")[0] for name in loaded} & {"rich", "xml", "tempfile"} == set()
    assert "variorum.dedup.index" not in loaded


def _dedup_threads_and_blas_setting(tmp_path: Path, **environment: str) -> tuple[int, str]:
    """The threads of a ``variorum dedup`` process once it has run, and its OPENBLAS_NUM_THREADS."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "Rain is expected in the city on Monday, forecasters said."}\n',
                      encoding="utf-8")
    written = _after_command(
        ["dedup", str(corpus), "-o", str(tmp_path / "report.txt")],
        "sys.__stdout__.write(f\"{len(os.listdir('/proc/self/task'))} {os.environ['OPENBLAS_NUM_THREADS']}\")",
        **environment)
    threads, setting = written.split()
    return int(threads), setting


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_variorum_dedup_starts_no_blas_threads_unless_the_user_asks(tmp_path: Path) -> None:
    assert _dedup_threads_and_blas_setting(tmp_path) == (1, "1")  # NumPy loaded, OpenBLAS's pool not started
    assert _dedup_threads_and_blas_setting(tmp_path, OPENBLAS_NUM_THREADS="2")[1] == "2"


@pytest.mark.parametrize(("setting", "shown"), [
    ({}, False), ({"FORCE_COLOR": "1"}, True), ({"TTY_COMPATIBLE": "1"}, True), ({"TTY_COMPATIBLE": "0"}, False),
    ({"color": "always"}, True),
])
def test_progress_console_on_a_pipe_follows_rich_and_the_color_option(
        monkeypatch: pytest.MonkeyPatch, setting: dict[str, str], shown: bool) -> None:
    from variorum.cli import console

    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    monkeypatch.setattr(console.policy, "color", console.ColorChoice(setting.pop("color", "auto")))
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    assert (console.progress_console() is not None) is shown


def test_command_line_choices_are_the_cores_values() -> None:
    """The CLI's choice enums (Typer needs Enum classes) hold exactly the values the core accepts, so the
    two cannot drift apart."""
    from variorum.cli.common import Significance
    from variorum.cli.dedup import Keep, Level, Measure
    from variorum.compare.model import SIGNIFICANCES
    from variorum.dedup.cluster import KEEP, LEVELS, MEASURES

    for choices, values in ((Significance, SIGNIFICANCES), (Measure, MEASURES), (Keep, KEEP), (Level, LEVELS)):
        assert [member.value for member in choices] == list(values), choices
