"""A persistent, incremental near-duplicate index on disk: add documents, later ask what a new one resembles.

An index is a directory: ``params.json`` (the format and the shingling/MinHash parameters, fixed when the
index is created) and ``segments/NNNNNN.npz`` (one per ``add``: ids, dates, exact keys, shingle-set sizes,
signatures). Segments are written to a temporary file and linked into place under a name no other writer
has taken, so an index can be reopened and appended to at any time, and a crash never leaves half a segment.
Asking with parameters other than the index's raises :class:`IndexMismatchError`, since signatures made
with other parameters cannot be compared.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from variorum.dedup.cluster import MEASURES, estimated_similarity
from variorum.dedup.pipeline import DedupConfig, Sketch
from variorum.errors import VariorumError

FORMAT = "variorum.dedup-index/3"  # 2: one-permutation signatures, byte-level words; 3: CJK characters as words


class IndexFileError(VariorumError):
    """An index directory that cannot be used (missing, not an index, damaged)."""


class IndexMismatchError(VariorumError):
    """A request whose parameters differ from those the index was built with."""


@dataclass(frozen=True)
class IndexParams:
    """What must match between an index and everything added to or asked of it."""

    ngram: int
    num_perm: int
    seed: int

    @classmethod
    def of(cls, config: DedupConfig) -> IndexParams:
        return cls(config.ngram, config.num_perm, config.seed)


@dataclass(frozen=True)
class Match:
    """One indexed document similar to the query."""

    id: str
    similarity: float
    published: str | None


def _params_path(root: Path) -> Path:
    return root / "params.json"


def read_params(root: Path) -> IndexParams:
    """The parameters of the index at ``root``."""
    try:
        stored = json.loads(_params_path(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexFileError(f"{root}: not a Variorum index (no params.json); create one with 'variorum index add'") from None
    except (OSError, ValueError) as error:
        raise IndexFileError(f"{root}: cannot read params.json ({error})") from None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        raise IndexFileError(f"{root}: not a Variorum index of format {FORMAT}")
    try:
        return IndexParams(int(stored["ngram"]), int(stored["num_perm"]), int(stored["seed"]))
    except (KeyError, TypeError, ValueError):
        raise IndexFileError(f"{root}: params.json is damaged") from None


def check_params(root: Path, stored: IndexParams, requested: dict[str, int | None]) -> None:
    """Raise :class:`IndexMismatchError` when a requested (non-None) parameter differs from the index's."""
    different = [
        f"{name}={value} (the index has {getattr(stored, name)})"
        for name, value in requested.items()
        if value is not None and value != getattr(stored, name)
    ]
    if different:
        raise IndexMismatchError(
            f"{root}: parameters do not match the index: {', '.join(different)}; "
            "leave them out to use the index's own, or build a new index"
        )


def open_or_create(root: Path, params: IndexParams) -> IndexParams:
    """Create the index at ``root`` with ``params`` if it does not exist; return its parameters."""
    if not _params_path(root).exists():
        if root.exists() and any(root.iterdir()):
            raise IndexFileError(f"{root}: exists and is not a Variorum index")
        (root / "segments").mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"format": FORMAT, **asdict(params)}, indent=2) + "\n"
        temporary = root / f".params.{os.getpid()}.tmp"
        temporary.write_text(payload, encoding="utf-8")
        # If another writer linked its parameters first, ours are dropped and theirs checked below.
        try:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, _params_path(root))
        finally:
            temporary.unlink()
    return read_params(root)


def add(root: Path, ids: Sequence[str], published: Sequence[str | None], sketch: Sketch) -> Path:
    """Append one segment holding ``sketch`` (of documents ``ids``) to the index; return its path."""
    segments = root / "segments"
    descriptor, temporary = tempfile.mkstemp(dir=segments, suffix=".tmp")
    with os.fdopen(descriptor, "wb") as handle:
        np.savez(
            handle,
            ids=np.array(list(ids), dtype=str),
            published=np.array([p or "" for p in published], dtype=str),
            keys=sketch.keys,
            sizes=sketch.sizes,
            signatures=sketch.signatures,
        )
    number = len(list(segments.glob("*.npz")))
    try:
        while True:
            target = segments / f"{number:06d}.npz"
            try:
                os.link(temporary, target)
                return target
            except FileExistsError:
                number += 1
    finally:
        os.unlink(temporary)


def remove(root: Path, ids: set[str]) -> int:
    """Remove the documents ``ids`` from the index; return how many were removed. Each segment holding one is
    rewritten without it (to a temporary file, then renamed over it), so a crash leaves either version."""
    read_params(root)
    removed = 0
    for segment in sorted((root / "segments").glob("*.npz")):
        try:
            with np.load(segment, allow_pickle=False) as data:
                columns = {name: data[name] for name in ("ids", "published", "keys", "sizes", "signatures")}
        except (OSError, ValueError, KeyError) as error:
            raise IndexFileError(f"{segment}: damaged index segment ({error})") from None
        gone = np.isin(columns["ids"], np.array(sorted(ids), dtype=str))
        if not gone.any():
            continue
        descriptor, temporary = tempfile.mkstemp(dir=segment.parent, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            np.savez(handle, **{name: values[~gone] for name, values in columns.items()})
        os.replace(temporary, segment)
        removed += int(gone.sum())
    return removed


def load(root: Path) -> dict[str, Any]:
    """Every segment of the index, concatenated: ids, published, keys, sizes, signatures."""
    params = read_params(root)
    columns: dict[str, list[np.ndarray]] = {name: [] for name in ("ids", "published", "keys", "sizes", "signatures")}
    for segment in sorted((root / "segments").glob("*.npz")):
        try:
            with np.load(segment, allow_pickle=False) as data:
                for name in columns:
                    columns[name].append(data[name])
        except (OSError, ValueError, KeyError) as error:
            raise IndexFileError(f"{segment}: damaged index segment ({error})") from None
    empty = {"ids": np.empty(0, str), "published": np.empty(0, str), "keys": np.empty(0, np.uint64),
             "sizes": np.empty(0, np.int64), "signatures": np.empty((0, params.num_perm), np.uint32)}
    return {name: np.concatenate(arrays) if arrays else empty[name] for name, arrays in columns.items()}


def query(
    indexed: dict[str, Any], sketch: Sketch, position: int, measure: str, min_similarity: float, top: int
) -> list[Match]:
    """The ``top`` indexed documents most similar to document ``position`` of ``sketch``, best first."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    count = len(indexed["ids"])
    if count == 0:
        return []
    signatures = np.vstack([indexed["signatures"], sketch.signatures[position:position + 1]])
    sizes = np.append(indexed["sizes"], sketch.sizes[position])
    pairs = np.stack([np.full(count, count), np.arange(count)], axis=1)
    scores = np.zeros(count) if sketch.sizes[position] == 0 else estimated_similarity(measure, signatures, sizes, pairs)
    scores[(indexed["sizes"] == 0)] = 0.0
    if sketch.word_counts[position] > 0:
        scores[indexed["keys"] == sketch.keys[position]] = 1.0
    chosen = np.flatnonzero(scores >= min_similarity)
    ranked = chosen[np.lexsort((chosen, -scores[chosen]))][:top]
    return [
        Match(str(indexed["ids"][i]), round(float(scores[i]), 4), str(indexed["published"][i]) or None)
        for i in ranked
    ]
