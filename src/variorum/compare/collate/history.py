"""Sentence history: each sentence of ordered versions followed from version to version."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from variorum.article import Article
from variorum.compare.collate.model import SentenceLife
from variorum.compare.sequence import opcodes
from variorum.text.frontmatter import PARAGRAPH
from variorum.text.segment import ends_sentence, sentence_spans
from variorum.text.tokens import iter_tokens

_SAME_SENTENCE_DICE = 0.5
_WORD_RE = re.compile(r"\w+")


def _sentences(article: Article, keys_of: dict[str, str]) -> tuple[list[str], list[str]]:
    """Keys and collapsed texts of an article's sentences, in reading order. A sentence's key is its token
    keys, as :func:`compare` sees them, so layout noise (spacing, quotes, dashes, wrapping) never tells two
    sentences apart; ``keys_of`` remembers the keys of sentences already seen. Paragraphs broken inside a
    sentence are joined first, so that a re-wrapped paragraph is not a changed sentence."""
    passages: list[str] = []
    previous = None
    for block in article.blocks:
        raw = article.block_text(block)
        if previous is not None and block.kind == previous.kind == PARAGRAPH and not ends_sentence(passages[-1]):
            passages[-1] += " " + raw
        else:
            passages.append(raw)
        previous = block
    keys, texts = [], []
    for passage in passages:
        for start, end in sentence_spans(passage):
            sentence = passage[start:end]
            if sentence not in keys_of:
                keys_of[sentence] = " ".join(token.key for token in iter_tokens(sentence))
            keys.append(keys_of[sentence])
            texts.append(" ".join(sentence.split()))
    return keys, texts


def _dice(a: str, b: str) -> float:
    words_a, words_b = set(_WORD_RE.findall(a)), set(_WORD_RE.findall(b))
    return 2 * len(words_a & words_b) / (len(words_a) + len(words_b) or 1)


def sentence_history(articles: Sequence[Article]) -> list[SentenceLife]:
    """Each sentence's life across ordered versions: sentences are matched between consecutive versions
    by sequence alignment, then by equal words anywhere (a move), then by word overlap inside a replaced
    region (an edit); what is left appeared or disappeared. Sentences are compared by their token keys, so
    layout noise never changes a sentence.

    >>> [(s.text, s.appeared, s.changed, s.disappeared) for s in sentence_history(
    ...     [Article.from_text(t) for t in ("One. Two.", "One. Two too.", "Two too. Three.")])]
    [('One.', 0, (), 2), ('Two.', 0, (1,), None), ('Three.', 2, (), None)]
    """
    lives: list[dict[str, Any]] = []
    keys_of: dict[str, str] = {}
    keys, texts = _sentences(articles[0], keys_of)
    current = []
    for text in texts:
        current.append(len(lives))
        lives.append({"text": text, "final": text, "appeared": 0, "changed": [], "disappeared": None})
    for version in range(1, len(articles)):
        new_keys, new_texts = _sentences(articles[version], keys_of)
        following: list[int | None] = [None] * len(new_keys)
        regions: list[tuple[list[int], list[int]]] = []
        for tag, i1, i2, j1, j2 in opcodes(keys, new_keys):
            if tag == "equal":
                following[j1:j2] = current[i1:i2]
            else:
                regions.append((list(range(i1, i2)), list(range(j1, j2))))
        gone_by_key: dict[str, list[int]] = {}
        for old, _ in regions:
            for i in old:
                gone_by_key.setdefault(keys[i], []).append(i)
        taken: set[int] = set()
        for _, new in regions:
            for j in new:
                if gone_by_key.get(new_keys[j]):
                    i = gone_by_key[new_keys[j]].pop(0)
                    taken.add(i)
                    following[j] = current[i]
        for old, new in regions:
            for j in new:
                if following[j] is not None:
                    continue
                best = max((i for i in old if i not in taken), default=None,
                           key=lambda i: (_dice(keys[i], new_keys[j]), -i))
                if best is not None and _dice(keys[best], new_keys[j]) >= _SAME_SENTENCE_DICE:
                    taken.add(best)
                    following[j] = current[best]
                    lives[current[best]]["changed"].append(version)
                    lives[current[best]]["final"] = new_texts[j]
                else:
                    following[j] = len(lives)
                    lives.append({"text": new_texts[j], "final": new_texts[j], "appeared": version,
                                  "changed": [], "disappeared": None})
            for i in old:
                if i not in taken:
                    lives[current[i]]["disappeared"] = version
        keys, current = new_keys, [life for life in following if life is not None]
    return [SentenceLife(life["text"], life["final"], life["appeared"], tuple(life["changed"]), life["disappeared"])
            for life in lives]
