"""NCBI-disease (Doğan et al. 2014): disease mentions in PubMed abstracts; a BLURB NER dataset.

``ncbi_disease`` is BLURB's evaluation unit: the sentences of the CoNLL/IOB2 files BLURB starts from
(5,424 / 923 / 940 sentences; 5,134 / 787 / 960 mentions). The files carry no document ids, so a
sentence's id is its split and position: ``ncbi_disease-test-00123``.

``ncbi_disease_abstracts`` reads the official release (593 / 100 / 100 abstracts; 5,145 / 787 / 960
mentions, offsets over ``title + " " + abstract``). Its four mention classes (SpecificDisease,
DiseaseClass, Modifier, CompositeMention) are merged into the one type BLURB scores, ``Disease``; the
class stays in the entity id (``…-E3-Modifier``) and the MeSH/OMIM ids in ``normalized``. The record
id is ``ncbi_disease_abstracts-<PMID>``.

Quirks of the release, handled here and in :mod:`~mnlu_instruct.formats.pubtator`:

- the training file lists PMID 8528200 twice (identical copies, 11 mentions each); both are read, the
  second with the id suffix ``-2``; the IOB training file has the document once, hence 5,134 = 5,145 - 11;
- one training mention (PMID 10923035, 711-761) carries two trailing spaces that the text does not;
- two training mentions end one character before their word ends (``autosomal dominant disorde``,
  ``absence of the seventh component of complemen``); the IOB files extend them to the whole token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.iob_corpus import iob_reader
from ..formats.pubtator import read_pubtator, title_abstract_passages
from ..schema import Entity, KBDocument, validate_kb

ENTITY_TYPES = (
    (
        "Disease",
        "a disease or disorder, a class of diseases, or a disease name used as a modifier "
        "(e.g. 'colorectal cancer', 'tumour' in 'tumour suppressor')",
    ),
)
MENTION_CLASSES = ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")
IOB_FILES = {
    "train": ("blurb_iob/train.tsv",),
    "validation": ("blurb_iob/devel.tsv",),
    "test": ("blurb_iob/test.tsv",),
}
ABSTRACT_FILES = {
    "train": ("original/NCBItrainset_corpus.txt",),
    "validation": ("original/NCBIdevelopset_corpus.txt",),
    "test": ("original/NCBItestset_corpus.txt",),
}
CITATION = (
    "Doğan RI, Leaman R, Lu Z. NCBI disease corpus: a resource for disease name recognition and concept "
    "normalization. J Biomed Inform. 2014;47:1-10. doi:10.1016/j.jbi.2013.12.006"
)
PUBLIC_DOMAIN = "Public domain (NCBI notice: a United States Government Work, no restriction on use or reproduction)"
HOMEPAGE = "https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/"


def read_abstracts(folder: Path, split: str) -> Iterator[KBDocument]:
    """The official release's abstracts, every mention typed ``Disease`` (its class kept in the id)."""
    path = folder / ABSTRACT_FILES[split][0]
    seen: Counter[str] = Counter()
    # The training file holds PMID 8528200 twice (see above); elsewhere a repeated document is an error.
    for document in read_pubtator(path, types=MENTION_CLASSES, unique=split != "train"):
        seen[document.pmid] += 1
        suffix = "" if seen[document.pmid] == 1 else f"-{seen[document.pmid]}"
        doc_id = f"ncbi_disease_abstracts-{document.pmid}{suffix}"
        doc = KBDocument(
            id=doc_id,
            document_id=document.pmid,
            text=document.text,
            passages=title_abstract_passages(doc_id, len(document.title), len(document.text)),
            entities=tuple(
                Entity(
                    id=f"{doc_id}-E{k}-{m.type}",
                    type="Disease",
                    text=(m.text,),
                    offsets=((m.start, m.end),),
                    normalized=tuple(("OMIM" if c.startswith("OMIM:") else "MeSH", c) for c in m.ids),
                )
                for k, m in enumerate(document.mentions)
            ),
        )
        yield validate_kb(doc, corpus="ncbi_disease_abstracts", source=f"{path} (line {document.line})")



NCBI_DISEASE_IOB = Corpus(
    name="ncbi_disease",
    display_name="NCBI-disease",
    reader=iob_reader("ncbi_disease", IOB_FILES, entity_types=ENTITY_TYPES, closed=True),
    files=IOB_FILES,
    split_sizes={"train": 5424, "validation": 923, "test": 940},
    license=f"CC BY 4.0 (MTL-Bioinformatics-2016 IOB conversion); corpus: {PUBLIC_DOMAIN}",
    description=(
        "Disease mention recognition in PubMed abstracts (one Disease type), scored on the sentences of "
        "BLURB's IOB2 files."
    ),
    access=(
        "Public: copy data/NCBI-disease-IOB/{train,devel,test}.tsv of "
        "https://github.com/cambridgeltl/MTL-Bioinformatics-2016 (commit df0df02) into ncbi_disease/blurb_iob/."
    ),
    task_type="ner",
    metric="entity_f1",
    folder="ncbi_disease",
    citation=CITATION,
    homepage=HOMEPAGE,
    role="eval",
    entity_types=ENTITY_TYPES,
)

CORPORA = (
    NCBI_DISEASE_IOB,
    replace(
        NCBI_DISEASE_IOB,
        name="ncbi_disease_abstracts",
        display_name="NCBI-disease (abstracts)",
        reader=read_abstracts,
        files=ABSTRACT_FILES,
        split_sizes={"train": 593, "validation": 100, "test": 100},
        license=PUBLIC_DOMAIN,
        description=(
            "The official NCBI-disease release at abstract level (the documents of BLURB's NCBI-disease), its "
            "four mention classes merged into Disease, with MeSH/OMIM concept ids."
        ),
        access=(
            f"Public: download NCBItrainset_corpus.txt, NCBIdevelopset_corpus.txt and NCBItestset_corpus.txt from "
            f"{HOMEPAGE} (or original-data/ of https://github.com/spyysalo/ncbi-disease) into ncbi_disease/original/."
        ),
    ),
)
