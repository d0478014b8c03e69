"""PubMed summarisation (Cohan et al. 2018): PubMed Central open-access articles and their abstracts, a
summarisation training source of MNLU-Instruct (the paper's ``summarization/PubMedSum``).

Files, JSON Lines, one article per line (``article_id`` a PMC id, ``article_text`` a list of sentences,
``abstract_text`` a list of ``<S> ... </S>`` sentences; lower-cased and tokenised upstream). Two corpora:

- ``pubmed_summ``: the 100-article sample ``sample/train.txt``, ``sample/validation.txt``, ``sample/test.txt``
  (80 / 10 / 10 articles: lines 1-80, 81-90 and 91-100 of the official train file as a third party cut it, so
  all 100 are official training articles; the third party's file names are kept as splits, which makes its
  validation file our held-out set);
- ``pubmed_summ_full``: the official release, ``pubmed-dataset/train.txt``, ``val.txt`` and ``test.txt`` (the
  layout of the authors' ``pubmed-dataset.zip``; 119,924 / 6,633 / 6,658 articles as commonly reported, not
  counted here, so this corpus declares no split sizes: a file cut inside a line is still an error, a file cut
  at a line boundary is not detected). When both are present, the sample's articles are official training
  articles: the build drops them as duplicate (prompt, target) pairs of the release's train split.

One record per article: the
sentences of the article are the text, the abstract's sentences (``<S>``/``</S>`` removed) the summary, each
joined by single spaces with runs of whitespace (line breaks inside sentences) made one space, and kept whole
(no truncation). An article whose text or abstract is empty is skipped: 3 of the sample's train articles have
``article_text`` ``[""]`` (PMC1637871, PMC1469534, PMC4151783; their only section is "Images" or
"Supplementary Material"), so the sample gives 77 / 10 / 10 records. No overlap with the BLUE/BLURB evaluation
documents was found (PMC ids cannot be matched with PMIDs offline; the sample's abstracts were compared by
word 8-grams).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Summary

NAME = "pubmed_summ"
FULL_NAME = "pubmed_summ_full"
SAMPLE = {"train": ("sample/train.txt",), "validation": ("sample/validation.txt",), "test": ("sample/test.txt",)}
RELEASE = {
    "train": ("pubmed-dataset/train.txt",),
    "validation": ("pubmed-dataset/val.txt",),
    "test": ("pubmed-dataset/test.txt",),
}
SENTENCE_TAGS = ("<S>", "</S>")


def _sentences(row: dict, key: str, path: Path, number: int) -> list[str]:
    value = row.get(key)
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise CorpusFormatError(path, f"line {number}", f"{key!r} must be a list of strings")
    return value


def _joined(sentences: list[str], remove: tuple[str, ...] = ()) -> str:
    """The sentences joined by single spaces, ``remove`` strings dropped, runs of whitespace made one space."""
    cleaned = []
    for sentence in sentences:
        for tag in remove:
            sentence = sentence.replace(tag, " ")
        cleaned.append(" ".join(sentence.split()))
    return " ".join(s for s in cleaned if s)


def _reader(name: str, files: Mapping[str, tuple[str, ...]]) -> Callable[[Path, str], Iterator[Summary]]:
    """A ``reader(folder, split)`` of one record per article of the split's file."""

    def read(folder: Path, split: str) -> Iterator[Summary]:
        path = folder / files[split][0]
        for number, row in read_jsonl(path):
            article_id = row.get("article_id")
            if not isinstance(article_id, str) or not article_id:
                raise CorpusFormatError(path, f"line {number}", "'article_id' must be a non-empty string")
            text = _joined(_sentences(row, "article_text", path, number))
            summary = _joined(_sentences(row, "abstract_text", path, number), SENTENCE_TAGS)
            if text and summary:
                yield Summary(id=f"{name}-{article_id}", document_id=article_id, text=text, summary=summary)

    return read


SAMPLE_CORPUS = Corpus(
    name=NAME,
    display_name="PubMed summarisation",
    task_type="summ",
    metric="rouge_l",
    reader=_reader(NAME, SAMPLE),
    folder=NAME,
    files=SAMPLE,
    split_sizes={"train": 77, "validation": 10, "test": 10},
    license="No licence stated (armancohan/long-summarization states no terms; articles from PubMed Central OA)",
    citation=(
        "Cohan A, Dernoncourt F, Kim DS, Bui T, Kim S, Chang W, Goharian N. A Discourse-Aware Attention Model "
        "for Abstractive Summarization of Long Documents. NAACL-HLT 2018 (short papers):615-621. "
        "doi:10.18653/v1/N18-2097"
    ),
    homepage="https://github.com/armancohan/long-summarization",
    description=(
        "Full-text PubMed Central articles and their abstracts (lower-cased, tokenised): a 100-article sample "
        "of the official train file."
    ),
    role="train",
    access=(
        "Sample (public): copy pubmed-dataset/train.txt, validation.txt and test.txt of "
        "https://github.com/abhinav-bohra/BigBird (commit 4992635) to pubmed_summ/sample/."
    ),
    question="Write the abstract of the scientific article in the medical text.",
)

CORPORA = (
    SAMPLE_CORPUS,
    replace(
        SAMPLE_CORPUS,
        name=FULL_NAME,
        display_name="PubMed summarisation (full release)",
        reader=_reader(FULL_NAME, RELEASE),
        files=RELEASE,
        split_sizes={},
        user_supplied=True,
        description=(
            "Full-text PubMed Central articles and their abstracts (lower-cased, tokenised): the official release "
            "(about 120k training articles), read from the user's copy."
        ),
        access=(
            "Public, too large to ship: download pubmed-dataset.zip from "
            "https://github.com/armancohan/long-summarization and place its train.txt, val.txt and test.txt under "
            "pubmed_summ/pubmed-dataset/."
        ),
    ),
)
