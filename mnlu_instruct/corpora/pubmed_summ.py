"""PubMed summarisation (Cohan et al. 2018): PubMed Central open-access articles and their abstracts, a
summarisation training source of MNLU-Instruct (the paper's ``summarization/PubMedSum``).

Files, JSON Lines, one article per line (``article_id`` a PMC id, ``article_text`` a list of sentences,
``abstract_text`` a list of ``<S> ... </S>`` sentences; lower-cased and tokenised upstream). The reader
takes, in this order of preference:

- the official release, when all three of its files are present: ``pubmed-dataset/train.txt``,
  ``pubmed-dataset/val.txt`` and ``pubmed-dataset/test.txt`` (the layout of the authors' ``pubmed-dataset.zip``,
  119,924 / 6,633 / 6,658 articles according to a public preprocessing script; not counted here), read as
  train / validation / test;
- else the 100-article sample ``sample/train.txt``, ``sample/validation.txt``, ``sample/test.txt`` (80 / 10 / 10
  articles: lines 1-80, 81-90 and 91-100 of the official train file as a third party cut it, so all 100 are
  official training articles; the reader keeps the third party's file names as splits, which makes its
  validation file our held-out set). ``split_sizes`` are the sample's counts (below).

Only some of the official files present is an error that names the missing ones (mixing the release with
the sample would put official training articles into the validation set). One record per article: the
sentences of the article are the text, the abstract's sentences (``<S>``/``</S>`` removed) the summary, each
joined by single spaces with runs of whitespace (line breaks inside sentences) made one space, and kept whole
(no truncation). An article whose text or abstract is empty is skipped: 3 of the sample's train articles have
``article_text`` ``[""]`` (PMC1637871, PMC1469534, PMC4151783; their only section is "Images" or
"Supplementary Material"), so the sample gives 77 / 10 / 10 records. No overlap with the BLUE/BLURB evaluation
documents was found (PMC ids cannot be matched with PMIDs offline; the sample's abstracts were compared by
word 8-grams).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from ..corpus import Corpus, MissingCorpusError, resolve_data_dir
from ..formats.jsonl import read_jsonl
from ..schema import CorpusFormatError, Summary

NAME = "pubmed_summ"
SAMPLE = {"train": ("sample/train.txt",), "validation": ("sample/validation.txt",), "test": ("sample/test.txt",)}
RELEASE = {
    "train": "pubmed-dataset/train.txt",
    "validation": "pubmed-dataset/val.txt",
    "test": "pubmed-dataset/test.txt",
}
SENTENCE_TAGS = ("<S>", "</S>")


def release_files(folder: Path) -> Optional[dict[str, Path]]:
    """The official release's files by split when all are in ``folder``, ``None`` when none is; else an error."""
    paths = {split: folder / name for split, name in RELEASE.items()}
    present = [path for path in paths.values() if path.exists()]
    if not present:
        return None
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise MissingCorpusError(
            f"PubMed summarisation ({NAME}): the official release is only partly there: missing {', '.join(missing)}. "
            "Place all of train.txt, val.txt and test.txt of pubmed-dataset.zip under "
            f"{folder / 'pubmed-dataset'}/, or none of them to use the sample."
        )
    return paths


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


def read(folder: Path, split: str) -> Iterator[Summary]:
    """One record per article of the release's file of ``split`` if present, else of the sample's."""
    release = release_files(folder)
    path = release[split] if release else folder / SAMPLE[split][0]
    for number, row in read_jsonl(path):
        article_id = row.get("article_id")
        if not isinstance(article_id, str) or not article_id:
            raise CorpusFormatError(path, f"line {number}", "'article_id' must be a non-empty string")
        text = _joined(_sentences(row, "article_text", path, number))
        summary = _joined(_sentences(row, "abstract_text", path, number), SENTENCE_TAGS)
        if text and summary:
            yield Summary(id=f"{NAME}-{article_id}", document_id=article_id, text=text, summary=summary)


@dataclass(frozen=True)
class _ReleaseOrSample(Corpus):
    """A corpus found when either the official release or the sample (``files``) is in its folder."""

    def locate(self, data_dir: Union[str, Path, None] = None, split: Optional[str] = None) -> Path:
        folder = resolve_data_dir(data_dir) / self.folder
        if release_files(folder) is not None:
            return folder
        return super().locate(data_dir, split)


CORPORA = (
    _ReleaseOrSample(
        name=NAME,
        display_name="PubMed summarisation",
        task_type="summ",
        metric="rouge_l",
        reader=read,
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
            "Full-text PubMed Central articles and their abstracts (lower-cased, tokenised); a 100-article sample "
            "of the official train file, or the official release when supplied."
        ),
        role="train",
        access=(
            "Sample (public): copy pubmed-dataset/train.txt, validation.txt and test.txt of "
            "https://github.com/abhinav-bohra/BigBird (commit 4992635) to pubmed_summ/sample/. Full release: "
            "download pubmed-dataset.zip from https://github.com/armancohan/long-summarization and place its "
            "train.txt, val.txt and test.txt under pubmed_summ/pubmed-dataset/; they are read instead of the sample."
        ),
        question="Write the abstract of the scientific article in the medical text.",
    ),
)
