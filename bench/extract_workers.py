"""Pages per second of ``variorum extract`` (the library path it runs: :func:`extract_in_order` with its
default workers, one per core) against plain trafilatura on one core, on the 181 real pages of the
article-extraction-benchmark (../shared/corpora/article-extraction-benchmark), in one run.

Each side extracts every page ``--rounds`` times (the corpus is small; rounds give the workers time to
matter). Reported: pages/s of each side, wall and CPU time, and the ratio. Variorum does more per page than
plain trafilatura (front matter, captions, links with offsets), so the ratio shows what the workers buy.

Run: ``.venv/bin/python bench/extract_workers.py [--rounds 3] [--workers N]``
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import time
from pathlib import Path

import trafilatura

from variorum.extract.parallel import default_workers, extract_in_order
from variorum.extract.records import HTML, OK, Record

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers, once their pool is shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    pages = [(path.name, gzip.decompress(path.read_bytes())) for path in sorted((args.corpus / "html").glob("*.html.gz"))]
    if not pages:
        parser.error(f"no pages in {args.corpus / 'html'} (give --corpus)")
    records = [Record(HTML, name, name, data) for name, data in pages] * args.rounds
    print(f"{len(pages)} pages x {args.rounds} rounds = {len(records)} extractions; {os.cpu_count()} cores; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    started, cpu = time.perf_counter(), cpu_seconds()
    plain = sum(1 for _, data in pages * args.rounds if trafilatura.extract(data))
    plain_wall, plain_cpu = time.perf_counter() - started, cpu_seconds() - cpu

    started, cpu = time.perf_counter(), cpu_seconds()
    ours = sum(1 for _, extraction in extract_in_order(records, workers=args.workers)
               if extraction is not None and extraction.status == OK)
    ours_wall, ours_cpu = time.perf_counter() - started, cpu_seconds() - cpu

    print(f"{'':<34} {'pages/s':>8} {'wall s':>7} {'CPU s':>7}  with text")
    print(f"{'plain trafilatura, one core':<34} {len(records) / plain_wall:>8.1f} {plain_wall:>7.1f} "
          f"{plain_cpu:>7.1f}  {plain}")
    print(f"{f'variorum extract, {args.workers} workers':<34} {len(records) / ours_wall:>8.1f} {ours_wall:>7.1f} "
          f"{ours_cpu:>7.1f}  {ours}")
    print(f"ratio (variorum / trafilatura, pages/s): {plain_wall / ours_wall:.2f}x")


if __name__ == "__main__":
    main()
