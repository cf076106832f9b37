"""Benchmark reading dates: ``variorum.text.values`` against python-dateutil and dateparser.

Run from the repository root: ``.venv/bin/python bench/values.py [--dates N]``.

Inputs, the same for every tool, in one process: N random dates from 1900 to 2099, each written in the
forms news text uses ("3 March 2024", "March 3, 2024", "Tuesday, March 3, 2024", "Mar. 3, 2024",
"the 3rd of March 2024", "2024-03-03"). Each tool reads each phrase; a reading is right when it gives that
date. Prints each tool's share of right readings, its time per phrase (best of 3), that time as a multiple
of Variorum's, and the time to import it in a fresh interpreter (what a ``variorum diff`` run would pay).
This is why ``compare`` reads values itself, with the month and weekday names of :mod:`calendar`.
(dateparser is given ``languages=["en"]``, its fastest setting; dateutil ``fuzzy=True`` for "the … of".)
"""

from __future__ import annotations

import argparse
import datetime
import random
import subprocess
import sys
import time
from collections.abc import Callable

import dateparser
from dateutil import parser as dateutil_parser

from variorum.text.tokens import token_keys
from variorum.text.values import Date, read_values

FORMS: tuple[Callable[[datetime.date], str], ...] = (
    lambda d: f"{d.day} {d:%B} {d.year}",
    lambda d: f"{d:%B} {d.day}, {d.year}",
    lambda d: f"{d:%A}, {d:%B} {d.day}, {d.year}",
    lambda d: f"{d:%b}. {d.day}, {d.year}",
    lambda d: f"the {d.day}{_suffix(d.day)} of {d:%B} {d.year}",
    lambda d: d.isoformat(),
)


def _suffix(day: int) -> str:
    return "th" if day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def read_variorum(text: str) -> datetime.date | None:
    phrases = read_values(token_keys(text))
    if len(phrases) != 1 or not isinstance(phrases[0].value, Date):
        return None
    value = phrases[0].value
    if value.year is None or value.month is None or value.day is None:
        return None
    return datetime.date(value.year, value.month, value.day)


def read_dateutil(text: str) -> datetime.date | None:
    try:
        found: datetime.datetime = dateutil_parser.parse(text, fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return found.date()


def read_dateparser(text: str) -> datetime.date | None:
    found: datetime.datetime | None = dateparser.parse(text, languages=["en"])
    return found.date() if found else None


TOOLS: dict[str, tuple[Callable[[str], datetime.date | None], str]] = {
    "variorum": (read_variorum, "variorum.text.values"),
    "python-dateutil": (read_dateutil, "dateutil.parser"),
    "dateparser": (read_dateparser, "dateparser"),
}


def import_seconds(module: str) -> float:
    """Seconds to import ``module`` and what it brings in a fresh interpreter (``-X importtime``'s
    cumulative figure; best of 3). For Variorum's module: what it adds to the package."""
    best = float("inf")
    for _ in range(3):
        report = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                                capture_output=True, text=True, check=True).stderr
        for line in report.splitlines():
            fields = [field.strip() for field in line.split("|")]
            if len(fields) == 3 and fields[2] == module:
                best = min(best, int(fields[1]) / 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=200, help="random dates, each written in every form")
    arguments = parser.parse_args()
    rng = random.Random(18)
    start, span = datetime.date(1900, 1, 1), (datetime.date(2099, 12, 31) - datetime.date(1900, 1, 1)).days
    dates = [start + datetime.timedelta(days=rng.randrange(span + 1)) for _ in range(arguments.dates)]
    cases = [(form(day), day) for day in dates for form in FORMS]
    print(f"{len(cases)} date phrases ({arguments.dates} dates × {len(FORMS)} forms); best of 3 runs.\n")
    print(f"{'tool':18s} {'right':>8s} {'µs per phrase':>14s} {'÷ variorum':>11s} {'import s':>9s}")
    base = 0.0
    for name, (read, module) in TOOLS.items():
        right = sum(read(text) == day for text, day in cases)
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            for text, _day in cases:
                read(text)
            best = min(best, time.perf_counter() - began)
        per_phrase = best / len(cases) * 1e6
        base = base or per_phrase
        print(f"{name:18s} {right / len(cases):8.1%} {per_phrase:14.1f} {per_phrase / base:10.1f}× "
              f"{import_seconds(module):9.3f}")


if __name__ == "__main__":
    main()
