"""Decontamination: training text checked against the text of every evaluation test set present.

:class:`TestSetIndex` reads the test split of every ``role="eval"`` corpus whose files are present
(restricted ones too: they are never published, but training data must not hold their text either) and
indexes two things:

- **sentences**: every sentence of every test text, as a *key*: its words (below) joined by one space. A
  training text hits when one of its sentences has the same key. Both sides are split by the project's
  splitter (:func:`~mnlu_instruct.formats.sentences.split_sentences`) through :func:`split_for_matching`,
  which first undoes the spaces of tokenised releases and ends a sentence after a section label; a test
  document is split passage by passage (its title apart), a training text as a whole. Sentences of fewer
  than :data:`MIN_SENTENCE_WORDS` words are not indexed: on the shared corpora every shorter sentence that
  training text shares with a test set is a heading, a list number or a stray letter ("Results", "1",
  "Research design and methods"), and these would flag thousands of unrelated rows.
- **13-grams**: every run of :data:`NGRAM` consecutive words of a test text (across its sentences), the
  n-gram size of GPT-3's test-set overlap check (Brown et al. 2020, appendix C). A training text hits when
  it shares one, unless that n-gram holds only :data:`STOP_WORDS` and numbers (a run of figures says
  nothing about where a text comes from).

Publishers' notices ("Copyright 1998 Elsevier Science B.V.", "(c) 2012 Wiley Periodicals, Inc.", "This
article is part of a Special Issue entitled ...") are test sentences too, but recur word for word in
unrelated abstracts: sentences that match :data:`BOILERPLATE` are left out of both rules, on both sides.

Words: the text is NFKC-normalised and case-folded, then a word is a maximal run of letters and digits;
everything else (spaces, punctuation, brackets) only separates words. So a key does not depend on
tokenisation or spacing: the IOB corpora write ``N - ras ( ECs )`` where the abstract has ``N-ras (ECs)``,
and both give ``n ras ecs``. Case is folded because copies of one text differ in case (upper-case titles,
lower-cased releases), and a sentence that differs from a test sentence only in case is still that test text.

A piece of text that several test sets share (BC5CDR's abstracts and its two IOB views, the two HoC
versions) is reported under the first of them in name order. Hashes of 13-grams are Python's own (salted
per process): the index lives for one build and is never stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
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

BOILERPLATE = r"\bcopyright\b|\ball rights reserved\b|\b(?:elsevier|wiley|springer)\b|\bspecial issue entitled\b"
"""Publishers' notices (on sentence keys): a sentence with one of these is left out of both rules."""

_BOILERPLATE = re.compile(BOILERPLATE)
_WORD = re.compile(r"[^\W_]+")
_SPACED_DECIMAL = re.compile(r"(\d) \. (?=\d)")
_SPACED_PUNCTUATION = re.compile(r" +(?=[.!?,;:)\]}])")
_SECTION_LABEL = re.compile(r"(^|[.!?] )([A-Z]{2,}(?:[ /&-]+[A-Z]{2,})*):(?= [A-Z])")
_ROW_NUMBER = re.compile(r"\d{1,5}")
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
    if " . " in text:
        text = _SPACED_DECIMAL.sub(r"\1.", text)
    if " " in text:
        text = _SPACED_PUNCTUATION.sub("", text)
    if ":" in text:
        text = _SECTION_LABEL.sub(r"\1\2.", text)
    return [text[lo:hi] for lo, hi in split_sentences(text)]


