"""How long ``variorum`` takes to start, against ``python -c "import typer"`` (the floor of any Typer CLI).

Runs each command ``--runs`` times as a fresh process (interleaved, so that background load hits all of
them alike) and prints the median wall time and the median CPU time (user + system of the child) of each,
and their ratios to the Typer import. Usage::

    PYTHONPATH=src python bench/startup.py [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
VARIORUM = [sys.executable, "-c", "from variorum.cli.app import main; main()"]

COMMANDS = {
    'python -c "import typer"': [sys.executable, "-c", "import typer"],
    "variorum --version": [*VARIORUM, "--version"],
    "variorum --help": [*VARIORUM, "--help"],
    "variorum diff (examples)": [*VARIORUM, "diff", str(EXAMPLES / "000_3bf7e90de235531e.txt"),
                                 str(EXAMPLES / "001_cb855800afc0d414.txt")],
}


def _run_once(command: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        _run_once(command)
    for _ in range(runs):
        for name, command in COMMANDS.items():
            wall, cpu = _run_once(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor_wall = statistics.median(walls['python -c "import typer"'])
    floor_cpu = statistics.median(cpus['python -c "import typer"'])
    print(f"{runs} runs each, medians, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<28} {'wall':>8} {'ratio':>6} {'cpu':>8} {'ratio':>6}")
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:<28} {wall * 1000:>6.0f}ms {wall / floor_wall:>5.2f}x {cpu * 1000:>6.0f}ms {cpu / floor_cpu:>5.2f}x")


if __name__ == "__main__":
    main()
