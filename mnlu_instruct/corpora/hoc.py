"""Hallmarks of Cancer (Baker et al. 2016): which of the 10 cancer hallmarks a PubMed abstract discusses.

The corpus labels sentences; BLUE and BLURB both score abstracts. Each abstract is one multi-label
example: its labels are the union of its sentences' labels (an abstract without any hallmark answers
the "none of the above" option), its text is the abstract as the corpus authors released it
(``original/text/<PMID>.txt``, one tokenised sentence per line) with the sentences joined by spaces.

- ``hoc`` (BLURB): the abstracts and labels of BLURB's files ``blurb/*.tsv`` (all 1,852 abstracts:
  1,295 / 186 / 371, the same PMIDs in the same order as BLURB's ``blurb_split`` lists), micro-F1 over
  the 10 hallmarks. BLURB's sentences are the original ones, character for character.
- ``hoc_blue`` (BLUE): the abstracts and labels of BLUE's release files ``blue/*.tsv`` (1,108 / 157 /
  315: the 1,580 abstracts with at least one hallmark), BLUE's example-based F1. BLUE built its files
  from an older copy of the corpus: its sentences lose every non-ASCII character (``β-catenin`` becomes
  ``-catenin``) and carry HTML escapes (``&lt ;``), and 10 of its sentence rows (2 training abstracts)
  have labels that differ from the authors' current files. The text is therefore taken from
  ``original/`` (the sentences match BLUE's one for one once those differences are set aside, which
  the reader checks), and the labels from BLUE's rows, which are the benchmark's gold.

TSV rows are ``labels<TAB>sentence<TAB>index``: ``labels`` is ``0_v,1_v,...,9_v`` (flag ``v`` of each
hallmark in alphabetical order, :data:`HALLMARKS`), ``index`` is ``<PMID>_s<n>`` with ``n`` counting an
abstract's sentences from 0. The reader checks that each abstract's rows are its sentences 0..n-1, that
the original file has exactly n sentences, and that every row's sentence is the original one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.text_file import numbered_lines
from ..formats.tsv_rows import read_rows
from ..schema import CorpusFormatError, TextClassification

HALLMARKS = (
    ("activating invasion and metastasis", "Activating invasion and metastasis"),
    ("avoiding immune destruction", "Avoiding immune destruction"),
    ("cellular energetics", "Deregulating cellular energetics"),
    ("enabling replicative immortality", "Enabling replicative immortality"),
    ("evading growth suppressors", "Evading growth suppressors"),
    ("genomic instability and mutation", "Genome instability and mutation"),
    ("inducing angiogenesis", "Inducing angiogenesis"),
    ("resisting cell death", "Resisting cell death"),
    ("sustaining proliferative signaling", "Sustaining proliferative signaling"),
    ("tumor promoting inflammation", "Tumor-promoting inflammation"),
)
"""``(label, option text)``: the labels are BLUE's ``eval_hoc.py`` names (the corpus's hallmark names,
lower-cased), in the TSVs' column order; the option texts are Hanahan & Weinberg's names."""
NONE_LABEL = ("none", "None of the above")
HEADER = ("labels", "sentence", "index")
TEXT_FOLDER = "original/text"
QUESTION = "Which hallmarks of cancer does the abstract discuss? Choose every hallmark that applies."
_FLAGS = re.compile(r"(\d)_([01])")
_BLUE_ENTITY = re.compile(r"&(lt|gt|amp|quot|apos) ;")
_LITERAL_ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")
_SPACES = re.compile(r"\s+")
Row = tuple[int, int, str, set[str]]
"""One TSV row: line number, sentence number, sentence, labels."""


def same_sentence(sentence: str) -> str:
    """BLURB's sentences are the original ones: compared as they are."""
    return sentence


def blue_sentence(sentence: str) -> str:
    """A sentence as BLUE's copy can be compared with the original: HTML escapes (BLUE writes ``&lt ;``)
    decoded, non-ASCII characters and the original's literal ``\\uXXXX`` escapes (both lost in BLUE's
    copy) dropped, whitespace removed."""
    decoded = html.unescape(_BLUE_ENTITY.sub(r"&\1;", _LITERAL_ESCAPE.sub("", sentence)))
    return _SPACES.sub("", "".join(char for char in decoded if char.isascii()))


def parse_labels(path: Path, number: int, column: str) -> set[str]:
    """The hallmarks flagged in a ``0_v,...,9_v`` column; anything else is an error naming file and line."""
    flags = column.split(",")
    matches = [_FLAGS.fullmatch(flag) for flag in flags]
    if len(flags) != len(HALLMARKS) or any(
        match is None or int(match.group(1)) != i for i, match in enumerate(matches)
    ):
        raise CorpusFormatError(path, f"line {number}", f"labels must be 0_v,...,9_v (v = 0 or 1), found {column!r}")
    return {HALLMARKS[i][0] for i, match in enumerate(matches) if match and match.group(2) == "1"}


