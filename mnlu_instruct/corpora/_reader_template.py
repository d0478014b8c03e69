"""TEMPLATE for a new corpus reader: copy to ``mnlu_instruct/corpora/<corpus>.py`` and fill in every TODO.

Modules whose name starts with ``_`` are not registered, so this file never shows up in ``mnlu corpora``.
See CONTRIBUTING.md for the whole checklist (fixture, tests, README and card).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..corpus import Corpus
from ..schema import CorpusFormatError, Entity, KBDocument, Passage, validate_kb

NAME = "my_corpus"  # TODO: lower_snake name, unique across the registry
FILES = {  # TODO: the files each split needs, relative to the corpus folder in the data directory
    "train": ("train.tsv",),
    "validation": ("dev.tsv",),
    "test": ("test.tsv",),
}


def read(folder: Path, split: str) -> Iterator[KBDocument]:
    """TODO: parse the official files; yield validated records with ids unique across all splits."""
    path = folder / FILES[split][0]
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != 2:  # TODO: the format's own checks; always name the file and line
                raise CorpusFormatError(path, f"line {number}", f"expected 2 columns, found {len(cells)}")
            doc_id, text = cells
            entity = Entity(id=f"{doc_id}-E0", type="Disease", text=(text,), offsets=((0, len(text)),))
            doc = KBDocument(
                id=f"{NAME}-{split}-{doc_id}",
                document_id=doc_id,
                text=text,
                passages=(Passage(id=f"{doc_id}-P0", type="sentence", offsets=((0, len(text)),)),),
                entities=(entity,),
            )
            yield validate_kb(doc, corpus=NAME, source=str(path))


CORPORA = (
    Corpus(
        name=NAME,
        display_name="My Corpus",  # TODO
        task_type="ner",  # TODO: ner | re | ee | dc | nli | sts | qa
        metric="entity_f1",  # TODO: one of mnlu_instruct.corpus.METRICS, the benchmark's official metric
        reader=read,
        folder=NAME,
        files=FILES,
        split_sizes={"train": 0, "validation": 0, "test": 0},  # TODO: documented example counts
        license="TODO: as the source states it",
        citation="TODO",
        homepage="TODO",
        description="TODO: one paragraph",
        benchmarks=(),  # TODO: ("blue",), ("blurb",), both, or () for a training source
        role="train",  # TODO: "train" for MNLU-Instruct sources, "eval" for BLUE/BLURB sets
        entity_types=(("Disease", "TODO: a one-line definition shown in the instruction"),),
    ),
)
