"""One peer's whole run on a JSONL file, for ``bench/dedup.py --neardup``: run as its own process, which
imports the peer and nothing of Variorum, so that its CPU time and memory are the peer's own.

    python bench/dedup_peers.py rensa|datasketch INPUT.jsonl LABELS.json NUM_PERM NGRAM

rensa (``RMinHash``/``RMinHashLSH``) and datasketch (``MinHash``/``MinHashLSH``) at Jaccard 0.5 with 5-word
shingles of ``str.split()`` words, verified by estimated Jaccard and joined by union-find.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PEER_THRESHOLD = 0.5
PEER_BANDS = 32  # 32 bands of 4 rows: the S-curve's midpoint near Jaccard 0.42, catching pairs at 0.5


def union_of_verified(sketches: list[Any], lsh: Any, threshold: float) -> list[int]:
    """Each sketch's cluster label: pairs the LSH index returns, kept when their estimated Jaccard reaches
    ``threshold``, joined by union-find (the label is the smallest member's position)."""
    parent = list(range(len(sketches)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, sketch in enumerate(sketches):
        for key in lsh.query(sketch):
            j = int(key)
            if j != i and sketch.jaccard(sketches[j]) >= threshold:
                a, b = find(i), find(j)
                parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(sketches))]


def peer_labels(peer: str, source: str, target: str, num_perm: int, ngram: int) -> None:
    """A peer's whole run: read the JSONL file, sketch, index, verify by estimated Jaccard, join by
    union-find; write ``{id: label}`` to ``target``."""
    ids, sketches = [], []
    if peer == "rensa":
        from rensa import RMinHash, RMinHashLSH

        lsh: Any = RMinHashLSH(threshold=PEER_THRESHOLD, num_perm=num_perm, num_bands=PEER_BANDS)
    else:
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=PEER_THRESHOLD, num_perm=num_perm)
    with open(source, encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            document = json.loads(line)
            tokens = document["text"].lower().split()
            # the n-grams as zip builds them (in C); a text shorter than one n-gram is one shingle
            shingles = list(map(" ".join, zip(*(tokens[k:] for k in range(ngram))))) or [" ".join(tokens)]
            if peer == "rensa":
                sketch: Any = RMinHash(num_perm=num_perm, seed=1)
                sketch.update(shingles)
                lsh.insert(number, sketch)
            else:
                sketch = MinHash(num_perm=num_perm, seed=1)
                sketch.update_batch([s.encode("utf-8") for s in shingles])
                lsh.insert(number, sketch)
            ids.append(document["id"])
            sketches.append(sketch)
    labels = union_of_verified(sketches, lsh, PEER_THRESHOLD)
    Path(target).write_text(json.dumps(dict(zip(ids, labels))), encoding="utf-8")


if __name__ == "__main__":
    name, source, target, num_perm, ngram = sys.argv[1:]
    peer_labels(name, source, target, int(num_perm), int(ngram))