def text_words(passages: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The sentence keys (of sentences long enough to index) and all the words of a text made of ``passages``,
    publishers' notices left out (:data:`BOILERPLATE`)."""
    keys: list[str] = []
    all_words: list[str] = []
    for passage in passages:
        for sentence in split_for_matching(passage):
            sentence_words = words(sentence)
            key = " ".join(sentence_words)
            if _BOILERPLATE.search(key):
                continue
            if len(sentence_words) >= MIN_SENTENCE_WORDS:
                keys.append(key)
            all_words += sentence_words
    return keys, all_words


def ngram_hashes(text_words: list[str]) -> Iterator[int]:
    """The hash of every n-gram of ``text_words``, in order."""
    return map(hash, zip(*(text_words[k:] for k in range(NGRAM))))


def informative(gram: list[str]) -> bool:
    """Whether an n-gram holds a word other than a stop word or a number (only those count as overlap)."""
    return not all(word in STOP_WORDS or word.isdigit() for word in gram)


def passage_texts(doc: KBDocument) -> tuple[str, ...]:
    """The passages of a document in text order, and any text they leave out as passages of its own."""
    pieces: list[str] = []
    position = 0
    for start, end in sorted(span for passage in doc.passages for span in passage.offsets):
        if doc.text[position:start].strip():
            pieces.append(doc.text[position:start])
        pieces.append(doc.text[start:end])
        position = max(position, end)
    if doc.text[position:].strip():
        pieces.append(doc.text[position:])
    return tuple(pieces)


def record_texts(record: Record) -> Iterator[tuple[str, ...]]:
    """The texts of a test record, each as its passages (split into sentences one by one).

    A document gives its passages (so its title is a sentence of its own); a pair gives both texts; a
    question its context and its question; a classified text itself.
    """
    if isinstance(record, KBDocument):
        yield passage_texts(record)
    elif isinstance(record, Pair):
        yield (record.text_1,)
        yield (record.text_2,)
    elif isinstance(record, QA):
        yield (record.context,)
        yield (record.question,)
    elif isinstance(record, TextClassification):
        yield (record.text,)
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
    ``document_ids``: the document id of every test record read, and the test set it is in (the first in name
    order when several hold it): what the build's document check needs, from the same single read. Bare numbers
    of up to five digits are left out: they number rows (BIOSSES's sentence pairs), not publications, and
    would collide with other corpora's row numbers (MTSamples); the text rules cover those sets.
    Build it with :meth:`from_data_dir`, or add texts with :meth:`add`.
    """

    __test__ = False  # not a pytest test class, despite its name

    checked: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.document_ids: dict[str, str] = {}
        self.sentences: dict[str, str] = {}
        self.ngrams: dict[int, str] = {}
        self._openings: set[int] = set()
        self._texts: set[int] = set()
        self._answers: dict[int, Optional[Hit]] = {}

    @classmethod
    def from_data_dir(cls, data_dir: Path, progress: bool = False) -> TestSetIndex:
        """The index of the test split of every ``role="eval"`` corpus present in ``data_dir``."""
        corpora = [c for c in registry().values() if c.role == "eval"]
        present = [c for c in corpora if test_split_present(c, Path(data_dir))]
        index = cls(tuple(c.name for c in present), tuple(c.name for c in corpora if c not in present))
        for corpus in tqdm(present, desc="test sets", unit=" set", disable=not progress, leave=False):
            for record in corpus.read("test", data_dir):
                if not _ROW_NUMBER.fullmatch(record.document_id):
                    index.document_ids.setdefault(record.document_id, corpus.name)
                for passages in record_texts(record):
                    index.add(corpus.name, *passages)
        return index

    def add(self, test_set: str, *passages: str) -> None:
        """Index one test text, given as one or more passages, under ``test_set``. A sentence or n-gram
        indexed before keeps the test set it came with, and a text indexed before is skipped."""
        seen = hash(passages)
        if seen in self._texts:
            return
        self._texts.add(seen)
        self._answers.clear()
        keys, all_words = text_words(passages)
        for key in keys:
            self.sentences.setdefault(key, test_set)
            key_words = key.split()
            if len(key_words) < NGRAM:  # a longer sentence holds an indexed n-gram: _may_hit sees it that way
                self._openings.add(hash(tuple(key_words[:MIN_SENTENCE_WORDS])))
        for gram in ngram_hashes(all_words):
            self.ngrams.setdefault(gram, test_set)

    def match(self, text: str) -> Optional[Hit]:
        """``(test set, "sentence" or "13-gram")`` of the first hit in ``text`` (sentences first), else None.

        Answers are remembered by the text's hash (64 bits): the rows of one document (relation candidates,
        event triggers, NLI pairs sharing a premise) repeat their text.
        """
        key = hash(text)
        if key not in self._answers:
            self._answers[key] = self._lookup(text)
        return self._answers[key]

    def _may_hit(self, text: str) -> bool:
        """A quick test on the words of the whole text, without splitting it into sentences: False only when
        neither rule can hit. A sentence hit needs the first words of an indexed sentence of fewer than
        :data:`NGRAM` words in a row (a longer one holds an indexed n-gram), and an n-gram hit an indexed n-gram
        (when no publishers' notice is left out from between its words)."""
        all_words = words(text)
        if _BOILERPLATE.search(" ".join(all_words)):
            return True
        openings = zip(*(all_words[k:] for k in range(MIN_SENTENCE_WORDS)))
        return not (self._openings.isdisjoint(map(hash, openings))
                    and self.ngrams.keys().isdisjoint(ngram_hashes(all_words)))

    def _lookup(self, text: str) -> Optional[Hit]:
        if not self._may_hit(text):
            return None
        keys, all_words = text_words((text,))
        for key in keys:
            found = self.sentences.get(key)
            if found:
                return found, SENTENCE
        ngrams = self.ngrams
        for start, gram in enumerate(ngram_hashes(all_words)):
            found = ngrams.get(gram)
            if found and informative(all_words[start:start + NGRAM]):
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