def original_sentences(folder: Path, pmid: str) -> list[str]:
    """The sentences of ``original/text/<PMID>.txt`` (one per line; the final line break ends the last)."""
    path = folder / TEXT_FOLDER / f"{pmid}.txt"
    if not path.is_file():
        raise CorpusFormatError(path, "file", f"missing: the original text of abstract {pmid}")
    lines = [line for _, line in numbered_lines(path)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _abstracts(path: Path) -> dict[str, list[Row]]:
    """``PMID -> [(line, sentence number, sentence, labels), ...]`` in file order."""
    abstracts: dict[str, list[Row]] = {}
    for number, (labels, sentence, index) in read_rows(path, 3, header=HEADER):
        pmid, sep, position = index.partition("_s")
        if not sep or not pmid.isdigit() or not position.isdigit():
            raise CorpusFormatError(path, f"line {number}", f"index must be <PMID>_s<n>, found {index!r}")
        abstracts.setdefault(pmid, []).append((number, int(position), sentence, parse_labels(path, number, labels)))
    return abstracts


def _check_rows(path: Path, pmid: str, rows: list[Row], sentences: list[str], comparable: Callable[[str], str]) -> None:
    """The rows of one abstract are its sentences 0..n-1, and those are the original file's sentences."""
    for expected, (number, position, _, _) in enumerate(rows):
        if position != expected:
            raise CorpusFormatError(
                path, f"line {number}", f"abstract {pmid}: sentence {position} where {expected} was expected"
            )
    if len(rows) != len(sentences):
        raise CorpusFormatError(
            path,
            f"line {rows[-1][0]}",
            f"abstract {pmid} has {len(rows)} sentences here but {len(sentences)} in {TEXT_FOLDER}/{pmid}.txt",
        )
    for (number, position, sentence, _), original in zip(rows, sentences):
        if comparable(sentence) != comparable(original):
            raise CorpusFormatError(
                path, f"line {number}", f"sentence {position} of abstract {pmid} differs from {TEXT_FOLDER}/{pmid}.txt"
            )


def hoc_reader(
    name: str, files: Mapping[str, tuple[str, ...]], comparable: Callable[[str], str]
) -> Callable[[Path, str], Iterator[TextClassification]]:
    """A reader of one benchmark's sentence TSV that yields one record per abstract, text from ``original/``.

    ``comparable`` maps a TSV sentence and the original sentence to the forms that must be equal.
    """

    def read(folder: Path, split: str) -> Iterator[TextClassification]:
        path = folder / files[split][0]
        for pmid, rows in _abstracts(path).items():
            sentences = original_sentences(folder, pmid)
            _check_rows(path, pmid, rows, sentences, comparable)
            labels = set().union(*(row[3] for row in rows))
            yield TextClassification(
                id=f"{name}-{pmid}",
                document_id=pmid,
                text=" ".join(sentences),
                labels=tuple(label for label, _ in HALLMARKS if label in labels),
            )

    return read


BLURB_FILES = {
    "train": ("blurb/train.tsv", TEXT_FOLDER),
    "validation": ("blurb/dev.tsv", TEXT_FOLDER),
    "test": ("blurb/test.tsv", TEXT_FOLDER),
}
BLUE_FILES = {
    "train": ("blue/train.tsv", TEXT_FOLDER),
    "validation": ("blue/dev.tsv", TEXT_FOLDER),
    "test": ("blue/test.tsv", TEXT_FOLDER),
}

HOC_BLURB = Corpus(
    name="hoc",
    display_name="HoC (BLURB)",
    metric="multilabel_micro_f1",
    reader=hoc_reader("hoc", BLURB_FILES, same_sentence),
    files=BLURB_FILES,
    split_sizes={"train": 1295, "validation": 186, "test": 371},
    description="Multi-label classification of PubMed abstracts into the 10 hallmarks of cancer (BLURB split).",
    access=(
        "Public. The corpus text is sb895/Hallmarks-of-Cancer's text/<PMID>.txt (into hoc/original/text/); "
        "hoc/blurb/{train,dev,test}.tsv are BLURB's data-generation output (data/HoC/*.tsv)."
    ),
    task_type="dc",
    folder="hoc",
    license="GPL-3.0 (corpus authors' LICENSE); BLURB split index MIT",
    share_alike=True,
    citation=(
        "Baker S, Silins I, Guo Y, et al. Automatic semantic classification of scientific literature according "
        "to the hallmarks of cancer. Bioinformatics. 2016;32(3):432-440. doi:10.1093/bioinformatics/btv585"
    ),
    homepage="https://github.com/sb895/Hallmarks-of-Cancer",
    labels=HALLMARKS + (NONE_LABEL,),
    negative_labels=(NONE_LABEL[0],),
    question=QUESTION,
)

CORPORA = (
    HOC_BLURB,
    replace(
        HOC_BLURB,
        name="hoc_blue",
        display_name="HoC (BLUE)",
        metric="example_f1",
        reader=hoc_reader("hoc_blue", BLUE_FILES, blue_sentence),
        files=BLUE_FILES,
        split_sizes={"train": 1108, "validation": 157, "test": 315},
        description="Multi-label classification of PubMed abstracts into the 10 hallmarks of cancer (BLUE split).",
        access=(
            "Public. The corpus text is sb895/Hallmarks-of-Cancer's text/<PMID>.txt (into hoc/original/text/); "
            "hoc/blue/{train,dev,test}.tsv are the BLUE release's bert_data/hoc files."
        ),
    ),
)
