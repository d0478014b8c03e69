"""CZI DRSM (Disease Research State Model), the in-house gold set: rare-disease articles by type of research.

``v1/initial_gold_standard_data_2022_01_03.tsv`` is tab-separated with a header (:data:`HEADER`) and
double-quoted fields that contain line breaks, so it is read with the ``csv`` module: 1,126 records (1,397
physical lines) on four rare diseases. Curators gave each article a primary research category and, for 111
of them, a secondary one; each record is one multi-label example whose labels are both categories, scored by
micro-F1. The options are the 17 categories that occur in the file (:data:`CATEGORIES`, as ``<code>. <NAME>``;
the reader rejects any other). The text is the title followed by the abstract (title only for the one
labelled article without an abstract).

The 99 records without a category (the curators' log marks most of them as reviews or irrelevant) are
dropped: 1,027 remain. There is no official split. An article goes to ``validation`` when the SHA-256 of its
PMID is 0 modulo 10, else to ``train``: 927 / 100 articles (dropped: 92 / 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.csv_rows import read_quoted_tsv
from ..holdout import holdout_split
from ..schema import CorpusFormatError, TextClassification

NAME = "czi_drsm"
GOLD = "v1/initial_gold_standard_data_2022_01_03.tsv"
FILES = {"train": (GOLD,), "validation": (GOLD,)}
HEADER = (
    "ID_PAPER", "TITLE", "ABSTRACT", "DISEASE_NAME", "PRIMARY_CATEGORY", "SECONDARY_CATEGORY", "word_count",
    "TRIMMED_ABSTRACT",
)
CATEGORIES = (
    ("0.1", "DISEASE NOMENCLATURE", "Disease nomenclature"),
    ("0.2", "RELATED DISEASES", "Related diseases"),
    ("0.3", "OTHER", "Other"),
    ("1.1", "CLINICAL CHARACTERISTICS OR DISEASE PATHOLOGY",
     "Clinical characteristics or disease pathology (signs and symptoms, effects on the body, clinical tests, "
     "diagnosis)"),
    ("1.2", "QUALITY OF LIFE", "Quality of life"),
    ("1.3", "THERAPEUTICS IN THE CLINIC", "Therapeutics in the clinic (how treatments work in clinical practice, "
                                          "outside clinical trials)"),
    ("1.4", "EPIDEMIOLOGY", "Epidemiology"),
    ("1.5", "INFLUENCE OF GEOGRAPHY OR ENVIRONMENT", "Influence of geography or environment"),
    ("2.1", "DISEASE MECHANISM", "Disease mechanism (the genes, molecular pathways or physiology behind the "
                                 "disease)"),
    ("2.2", "NORMAL BIOLOGY", "Normal biology"),
    ("2.3", "NON IN-VIVO HUMAN MODEL SYSTEM", "Non-in-vivo human or non-human model system"),
    ("2.4", "IN-VIVO HUMAN BASIC SCIENCE STUDIES", "In-vivo human basic science studies"),
    ("2.5", "COMPUTATIONAL BIOLOGY + INFORMATICS", "Computational biology and informatics"),
    ("3.1", "THERAPEUTIC HYPOTHESIS", "Therapeutic hypothesis"),
    ("3.2", "DRUG MECHANISM", "Drug mechanism"),
    ("3.3", "PRECLINICAL THERAPEUTICS", "Preclinical therapeutics"),
    ("3.4", "PATIENT-BASED THERAPEUTICS", "Patient-based therapeutics (clinical trials, post-marketing drug "
                                          "surveillance, drug repurposing)"),
)
"""``(code, name as in the file, option text)`` of each category the gold set uses."""
_CODE_OF = {f"{code}. {name}": code for code, name, _ in CATEGORIES}



def gold_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line number where the record starts, cells)`` of each record, after checking the header."""
    return read_quoted_tsv(path, HEADER)


def read(folder: Path, split: str) -> Iterator[TextClassification]:
    """One record per categorised article of the split, in file order."""
    path = folder / GOLD
    seen: set[str] = set()
    for start, cells in gold_rows(path):
        pmid, title, abstract, primary, secondary = cells[0], cells[1].strip(), cells[2].strip(), cells[4], cells[5]
        where = f"record at line {start} (PMID {pmid})"
        if not pmid.isdigit() or pmid in seen:
            raise CorpusFormatError(path, where, "ID_PAPER must be a PMID that appears once")
        seen.add(pmid)
        unknown = [value for value in (primary, secondary) if value and value not in _CODE_OF]
        if unknown:
            raise CorpusFormatError(path, where, f"unknown category {unknown[0]!r}")
        if not primary:
            if secondary:
                raise CorpusFormatError(path, where, "a secondary category without a primary one")
            continue
        if not title:
            raise CorpusFormatError(path, where, "no title")
        if holdout_split(pmid) != split:
            continue
        labels = tuple(dict.fromkeys(_CODE_OF[value] for value in (primary, secondary) if value))
        yield TextClassification(
            id=f"{NAME}-{pmid}", document_id=pmid, text=f"{title} {abstract}".strip(), labels=labels
        )


CORPORA = (
    Corpus(
        name=NAME,
        display_name="CZI DRSM (in-house gold set)",
        task_type="dc",
        metric="multilabel_micro_f1",
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 927, "validation": 100},
        license="CC0 1.0 Universal (public-domain dedication), per the authors' LICENSE",
        citation=(
            "DRSM-corpus: an annotated literature corpus for NLP studies of 'Disease Research State' (Chan "
            "Zuckerberg Initiative), https://github.com/chanzuckerberg/DRSM-corpus, v1 (2022). The authors cite "
            "no paper."
        ),
        homepage="https://github.com/chanzuckerberg/DRSM-corpus",
        description=(
            "Titles and abstracts of PubMed articles on four rare diseases, labelled by curators with the type of "
            "research they report (clinical characteristics, disease mechanism, therapeutics, ...)."
        ),
        role="train",
        access=(
            "Public: download v1/initial_gold_standard_data_2022_01_03.tsv from "
            "https://github.com/chanzuckerberg/DRSM-corpus into czi_drsm/v1/, unchanged."
        ),
        labels=tuple((code, text) for code, _, text in CATEGORIES),
        question=(
            "Which types of research on a rare disease does the article report? Choose every category that applies."
        ),
    ),
)
