"""JNLPBA 2004 (Kim et al. 2004): bio-entity mentions in GENIA abstracts; a BLURB NER dataset.

``jnlpba`` is BLURB's dataset: its files (``blurb/``) merge the five types into one, scored as one
type: 16,807 / 1,739 / 3,856 sentences with 46,750 / 4,551 / 8,662 mentions. ``jnlpba_typed`` keeps the
five official types (protein, DNA, RNA, cell_line, cell_type) on the same split: BLURB's development
abstracts are 200 abstracts of the official training file (matched by MEDLINE id from the BLURB dev
file's ``-DOCSTART-`` lines), its training split the other 1,800, its test split the official test file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.conll import read_conll, sentence_to_document
from ..formats.iob_corpus import iob_reader
from ..schema import KBDocument, validate_kb
from ..views import span_view

BLURB_FILES = {"train": ("blurb/train.tsv",), "validation": ("blurb/dev.tsv",), "test": ("blurb/test.tsv",)}
OFFICIAL_TRAIN = "original/Genia4ERtask2.iob2"
OFFICIAL_TEST = "original/Genia4EReval2.iob2"
TYPED_FILES = {
    "train": (OFFICIAL_TRAIN, "blurb/dev.tsv"),
    "validation": (OFFICIAL_TRAIN, "blurb/dev.tsv"),
    "test": (OFFICIAL_TEST,),
}
TYPES = (
    ("protein", "a protein, protein family, complex or subunit (e.g. 'IL-2', 'NF-kappa B')"),
    ("DNA", "a DNA molecule, gene, promoter or other DNA region (e.g. 'IL-2 gene', 'kappa B site')"),
    ("RNA", "an RNA molecule such as an mRNA (e.g. 'IL-2 mRNA')"),
    ("cell_line", "an established cell line (e.g. 'Jurkat cells', 'HeLa')"),
    ("cell_type", "a natural cell type (e.g. 'T lymphocytes', 'monocytes')"),
)
MERGED_TYPE = (
    "Bioentity",
    "a protein, DNA or RNA molecule or region, cell line or cell type (e.g. 'IL-2 gene', 'T lymphocytes')",
)


def read_typed(folder: Path, split: str) -> Iterator[KBDocument]:
    """The official typed files on BLURB's split (dev abstracts found by MEDLINE id)."""
    path = folder / (OFFICIAL_TEST if split == "test" else OFFICIAL_TRAIN)
    dev_ids = {s.document for s in read_conll(folder / "blurb/dev.tsv")} if split != "test" else set()
    for number, sentence in enumerate(read_conll(path)):
        if split != "test" and (sentence.document in dev_ids) != (split == "validation"):
            continue
        doc = sentence_to_document(sentence, doc_id=f"jnlpba_typed-{split}-{number:05d}")
        yield validate_kb(doc, corpus="jnlpba_typed", source=f"{path} (line {sentence.line})")


COMMON = dict(
    task_type="ner",
    metric="entity_f1",
    view=span_view,
    folder="jnlpba",
    license="GENIA Project licence: annotations CC BY 3.0; BLURB data generation MIT",
    citation=(
        "Kim J-D, Ohta T, Tsuruoka Y, Tateisi Y, Collier N. Introduction to the Bio-entity Recognition Task at "
        "JNLPBA. Proceedings of JNLPBA 2004:70-75."
    ),
    homepage="http://www.geniaproject.org/shared-tasks/bionlp-jnlpba-shared-task-2004",
    benchmarks=("blurb",),
    split_sizes={"train": 16807, "validation": 1739, "test": 3856},
)

CORPORA = (
    Corpus(
        name="jnlpba",
        display_name="JNLPBA (BLURB, types merged)",
        reader=iob_reader("jnlpba", BLURB_FILES, default_type=MERGED_TYPE[0]),
        files=BLURB_FILES,
        description="Bio-entity recognition in GENIA abstracts, the five types merged into one as BLURB scores it.",
        entity_types=(MERGED_TYPE,),
        **COMMON,
    ),
    Corpus(
        name="jnlpba_typed",
        display_name="JNLPBA (five types)",
        reader=read_typed,
        files=TYPED_FILES,
        description="Bio-entity recognition in GENIA abstracts with the five official types, on BLURB's split.",
        entity_types=TYPES,
        **COMMON,
    ),
)
