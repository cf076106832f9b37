"""Find the same story across a corpus: exact and near-duplicate clusters (MinHash + LSH + union-find).

>>> from variorum.dedup import Deduper, DedupConfig, Document
>>> deduper = Deduper(DedupConfig(ngram=2))
>>> deduper.add([Document("1", "Rain is expected in the city on Monday."),
...              Document("2", "Rain is expected in the city on Monday, forecasters said.")])
>>> len(deduper.clusters())
1
"""

from variorum.dedup.cluster import KEEP, MEASURES, Cluster
from variorum.dedup.pipeline import DedupConfig, Deduper, Document, Sketch, sketch

__all__ = ["KEEP", "MEASURES", "Cluster", "DedupConfig", "Deduper", "Document", "Sketch", "sketch"]
