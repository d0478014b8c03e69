"""BC5CDR (Li et al. 2016): chemical and disease mentions and chemical-induced-disease relations.

``bc5cdr_chem`` and ``bc5cdr_disease`` are the BLUE/BLURB NER datasets: the sentences of the CoNLL/IOB2
files BLURB starts from (4,560 / 4,581 / 4,797 sentences in each; chemical mentions 5,203 / 5,347 / 5,385,
disease mentions 4,182 / 4,246 / 4,424). The files carry no document ids, so a sentence's id is its split
and position (``bc5cdr_chem-test-00123``). The development IOB file has 2 disease mentions more than the
PubTator release (4,244): the sentence splitter broke "St. Anthony's fire" (PMID 3300918, twice) after
"St.", so each mention became two.

``bc5cdr_abstracts`` reads the official PubTator release (500 abstracts per split, id
``bc5cdr_abstracts-<PMID>``) with both types and their MeSH ids (``-1``, no id, is left out; the extra
column that lists the parts of a composite mention is not kept). The CID relations (1,038 / 1,012 /
1,066) are document-level relations between MeSH concept ids (``arg1_id`` the chemical, ``arg2_id`` the
disease), not mention pairs; each concept must be the id of a mention of the abstract.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader
from ..formats.pubtator import read_pubtator, title_abstract_passages
from ..schema import CorpusFormatError, Entity, KBDocument, Relation, validate_kb

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
    "Li J, Sun Y, Johnson RJ, Sciaky D, Wei C-H, Leaman R, Davis AP, Mattingly CJ, Wiegers TC, Lu Z. "
    "BioCreative V CDR task corpus: a resource for chemical disease relation extraction. Database (Oxford). "
    "2016;2016:baw068. doi:10.1093/database/baw068"
)
RELEASE_LICENSE = "No licence file in the release; BigBio lists Public Domain Mark 1.0"
IOB_LICENSE = f"CC BY 4.0 (MTL-Bioinformatics-2016 IOB conversion); corpus: {RELEASE_LICENSE}"
HOMEPAGE = "https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/"


def iob_access(kind: str) -> str:
    return (
        f"Public: copy data/BC5CDR-{kind}-IOB/{{train,devel,test}}.tsv of "
        "https://github.com/cambridgeltl/MTL-Bioinformatics-2016 (commit df0df02) into "
        f"bc5cdr/blurb_iob/BC5CDR-{kind}-IOB/."
    )


def read_abstracts(folder: Path, split: str) -> Iterator[KBDocument]:
    """The PubTator release: Chemical and Disease mentions, CID relations between MeSH ids."""
    path = folder / ABSTRACT_FILES[split][0]
    for document in read_pubtator(path, types=(CHEMICAL[0], DISEASE[0]), unique=True):
        doc_id = f"bc5cdr_abstracts-{document.pmid}"
        concepts = {concept for m in document.mentions for concept in m.ids}
        for row in document.relations:
            if len(row) != 3 or not {row[1], row[2]} <= concepts:
                raise CorpusFormatError(
                    path, f"document {document.pmid} (line {document.line})",
                    f"relation {row} is not TYPE, chemical id, disease id over concepts of its mentions",
                )
        doc = KBDocument(
            id=doc_id,
            document_id=document.pmid,
            text=document.text,
            passages=title_abstract_passages(doc_id, len(document.title), len(document.text)),
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



BC5CDR_CHEM = Corpus(
    name="bc5cdr_chem",
    display_name="BC5CDR-chemical",
    reader=iob_reader("bc5cdr_chem", CHEM_FILES, entity_types=(CHEMICAL,), closed=True),
    files=CHEM_FILES,
    split_sizes={"train": 4560, "validation": 4581, "test": 4797},
    license=IOB_LICENSE,
    description="Chemical mention recognition in PubMed abstracts, scored on the sentences of BLURB's IOB2 files.",
    access=iob_access("chem"),
    entity_types=(CHEMICAL,),
    task_type="ner",
    metric="entity_f1",
    folder="bc5cdr",
    citation=CITATION,
    homepage=HOMEPAGE,
    role="eval",
)

CORPORA = (
    BC5CDR_CHEM,
    replace(
        BC5CDR_CHEM,
        name="bc5cdr_disease",
        display_name="BC5CDR-disease",
        reader=iob_reader("bc5cdr_disease", DISEASE_FILES, entity_types=(DISEASE,), closed=True),
        files=DISEASE_FILES,
        split_sizes={"train": 4560, "validation": 4581, "test": 4797},
        license=IOB_LICENSE,
        description="Disease mention recognition in PubMed abstracts, scored on the sentences of BLURB's IOB2 files.",
        access=iob_access("disease"),
        entity_types=(DISEASE,),
    ),
    replace(
        BC5CDR_CHEM,
        name="bc5cdr_abstracts",
        display_name="BC5CDR (abstracts)",
        reader=read_abstracts,
        files=ABSTRACT_FILES,
        split_sizes={"train": 500, "validation": 500, "test": 500},
        license=RELEASE_LICENSE,
        description=(
            "The official BC5CDR release at abstract level (the documents of BC5CDR-chemical and -disease): "
            "chemical and disease mentions with MeSH ids, and chemical-induced-disease relations between concepts."
        ),
        access=(
            "Public: copy CDR_TrainingSet.PubTator.txt, CDR_DevelopmentSet.PubTator.txt and CDR_TestSet.PubTator.txt "
            "(CDR_Data.zip, https://ftp.ncbi.nlm.nih.gov/pub/lu/BC5CDR/, or BC5-CDR/original-data/ of "
            "https://github.com/cambridgeltl/bmip-2018) into bc5cdr/original/."
        ),
        entity_types=(CHEMICAL, DISEASE),
    ),
)
