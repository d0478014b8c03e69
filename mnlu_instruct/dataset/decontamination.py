"""Decontamination: training text checked against the text of every evaluation test set present.

:class:`TestSetIndex` reads the test split of every ``role="eval"`` corpus whose files are present
(restricted ones too: they are never published, but training data must not hold their text either) and
indexes two things:

- **sentences**: every sentence of every test text, as a *key*: its words (below) joined by one space. A
  training text hits when one of its sentences has the same key. Sentences come from the project's splitter
  (:func:`~mnlu_instruct.formats.sentences.split_sentences`) on both sides, run on each passage of a test
  document (title and abstract apart) and on the whole of a training text. Sentences of fewer than
  :data:`MIN_SENTENCE_WORDS` words are not indexed: headings and captions ("Results", "Figure 1") recur in
  unrelated documents, and a longer copied sentence is a 13-gram hit anyway.
- **13-grams**: every run of :data:`NGRAM` consecutive words of a test text (across its sentences), as in
  GPT-3's test-set overlap check (Brown et al. 2020, appendix C). A training text hits when it shares one.
  N-grams made only of :data:`STOP_WORDS` and numbers are not indexed (boilerplate, tables of figures).

Words: the text is NFKC-normalised and case-folded, then a word is a maximal run of letters and digits;
everything else (spaces, punctuation, brackets) only separates words. So the key of a sentence does not
depend on tokenisation or spacing: the IOB corpora write ``N - ras ( ECs )`` where the abstract has
``N-ras (ECs)``, and both give ``n ras ecs``. Case is folded because a copy of a sentence may differ from
its source only in case (upper-case titles, lower-cased releases); a sentence that differs only in case is
the same test text.

A piece of text that several test sets share (BC5CDR's abstracts and its two IOB views, the two HoC
versions) is reported under the first of them in name order. Hashes of 13-grams are Python's own (salted
per process): the index lives for one build and is never stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from tqdm.auto import tqdm  # type: ignore[import-untyped]

from ..corpora import registry
from ..corpus import Corpus, MissingCorpusError
from ..examples import Example
from ..formats.sentences import split_sentences
from ..schema import QA, KBDocument, Pair, Record, TextClassification
from ..views import ARG1_TAGS, ARG2_TAGS

NGRAM = 13
"""Words per n-gram of the overlap rule."""
MIN_SENTENCE_WORDS = 5
"""Shortest sentence (in words) that the exact-sentence rule indexes."""
SENTENCE, OVERLAP = "sentence", f"{NGRAM}-gram"
"""The two reasons :meth:`TestSetIndex.match` gives."""
STOP_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "without", "and", "or", "nor",
    "but", "not", "no", "as", "is", "are", "was", "were", "be", "been", "being", "this", "that", "these", "those",
    "it", "its", "they", "their", "there", "than", "then", "which", "who", "whom", "whose", "what", "when", "where",
    "while", "has", "have", "had", "do", "does", "did", "can", "could", "may", "might", "must", "shall", "should",
    "will", "would", "into", "onto", "over", "under", "between", "among", "within", "per", "via", "vs", "versus",
    "all", "any", "both", "each", "either", "neither", "other", "such", "only", "also",
})
"""Function words: an n-gram of only these and numbers says nothing about where a text comes from."""

_WORD = re.compile(r"[^\W_]+")
_SPACED_DECIMAL = re.compile(r"(?<=\d) \. (?=\d)")
_SPACED_PUNCTUATION = re.compile(r" +(?=[.!?,;:)\]}])")
_SECTION_LABEL = re.compile(r"(?:^|(?<=[.!?] ))([A-Z]{2,}(?:[ /&-]+[A-Z]{2,})*):(?= [A-Z])")
_TAGS = re.compile("|".join(re.escape(tag) for tag in (*ARG1_TAGS, *ARG2_TAGS)))
Hit = tuple[str, str]
"""``(test set corpus name, reason)``."""


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` (runs of letters and digits, after NFKC)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.casefold())


def strip_tags(text: str) -> str:
    """``text`` without the inline argument tags of relation and event examples (``<e1>``, ``</e2>``, ...)."""
    return _TAGS.sub("", text) if "<" in text else text


def split_for_matching(text: str) -> list[str]:
    """The sentences of ``text``, split by the project's splitter after undoing tokenisation spaces.

    Tokenised releases write ``12 . 2 months`` and ``et al .``, where the splitter would see sentence ends:
    a period between spaced digits is rejoined (``12.2``) and spaces before closing punctuation are dropped.
    The section labels of structured abstracts (``METHODS: We ...``) end a sentence of their own, so that a
    sentence copied without its label still matches. None of this changes the words of the text.
    """
    if " " in text:
        text = _SPACED_PUNCTUATION.sub("", _SPACED_DECIMAL.sub(".", text))
        text = _SECTION_LABEL.sub(r"\1.", text)
    return [text[lo:hi] for lo, hi in split_sentences(text)]


def text_words(sentences: list[str]) -> tuple[list[str], list[str]]:
    """The sentence keys (of sentences long enough to index) and all the words of a text given as sentences."""
    keys: list[str] = []
    all_words: list[str] = []
    for sentence in sentences:
        sentence_words = words(sentence)
        if len(sentence_words) >= MIN_SENTENCE_WORDS:
            keys.append(" ".join(sentence_words))
        all_words += sentence_words
    return keys, all_words


def informative_ngrams(text_words: list[str]) -> Iterator[tuple[str, ...]]:
    """The n-grams of ``text_words`` that hold at least one word other than a stop word or a number."""
    informative = [not (word in STOP_WORDS or word.isdigit()) for word in text_words]
    last = -NGRAM  # the position of the last informative word seen
    for end, flag in enumerate(informative):
        if flag:
            last = end
        start = end - NGRAM + 1
        if start >= 0 and last >= start:
            yield tuple(text_words[start:end + 1])


def record_texts(record: Record) -> Iterator[list[str]]:
    """The texts of a test record, each as its list of sentences (:func:`split_for_matching`).

    A document with passages is split passage by passage (its title is a sentence of its own); a pair gives
    both texts; a question its context and its question.
    """
    if isinstance(record, KBDocument):
        passages = [p.offsets for p in record.passages] or [((0, len(record.text)),)]
        yield [sentence for offsets in passages for start, end in offsets
               for sentence in split_for_matching(record.text[start:end])]
    elif isinstance(record, Pair):
        yield split_for_matching(record.text_1)
        yield split_for_matching(record.text_2)
    elif isinstance(record, QA):
        yield split_for_matching(record.context)
        yield split_for_matching(record.question)
    elif isinstance(record, TextClassification):
        yield split_for_matching(record.text)
    else:
        raise TypeError(f"unknown record type {type(record).__name__}")


def test_split_present(corpus: Corpus, data_dir: Path) -> bool:
    """Whether the test split of ``corpus`` can be read from ``data_dir``."""
    if "test" not in corpus.files:
        return False
    try:
        corpus.locate(data_dir, "test")
    except MissingCorpusError:
        return False
    return True


@dataclass
class TestSetIndex:
    """The sentences and 13-grams of evaluation test sets, and which set each came from.

    ``checked``: the evaluation sets read; ``unchecked``: those whose test files are absent.
    ``document_ids``: the document ids of every test set read (what the build's id check needs).
    Build it with :meth:`from_data_dir`, or add texts with :meth:`add`.
    """

    __test__ = False  # not a pytest test class, despite its name

    checked: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.document_ids: set[str] = set()
        self.sentences: dict[str, str] = {}
        self.ngrams: dict[int, str] = {}
        self._texts: set[int] = set()
        self._match: Callable[[str], Optional[Hit]] = lru_cache(maxsize=4096)(self._lookup)

    @classmethod
    def from_data_dir(cls, data_dir: Path, progress: bool = False) -> TestSetIndex:
        """The index of the test split of every ``role="eval"`` corpus present in ``data_dir``."""
        corpora = [c for c in registry().values() if c.role == "eval"]
        present = [c for c in corpora if test_split_present(c, Path(data_dir))]
        index = cls(tuple(c.name for c in present), tuple(c.name for c in corpora if c not in present))
        for corpus in tqdm(present, desc="test sets", unit=" set", disable=not progress, leave=False):
            for record in corpus.read("test", data_dir):
                index.document_ids.add(record.document_id)
                for sentences in record_texts(record):
                    index.add(corpus.name, sentences)
        return index

    def add(self, test_set: str, sentences: list[str]) -> None:
        """Index one test text, given as its sentences, under ``test_set`` (a text indexed before is kept
        under the test set that came first)."""
        seen = hash(tuple(sentences))
        if seen in self._texts:
            return
        self._texts.add(seen)
        keys, all_words = text_words(sentences)
        for key in keys:
            self.sentences.setdefault(key, test_set)
        for gram in informative_ngrams(all_words):
            self.ngrams.setdefault(hash(gram), test_set)
        self._match = lru_cache(maxsize=4096)(self._lookup)

    def match(self, text: str) -> Optional[Hit]:
        """``(test set, "sentence" or "13-gram")`` of the first hit in ``text`` (sentences first), else None."""
        return self._match(text)

    def _lookup(self, text: str) -> Optional[Hit]:
        keys, all_words = text_words(split_for_matching(text))
        for key in keys:
            found = self.sentences.get(key)
            if found:
                return found, SENTENCE
        ngrams = self.ngrams
        for start in range(len(all_words) - NGRAM + 1):
            found = ngrams.get(hash(tuple(all_words[start:start + NGRAM])))
            if found:
                return found, OVERLAP
        return None

    def match_example(self, example: Example) -> Optional[Hit]:
        """The first hit in the example's input texts (``text``, then ``text_2``), argument tags removed."""
        for text in (example.text, example.text_2):
            if text:
                found = self.match(strip_tags(text))
                if found:
                    return found
        return None
