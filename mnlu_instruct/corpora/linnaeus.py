"""LINNAEUS (Gerner, Nenadic & Bergman 2010): species mentions, a training source of MNLU-Instruct.

The MTL-Bioinformatics-2016 IOB2 conversion (its own train/devel/test split of the 100 PMC full-text
articles); one example per sentence: 11,935 / 4,078 / 7,142. The IOB files carry no document ids, so
their overlap with the BLUE/BLURB evaluation sets cannot be checked and nothing is excluded (the
texts are PMC full texts, none of which is in an evaluation corpus of PubMed abstracts).
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader

NAME = "linnaeus"
FILES = {"train": ("train.tsv",), "validation": ("devel.tsv",), "test": ("test.tsv",)}
ENTITY_TYPES = (
    ("Species", "a species or other organism name, scientific or common, e.g. 'Escherichia coli', "
                "'mouse', 'patients' when it names humans"),
)


CORPORA = (
    Corpus(
        name=NAME,
        display_name="LINNAEUS",
        task_type="ner",
        metric="entity_f1",
        reader=iob_reader(NAME, FILES, entity_types=ENTITY_TYPES, closed=True),
        folder=NAME,
        files=FILES,
        split_sizes={"train": 11935, "validation": 4078, "test": 7142},
        license="CC BY 4.0",
        citation=(
            "Gerner M, Nenadic G, Bergman CM. LINNAEUS: a species name identification system for biomedical "
            "literature. BMC Bioinformatics. 2010;11:85."
        ),
        homepage="http://linnaeus.sourceforge.net/",
        description="Species name mentions in 100 PMC full-text articles.",
        role="train",
        access=(
            "Public: copy train.tsv, devel.tsv and test.tsv of data/linnaeus-IOB/ in "
            "https://github.com/cambridgeltl/MTL-Bioinformatics-2016 (commit df0df02) into linnaeus/."
        ),
        entity_types=ENTITY_TYPES,
            ),
)
