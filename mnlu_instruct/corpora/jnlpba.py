"""JNLPBA 2004 (Kim et al. 2004): bio-entity mentions in GENIA abstracts; a BLURB NER dataset.

``jnlpba`` is BLURB's dataset: its files (``blurb/``) merge the five types into one untyped B/I/O tag set,
scored as one type: 16,807 / 1,739 / 3,856 sentences with 46,750 / 4,551 / 8,662 mentions.

``jnlpba_typed`` keeps the five official types (protein, DNA, RNA, cell_line, cell_type), read from the
official files in ``original/`` on BLURB's split. BLURB's data generation cuts the official training file
(``Genia4ERtask2.iob2``, 2,000 abstracts) at line 465,497, "the same train/dev split as MTL": its first
1,800 abstracts are BLURB's training set and its last 200 BLURB's development set; the official test file
is the test set. This reader cuts after the 1,800th abstract (``###MEDLINE:`` line), which gives BLURB's
sentences exactly, types kept (the tests compare them with ``blurb/``). The official training file holds
abstract 97218353 twice (its abstracts 1,265 and 1,570, both in the training split); BLURB keeps both, so do we.
Each sentence is one example; its document id is the abstract's MEDLINE id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.conll import read_conll, sentence_to_document
from ..formats.iob_corpus import iob_reader
from ..schema import KBDocument, validate_kb

BLURB_FILES = {"train": ("blurb/train.tsv",), "validation": ("blurb/dev.tsv",), "test": ("blurb/test.tsv",)}
OFFICIAL_TRAIN = "original/Genia4ERtask2.iob2"
OFFICIAL_TEST = "original/Genia4EReval2.iob2"
TYPED_FILES = {"train": (OFFICIAL_TRAIN,), "validation": (OFFICIAL_TRAIN,), "test": (OFFICIAL_TEST,)}
TRAIN_ABSTRACTS = 1800
"""BLURB's training split: the first 1,800 abstracts of the official training file; the rest is development."""
TYPES = (
    ("protein", "a protein, protein family or complex, or a protein subunit or domain (e.g. 'IL-2', 'NF-kappa B')"),
    ("DNA", "a DNA molecule, gene, promoter or other DNA region or sequence (e.g. 'IL-2 gene', 'kappa B site')"),
    ("RNA", "an RNA molecule, such as an mRNA (e.g. 'IL-2 mRNA')"),
    ("cell_line", "an established, cultured cell line (e.g. 'Jurkat cells', 'HeLa')"),
    ("cell_type", "a naturally occurring cell type (e.g. 'T lymphocytes', 'monocytes')"),
)
MERGED_TYPE = (
    "Bioentity",
    "a protein, DNA or RNA molecule or region, cell line or cell type (e.g. 'IL-2 gene', 'T lymphocytes')",
)


def read_typed(folder: Path, split: str) -> Iterator[KBDocument]:
    """The official typed files on BLURB's split (see the module docstring)."""
    path = folder / TYPED_FILES[split][0]
    abstracts, previous, number = 0, None, 0
    for sentence in read_conll(path, types={name for name, _ in TYPES}, closed=True):
        if abstracts == 0 or sentence.document != previous:
            abstracts, previous = abstracts + 1, sentence.document
        if split != "test" and (abstracts <= TRAIN_ABSTRACTS) != (split == "train"):
            continue
        doc = sentence_to_document(sentence, doc_id=f"jnlpba_typed-{split}-{number:05d}")
        number += 1
        yield validate_kb(doc, corpus="jnlpba_typed", source=f"{path} (line {sentence.line})")



JNLPBA_MERGED = Corpus(
    name="jnlpba",
    display_name="JNLPBA (BLURB, types merged)",
    reader=iob_reader(
        "jnlpba", BLURB_FILES, default_type=MERGED_TYPE[0], entity_types=(MERGED_TYPE,), closed=True
    ),
    files=BLURB_FILES,
    description="Bio-entity recognition in GENIA abstracts, the five types merged into one as BLURB scores it.",
    access="Public: BLURB's data-generation output data/JNLPBA/{train,dev,test}.tsv, as is, into jnlpba/blurb/.",
    entity_types=(MERGED_TYPE,),
    task_type="ner",
    metric="entity_f1",
    folder="jnlpba",
    license="GENIA Project licence: annotations CC BY 3.0 ('Corpus annotations (c) GENIA Project'); BLURB MIT",
    citation=(
        "Kim J-D, Ohta T, Tsuruoka Y, Tateisi Y, Collier N. Introduction to the Bio-entity Recognition Task at "
        "JNLPBA. Proceedings of JNLPBA 2004:70-75."
    ),
    homepage="http://www.geniaproject.org/shared-tasks/bionlp-jnlpba-shared-task-2004",
    split_sizes={"train": 16807, "validation": 1739, "test": 3856},
)

CORPORA = (
    JNLPBA_MERGED,
    replace(
        JNLPBA_MERGED,
        name="jnlpba_typed",
        display_name="JNLPBA (five types)",
        reader=read_typed,
        files=TYPED_FILES,
        description="Bio-entity recognition in GENIA abstracts with the five official types, on BLURB's split.",
        access=(
            "Public: Genia4ERtask2.iob2 from the official training tarball Genia4ERtraining.tar.gz and "
            "Genia4EReval2.iob2 from the test tarball Genia4ERtest.tar.gz, unchanged, into jnlpba/original/."
        ),
        entity_types=TYPES,
    ),
)
