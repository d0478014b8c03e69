"""BC5CDR (Li et al. 2016): chemical and disease mentions and chemical-induced-disease relations.

``bc5cdr_chem`` and ``bc5cdr_disease`` are the BLUE/BLURB NER datasets: the sentences of the CoNLL/IOB2
files BLURB starts from (4,560 / 4,581 / 4,797 sentences each; chemical mentions 5,203 / 5,347 / 5,385,
disease mentions 4,182 / 4,246 / 4,424 — the development IOB file has 2 disease mentions more than the
PubTator release's 4,244). ``bc5cdr_abstracts`` reads the official PubTator release (500 abstracts per
split) with both types; CID relations are kept as document-level relations between MeSH concept ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader
from ..formats.pubtator import read_pubtator
from ..schema import Entity, KBDocument, Passage, Relation, validate_kb
from ..views import span_view

CHEMICAL = ("Chemical", "a chemical compound or drug (e.g. 'naloxone', 'lithium carbonate')")
DISEASE = ("Disease", "a disease, disorder, syndrome or symptom (e.g. 'hypotension', 'delirium')")
SPLIT_FILES = {"train": "train.tsv", "validation": "devel.tsv", "test": "test.tsv"}
CHEM_FILES = {split: (f"blurb_iob/BC5CDR-chem-IOB/{name}",) for split, name in SPLIT_FILES.items()}
DISEASE_FILES = {split: (f"blurb_iob/BC5CDR-disease-IOB/{name}",) for split, name in SPLIT_FILES.items()}
ABSTRACT_FILES = {
    "train": ("original/CDR_TrainingSet.PubTator.txt",),
    "validation": ("original/CDR_DevelopmentSet.PubTator.txt",),
    "test": ("original/CDR_TestSet.PubTator.txt",),
}
CITATION = (
    "Li J, Sun Y, Johnson RJ, et al. BioCreative V CDR task corpus: a resource for chemical disease relation "
    "extraction. Database (Oxford). 2016;2016:baw068. doi:10.1093/database/baw068"
)
LICENSE = "No licence file; BigBio lists Public Domain Mark 1.0; CoNLL conversion CC BY 4.0 (MTL-Bioinformatics-2016)"
HOMEPAGE = "https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/"


def read_abstracts(folder: Path, split: str) -> Iterator[KBDocument]:
    """The PubTator release: Chemical and Disease mentions, CID relations between MeSH ids."""
    path = folder / ABSTRACT_FILES[split][0]
    for document in read_pubtator(path):
        doc_id = f"bc5cdr_abstracts-{document.pmid}"
        title_end = len(document.title)
        doc = KBDocument(
            id=doc_id,
            document_id=document.pmid,
            text=document.text,
            passages=(
                Passage(id=f"{doc_id}-title", type="title", offsets=((0, title_end),)),
                Passage(id=f"{doc_id}-abstract", type="abstract", offsets=((title_end + 1, len(document.text)),)),
            ),
            entities=tuple(
                Entity(
                    id=f"{doc_id}-E{k}",
                    type=m.type,
                    text=(m.text,),
                    offsets=((m.start, m.end),),
                    normalized=tuple(("MeSH", concept) for concept in m.ids),
                )
                for k, m in enumerate(document.mentions)
            ),
            relations=tuple(
                Relation(id=f"{doc_id}-R{k}", type=row[0], arg1_id=row[1], arg2_id=row[2])
                for k, row in enumerate(document.relations)
            ),
        )
        yield validate_kb(doc, corpus="bc5cdr_abstracts", source=f"{path} (line {document.line})")


COMMON = dict(
    task_type="ner",
    metric="entity_f1",
    view=span_view,
    folder="bc5cdr",
    license=LICENSE,
    citation=CITATION,
    homepage=HOMEPAGE,
    benchmarks=("blue", "blurb"),
    role="eval",
)

CORPORA = (
    Corpus(
        name="bc5cdr_chem",
        display_name="BC5CDR-chemical",
        reader=iob_reader("bc5cdr_chem", CHEM_FILES),
        files=CHEM_FILES,
        split_sizes={"train": 4560, "validation": 4581, "test": 4797},
        description="Chemical mention recognition in PubMed abstracts (BLUE/BLURB sentence-level IOB2 files).",
        entity_types=(CHEMICAL,),
        **COMMON,
    ),
    Corpus(
        name="bc5cdr_disease",
        display_name="BC5CDR-disease",
        reader=iob_reader("bc5cdr_disease", DISEASE_FILES),
        files=DISEASE_FILES,
        split_sizes={"train": 4560, "validation": 4581, "test": 4797},
        description="Disease mention recognition in PubMed abstracts (BLUE/BLURB sentence-level IOB2 files).",
        entity_types=(DISEASE,),
        **COMMON,
    ),
    Corpus(
        name="bc5cdr_abstracts",
        display_name="BC5CDR (abstracts)",
        reader=read_abstracts,
        files=ABSTRACT_FILES,
        split_sizes={"train": 500, "validation": 500, "test": 500},
        description="The official BC5CDR release at abstract level: chemicals, diseases and CID relations.",
        entity_types=(CHEMICAL, DISEASE),
        **COMMON,
    ),
)
