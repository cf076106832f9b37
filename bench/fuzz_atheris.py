"""Coverage-guided fuzzing of the readers with atheris (libFuzzer), where atheris builds (Linux x86-64 wheels).

One target per reader; each input is written to a file of that format and read as ``variorum extract``
reads it. Anything raised but :class:`~variorum.errors.InputError` is a crash: libFuzzer stops and saves the
input as ``crash-*`` for a regression test. The hypothesis campaign in ``tests/test_fuzz_readers.py`` runs in
the suite; this one is run by hand, for as long as one likes::

    python bench/fuzz_atheris.py warc -max_total_time=120 -rss_limit_mb=2048 -timeout=30
    python bench/fuzz_atheris.py all -runs=20000        # every reader in turn

Targets: html, feed, jsonl, warc, parquet, text. libFuzzer ends each with ``Done N runs in S second(s)``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["variorum"]):
    from variorum.errors import InputError
    from variorum.extract import extract_record, read_input

SUFFIXES = {"html": ".html", "feed": ".xml", "jsonl": ".jsonl", "warc": ".warc", "parquet": ".parquet",
            "text": ".txt"}
_folder = Path(tempfile.mkdtemp(prefix="variorum-atheris-"))


def _target(suffix: str):  # type: ignore[no-untyped-def]
    path = _folder / f"input{suffix}"

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            for record in read_input(str(path)):
                extract_record(record)
        except InputError:
            pass

    return one_input


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "all"
    flags = sys.argv[2:]
    names = list(SUFFIXES) if name == "all" else [name]
    if len(names) > 1:  # libFuzzer runs one target per process: run each in a child
        for each in names:
            os.spawnv(os.P_WAIT, sys.executable, [sys.executable, __file__, each, *flags])
        return
    print(f"atheris target: {names[0]}", file=sys.stderr, flush=True)
    atheris.Setup([sys.argv[0], *flags], _target(SUFFIXES[names[0]]))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
