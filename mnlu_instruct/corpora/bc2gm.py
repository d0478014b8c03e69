"""BC2GM (Smith et al. 2008): gene and gene-product mentions in PubMed sentences; a BLURB NER dataset.

BLURB's files are the CoNLL/IOB2 conversion of Crichton et al. (2017) (``blurb_iob/``; BLURB only drops
the ``-GENE`` suffix), whose development set is carved out of the official training set: 12,574 / 2,519 /
5,038 sentences with 15,197 / 3,061 / 6,325 mentions. The files carry no document ids, so each sentence
is its own document. Scoring is BLURB's strict entity match on these files (the official BioCreative II
evaluation also accepted the alternative boundaries of ``ALTGENE.eval``, which these files do not carry).
"""

from __future__ import annotations

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader

FILES = {
    "train": ("blurb_iob/train.tsv",),
    "validation": ("blurb_iob/devel.tsv",),
    "test": ("blurb_iob/test.tsv",),
}
ENTITY_TYPES = (("Gene", "a gene or gene product, such as a protein or an RNA (e.g. 'BRCA1', 'insulin receptor')"),)

CORPORA = (
    Corpus(
        name="bc2gm",
        display_name="BC2GM",
        task_type="ner",
        metric="entity_f1",
        reader=iob_reader("bc2gm", FILES, type_map={"GENE": "Gene"}, entity_types=ENTITY_TYPES, closed=True),
        folder="bc2gm",
        files=FILES,
        split_sizes={"train": 12574, "validation": 2519, "test": 5038},
        license="CC BY 4.0 (MTL-Bioinformatics-2016 conversion: the corpora 'can be re-distributed')",
        citation=(
            "Smith L, Tanabe LK, Ando RJ, et al. Overview of BioCreative II gene mention recognition. "
            "Genome Biol. 2008;9(Suppl 2):S2. doi:10.1186/gb-2008-9-s2-s2"
        ),
        homepage="https://biocreative.bioinformatics.udel.edu/tasks/biocreative-ii/task-1a-gene-mention-tagging/",
        description="Gene and gene-product mention recognition in PubMed sentences (BLURB's IOB2 files).",
        access=(
            "Public: cambridgeltl/MTL-Bioinformatics-2016 data/BC2GM-IOB/{train,devel,test}.tsv, unchanged, "
            "into bc2gm/blurb_iob/."
        ),
        entity_types=ENTITY_TYPES,
    ),
)
