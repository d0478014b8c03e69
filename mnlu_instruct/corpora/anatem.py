"""AnatEM (Pyysalo & Ananiadou 2014): anatomical entity mentions, a training source of MNLU-Instruct.

The MTL-Bioinformatics-2016 IOB2 conversion, where the twelve AnatEM types are collapsed into
``Anatomy``; one example per sentence: 5,861 / 2,118 / 3,830. The IOB files carry no document ids,
so their overlap with the BLUE/BLURB evaluation sets cannot be checked and nothing is excluded
(the sentences come from AnatEM's own PubMed abstracts and PMC extracts, none of which is an
evaluation corpus).
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader

NAME = "anatem"
FILES = {"train": ("train.tsv",), "validation": ("devel.tsv",), "test": ("test.tsv",)}
ENTITY_TYPES = (
    ("Anatomy", "an anatomical entity: an organism subdivision, organ, tissue, cell, cellular component, "
                "or body fluid or substance, e.g. 'liver', 'epithelium', 'T cells', 'serum'"),
)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="AnatEM",
        task_type="ner",
        metric="entity_f1",
        reader=iob_reader(NAME, FILES, entity_types=ENTITY_TYPES, closed=True),
        folder=NAME,
        files=FILES,
        split_sizes={"train": 5861, "validation": 2118, "test": 3830},
        license="CC BY-SA 3.0 (AnatEM); MTL-Bioinformatics-2016 conversion CC BY 4.0",
        citation=(
            "Pyysalo S, Ananiadou S. Anatomical entity mention recognition at literature scale. "
            "Bioinformatics. 2014;30(6):868-875."
        ),
        homepage="http://nactem.ac.uk/anatomytagger/#AnatEM",
        description="Anatomical entity mentions (organs, tissues, cells, ...) in PubMed abstracts and PMC extracts.",
        role="train",
        share_alike=True,
        access=(
            "Public: copy train.tsv, devel.tsv and test.tsv of data/AnatEM-IOB/ in "
            "https://github.com/cambridgeltl/MTL-Bioinformatics-2016 (commit df0df02) into anatem/."
        ),
        entity_types=ENTITY_TYPES,
    ),
)
