"""BC5CDR-chemical and BC5CDR-disease as BLUE scores them: against the official PubTator character offsets.

BLUE's ``eval_ner.py`` (ncbi-nlp/BLUE_Benchmark @ c497c41) compares predicted mentions with the gold
mentions of the official release (``CDR_TestSet.PubTator.txt``) by document and character offsets. BLURB's
IOB sentences, which ``bc5cdr_chem`` and ``bc5cdr_disease`` read, tokenise a few mentions differently (the
test set has four ``Ca2`` tokens where the official mention is ``Ca``, PMID 24840785, and ``acidA`` inside
``gamma-aminobutyric acid``, PMID 1361574), so BLUE's tasks read the release itself.

A unit is a sentence of a title or abstract (the package's rule-based splitter; sentences are joined where a
mention of either type would cross a break): 4,563 / 4,566 / 4,798 sentences, id ``<corpus>-<PMID>-S<k>``. Its
gold mentions are the release's mentions inside it, at their offsets, so a gold answer placed back on the text
gives the official offsets. Mentions: chemical 5,203 / 5,347 / 5,385, disease 4,182 / 4,244 / 4,424, as BLUE's
README lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from ..corpus import Corpus
from ..formats.sentences import Span, merge_spans, split_sentences
from ..schema import Entity, KBDocument, validate_kb
from .bc5cdr import ABSTRACT_FILES, CHEMICAL, CITATION, DISEASE, HOMEPAGE, RELEASE_LICENSE, read_abstracts


def sentence_spans(doc: KBDocument) -> list[Span]:
    """The sentences of the title and of the abstract, joined where a mention crosses a break."""
    spans: list[Span] = []
    for passage in doc.passages:
        for start, end in passage.offsets:
            spans.extend(split_sentences(doc.text, start, end))
    return merge_spans(spans, [(e.offsets[0][0], e.offsets[-1][1]) for e in doc.entities])


def sentence_reader(corpus: str) -> Callable[[Path, str], Iterator[KBDocument]]:
    """A reader of the release's sentences, with the mentions of every type (the view asks the corpus's own)."""

    def read(folder: Path, split: str) -> Iterator[KBDocument]:
        path = folder / ABSTRACT_FILES[split][0]
        for doc in read_abstracts(folder, split):
            for number, (lo, hi) in enumerate(sentence_spans(doc)):
                unit_id = f"{corpus}-{doc.document_id}-S{number}"
                inside = [e for e in doc.entities if lo <= e.offsets[0][0] < hi]
                entities = tuple(
                    Entity(
                        id=f"{unit_id}-E{k}",
                        type=e.type,
                        text=e.text,
                        offsets=tuple((start - lo, end - lo) for start, end in e.offsets),
                        normalized=e.normalized,
                    )
                    for k, e in enumerate(inside)
                )
                unit = KBDocument(id=unit_id, document_id=doc.document_id, text=doc.text[lo:hi], entities=entities)
                yield validate_kb(unit, corpus=corpus, source=f"{path} (PMID {doc.document_id})")

    return read


BC5CDR_CHEM_BLUE = Corpus(
    name="bc5cdr_chem_blue",
    display_name="BC5CDR-chemical (BLUE)",
    task_type="ner",
    metric="entity_f1",
    reader=sentence_reader("bc5cdr_chem_blue"),
    folder="bc5cdr",
    files=ABSTRACT_FILES,
    split_sizes={"train": 4563, "validation": 4566, "test": 4798},
    mention_counts={"train": 5203, "validation": 5347, "test": 5385},
    license=RELEASE_LICENSE,
    citation=CITATION,
    homepage=HOMEPAGE,
    description="Chemical mention recognition in the sentences of the official BC5CDR release, scored as BLUE "
    "scores it: against the release's mentions and offsets.",
    access=(
        "Public: copy CDR_TrainingSet.PubTator.txt, CDR_DevelopmentSet.PubTator.txt and CDR_TestSet.PubTator.txt "
        "(CDR_Data.zip, https://ftp.ncbi.nlm.nih.gov/pub/lu/BC5CDR/) into bc5cdr/original/."
    ),
    entity_types=(CHEMICAL,),
)

CORPORA = (
    BC5CDR_CHEM_BLUE,
    replace(
        BC5CDR_CHEM_BLUE,
        name="bc5cdr_disease_blue",
        display_name="BC5CDR-disease (BLUE)",
        reader=sentence_reader("bc5cdr_disease_blue"),
        description="Disease mention recognition in the sentences of the official BC5CDR release, scored as BLUE "
        "scores it: against the release's mentions and offsets.",
        entity_types=(DISEASE,),
        mention_counts={"train": 4182, "validation": 4244, "test": 4424},
    ),
)
