"""CDSR lay summaries (Guo et al. 2021): Cochrane systematic-review abstracts and their plain-language
summaries, a summarisation training source of MNLU-Instruct (the paper's ``summarization/CDSR``).

The authors ship only the split lists (``split_lists/{train,validation,test}_title_DOI.csv``: CSV with the
columns ``Title`` and ``DOI``; train has a leading row-index column): 5,195 / 500 / 1,000 reviews. The text is
the user's own export from the Cochrane Library, as the authors' README describes it: on
https://www.cochranelibrary.com/cdsr/reviews, "Select all", "Export selected citation(s)", tick "Include
abstract", save as ``citation-export.txt`` (here: ``cdsr/citation-export.txt``). That plain-text file (UTF-8,
an optional BOM, LF or CRLF line ends) holds one record per review, each starting at a line that contains
``Record #<n> of <total>``, then one field per line as ``TAG: value``; the reader uses three tags:

- ``TI: <title>``;
- ``DOI: <doi>``, e.g. ``DOI: 10.1002/14651858.CD007462.pub4``;
- ``AB: Abstract - <abstract> Plain language summary <plain-language summary>``: both on one line, split at
  the first `` Plain language summary ``.

Other tags are ignored; a record without a DOI or without a plain-language summary is skipped.

Matching: a record belongs to the split whose list holds its DOI, compared without the ``.pubN`` version
suffix (case-insensitive), because the export has each review's current version while the lists (2020) keep
the version of then, or none (train 4,826 of 5,195 listed DOIs carry a suffix). When the export has several
versions of one listed review, the one whose DOI equals the listed DOI wins, else the first in the file.
Records of reviews in no list are skipped. The record's ``document_id`` is the listed DOI; the abstract is the
text and the plain-language summary the summary, both kept whole (no truncation).

Overlap hygiene: the 3 train reviews whose titles equal those of ChemProt train and BC5CDR development/test
abstracts (earlier PubMed versions of the same reviews; ``OVERLAP_WITH_EVAL.json``) are left out
(``excluded_document_ids``), so at most 5,192 / 500 / 1,000 records; an export without some listed reviews
(withdrawn since) gives fewer, and the reader logs how many listed reviews it did not find.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..corpus import Corpus
from ..formats.csv_rows import read_csv
from ..formats.text_file import numbered_lines
from ..schema import CorpusFormatError, Summary, validate_summary

NAME = "cdsr"
EXPORT = "citation-export.txt"
FILES = {
    "train": ("split_lists/train_title_DOI.csv", EXPORT),
    "validation": ("split_lists/validation_title_DOI.csv", EXPORT),
    "test": ("split_lists/test_title_DOI.csv", EXPORT),
}
EXCLUDED = {
    "train": (
        "10.1002/14651858.CD005593",
        "10.1002/14651858.CD001191.pub4",
        "10.1002/14651858.CD004143.pub5",
    ),
}
RECORD_START = re.compile(r"Record #\d+ of \d+")
VERSION_SUFFIX = re.compile(r"\.pub\d+$", re.IGNORECASE)
ABSTRACT_PREFIX = "Abstract - "
SUMMARY_MARKER = " Plain language summary "
log = logging.getLogger(__name__)


def doi_key(doi: str) -> str:
    """A DOI without its ``.pubN`` version suffix, lower-cased: ``10.1002/14651858.cd007462``."""
    return VERSION_SUFFIX.sub("", doi.strip()).lower()


@dataclass(frozen=True)
class ExportRecord:
    """One review of the Cochrane export: where it starts, its DOI, title, abstract and lay summary."""

    line: int
    doi: str
    title: str
    abstract: str
    summary: str


def _record(fields: dict[str, str], line: int) -> ExportRecord | None:
    abstract_field = fields.get("AB", "")
    if "DOI" not in fields or not abstract_field.startswith(ABSTRACT_PREFIX) or SUMMARY_MARKER not in abstract_field:
        return None
    abstract, summary = abstract_field[len(ABSTRACT_PREFIX):].split(SUMMARY_MARKER, 1)
    return ExportRecord(line, fields["DOI"].strip(), fields.get("TI", "").strip(), abstract.strip(), summary.strip())


def read_export(path: Path) -> Iterator[ExportRecord]:
    """The records of a Cochrane Library citation export that have a DOI and a plain-language summary."""
    fields: dict[str, str] = {}
    start = 0
    for number, line in numbered_lines(path):
        line = line.lstrip("\ufeff")
        if RECORD_START.search(line):
            if start and (record := _record(fields, start)):
                yield record
            fields, start = {}, number
            continue
        tag, separator, value = line.partition(": ")
        if not separator or not tag.isalpha() or not tag.isupper():
            continue
        if not start:
            raise CorpusFormatError(path, f"line {number}", "a field before the first 'Record #<n> of <total>' line")
        fields.setdefault(tag, value)
    if not start:
        raise CorpusFormatError(path, "line 1", "no 'Record #<n> of <total>' line: not a Cochrane Library export")
    if record := _record(fields, start):
        yield record


def split_list(path: Path) -> dict[str, str]:
    """The listed DOIs of one split, by :func:`doi_key`."""
    listed: dict[str, str] = {}
    for number, row in read_csv(path, ("Title", "DOI")):
        doi = row["DOI"].strip()
        if not doi:
            raise CorpusFormatError(path, f"line {number}", "empty DOI")
        if doi_key(doi) in listed:
            raise CorpusFormatError(path, f"line {number}", f"DOI {doi} is listed twice (with or without .pubN)")
        listed[doi_key(doi)] = doi
    return listed


def read(folder: Path, split: str) -> Iterator[Summary]:
    """The reviews of ``split``'s list found in the export, in list order, less the excluded ones."""
    listed = split_list(folder / FILES[split][0])
    export = folder / EXPORT
    found: dict[str, ExportRecord] = {}
    for record in read_export(export):
        key = doi_key(record.doi)
        if key not in listed:
            continue
        exact = record.doi.lower() == listed[key].lower()
        if key not in found or (exact and found[key].doi.lower() != listed[key].lower()):
            found[key] = record
    excluded = set(EXCLUDED.get(split, ()))
    missing = 0
    for key, doi in listed.items():
        if doi in excluded:
            continue
        if key not in found:
            missing += 1
            continue
        record = found[key]
        summary = Summary(id=f"{NAME}-{doi}", document_id=doi, text=record.abstract, summary=record.summary)
        yield validate_summary(summary, corpus=NAME, source=f"{export}, line {record.line}")
    if missing:
        log.warning("%s/%s: %d of the %d listed reviews are not in %s", NAME, split, missing, len(listed), export)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="CDSR lay summaries",
        task_type="summ",
        metric="rouge_l",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 5192, "validation": 500, "test": 1000},
        license=(
            "Split lists: MIT (authors' repository); the review texts: the user's own Cochrane Library export, "
            "under the Cochrane Library's terms (no licence stated for them)"
        ),
        citation=(
            "Guo Y, Qiu W, Wang Y, Cohen T. Automated Lay Language Summarization of Biomedical Scientific Reviews. "
            "AAAI 2021. arXiv:2012.12573"
        ),
        homepage="https://github.com/qiuweipku/Plain_language_summarization",
        description=(
            "Cochrane systematic-review abstracts and their plain-language summaries, in the authors' split; the "
            "text comes from the user's own Cochrane Library export."
        ),
        role="train",
        user_supplied=True,
        access=(
            "The review texts are not redistributed: export them from the Cochrane Library yourself: open "
            "https://www.cochranelibrary.com/cdsr/reviews, click \"Select all\", then \"Export selected citation(s)\", "
            "tick \"Include abstract\" and save the plain-text file as cdsr/citation-export.txt. The split lists are "
            "CDSR_data/{train,validation,test}_title_DOI.csv of "
            "https://github.com/qiuweipku/Plain_language_summarization (commit 4ef3b9e), copied to cdsr/split_lists/."
        ),
        question=(
            "Write a plain-language summary of the systematic-review abstract in the medical text, for readers "
            "without medical training."
        ),
        excluded_document_ids=EXCLUDED,
    ),
)
